"""Notes de conjoncture: a 2-page PDF per région and per custom territory from the published quarterly
cells (pub_trimestres) and their derived changes (pub_trimestres_derives) only, plus the quarterly
indicator files. Page 1: key figures, text, index curves ESS vs privé hors ESS; page 2: families table
and curves, scope and method. The step (`run`) first protects the quarterly cells (oress.trimestres) and
builds them (sql/conjoncture), then writes the notes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oress.classifications import FOCUS, read_tree
from oress.config import RunSpec, edition_date
from oress.pipeline_base import require_checks, require_tables, say, shown
from oress.publish import charts
from oress.publish import formatting as fmt
from oress.publish.facts import Figure
from oress.publish.panorama import Table, page, row, secret_note
from oress.publish.publication_notes import edition_dates, secret_rules

PAGES = 2
FAMILY_COLOURS = {"ess": charts.ESS, "association": "#009e73", "cooperative": "#cc79a7", "mutuelle": "#0072b2",
                  "fondation": "#d55e00"}


def quarter_text(trimestre: str) -> str:
    """'2018T4' → '4ᵉ trimestre 2018'."""
    number = int(trimestre[-1])
    return f"{number}{'ᵉʳ' if number == 1 else 'ᵉ'} trimestre {trimestre[:4]}"


@dataclass
class Series:
    """One territory's published quarterly cells and changes, read by (champ, trimestre[, mesure, indicateur])."""
    connection: object
    niveau: str
    code: str

    def __post_init__(self):
        rows = self.connection.execute("select champ, trimestre, effectif, masse_salariale, secret from "
                                       "pub_trimestres where niveau = ? and code = ?", [self.niveau, self.code])
        self.cells = {(c, t): (e, m, s) for c, t, e, m, s in rows.fetchall()}
        derived = self.connection.execute("select champ, modalite, mesure, indicateur, valeur from "
                                          "pub_trimestres_derives where niveau = ? and code = ?",
                                          [self.niveau, self.code]).fetchall()
        self.derived = {(c, t, m, i): v for c, t, m, i, v in derived}
        self.quarters = sorted({t for _, t in self.cells})
        self.champs = read_tree(self.connection, "ref_champs_trimestres_arbre")

    def cell(self, champ: str, trimestre: str, measure: str = "effectif") -> Figure:
        effectif, masse, secret = self.cells.get((champ, trimestre), (None, None, ""))
        return Figure(effectif if measure == "effectif" else masse, secret=bool(secret))

    def get(self, indicateur: str, champ: str, trimestre: str, measure: str = "effectif") -> Figure:
        """A derived figure; `s` when a cell it rests on is secret, `–` when it has no reference quarter."""
        value = self.derived.get((champ, trimestre, measure, indicateur))
        used = [(champ, trimestre)] + {
            "variation_trimestrielle": [(champ, shifted(trimestre, -1))],
            "glissement_annuel": [(champ, shifted(trimestre, -4))], "indice_base100": [(champ, self.quarters[0])],
            "part_dans_prive": [("ensemble_prive", trimestre)]}.get(indicateur.rsplit("_", 1)[0]
                                                                      if "_" in indicateur else indicateur, [])
        used += [("ensemble_prive", trimestre)] if indicateur == "part_dans_prive" else []
        return Figure(value, secret=value is None and any(self.cells.get(k, (0, 0, ""))[2] for k in used))

    def index(self, champ: str) -> tuple[float | None, ...]:
        return tuple(self.derived.get((champ, t, "effectif", "indice_base100")) for t in self.quarters)


def shifted(trimestre: str, quarters: int) -> str:
    rank = int(trimestre[:4]) * 4 + int(trimestre[-1]) - 1 + quarters
    return f"{rank // 4}T{rank % 4 + 1}"


def trend(change: float) -> str:
    return "progresse" if change >= 0.05 else "recule" if change <= -0.05 else "est stable"


def sentences(series: Series, libelle: str) -> list[str]:
    """Short French text on the last quarter; a sentence is left out when a figure it needs is secret."""
    last = series.quarters[-1]
    ess = series.cell("ess", last)
    said = []
    if ess.known:
        share = series.get("part_dans_prive", "ess", last)
        said.append(f"Au {quarter_text(last)}, les employeurs de l’ESS de {libelle} comptent "
                    f"{fmt.entier(ess.value)} {fmt.pluriel(ess.value, 'salarié', 'salariés')} en fin de trimestre"
                    + (f", soit {fmt.pourcent(share.value)} de l’emploi salarié privé." if share.known else "."))
    year = series.get("glissement_annuel_pct", "ess", last)
    other = series.get("glissement_annuel_pct", "prive_hors_ess", last)
    if year.known:
        level = series.get("glissement_annuel_absolue", "ess", last)
        said.append(f"Sur un an, l’emploi de l’ESS {trend(year.value)} ({fmt.evolution_pct(year.value)}, "
                    f"{fmt.entier_signe(level.value)} {fmt.pluriel(level.value, 'salarié', 'salariés')})"
                    + (f", contre {fmt.evolution_pct(other.value)} dans le privé hors ESS." if other.known else "."))
    quarter = series.get("variation_trimestrielle_pct", "ess", last)
    if quarter.known:
        subject = "il" if year.known else "l’emploi de l’ESS"        # « il » only right after « l’emploi de l’ESS »
        said.append(f"Sur le seul trimestre, {subject} {trend(quarter.value)} ({fmt.evolution_pct(quarter.value)}).")
    wages = series.cell("ess", last, "masse_salariale")
    wages_year = series.get("glissement_annuel_pct", "ess", last, "masse_salariale")
    if wages.known:
        said.append(f"La masse salariale brute versée par l’ESS au {quarter_text(last)} atteint "
                    f"{fmt.millions_euros(wages.value, 2)}"
                    + (f" ({fmt.evolution_pct(wages_year.value)} sur un an)." if wages_year.known else "."))
    return said


def family_table(series: Series) -> Table:
    last = series.quarters[-1]
    rows = []
    tree = series.champs
    for champ in tree.walk():
        rows.append(row(tree.label(champ), [
            series.cell(champ, last).shown(fmt.entier),
            series.get("variation_trimestrielle_pct", champ, last).shown(fmt.evolution_pct),
            series.get("glissement_annuel_pct", champ, last).shown(fmt.evolution_pct),
            series.cell(champ, last, "masse_salariale").shown(lambda v: fmt.millions_euros(v, 2)),
            series.get("glissement_annuel_pct", champ, last, "masse_salariale").shown(fmt.evolution_pct),
            series.get("part_dans_prive", champ, last).shown(fmt.pourcent) if champ != tree.root else "",
        ], tree.style(champ)))
    return Table(("Champ", f"Effectif fin {last}", "Sur le trimestre", "Sur un an", f"Masse salariale {last}",
                  "Sur un an", "Part de l’emploi privé"), tuple(rows),
                 groups=(("", 1), ("Effectif salarié", 3), ("Masse salariale brute", 2), ("", 1)))


def curves(series: Series, champs: tuple[str, ...], colours: dict[str, str]) -> tuple[str, list[str]]:
    drawn = [charts.Series(series.champs.label(c), series.index(c), colours[c]) for c in champs]
    hidden = [series.champs.label(c) for c in champs if any(v is None for v in series.index(c))]
    base = series.quarters[0]
    return charts.index_lines(series.quarters, drawn, base_label=f"indice base 100 au {base}"), hidden


def context(connection, spec: RunSpec, niveau: str, code: str, libelle: str, edition) -> dict:
    series = Series(connection, niveau, code)
    last, first = series.quarters[-1], series.quarters[0]
    cards = [(series.cell("ess", last).shown(fmt.entier), f"salariés de l’ESS fin {last}"),
             (series.get("glissement_annuel_pct", "ess", last).shown(fmt.evolution_pct), "sur un an"),
             (series.get("variation_trimestrielle_pct", "ess", last).shown(fmt.evolution_pct), "sur le trimestre"),
             (series.get("part_dans_prive", "ess", last).shown(fmt.pourcent), "de l’emploi salarié privé")]
    main_chart, main_hidden = curves(series, ("ess", "prive_hors_ess"),
                                     {"ess": charts.ESS, "prive_hors_ess": charts.PRIVE})
    family_chart, family_hidden = curves(series, (FOCUS,) + series.champs.families,
                                         FAMILY_COLOURS)
    urssaf = connection.execute("select count(*) from mart_trimestres_prive_urssaf").fetchone()[0] > 0
    return {
        "titre": f"Note de conjoncture de l’ESS — {libelle} — {quarter_text(last)}",
        "observatoire": spec.observatoire, "libelle": libelle, "dernier": quarter_text(last), "premier": first,
        "premier_texte": quarter_text(first),
        **edition_dates(edition),
        "cartes": [{"valeur": v, "libelle": label} for v, label in cards],
        "synthese": page(phrases=sentences(series, libelle), graphique=main_chart, note=secret_note(
            main_hidden, "séries"), alt="Courbes : indice de l’effectif salarié en fin de trimestre, base 100 au "
                                        f"{first}, ESS et privé hors ESS."),
        "familles": page(tableau=family_table(series), graphique=family_chart, note=secret_note(family_hidden),
                         alt=f"Courbes : indice de l’effectif salarié, base 100 au {first}, par famille de l’ESS."),
        "methode": secret_rules(spec, connection.execute("select count(*) from pub_trimestres where secret = 'D'")
                                .fetchone()[0] > 0),
        "urssaf_communes": urssaf,
    }


def territories(connection, spec: RunSpec) -> list[tuple[str, str, str]]:
    """The région and every custom territory of the spec that has quarterly cells."""
    wanted = [("region", spec.region)] + [(t.niveau, t.code) for t in spec.territoires]
    present = {(n, c): label for n, c, label in connection.execute(
        "select distinct niveau, code, libelle from pub_trimestres").fetchall()}
    return [(n, c, present[(n, c)]) for n, c in wanted if (n, c) in present]


def out_dir(spec: RunSpec, last: str) -> Path:
    return spec.reports_for(int(last[:4])) / "conjoncture"


def write_all(connection, spec: RunSpec) -> list[tuple[Path, str]]:
    """indicateurs_trimestriels.(parquet|csv) and one note per territory, under <reports>/<year>/conjoncture:
    each note's path and pdf.page_count_note (a warning when its layout did not hold its PAGES)."""
    from oress.files import replacing_directory
    from oress.publish.pdf import Renderer, page_count_note

    (last,) = connection.execute("select max(trimestre) from pub_trimestres").fetchone()
    renderer, edition, target, written = Renderer(), edition_date(spec), out_dir(spec, last), []
    with replacing_directory(target) as fresh:
        cells = connection.execute("select * from pub_trimestres order by niveau, code, champ, modalite").df()
        cells.to_parquet(fresh / "indicateurs_trimestriels.parquet", index=False)
        cells.to_csv(fresh / "indicateurs_trimestriels.csv", sep=";", index=False, encoding="utf-8-sig", decimal=",")
        for niveau, code, libelle in territories(connection, spec):
            name = f"note-conjoncture_{niveau}_{code}.pdf"
            pages = renderer.pdf("conjoncture.html.j2", context(connection, spec, niveau, code, libelle, edition),
                                 fresh / name)
            written.append((target / name, page_count_note(pages, PAGES)))
    return written


def panorama_section(connection, niveau: str, code: str) -> dict | None:
    """The panorama's conjoncture page when quarterly cells exist for the territory, else None."""
    present = connection.execute("select count(*) from information_schema.tables where table_name = "
                                 "'pub_trimestres_derives'").fetchone()[0]
    if not present or not connection.execute("select count(*) from pub_trimestres where niveau = ? and code = ?",
                                             [niveau, code]).fetchone()[0]:
        return None
    series = Series(connection, niveau, code)
    chart, hidden = curves(series, ("ess", "prive_hors_ess"), {"ess": charts.ESS, "prive_hors_ess": charts.PRIVE})
    return page(phrases=sentences(series, "ce territoire"), tableau=family_table(series), graphique=chart,
                note=secret_note(hidden), alt=f"Courbes : indice de l’effectif salarié, base 100 au "
                                              f"{series.quarters[0]}, ESS et privé hors ESS.")


def run(spec: RunSpec) -> None:
    """Quarterly (URSSAF-like) cells: secrecy, derived changes, files and notes de conjoncture; skipped
    when the run has no quarterly extract."""
    from oress import trimestres
    from oress.warehouse import building, models, reading, run_models

    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "mart_trimestres")
        if not connection.execute("select count(*) from mart_trimestres").fetchone()[0]:
            say("  aucun extrait trimestriel (trimestres.csv) : pas de note de conjoncture")
            return
        say(f"  cellules trimestrielles par statut de secret : {trimestres.build_published(connection, spec.secret)}")
        run_models(connection, models(("conjoncture",)), on_model=lambda name: say(f"  modèle {name}"))
        require_checks(connection, spec, "du secret trimestriel", "checks/conjoncture")
    with reading(spec.warehouse) as connection:
        for path, note in write_all(connection, spec):
            say(f"  {shown(spec, path)}{note}")
