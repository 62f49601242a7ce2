"""Page 9 of the panorama: the evolution since the previous millésime, or why it is not shown."""
from __future__ import annotations

from oress.classifications import FOCUS
from oress.publish import charts, phrases
from oress.publish import formatting as fmt
from oress.publish.facts import Facts, Figure
from oress.publish.panorama_base import Table, champ_label, champ_rows, row, secret_note


# --- page 9: evolution -------------------------------------------------------------------------
def evolution_page(facts: Facts, previous_facts: Facts | None, sources: dict[int, str]) -> dict:
    previous = facts.previous_millesime()
    if previous is None:
        return {"message": f"Le millésime {facts.millesime} est le premier de la série publiée : l’évolution sera "
                           "présentée à partir du millésime suivant."}
    probe = facts.evolution("evolution_pct", "ensemble")
    if probe is not None and probe[2]:
        return {"message": (f"Rupture de série entre {previous} ({sources.get(previous, 'source antérieure')}) et "
                            f"{facts.millesime} ({sources.get(facts.millesime, 'source actuelle')}) : les deux "
                            "sources n’ont pas le même champ, les évolutions ne sont pas calculées."),
                "precedent": previous, "rupture": True}
    rows, series, secret = [], [], []
    for champ, classe in champ_rows(facts):
        cells = []
        for mesure in ("etablissements", "postes"):
            change = facts.evolution("evolution_pct", champ, mesure)
            absolute = facts.evolution("evolution_absolue", champ, mesure)
            before = change[1] if change else Figure(None)
            cells += [before.shown(fmt.entier), facts.cell(champ, mesure).shown(fmt.entier)]
            if mesure == "postes":
                cells.append(absolute[0].shown(fmt.entier_signe) if absolute else fmt.NOT_APPLICABLE)
            cells.append(change[0].shown(fmt.evolution_pct) if change else fmt.NOT_APPLICABLE)
        rows.append(row(champ_label(facts, champ), cells, classe))
        change = facts.evolution("evolution_pct", champ)
        series.append((champ_label(facts, champ), change[0] if change else Figure(None)))
    weights = []
    for champ in (FOCUS,) + facts.classes.champs.families:
        before = previous_facts.get("part_dans_ensemble", champ) if previous_facts else Figure(None)
        now = facts.get("part_dans_ensemble", champ)
        weights.append(row(champ_label(facts, champ),
                           [before.shown(fmt.pourcent), now.shown(fmt.pourcent)], "ess" if champ == "ess" else ""))
    chart_rows = [(label, figure) for label, figure in series]
    secret = [label for label, figure in chart_rows if figure.secret]
    chart = charts.grouped_bars([label for label, _ in chart_rows],
                                [charts.Series("Évolution des postes", tuple(f.value for _, f in chart_rows),
                                               charts.ESS)], fmt.evolution_pct, bar_mm=4.0, legend=False)
    return {"precedent": previous, "phrases": phrases.evolution(facts, previous),
            "tableau": Table(("Champ", str(previous), str(facts.millesime), "Évolution", str(previous),
                              str(facts.millesime), "Évolution", "Évolution (%)"), tuple(rows),
                             groups=(("", 1), ("Établissements employeurs", 3), ("Postes salariés au 31/12", 4))),
            "poids": Table(("Part dans l’emploi salarié total", str(previous), str(facts.millesime)),
                           tuple(weights)),
            "graphique": chart, "note": secret_note(secret),
            "alt": f"Graphique en barres : évolution du nombre de postes salariés entre {previous} et "
                   f"{facts.millesime}, par champ."}
