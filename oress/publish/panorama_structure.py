"""Pages 2 to 5 of the panorama: key figures, ESS families, sectors of activity and size of establishments."""
from __future__ import annotations

from oress.classifications import FOCUS
from oress.publish import charts, phrases
from oress.publish import formatting as fmt
from oress.publish.facts import Facts, Figure
from oress.publish.panorama_base import (
    ESS_TOTAL,
    Table,
    champ_label,
    champ_rows,
    compared,
    family_label,
    row,
    secret_note,
)

# --- page 2: key figures -------------------------------------------------------------------------
CARDS = (   # measure, format, (singular, plural), what the ESS share is a share of ({zone}: du territoire…)
    ("etablissements", fmt.entier, ("établissement employeur", "établissements employeurs"),
     "des établissements employeurs {zone}"),
    ("postes", fmt.entier, ("poste salarié au 31 décembre", "postes salariés au 31 décembre"),
     "de l’emploi salarié {zone}"),
    ("etp", fmt.entier, ("équivalent temps plein", "équivalents temps plein"), "des équivalents temps plein"),
    ("remuneration_brute", fmt.millions_euros, ("de rémunérations brutes", "de rémunérations brutes"),
     "de la masse salariale brute"),
)


def reference_colour(reference: str | None) -> str:
    """The same grey for the same kind of reference on every chart: département, région, France."""
    order = {None: 0, "departement": 1, "region": 2, "france": 3}
    return charts.REFERENCES[order.get(reference.split(" ")[0] if reference else None, 3)]


def key_figures_page(facts: Facts, labels: dict[str, str], libelle: str) -> dict:
    cards = []
    for measure, formatter, nouns, share_label in CARDS:
        value = facts.cell("ess", measure)
        share = facts.get("part_dans_ensemble", "ess", measure)
        noun = nouns[1] if measure == "remuneration_brute" or not value.known else fmt.pluriel(value.value, *nouns)
        cards.append({"valeur": value.shown(formatter), "libelle": noun,
                      "part": f"{share.shown(fmt.pourcent)} {share_label.format(zone=phrases.zone(facts))}"
                      if share.known else ""})
    sentences = [s for s in (phrases.overview(facts, facts.millesime), phrases.weight(facts, labels),
                             phrases.gaps(facts), phrases.private_weight(facts, labels), phrases.ranks(facts)) if s]
    rows = [row(libelle, [facts.get("part_dans_ensemble", "ess").shown(fmt.pourcent), "",
                          facts.get("part_dans_prive", "ess").shown(fmt.pourcent), ""], "ess")]
    series = [charts.Series(libelle, (facts.get("part_dans_ensemble", "ess").value,
                                      facts.get("part_dans_prive", "ess").value), reference_colour(None))]
    for reference in facts.references():
        total = facts.reference_value("part_dans_ensemble", "ess", reference)
        private = facts.reference_value("part_dans_prive", "ess", reference)
        label = labels.get(reference, reference)
        rows.append(row(label, [total.shown(fmt.pourcent),
                                facts.get("ecart_part_dans_ensemble", "ess", reference=reference).shown(fmt.ecart),
                                private.shown(fmt.pourcent),
                                facts.get("ecart_part_dans_prive", "ess", reference=reference).shown(fmt.ecart)]))
        series.append(charts.Series(label, (total.value, private.value), reference_colour(reference)))
    chart = charts.grouped_bars(["Part de l’emploi\nsalarié total", "Part de l’emploi\nsalarié privé"], series,
                                fmt.pourcent, width_mm=170, bar_mm=4.2)
    rang = phrases.rank_sentence(facts)
    alt = ("Graphique en barres : part de l’ESS dans l’emploi salarié total et dans l’emploi privé, "
           "pour le territoire et ses territoires de comparaison. " + " ".join(sentences[1:2]))
    return {"cartes": cards, "phrases": sentences,
            "poids": Table(("Territoire", "Part de l’emploi total", "Écart du territoire",
                            "Part de l’emploi privé", "Écart du territoire"), tuple(rows)),
            "graphique": chart, "alt": alt, "rang": rang}


# --- page 3: families --------------------------------------------------------------------------
def families_page(facts: Facts, labels: dict[str, str]) -> dict:
    champs = Table(("Champ", "Établissements", "Postes au 31/12", "ETP", "Rémunérations brutes",
                    "Part de l’emploi"),
                   tuple(row(champ_label(facts, champ), [
                       facts.cell(champ, "etablissements").shown(fmt.entier),
                       facts.cell(champ, "postes").shown(fmt.entier),
                       facts.cell(champ, "etp").shown(fmt.entier),
                       facts.cell(champ, "remuneration_brute").shown(fmt.millions_euros),
                       "100,0\u00a0%" if champ == "ensemble" and facts.cell("ensemble", "postes").value
                       else ("" if champ == "ensemble" else facts.get("part_dans_ensemble", champ).shown(fmt.pourcent)),
                   ], classe) for champ, classe in champ_rows(facts)))
    references = facts.references()
    headers = ("Famille", "Part dans l’ESS", "Part de l’emploi total") + tuple(
        labels.get(r, r) for r in references)
    rows, series_values, secret = [], [], []
    families = facts.classes.champs.families
    for family in families + (FOCUS,):
        own = facts.get("part_dans_ensemble", family)
        refs = [facts.reference_value("part_dans_ensemble", family, r) for r in references]
        in_ess = facts.get("part_dans_ess", family) if family != "ess" else Figure(None)
        rows.append(row(family_label(facts, family), [in_ess.shown(fmt.pourcent) if family != "ess" else "",
                                                own.shown(fmt.pourcent)] + [r.shown(fmt.pourcent) for r in refs],
                        "ess" if family == "ess" else ""))
        series_values.append([own.value] + [r.value for r in refs])
        if own.secret:
            secret.append(family_label(facts, family))
    series = [charts.Series(labels.get(ref, ref) if ref else facts.libelle,
                            tuple(values[i] for values in series_values), reference_colour(ref))
              for i, ref in enumerate([None] + references)]
    chart = charts.grouped_bars([family_label(facts, f) for f in families + (FOCUS,)], series, fmt.pourcent,
                                bar_mm=2.9)
    return {"champs": champs, "familles": Table(headers, tuple(rows)), "graphique": chart,
            "alt": "Graphique en barres : part de chaque famille de l’ESS dans l’emploi salarié total, "
                   "territoire et territoires de comparaison.",
            "phrases": phrases.families(facts), "note": secret_note(secret)}



# --- page 4: sectors ---------------------------------------------------------------------------
def sectors_page(facts: Facts, region: Facts | None, modalities: list[dict], dimension: str = "secteur",
                 region_label: str = "Région") -> dict:
    """modalities: rows of int_modalites for the dimension (modalite, libelle, parent), in display order."""
    tops = [m for m in modalities if not m["parent"]]
    ordered = []
    for top in tops:
        ordered.append(top)
        ordered += [m for m in modalities if m["parent"] == top["modalite"]]
    rows = []
    for m in ordered:
        code = m["modalite"]
        own = facts.get("part_dans_ensemble", "ess", "postes", dimension, code)
        ref = region.get("part_dans_ensemble", "ess", "postes", dimension, code) if region else Figure(None)
        rows.append(row(m["libelle"], [
            facts.cell("ess", "etablissements", dimension, code).shown(fmt.entier),
            facts.cell("ess", "postes", dimension, code).shown(fmt.entier),
            facts.get("repartition", "ess", "postes", dimension, code).shown(fmt.pourcent),
            own.shown(fmt.pourcent), ref.shown(fmt.pourcent)], "detail" if m["parent"] else ""))
    rows.append(row(ESS_TOTAL, [facts.cell("ess", "etablissements").shown(fmt.entier),
                                          facts.cell("ess", "postes").shown(fmt.entier), "100,0\u00a0%"
                                          if facts.cell("ess", "postes").value else fmt.NOT_APPLICABLE,
                                          facts.get("part_dans_ensemble", "ess").shown(fmt.pourcent),
                                          region.get("part_dans_ensemble", "ess").shown(fmt.pourcent)
                                          if region else ""], "total"))
    postes = [facts.cell("ess", "postes", dimension, t["modalite"]) for t in tops]
    weights = [facts.get("part_dans_ensemble", "ess", "postes", dimension, t["modalite"]) for t in tops]
    reference = [region.get("part_dans_ensemble", "ess", "postes", dimension, t["modalite"]).value if region else None
                 for t in tops]
    chart = charts.sector_panels([t["libelle"] for t in tops], [p.value for p in postes], [w.value for w in weights],
                                 reference, region_label, fmt.entier, fmt.pourcent, own_label=facts.libelle)
    secret = [t["libelle"] for t, p, w in zip(tops, postes, weights) if p.secret or w.secret]
    return {"tableau": Table(("Secteur d’activité", "Établissements de l’ESS", "Postes de l’ESS",
                              "Répartition des postes de l’ESS", "Poids de l’ESS dans le secteur",
                              f"Poids de l’ESS — {region_label}"), tuple(rows)),
            "graphique": chart, "phrases": phrases.sectors(facts, [(t["modalite"], t["libelle"]) for t in tops],
                                                           dimension),
            "alt": "Graphique en deux volets : postes salariés de l’ESS par secteur d’activité, et poids de l’ESS "
                   "dans l’emploi salarié de chaque secteur comparé à la région.",
            "note": secret_note(secret)}


# --- page 5: size of establishments ------------------------------------------------------------
def sizes_page(facts: Facts) -> dict:
    rows, sizes = [], facts.classes.sizes
    for size, label in sizes:
        rows.append(row(label, [
            facts.cell("ess", "etablissements", "taille", size).shown(fmt.entier),
            facts.cell("ess", "postes", "taille", size).shown(fmt.entier),
            facts.get("repartition", "ess", "etablissements", "taille", size).shown(fmt.pourcent),
            facts.get("repartition", "ess", "postes", "taille", size).shown(fmt.pourcent),
            facts.get("repartition", "prive_hors_ess", "postes", "taille", size).shown(fmt.pourcent),
            facts.get("repartition", "public", "postes", "taille", size).shown(fmt.pourcent),
            facts.get("part_dans_ensemble", "ess", "postes", "taille", size).shown(fmt.pourcent)]))
    series, secret = [], []
    for champ, label in compared(facts):
        values = [facts.get("repartition", champ, "postes", "taille", s) for s, _ in sizes]
        series.append(charts.Series(label, tuple(v.value for v in values), charts.CHAMP_COLOURS[champ]))
        secret += [f"{label} ({size.lower()})" for (_, size), v in zip(sizes, values) if v.secret]
    chart = charts.grouped_bars([size for _, size in sizes], series, fmt.pourcent, bar_mm=3.4)
    return {"tableau": Table(("Taille de l’établissement", "Établissements", "Postes", "ESS", "ESS",
                              "Privé hors ESS", "Public", "Poids de l’ESS dans l’emploi"), tuple(rows),
                             groups=(("", 1), ("ESS", 2), ("Répartition des établissements", 1),
                                     ("Répartition des postes", 3), ("", 1))),
            "graphique": chart, "phrases": phrases.sizes(facts), "note": secret_note(secret),
            "alt": "Graphique en barres : répartition des postes salariés par taille d’établissement, "
                   "ESS, privé hors ESS et public."}

