"""The sections of a territory's web page, as template context built from published figures only.

Every number comes from a `Facts` (pub_indicateurs and pub_derives, oress.publish.facts): a secret cell
prints `s`, a ratio over a published zero `–`. A chart is a table whose cells carry a bar (`barre`, its
width in % of the column's largest value): the table behind the chart is the chart itself.
"""
from __future__ import annotations

from oress.publish import formatting as fmt
from oress.publish import phrases
from oress.publish.facts import Facts, Figure
from oress.publish.panorama import CARDS, champ_label, champ_rows, compared

# int_modalites orders ages by code; the reading order. 50+ is INSEE's BTS band (delivered tables).
MODALITY_ORDER = {"age": ("<30", "30-39", "40-49", "50-54", "55+", "50+")}


def cell(figure: Figure, formatter, bar: bool = False) -> dict:
    return {"texte": figure.shown(formatter), "valeur": figure.value if bar else None}


def text(value: str) -> dict:
    return {"texte": value, "valeur": None}


def table(caption: str, headers: list[str], rows: list[dict], note: str | None = None) -> dict:
    """A table: a column where a cell asks for a bar is a bar column; each bar's width is its value over the
    column's largest positive value (a cell without a value keeps an empty track, so columns stay aligned)."""
    bars = []
    for column in range(len(headers) - 1):
        values = [r["cellules"][column]["valeur"] for r in rows if r["cellules"][column]["valeur"] is not None]
        if values:
            bars.append(column)
        top = max([v for v in values if v > 0], default=0)
        for r in rows:
            value = r["cellules"][column]["valeur"]
            r["cellules"][column]["barre"] = round(100 * value / top, 1) if value is not None and top and value > 0 \
                else 0
    secret = any(c["texte"] == fmt.SECRET for r in rows for c in r["cellules"])
    return {"legende": caption, "entetes": headers, "lignes": rows, "note": note, "secret": secret, "barres": bars}


def line(label: str, cells: list[dict], classe: str = "", href: str | None = None) -> dict:
    return {"libelle": label, "cellules": cells, "classe": classe, "lien": href}


def key_figures(facts: Facts, labels: dict[str, str]) -> dict:
    cards = []
    for measure, formatter, nouns, share_label in CARDS:
        value = facts.cell("ess", measure)
        share = facts.get("part_dans_ensemble", "ess", measure)
        noun = nouns[1] if measure == "remuneration_brute" or not value.known else fmt.pluriel(value.value, *nouns)
        cards.append({"mesure": measure, "valeur": value.shown(formatter), "libelle": noun,
                      "part": f"{share.shown(fmt.pourcent)} {share_label.format(zone=phrases.zone(facts))}"
                      if share.known else ""})
    sentences = [s for s in (phrases.overview(facts, facts.millesime), phrases.weight(facts, labels),
                             phrases.gaps(facts), phrases.private_weight(facts, labels)) if s]
    return {"cartes": cards, "phrases": sentences}


def families(facts: Facts) -> dict:
    rows = [line(champ_label(facts, champ), [
        cell(facts.cell(champ, "etablissements"), fmt.entier), cell(facts.cell(champ, "postes"), fmt.entier),
        cell(facts.cell(champ, "etp"), fmt.entier), cell(facts.cell(champ, "remuneration_brute"), fmt.millions_euros),
        text("") if champ == "ensemble" else cell(facts.get("part_dans_ensemble", champ), fmt.pourcent, bar=True)],
        classe) for champ, classe in champ_rows(facts)]
    return {"tableau": table("Établissements, postes, ETP et rémunérations par famille de l’ESS et par champ",
                             ["Champ", "Établissements", "Postes au 31/12", "ETP", "Rémunérations brutes",
                              "Part de l’emploi salarié"], rows),
            "phrases": phrases.families(facts)}


def weight(facts: Facts, labels: dict[str, str], links: dict[str, str]) -> dict:
    """The ESS share of employment against the département, the région and France; ranks among peers."""
    rows = [line(facts.libelle, [cell(facts.get("part_dans_ensemble", "ess"), fmt.pourcent, bar=True), text(""),
                                 cell(facts.get("part_dans_prive", "ess"), fmt.pourcent, bar=True), text("")], "ess")]
    for reference in facts.references():
        rows.append(line(labels.get(reference, reference), [
            cell(facts.reference_value("part_dans_ensemble", "ess", reference), fmt.pourcent, bar=True),
            cell(facts.get("ecart_part_dans_ensemble", "ess", reference=reference), fmt.ecart),
            cell(facts.reference_value("part_dans_prive", "ess", reference), fmt.pourcent, bar=True),
            cell(facts.get("ecart_part_dans_prive", "ess", reference=reference), fmt.ecart)],
            "", links.get(reference)))
    rank = phrases.rank_sentence(facts)
    return {"tableau": table("Poids de l’ESS comparé au département, à la région et à la France",
                             ["Territoire", "Part de l’emploi salarié total", "Écart du territoire (points)",
                              "Part de l’emploi privé", "Écart du territoire (points)"], rows),
            "rang": rank}


def sectors(facts: Facts, region: Facts | None, modalities: list[dict], region_label: str) -> dict | None:
    if not facts.has_dimension("secteur"):
        return None
    tops = [m for m in modalities if not m["parent"]]
    ordered = [x for top in tops for x in [top] + [m for m in modalities if m["parent"] == top["modalite"]]]
    rows = []
    for m in ordered:
        code = m["modalite"]
        reference = region.get("part_dans_ensemble", "ess", "postes", "secteur", code) if region else Figure(None)
        rows.append(line(m["libelle"], [
            cell(facts.cell("ess", "etablissements", "secteur", code), fmt.entier),
            cell(facts.cell("ess", "postes", "secteur", code), fmt.entier),
            cell(facts.get("repartition", "ess", "postes", "secteur", code), fmt.pourcent, bar=not m["parent"]),
            cell(facts.get("part_dans_ensemble", "ess", "postes", "secteur", code), fmt.pourcent),
            cell(reference, fmt.pourcent)], "detail" if m["parent"] else ""))
    return {"tableau": table("Établissements et postes de l’ESS par secteur d’activité",
                             ["Secteur d’activité", "Établissements de l’ESS", "Postes de l’ESS",
                              "Répartition des postes de l’ESS", "Poids de l’ESS dans le secteur",
                              f"Poids de l’ESS dans le secteur — {region_label}"], rows),
            "phrases": phrases.sectors(facts, [(t["modalite"], t["libelle"]) for t in tops], "secteur")}


def sizes(facts: Facts) -> dict | None:
    if not facts.has_dimension("taille"):
        return None
    rows = [line(label, [
        cell(facts.cell("ess", "etablissements", "taille", size), fmt.entier),
        cell(facts.cell("ess", "postes", "taille", size), fmt.entier),
        cell(facts.get("repartition", "ess", "postes", "taille", size), fmt.pourcent, bar=True),
        cell(facts.get("repartition", "prive_hors_ess", "postes", "taille", size), fmt.pourcent),
        cell(facts.get("repartition", "public", "postes", "taille", size), fmt.pourcent)])
        for size, label in facts.classes.sizes]
    return {"tableau": table("Établissements et postes par taille d’établissement",
                             ["Taille de l’établissement", "Établissements de l’ESS", "Postes de l’ESS",
                              "Répartition des postes — ESS", "Répartition des postes — privé hors ESS",
                              "Répartition des postes — public"], rows),
            "phrases": phrases.sizes(facts)}


def profile(facts: Facts, modalities: dict[str, list[dict]]) -> dict:
    """Shares of posts by sex, age, CSP, working time and contract, ESS against privé hors ESS and public."""
    tables, champs = [], compared(facts)
    for dimension in facts.classes.job_dimensions:   # ref_dimensions where emploi
        if not facts.has_dimension(dimension):
            continue
        # the modalities the territory has a job in (or a secret cell for); the others would be rows of zeros
        present = {key[2] for key, c in facts.cells.items() if key[1] == dimension and key[0] == "ensemble"
                   and (c["secret"] or c["postes"])}
        order = MODALITY_ORDER.get(dimension, ())
        chosen = sorted((m for m in modalities.get(dimension, []) if m["modalite"] in present),
                        key=lambda m: order.index(m["modalite"]) if m["modalite"] in order else len(order))
        rows = [line(m["libelle"], [cell(facts.cell("ess", "postes", dimension, m["modalite"]), fmt.entier)] + [
            cell(facts.get("repartition", champ, "postes", dimension, m["modalite"]), fmt.pourcent,
                 bar=champ == "ess") for champ, _ in champs]) for m in chosen]
        title = facts.classes.dimension(dimension).label
        tables.append(table(f"Postes salariés selon {title.lower()}",
                            [title, "Postes de l’ESS"] + [f"Répartition — {name}" for _, name in champs], rows))
    wages = [line(champ_label(facts, champ), [cell(facts.get("salaire_moyen_etp", champ, "remuneration_brute"),
                                                   fmt.euros, bar=True)]) for champ, _ in champs]
    return {"tableaux": tables, "phrases": phrases.profile(facts, bool(tables)),
            "salaires": table("Salaire brut annuel moyen par équivalent temps plein",
                              ["Champ", "Salaire brut annuel moyen par ETP"], wages)}


def evolution(facts: Facts) -> dict:
    previous = facts.previous_millesime()
    if previous is None:
        return {"message": f"Le millésime {facts.millesime} est le premier de la série publiée."}
    probe = facts.evolution("evolution_pct", "ensemble")
    if probe is not None and probe[2]:
        return {"message": f"Rupture de série entre {previous} et {facts.millesime} : les deux sources n’ont pas le "
                           "même champ, les évolutions ne sont pas calculées."}
    rows = []
    for champ, classe in champ_rows(facts):
        change = facts.evolution("evolution_pct", champ)
        absolute = facts.evolution("evolution_absolue", champ)
        rows.append(line(champ_label(facts, champ), [
            cell(change[1], fmt.entier) if change else text(fmt.NOT_APPLICABLE),
            cell(facts.cell(champ, "postes"), fmt.entier),
            cell(absolute[0], fmt.entier_signe) if absolute else text(fmt.NOT_APPLICABLE),
            cell(change[0], fmt.evolution_pct) if change else text(fmt.NOT_APPLICABLE)], classe))
    return {"message": None, "phrases": phrases.evolution(facts, previous),
            "tableau": table(f"Postes salariés au 31 décembre, {previous} et {facts.millesime}",
                             ["Champ", str(previous), str(facts.millesime), "Évolution", "Évolution (%)"], rows)}


def communes(members: list[tuple[str, str]], level: dict[str, Facts], links: dict[str, str]) -> dict:
    """members: (code, libellé) of the territory's communes, in name order; the ESS share of each."""
    rows = []
    for code, libelle in members:
        facts = level.get(code)
        empty = Figure(0.0)
        rows.append(line(f"{libelle} ({code})", [
            cell(facts.cell("ess", "postes") if facts else empty, fmt.entier),
            cell(facts.cell("ensemble", "postes") if facts else empty, fmt.entier),
            cell(facts.get("part_dans_ensemble", "ess") if facts else Figure(None), fmt.pourcent, bar=True)],
            href=links.get(code)))
    return table("Postes salariés de l’ESS par commune", ["Commune", "Postes de l’ESS", "Postes (ensemble)",
                                                        "Part de l’ESS dans l’emploi salarié"], rows)


def areas_table(caption: str, first: str, entries: list[tuple[str, str, Facts | None]]) -> dict:
    """Territories (EPCI, pays, départements) with their ESS posts and share, each linked to its page."""
    rows = [line(label, [cell(f.cell("ess", "postes") if f else Figure(None), fmt.entier),
                         cell(f.get("part_dans_ensemble", "ess") if f else Figure(None), fmt.pourcent, bar=True)],
                 href=href) for label, href, f in entries]
    return table(caption, [first, "Postes de l’ESS", "Part de l’ESS dans l’emploi salarié"], rows)
