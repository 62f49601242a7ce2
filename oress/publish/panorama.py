"""The pages of a territory's panorama, as template context built from published figures only.

Each `*_page` function returns the dict one section of panorama.html.j2 renders: sentences
(oress.publish.phrases), tables whose cells are formatted published values (`s` when secret,
`–` when not applicable), charts and maps as data URIs with their alternative text.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

from oress.classifications import FOCUS
from oress.publish import charts, phrases
from oress.publish import formatting as fmt
from oress.publish.facts import Facts, Figure, load_facts

# the champs the size and profile pages set side by side, in this order (labels: ref_champs.libelle_court)
COMPARED = ("ess", "prive_hors_ess", "public")
ESS_TOTAL = "Ensemble de l’ESS"   # the ESS as the total row of its families or sectors
MAP_THRESHOLD = 20     # % of employment: the map sentence counts communes at or above it
# Layout of the composition page (A4, compact tables at 7.4 pt), to fit its tables on one page:
TABLES_MM = 205        # height left to table rows once headings, headers, notes and source are placed
LINE_MM, ROW_PADDING_MM = 3.52, 1.3
COMMUNE_COLUMN_CHARS, EPCI_COLUMN_CHARS = 21, 34   # characters per line in the name columns


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[dict, ...]
    groups: tuple[tuple[str, int], ...] = ()    # an optional header row above: (label, columns spanned)


PAGES = ("chiffres", "familles", "secteurs", "tailles", "profil", "carte", "composition", "evolution")
PAGE_DEFAULTS = {"phrases": [], "message": None, "note": None, "graphique": None, "alt": "", "tableau": None}


def page(**content) -> dict:
    """A page's context with every optional key present (the templates run with StrictUndefined)."""
    return {**PAGE_DEFAULTS, **content}


def row(label: str, cells: list[str], classe: str = "") -> dict:
    return {"libelle": label, "cellules": cells, "classe": classe}


def secret_note(names: list[str], what: str = "valeurs") -> str | None:
    if not names:
        return None
    return (f"{fmt.guillemets('s')} : secret statistique. Non représenté{'s' if len(names) > 1 else ''} "
            f"sur le graphique : {phrases.enumeration(names)}.")


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


def champ_label(facts: Facts, champ: str) -> str:
    return facts.classes.champs.label(champ)


def family_label(facts: Facts, champ: str) -> str:
    return ESS_TOTAL if champ == FOCUS else champ_label(facts, champ)


def champ_rows(facts: Facts) -> tuple[tuple[str, str], ...]:
    """(champ, CSS class) of the champ tables: the ESS and its families, the other champs' parts, the total."""
    tree = facts.classes.champs
    shown = [c for c in tree.walk() if c != tree.root and (c == FOCUS or not tree.children(c))]
    return tuple((c, tree.style(c)) for c in shown + [tree.root])


def compared(facts: Facts) -> tuple[tuple[str, str], ...]:
    """(champ, short label) of the champs the size and profile pages compare."""
    return tuple((c, facts.classes.champs.short_label(c)) for c in COMPARED)


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
DIMENSION_NAMES = {"sexe": "le sexe", "age": "l’âge", "temps_travail": "le temps de travail",
                   "contrat": "le contrat", "csp": "la catégorie socioprofessionnelle"}


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
    present = [d for d in DIMENSION_NAMES if facts.has_dimension(d)]
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
            "poste salarié) : le sexe, l’âge, la catégorie socioprofessionnelle, le temps de travail "
            "et le contrat des salariés ne sont pas connus. Seuls les salaires moyens, tirés du "
            "fichier des établissements, sont présentés.")
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
    missing = [DIMENSION_NAMES[d] for d in DIMENSION_NAMES if d not in present]
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


# --- page 7: map -------------------------------------------------------------------------------
def map_statuses(communes: dict[str, Facts]):
    """Status of every commune with published cells: share, secret or no employment."""
    from oress.publish.maps import Status

    statuses = {}
    for code, facts in communes.items():
        share = facts.get("part_dans_ensemble", "ess")
        if share.known:
            statuses[code] = Status("valeur", share.value)
        elif share.secret:
            statuses[code] = Status("secret")
        else:
            statuses[code] = Status("sans_emploi")
    return statuses


def map_page(map_data, territory: list[str], statuses: dict, source: str) -> dict:
    from oress.publish import maps

    own = [statuses.get(c) for c in territory]
    published = [s for s in own if s is not None and s.kind == "valeur"]
    above = [s for s in published if s.share >= MAP_THRESHOLD]
    secret = sum(1 for s in own if s is not None and s.kind == "secret")
    page = {"phrases": [p for p in (phrases.communes_above(len(above), len(published), MAP_THRESHOLD),) if p],
            "source": source, "carte": None}
    if map_data is None:
        page["message"] = ("Carte indisponible : les contours des communes ne sont pas chargés dans l’entrepôt "
                           "(lancer `oress reference --refresh`).")
        return page
    page["carte"] = maps.commune_map(map_data, territory, statuses)
    page["alt"] = ("Carte des communes du territoire et de ses voisines, colorées selon la part de l’ESS dans "
                   "l’emploi salarié ; les communes couvertes par le secret statistique sont hachurées en gris. "
                   + " ".join(page["phrases"]))
    if secret:
        page["note"] = ("Les communes hachurées sont couvertes par le secret statistique : leur part n’est pas "
                        "publiée.")
    return page


# --- page 8: communes and EPCI -----------------------------------------------------------------
def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _lines(text: str, width: int) -> int:
    """Lines a name takes in a column of `width` characters, breaking at spaces and hyphens as WeasyPrint does."""
    lines, current = 1, 0
    for word in text.replace("-", "- ").split():
        if current and current + len(word) > width:
            lines, current = lines + 1, 0
        current += len(word) + (0 if word.endswith("-") else 1)
    return lines


def _row_mm(names: list[str], width: int) -> float:
    return max(_lines(n, width) for n in names) * LINE_MM + ROW_PADDING_MM


def _grid_mm(names: list[str]) -> float:
    """Height of the three-column commune grid, names in alphabetical order, column after column."""
    names = sorted(names, key=_sort_key)
    per_column = math.ceil(len(names) / 3)
    return sum(_row_mm(names[i::per_column][:3], COMMUNE_COLUMN_CHARS) for i in range(per_column))


def composition_page(territory_niveau: str, communes: list[tuple[str, str, int, str]],
                     commune_facts: dict[str, Facts], epci: list[tuple[str, str, bool]],
                     epci_facts: dict[str, Facts]) -> dict:
    """communes: (depcom, libelle, population, epci); epci: (code, libelle, partly outside the territory)."""
    epci_rows = []
    for code, label, partial in epci:
        facts = epci_facts.get(code)
        if facts is None:
            epci_rows.append(row(label + (" *" if partial else ""), ["0", "0", "0", fmt.NOT_APPLICABLE,
                                                                      fmt.NOT_APPLICABLE]))
            continue
        epci_rows.append(row(label + (" *" if partial else ""), [
            facts.cell("ess", "etablissements").shown(fmt.entier), facts.cell("ess", "postes").shown(fmt.entier),
            facts.cell("ensemble", "postes").shown(fmt.entier),
            facts.get("part_dans_ensemble", "ess").shown(fmt.pourcent),
            facts.get("part_dans_prive", "ess").shown(fmt.pourcent)]))
    show_epci = territory_niveau != "epci" and bool(epci_rows)
    left = TABLES_MM - (sum(_row_mm([r["libelle"]], EPCI_COLUMN_CHARS) for r in epci_rows) + 16 if show_epci else 0)
    by_population = sorted(communes, key=lambda c: (-c[2], c[0]))
    count = len(communes)
    while count > 3 and _grid_mm([c[1] for c in by_population[:count]]) > left:
        count -= 3
    chosen = by_population[:count]
    cells = []
    for depcom, label, _, _ in sorted(chosen, key=lambda c: (_sort_key(c[1]), c[0])):
        facts = commune_facts.get(depcom)
        if facts is None:   # no employer at all in the commune: true zeros, no share
            cells.append({"libelle": label, "postes": "0", "part": fmt.NOT_APPLICABLE})
        else:
            cells.append({"libelle": label, "postes": facts.cell("ess", "postes").shown(fmt.entier),
                          "part": facts.get("part_dans_ensemble", "ess").shown(fmt.pourcent)})
    per_column = math.ceil(len(cells) / 3)
    blank = {"libelle": "", "postes": "", "part": ""}
    grid = [[cells[c * per_column + i] if c * per_column + i < len(cells) else blank for c in range(3)]
            for i in range(per_column)]
    note = None
    if len(chosen) < len(communes):
        note = (f"Les {len(chosen)} communes les plus peuplées, par ordre alphabétique ; toutes les communes "
                "figurent dans indicateurs.csv (niveau commune).")
    return {"epci": Table(("EPCI", "Établissements de l’ESS", "Postes de l’ESS", "Postes (ensemble)",
                           "Part de l’ESS dans l’emploi total", "Part de l’ESS dans l’emploi privé"),
                          tuple(epci_rows)) if show_epci else None,
            "epci_partiel": any(p for _, _, p in epci) and show_epci,
            "grille": grid, "note_communes": note}


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


def load_level(connection, millesime: int, niveau: str) -> dict[str, Facts]:
    """Ensemble cells and weights of every territory of a level (communes, EPCI) for tables and maps."""
    return load_facts(connection, millesime, niveau, dimensions=("ensemble",),
                      indicateurs=("part_dans_ensemble", "part_dans_prive"))
