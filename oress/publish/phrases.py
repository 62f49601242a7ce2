"""Short French sentences stating the main facts of a territory.

Every sentence is built from known (published, non-secret) figures only: a clause whose figure is
secret or not applicable is left out, and a sentence left without its main figure is not written.
Agreement follows the printed value (plural from 2 on); typography is that of oress.publish.formatting.
"""
from __future__ import annotations

from oress.publish import formatting as fmt
from oress.publish.facts import Facts

# sector codes (typologies A and B) → the sector named with its article, for prose
SECTOR_NAMES = {
    "A01": "l’agriculture, la sylviculture et la pêche", "A02": "l’industrie et la construction",
    "A03": "l’hébergement et la restauration", "A04": "les activités financières et d’assurance",
    "A05": "l’enseignement", "A06": "la santé humaine", "A07": "l’action sociale",
    "A08": "les arts et spectacles", "A09": "le sport et les loisirs", "A10": "les activités non classées",
    "A11": "les activités diverses", "AQB01": "l’hébergement médico-social et social",
    "AQB02": "l’aide à domicile", "AQB03": "l’aide par le travail", "AQB04": "l’accueil de jeunes enfants",
    "AQB05": "les autres actions sociales", "B03": "le commerce", "B06": "le soutien aux entreprises",
    "BE01": "la formation d’adultes", "BE02": "l’enseignement primaire, secondaire et supérieur",
    "BE03": "les autres enseignements",
}
SECTOR_NAMES.update({b: SECTOR_NAMES[a] for b, a in (
    ("B01", "A01"), ("B02", "A02"), ("B04", "A03"), ("B05", "A04"), ("B07", "A05"), ("B08", "A06"),
    ("B09", "A07"), ("B10", "A08"), ("B11", "A09"), ("B12", "A10"), ("B13", "A11"))})
# niveau → (singular, plural) for "4ᵉ sur 14 pays"
PEER_NAMES = {"pays": ("pays", "pays"), "epci": ("EPCI", "EPCI"), "departement": ("département", "départements"),
              "region": ("région", "régions"), "petr": ("PETR", "PETR"), "commune": ("commune", "communes")}
REFERENCE_PHRASES = {"departement": "en moyenne départementale", "region": "en moyenne régionale",
                     "france": "en France"}
REFERENCE_NOUNS = {"departement": "la moyenne départementale", "region": "la moyenne régionale",
                   "france": "la référence nationale"}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def enumeration(items: list[str]) -> str:
    """a, b et c"""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def sector_name(code: str, libelle: str) -> str:
    return SECTOR_NAMES.get(code, f"le secteur {fmt.guillemets(libelle)}")


def peers(niveau: str, count: int) -> str:
    singular, plural = PEER_NAMES.get(niveau, ("territoire", "territoires"))
    return plural if count >= 2 else singular


def rank_text(rank: int) -> str:
    number, suffix = fmt.ordinal(rank)
    return number + ("ᵉʳ" if suffix == "er" else "ᵉ")


def rank_sentence(facts: Facts) -> str | None:
    """The territory's rank among its published peers by the ESS's share of all jobs and of private jobs
    (None when it has no rank), as the panorama and the site print it."""
    total, private = facts.rank("part_dans_ensemble"), facts.rank("part_dans_prive")
    if not total:
        return None
    return (f"Rang du territoire parmi les {total[1]} {peers(facts.niveau, total[1])} : "
            f"{rank_text(total[0])} pour la part de l’emploi salarié total"
            + (f", {rank_text(private[0])} pour la part de l’emploi privé" if private else "")
            + " (1ᵉʳ = part la plus forte).")


def zone(facts: Facts) -> str:
    """How prose names the area: "du territoire", "du département", "de la région"."""
    return {"region": "de la région", "departement": "du département"}.get(facts.niveau, "du territoire")


def inside(facts: Facts) -> str:
    return {"region": "dans la région", "departement": "dans le département"}.get(facts.niveau, "sur le territoire")


def _kind(reference: str) -> str:
    return reference.split(" ")[0]


def _reference_clauses(facts: Facts, indicateur: str, labels: dict[str, str]) -> list[str]:
    clauses = []
    for reference in facts.references(indicateur):
        value = facts.reference_value(indicateur, "ess", reference)
        if not value.known:
            continue
        kind = _kind(reference)
        where = REFERENCE_PHRASES.get(kind, f"pour {labels.get(reference, reference)}")
        named = f" ({labels[reference]})" if kind in ("departement", "region") and reference in labels else ""
        clauses.append(f"{fmt.pourcent(value.value)} {where}{named}")
    return clauses


def overview(facts: Facts, millesime: int) -> str | None:
    etablissements, postes = facts.cell("ess", "etablissements"), facts.cell("ess", "postes")
    etp, masse = facts.cell("ess", "etp"), facts.cell("ess", "remuneration_brute")
    if postes.known and postes.value == 0 and etablissements.known and etablissements.value == 0:
        return f"Aucun établissement employeur de l’économie sociale et solidaire n’est recensé {inside(facts)}."
    if not (etablissements.known and postes.known):
        return None
    text = (f"Au 31 décembre {millesime}, l’économie sociale et solidaire (ESS) compte "
            f"{fmt.entier(etablissements.value)} "
            f"{fmt.pluriel(etablissements.value, 'établissement employeur', 'établissements employeurs')} "
            f"et {fmt.entier(postes.value)} {fmt.pluriel(postes.value, 'poste salarié', 'postes salariés')} "
            f"{inside(facts)}")
    extras = []
    if etp.known:
        extras.append(f"{fmt.entier(etp.value)} {fmt.pluriel(etp.value, 'équivalent', 'équivalents')} temps plein")
    if masse.known:
        extras.append(f"{fmt.millions_euros(masse.value)} de rémunérations brutes")
    if extras:
        text += ", soit " + enumeration(extras)
    return text + "."


def weight(facts: Facts, labels: dict[str, str]) -> str | None:
    share = facts.get("part_dans_ensemble", "ess")
    if not share.known:
        return None
    text = f"L’ESS représente {fmt.pourcent(share.value)} de l’emploi salarié {zone(facts)}"
    clauses = _reference_clauses(facts, "part_dans_ensemble", labels)
    if clauses:
        text += ", contre " + enumeration(clauses)
    return text + "."


def gaps(facts: Facts) -> str | None:
    """Ce poids est supérieur de 1,8 point à la moyenne départementale et de 4,3 points à la moyenne régionale."""
    parts, previous = [], None
    for reference in facts.references("part_dans_ensemble"):
        gap = facts.get("ecart_part_dans_ensemble", "ess", reference=reference)
        if not gap.known:
            continue
        noun = REFERENCE_NOUNS.get(_kind(reference), "la référence")
        if fmt.rounded(gap.value, 1) == 0:
            direction, text = "égal", f"égal à {noun}"
        else:
            direction = "supérieur" if gap.value > 0 else "inférieur"
            amount = f"de {fmt.points_texte(gap.value)} à {noun}"
            text = amount if direction == previous else f"{direction} {amount}"
        parts.append(text)
        previous = direction
    if not parts:
        return None
    return "Ce poids est " + enumeration(parts) + "."


def private_weight(facts: Facts, labels: dict[str, str]) -> str | None:
    share = facts.get("part_dans_prive", "ess")
    if not share.known:
        return None
    text = f"Dans l’emploi privé, sa part atteint {fmt.pourcent(share.value)}"
    clauses = _reference_clauses(facts, "part_dans_prive", labels)
    if clauses:
        text += ", contre " + enumeration(clauses)
    return text + "."


def ranks(facts: Facts) -> str | None:
    total, private = facts.rank("part_dans_ensemble"), facts.rank("part_dans_prive")
    if total is None or total[1] < 2:
        return None
    subject = {"departement": "le département", "epci": "l’intercommunalité"}.get(facts.niveau, "le territoire")
    text = (f"Pour le poids de l’ESS dans l’emploi salarié total, {subject} se classe au "
            f"{rank_text(total[0])} rang des {total[1]} {peers(facts.niveau, total[1])} de la publication")
    if private is not None and private[1] >= 2:
        text += f" ; il est au {rank_text(private[0])} rang pour sa part dans l’emploi privé"
    return text + "."


def family_name(facts: Facts, champ: str) -> str:
    """'les associations': the family's label (ref_champs) with its article, for prose."""
    return "les " + facts.classes.champs.label(champ).lower()


def families(facts: Facts) -> list[str]:
    known = [(f, facts.get("part_dans_ess", f)) for f in facts.classes.champs.families]
    known = sorted([(f, v.value) for f, v in known if v.known and v.value > 0], key=lambda fv: (-fv[1], fv[0]))
    if not known:
        return []
    first, share = known[0]
    text = f"{capitalised(family_name(facts, first))} {'concentrent' if share >= 50 else 'regroupent'} " \
           f"{fmt.pourcent(share)} des postes salariés de l’ESS {zone(facts)}"
    if len(known) > 1:
        text += ", devant " + enumeration([f"{family_name(facts, f)} ({fmt.pourcent(v)})" for f, v in known[1:]])
    out = [text + "."]
    region = next((r for r in facts.references() if r.startswith("region")), None)
    own = facts.get("part_dans_ensemble", first)
    ref = facts.reference_value("part_dans_ensemble", first, region) if region else None
    if own.known and ref is not None and ref.known:
        out.append(f"{capitalised(family_name(facts, first))} pèsent {fmt.pourcent(own.value)} de l’emploi salarié "
                   f"total, contre {fmt.pourcent(ref.value)} en moyenne régionale.")
    return out


def sectors(facts: Facts, codes: list[tuple[str, str]], dimension: str = "secteur") -> list[str]:
    """codes: the top-level sectors (code, label). 'premier' only when no sector is secret."""
    values = [(code, label, facts.get("repartition", "ess", dimension=dimension, modalite=code))
              for code, label in codes]
    known = [(code, label, v.value) for code, label, v in values if v.known and v.value > 0]
    if not known:
        return []
    code, label, share = max(known, key=lambda item: (item[2], item[0]))
    name = sector_name(code, label)
    if any(v.secret for _, _, v in values):
        text = f"{capitalised(name)} regroupe {fmt.pourcent(share)} des postes salariés de l’ESS {zone(facts)}."
    else:
        text = (f"{capitalised(name)} est le premier secteur d’emploi de l’ESS {zone(facts)}, avec "
                f"{fmt.pourcent(share)} de ses postes salariés.")
    out = [text]
    weight_in_sector = facts.get("part_dans_ensemble", "ess", dimension=dimension, modalite=code)
    if weight_in_sector.known:
        out.append(f"L’ESS y assure {fmt.pourcent(weight_in_sector.value)} de l’emploi salarié du secteur.")
    return out


def sizes(facts: Facts) -> list[str]:
    out = []
    small_ess = facts.get("repartition", "ess", "etablissements", "taille", "0-9")
    small_private = facts.get("repartition", "prive_hors_ess", "etablissements", "taille", "0-9")
    if small_ess.known:
        text = f"{fmt.pourcent(small_ess.value)} des établissements employeurs de l’ESS comptent moins de 10 postes"
        if small_private.known:
            text += f", contre {fmt.pourcent(small_private.value)} dans le privé hors ESS"
        out.append(text + ".")
    medium = facts.get("repartition", "ess", "postes", "taille", "50-249")
    large = facts.get("repartition", "ess", "postes", "taille", "250+")
    if medium.known and large.known:
        out.append(f"Les établissements de 50 postes ou plus réunissent {fmt.pourcent(medium.value + large.value)} "
                   "des postes salariés de l’ESS.")
    return out


def compared(facts: Facts, indicateur: str, mesure: str, dimension: str, modalite: str) -> tuple:
    """The figure for the ESS, the privé hors ESS and the public sector."""
    return tuple(facts.get(indicateur, champ, mesure, dimension, modalite) for champ in
                 ("ess", "prive_hors_ess", "public"))


def _versus(ess, private, public, formatter) -> str:
    others = []
    if private.known:
        others.append(f"{formatter(private.value)} dans le privé hors ESS")
    if public.known:
        others.append(f"{formatter(public.value)} dans le public")
    return (", contre " + enumeration(others)) if others else ""


def profile(facts: Facts, has_jobs: bool) -> list[str]:
    out = []
    if has_jobs:
        women = compared(facts, "repartition", "postes", "sexe", "2")
        if women[0].known:
            out.append(f"Les femmes occupent {fmt.pourcent(women[0].value)} des postes de l’ESS"
                       f"{_versus(*women, fmt.pourcent)}.")
        old = facts.get("repartition", "ess", "postes", "age", "50-54")
        oldest = facts.get("repartition", "ess", "postes", "age", "55+")
        band = facts.get("repartition", "ess", "postes", "age", "50+")   # INSEE's BTS tables: one band
        if band.known:
            detail = f", dont {fmt.pourcent(oldest.value)} pour les 55 ans ou plus" if oldest.known else ""
            out.append(f"Les salariés de 50 ans ou plus occupent {fmt.pourcent(band.value)} des postes "
                       f"de l’ESS{detail}.")
        elif old.known and oldest.known:
            out.append(f"Les salariés de 50 ans ou plus occupent {fmt.pourcent(old.value + oldest.value)} des postes "
                       f"de l’ESS, dont {fmt.pourcent(oldest.value)} pour les 55 ans ou plus.")
        elif oldest.known:
            out.append(f"Les salariés de 55 ans ou plus occupent {fmt.pourcent(oldest.value)} des postes de l’ESS.")
        part_time = compared(facts, "repartition", "postes", "temps_travail", "partiel_autres")
        if part_time[0].known:
            out.append(f"Le temps partiel concerne {fmt.pourcent(part_time[0].value)} des postes de l’ESS"
                       f"{_versus(*part_time, fmt.pourcent)}.")
    wages = tuple(facts.get("salaire_moyen_etp", champ, "remuneration_brute") for champ in
                  ("ess", "prive_hors_ess", "public"))
    if wages[0].known:
        out.append(f"Le salaire brut annuel moyen par équivalent temps plein s’élève à {fmt.euros(wages[0].value)} "
                   f"dans l’ESS{_versus(*wages, fmt.euros)}.")
    return out


def evolution(facts: Facts, previous: int) -> list[str]:
    found = facts.evolution("evolution_pct", "ess")
    absolute = facts.evolution("evolution_absolue", "ess")
    if found is None or absolute is None:
        return []
    change, _, rupture = found
    if rupture or not change.known or not absolute[0].known:
        return []
    shown = fmt.rounded(change.value, 1)
    amount = absolute[0].value
    posts = f"{fmt.entier_signe(amount)} {fmt.pluriel(amount, 'poste', 'postes')}"
    if shown == 0:
        text = f"Entre {previous} et {facts.millesime}, l’emploi salarié de l’ESS est resté stable ({posts})"
    else:
        verb = "a progressé" if change.value > 0 else "a reculé"
        text = (f"Entre {previous} et {facts.millesime}, l’emploi salarié de l’ESS {verb} de "
                f"{fmt.pourcent(abs(change.value))} ({posts})")
    others = []
    for champ, where in (("prive_hors_ess", "dans le privé hors ESS"), ("public", "dans le public")):
        other = facts.evolution("evolution_pct", champ)
        if other and other[0].known:
            others.append(f"{fmt.evolution_pct(other[0].value)} {where}")
    if others:
        text += ", contre " + enumeration(others)
    return [text + "."]


def communes_above(count: int, published: int, threshold: float) -> str | None:
    """How many communes, among those whose share is published, reach the threshold."""
    if published < 2 or count == 0:
        return None
    where = (f"chacune des {fmt.entier(published)}" if count == published
             else f"{fmt.entier(count)} des {fmt.entier(published)}")
    return (f"L’ESS représente au moins {fmt.pourcent(threshold, 0)} de l’emploi salarié dans {where} communes "
            "du territoire dont la part est publiée.")
