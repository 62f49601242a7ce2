"""The steps of a run, each reading the spec and the warehouse; `build` chains them."""
from __future__ import annotations

from oress.config import RunSpec, require_raw_files
from oress.warehouse import building, models, reading, run_models


def say(message: str) -> None:
    from rich.console import Console

    Console(stderr=True, highlight=False).print(message)


def demo(spec: RunSpec, seed: int = 2018, scale: float = 1.0) -> None:
    from oress import demo as generator

    for path in generator.run(spec, seed=seed, scale=scale):
        say(f"  données de démonstration : {path}")


def reference(spec: RunSpec, refresh: bool = False) -> None:
    from oress.reference import load_reference, refresh as refresh_csvs

    if refresh:
        say(f"  extraction depuis les paquets : {refresh_csvs()}")
    with building(spec.warehouse) as connection:
        counts = load_reference(connection, spec)
    say(f"  {len(counts)} tables ref_* ; {counts['ref_communes']} communes ; "
        f"{counts['ref_territoire_commune']} lignes territoire → commune")


def _require_tables(connection, spec: RunSpec, *tables: str) -> None:
    present = {row[0] for row in connection.execute("select table_name from information_schema.tables").fetchall()}
    missing = [t for t in tables if t not in present]
    if missing:
        raise RuntimeError(f"{spec.warehouse}: table {missing[0]} absente ; lancer les étapes précédentes "
                           "(`oress build --spec …` les enchaîne)")


def ingest(spec: RunSpec) -> None:
    from oress import ingest as reader
    from oress.files import write_json

    require_raw_files(spec)
    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "ref_communes", "ref_naf_secteurs")
        reader.create_raw_tables(connection)
        for millesime in spec.millesimes:
            path = reader.find_input(spec.raw_dir / str(millesime), "etablissements")
            say(f"  lecture de {path}")
            reader.load_file(connection, path, reader.ETABLISSEMENTS, millesime)
        run_models(connection, models(("staging",)))
        connection.execute("insert into rejets select millesime, fichier, ligne, motif, contenu "
                           "from stg_etablissements where motif is not null")
        files = reader.reconcile(connection)
    for millesime in spec.millesimes:
        mine = [f for f in files if f["millesime"] == millesime]
        write_json(spec.reports_for(millesime) / "qualite" / "ingestion.json", {"fichiers": mine})
        for f in mine:
            say(f"  {millesime} : {f['lus']} lignes lues = {f['charges']} chargées + {f['rejetes']} rejetées")


def transform(spec: RunSpec) -> None:
    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "stg_etablissements")
        run_models(connection, models(("intermediate", "marts")), on_model=lambda name: say(f"  modèle {name}"))


def validate(spec: RunSpec) -> None:
    from oress import validate as checks

    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "stg_etablissements", "mart_cellules")
        sql_outcomes = checks.run_sql_checks(connection)
        outcomes_by_year = {m: checks.run_gx(checks.staging_frame(connection, m)) + sql_outcomes
                            for m in spec.millesimes}
    for millesime, outcomes in outcomes_by_year.items():
        checks.write_report(outcomes, spec.reports_for(millesime) / "qualite", millesime)
        failed = sum(o.statut != "succes" for o in outcomes)
        say(f"  {millesime} : {len(outcomes)} contrôles, {failed} en écart")
    for outcomes in outcomes_by_year.values():
        checks.gate(outcomes)


def protect(spec: RunSpec) -> None:
    from oress.protect import build_published
    from oress.warehouse import run_checks

    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "mart_cellules")
        say(f"  cellules par statut de secret : {build_published(connection, spec.secret)}")
        run_models(connection, models(("published",)), on_model=lambda name: say(f"  modèle {name}"))
        failed = {name: n for name, n in run_checks(connection, folder="checks/published").items() if n}
        if failed:
            raise RuntimeError(f"{spec.warehouse}: contrôle(s) du secret en échec, rien n'est publié : {failed}")


def keyfigures(spec: RunSpec) -> None:
    from oress.publish import keyfigures_pdf
    from oress.publish.keyfigures import derived_indicators, published_cells, write_files

    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "pub_indicateurs", "pub_derives")
        perimetre, cog = connection.execute("select perimetre, cog from ref_meta").fetchone()
        for millesime in spec.millesimes:
            cells, derived = published_cells(connection, millesime), derived_indicators(connection, millesime)
            out_dir = spec.reports_for(millesime) / "chiffres-cles"
            write_files(cells, derived, out_dir, {
                "perimetre": perimetre, "cog": cog, "millesime": str(millesime),
                "secret": "règles primaires (A, B) ; secret secondaire non encore appliqué"})
            say(f"  {out_dir}/indicateurs.parquet : {len(cells)} cellules, {len(derived)} indicateurs dérivés")
        keyfigures_pdf.write_all(connection, spec, on_pdf=lambda path: say(f"  {path}"))


def report(spec: RunSpec, territoire: str | None = None, workers: int | None = None) -> None:
    from oress.publish import report as panorama

    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "pub_indicateurs", "pub_derives")
        chosen = panorama.jobs(connection, spec, territoire)
    width = len(str(len(chosen)))
    panorama.run(spec, chosen, workers, on_pdf=lambda done, total, rendered: say(
        f"  [{done:>{width}}/{total}] {rendered.describe()}"))


STEPS = (reference, ingest, transform, validate, protect, keyfigures, report)


def build(spec: RunSpec) -> None:
    """Every step in order, stopping at the first failure."""
    for step in STEPS:
        say(f"[bold]{step.__name__}[/bold]")
        step(spec)
