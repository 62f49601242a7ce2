"""Tables INSEE delivers to the CRESS (FLORES TC*, EPCI_T1 as CSV; BTS Tab_* as ODS) → liv_cellules: one
row per delivered line.

Each family of table is a declarative flavour: where the territory is, which label columns map to the
contract's codes through data/reference/livraisons_insee/*.csv, which columns hold which measure.
Python reads and maps labels; deduplication, scope and custom territories are SQL (sql/livraison).
The flavours and file names are in livraison_flavours, label and value mapping in livraison_labels, reading a
table in livraison_read; this module loads a millésime's folder into the warehouse and reports on it, and
its step (`run`) builds the published cells from them (`oress livraison`, instead of ingest → protect).
"""
from __future__ import annotations

from pathlib import Path

from oress.config import RunSpec, SpecError
from oress.livraison_flavours import FLAVOURS, LABELS_DIR, DeliveryError, find_tables, unread_tables
from oress.livraison_labels import Territories, normalise, parse_measure
from oress.livraison_read import CELL_COLUMNS, read_flavour
from oress.pipeline_base import require_checks, require_tables, say, shown
from oress.warehouse import building, models, run_models

__all__ = ["DeliveryError", "create_tables", "load_folder", "normalise", "parse_measure", "quality",
           "record_series", "run", "series_by_millesime"]


def create_tables(connection) -> None:
    connection.execute("""
        create or replace table liv_cellules (
            millesime integer, fichier varchar, ligne integer, niveau varchar, code varchar, libelle varchar,
            departement varchar, champ varchar, dimension varchar, modalite varchar,
            etablissements double, postes double, etp double, remuneration_brute double,
            secret varchar, approximatif boolean, priorite integer, motif varchar)
    """)
    connection.execute("create or replace table liv_fichiers (millesime integer, fichier varchar, "
                       "mesures_absentes varchar, source varchar)")
    connection.execute("create or replace table liv_fichiers_non_lus (millesime integer, fichier varchar, "
                       "motif varchar)")


def load_folder(connection, folder: Path, millesime: int) -> list[str]:
    """Load every known table of one millésime's folder into liv_cellules; return the files read."""
    import pandas as pd

    tables = find_tables(folder)
    if not tables:
        raise DeliveryError(f"{folder}: aucun tableau livré reconnu "
                            f"(attendu : {', '.join(f.name + '.csv' for f in FLAVOURS)})")
    territories = Territories(connection)
    by_name = {f.name: f for f in FLAVOURS}
    for name, path in tables.items():
        cells, missing = read_flavour(path, by_name[name], millesime, territories)
        frame = pd.DataFrame(cells, columns=list(CELL_COLUMNS))
        connection.register("liv_lot", frame)
        connection.execute("insert into liv_cellules select * from liv_lot")
        connection.unregister("liv_lot")
        connection.execute("insert into liv_fichiers values (?, ?, ?, ?)",
                           [millesime, path.name, ", ".join(missing), by_name[name].source])
    for unread in unread_tables(folder):
        connection.execute("insert into liv_fichiers_non_lus values (?, ?, ?)",
                           [millesime, unread["fichier"], unread["motif"]])
    return [p.name for p in tables.values()]


def series_by_millesime(connection) -> dict[int, str]:
    """The series each delivered millésime's totals come from: FLORES when a FLORES table was read, else BTS."""
    rows = connection.execute("select millesime, list(distinct source) from liv_fichiers group by 1").fetchall()
    return {m: "FLORES" if "FLORES" in sources else sources[0] for m, sources in rows}


def quality(connection, millesime: int) -> dict:
    """What was read, kept and set aside; disagreeing duplicates; approximate values; unbuilt territories."""
    def records(sql: str) -> list[dict]:
        frame = connection.execute(sql, [millesime]).df()
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    fichiers = records("""
        select l.fichier, count(*) as lus, count(*) filter (where motif is null) as retenues,
               count(*) filter (where motif is not null) as ecartees,
               count(*) filter (where motif is null and secret <> '') as secretes_a_la_source,
               count(*) filter (where approximatif) as approximatives, any_value(f.mesures_absentes) as mesures_absentes
        from liv_cellules l join liv_fichiers f using (millesime, fichier)
        where l.millesime = ? group by l.fichier order by l.fichier""")
    ecartees = records("""
        select fichier, motif, count(*) as lignes from liv_cellules
        where millesime = ? and motif is not null group by all order by all""")
    discordants = records("select * from liv_doublons_discordants where millesime = ? order by all")
    approximatives = records("""
        select fichier, ligne, niveau, code, champ, dimension, modalite, etablissements, postes, etp,
               remuneration_brute from liv_cellules where millesime = ? and approximatif order by fichier, ligne""")
    publies = {r[0] for r in connection.execute(
        "select distinct code from pub_indicateurs where millesime = ?", [millesime]).fetchall()}
    non_publies = [{"territoire": code, "motif": "parties non toutes livrées, ou définition par communes "
                    "(les tableaux livrés ne descendent pas sous l'EPCI)"}
                   for (code,) in connection.execute("select code from ref_territoires order by code").fetchall()
                   if code not in publies]
    non_lus = records("select fichier, motif from liv_fichiers_non_lus where millesime = ? order by fichier")
    return {"millesime": millesime, "fichiers": fichiers, "fichiers_non_lus": non_lus, "lignes_ecartees": ecartees,
            "doublons_discordants": discordants, "valeurs_approximatives": approximatives,
            "territoires_non_publies": non_publies}


def record_series(connection) -> dict[int, str]:
    """Give each delivered millésime the series its tables come from in ref_sources_millesimes (BTS years
    carved out of the FLORES range), so that a change between a FLORES and a BTS millésime is a source break."""
    import pandas as pd

    series = series_by_millesime(connection)
    notes = dict(pd.read_csv(LABELS_DIR / "sources.csv", sep=";", dtype=str, keep_default_na=False)
                 .itertuples(index=False, name=None))
    years = {}
    for low, high, source, note in connection.execute(
            "select millesime_min, millesime_max, source, note from ref_sources_millesimes").fetchall():
        years.update({year: (source, note) for year in range(int(low), int(high) + 1)})
    years.update({m: (source, notes[source]) for m, source in series.items() if source in notes})
    ranges: list[list] = []
    for year in sorted(years):
        if ranges and ranges[-1][1] == year - 1 and tuple(ranges[-1][2:]) == years[year]:
            ranges[-1][1] = year
        else:
            ranges.append([year, year, *years[year]])
    connection.execute("delete from ref_sources_millesimes")
    connection.executemany("insert into ref_sources_millesimes values (?, ?, ?, ?)",
                           [[str(low), str(high), source, note] for low, high, source, note in ranges])
    return series


def run(spec: RunSpec) -> None:
    """INSEE's delivered tables (already protected) → their cells and statuses (pub_cellules, pub_secret), then
    the published models (pub_indicateurs first) and checks."""
    from oress.files import write_json
    from oress.manifest import record_inputs

    if spec.livraison_insee is None:
        raise SpecError(f"{spec.path}: clé 'livraison_insee' absente (dossier des tableaux livrés par l'INSEE)")
    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "ref_regions", "ref_territoires_membres", "ref_publication")
        create_tables(connection)
        record_inputs(connection, spec, spec.livraison_insee)
        connection.execute("create or replace table liv_parametres as select ? as region", [spec.region])
        for millesime in spec.millesimes:
            folder = spec.livraison_insee / str(millesime)
            say(f"  {millesime} : {', '.join(load_folder(connection, folder, millesime))} ({folder})")
        say(f"  série par millésime : {record_series(connection)}")
        run_models(connection, models(("livraison",)), on_model=lambda name: say(f"  modèle {name}"))
        run_models(connection, {"int_modalites": models(("intermediate",))["int_modalites"]})
        statuses = connection.execute("select secret, count(*) from pub_secret group by 1 order by 1").fetchall()
        say(f"  cellules par statut de secret : {dict((s or 'publie', n) for s, n in statuses)}")
        run_models(connection, models(("published",)), on_model=lambda name: say(f"  modèle {name}"))
        require_checks(connection, spec, "du secret", "checks/published", "checks/livraison")
        reports = {m: quality(connection, m) for m in spec.millesimes}
    for millesime, report in reports.items():
        path = spec.reports_for(millesime) / "qualite" / "livraison.json"
        write_json(path, report)
        write_json(path.with_name("ingestion.json"), {"fichiers": [
            {"fichier": f["fichier"], "millesime": millesime, "lus": f["lus"], "charges": f["retenues"],
             "rejetes": f["ecartees"]} for f in report["fichiers"]]})
        say(f"  {millesime} : {len(report['doublons_discordants'])} doublon(s) discordant(s), "
            f"{len(report['valeurs_approximatives'])} valeur(s) approximative(s) → {shown(spec, path)}")
