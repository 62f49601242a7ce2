"""Page 6 of the panorama: the employees' profile (sex, age, working time, contract, CSP) and the wages."""
from __future__ import annotations

from oress.classifications import FOCUS
from oress.publish import charts, phrases
from oress.publish import formatting as fmt
from oress.publish.facts import Facts, Figure
from oress.publish.panorama_base import COMPARED, Table, champ_label, compared, row, secret_note

# --- page 6: employee profile ------------------------------------------------------------------
PROFILE_ROWS = (   # label, dimension, modalities summed (all must be published) or alternatives, css class
    ("Femmes", "sexe", ("2",), ""),
    ("Moins de 30 ans", "age", ("<30",), ""),
    # INSEE's BTS tables deliver 50+ as one band; elsewhere it is the sum of 50-54 and 55+
    ("50 ans ou plus", "age", (("50+",), ("50-54", "55+")), ""),
    ("dont 55 ans ou plus", "age", ("55+",), "detail"),
    ("Temps partiel et autres", "temps_travail", ("partiel_autres",), ""),
    ("Contrats à durée déterminée (CDD)", "contrat", ("CDD",), ""),
    ("Cadres et chefs d’entreprise", "csp", ("cadres",), ""),
    ("Professions intermédiaires", "csp", ("prof_intermediaires",), ""),
    ("Employés", "csp", ("employes",), ""),
    ("Ouvriers et non codés", "csp", ("ouvriers",), ""),
)
PROFILE_CHART = ("Femmes", "50 ans ou plus", "Temps partiel et autres", "Contrats à durée déterminée (CDD)",
                 "Cadres et chefs d’entreprise")


def _phrase(facts: Facts, dimension: str) -> str:
    return facts.classes.dimension(dimension).phrase


def _summed(facts: Facts, champ: str, dimension: str, modalities: tuple) -> Figure:
    """The sum of the modalities' shares; with alternatives, the first one the territory has cells for."""
    if modalities and isinstance(modalities[0], tuple):
        delivered = [m for m in modalities if any((champ, dimension, x) in facts.cells for x in m)]
        modalities = delivered[0] if delivered else modalities[-1]
    figures = [facts.get("repartition", champ, "postes", dimension, m) for m in modalities]
    if all(f.known for f in figures):
        return Figure(sum(f.value for f in figures))
    return Figure(None, secret=any(f.secret for f in figures))


def wage_rows(facts: Facts) -> tuple[tuple[str, str], ...]:
    """(champ, CSS class) of the wage table: the ESS and its families, the other compared champs, the total."""
    tree = facts.classes.champs
    return tuple((c, tree.style(c)) for c in (FOCUS,) + tree.families + COMPARED[1:] + (tree.root,))


def wages_table(facts: Facts) -> Table:
    return Table(("Champ", "ETP", "Rémunérations brutes", "Salaire brut annuel moyen par ETP"), tuple(
        row(champ_label(facts, champ), [facts.cell(champ, "etp").shown(fmt.entier),
                                  facts.cell(champ, "remuneration_brute").shown(fmt.millions_euros),
                                  facts.get("salaire_moyen_etp", champ, "remuneration_brute").shown(fmt.euros)], classe)
        for champ, classe in wage_rows(facts)))


def profile_page(facts: Facts, has_jobs: bool, millesime: int, delivered: bool = False) -> dict:
    """With job data: shares of posts by sex, age, working time, contract, CSP and the wage per ETP, for the
    ESS, the privé hors ESS and the public sector. Without: why, and the wages (establishment file).
    `delivered`: published from INSEE's tables, whose job attributes (BTS) may miss a territory or a dimension."""
    dimensions = facts.classes.job_dimensions   # ref_dimensions where emploi, named by their libelle_phrase
    present = [d for d in dimensions if facts.has_dimension(d)]
    if delivered:
        has_jobs = has_jobs and bool(present)
    page = {"phrases": phrases.profile(facts, has_jobs), "emplois": has_jobs}
    if not has_jobs:
        page["salaires"] = wages_table(facts)
        champs = [champ for champ, _ in wage_rows(facts)]
        wages = [facts.get("salaire_moyen_etp", champ, "remuneration_brute") for champ in champs]
        page["message"] = (
            f"Les tableaux livrés par l’INSEE pour {millesime} ne donnent pas le profil des salariés de ce "
            "territoire (tableaux BTS : par département, région et EPCI, ces derniers limités aux communautés "
            "d’agglomération, communautés urbaines et métropoles). Seuls les salaires moyens sont présentés."
            if delivered else
            f"Le millésime {millesime} a été traité sans le fichier des postes (un enregistrement par "
            f"poste salarié) : {phrases.enumeration([_phrase(facts, d) for d in dimensions])} des salariés ne "
            "sont pas connus. Seuls les salaires moyens, tirés du fichier des établissements, sont présentés.")
        page["graphique"] = charts.grouped_bars(
            [champ_label(facts, c) for c in champs], [charts.Series("Salaire brut annuel moyen par ETP", tuple(
                w.value for w in wages), charts.ESS)], fmt.euros, bar_mm=4.0, legend=False)
        page["alt"] = "Graphique en barres : salaire brut annuel moyen par équivalent temps plein, par champ."
        page["note"] = secret_note([champ_label(facts, c) for c, w in zip(champs, wages) if w.secret])
        return page
    rows, values, champs = [], {}, compared(facts)
    shown_rows = [r for r in PROFILE_ROWS if not delivered or r[1] in present]
    for label, dimension, modalities, classe in shown_rows:
        figures = [_summed(facts, champ, dimension, modalities) for champ, _ in champs]
        rows.append(row(label, [f.shown(fmt.pourcent) for f in figures], classe))
        values[label] = figures
    rows.append(row("Salaire brut annuel moyen par ETP", [
        facts.get("salaire_moyen_etp", champ, "remuneration_brute").shown(fmt.euros) for champ, _ in champs],
        "total"))
    charted = [label for label in PROFILE_CHART if label in values]
    secret = []   # per champ: every charted indicator, or the list of those that are secret
    for i, (_, name) in enumerate(champs):
        hidden = [label for label in charted if values[label][i].secret]
        if hidden:
            secret.append(name if len(hidden) == len(charted) else
                          f"{name} ({', '.join(fmt.guillemets(h) for h in hidden)})")
    series = [charts.Series(name, tuple(values[label][i].value for label in charted),
                            charts.CHAMP_COLOURS[champ]) for i, (champ, name) in enumerate(champs)]
    # in the page's order (PROFILE_ROWS)
    missing = [_phrase(facts, d) for d in dict.fromkeys(r[1] for r in PROFILE_ROWS) if d not in present]
    if delivered and missing:
        page["message"] = (f"Les tableaux livrés par l’INSEE pour {millesime} ne donnent pas "
                           f"{phrases.enumeration(missing)} des salariés de ce territoire : ces lignes sont omises.")
    page.update({
        "tableau": Table(("Part des postes salariés",) + tuple(label for _, label in champs), tuple(rows)),
        "graphique": charts.grouped_bars(charted, series, fmt.pourcent, bar_mm=2.4),
        "alt": "Graphique en barres : part des femmes, des 50 ans ou plus, du temps partiel, des CDD et des "
               "cadres dans les postes de l’ESS, du privé hors ESS et du public.",
        "note": secret_note(secret)})
    return page

