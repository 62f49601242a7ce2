"""Sentences on the ESS's structure: its families, its first sector, the size of its establishments."""
from __future__ import annotations

from oress.publish import formatting as fmt
from oress.publish.facts import Facts
from oress.publish.phrases_words import capitalised, enumeration, family_name, sector_name, zone


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
