"""Pages 7 and 8 of the panorama: the commune map, and the table of its communes and EPCI sized to fit one
page; and the level-wide figures (every commune, every EPCI) they read.
"""
from __future__ import annotations

import math
import unicodedata

from oress.publish import formatting as fmt
from oress.publish import phrases
from oress.publish.facts import Facts, load_facts
from oress.publish.panorama_base import Table, row

MAP_THRESHOLD = 20     # % of employment: the map sentence counts communes at or above it
# Layout of the composition page (A4, compact tables at 7.4 pt), to fit its tables on one page:
TABLES_MM = 205        # height left to table rows once headings, headers, notes and source are placed
LINE_MM, ROW_PADDING_MM = 3.52, 1.3
COMMUNE_COLUMN_CHARS, EPCI_COLUMN_CHARS = 21, 34   # characters per line in the name columns


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



def load_level(connection, millesime: int, niveau: str) -> dict[str, Facts]:
    """Ensemble cells and weights of every territory of a level (communes, EPCI) for tables and maps."""
    return load_facts(connection, millesime, niveau, dimensions=("ensemble",),
                      indicateurs=("part_dans_ensemble", "part_dans_prive"))
