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
    from oress.sources import load_flavours

    require_raw_files(spec)
    flavours = load_flavours()
    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "ref_communes", "ref_naf_secteurs", "ref_contrats", "ref_sirene_tranches")
        reader.create_raw_tables(connection, flavours)
        for millesime in spec.millesimes:
            for nature, path in reader.inputs(spec.raw_dir / str(millesime), flavours):
                match = reader.load_file(connection, path, nature, millesime, flavours, spec.warehouse.parent)
                say(f"  lecture de {path} ({nature}, format {match.flavour.name})")
        reader.define_macros(connection)
        run_models(connection, models(("staging",)))
        reader.collect_rejects(connection)
        files = reader.reconcile(connection)
    for millesime in spec.millesimes:
        mine = [f for f in files if f["millesime"] == millesime]
        write_json(spec.reports_for(millesime) / "qualite" / "ingestion.json", {"fichiers": mine})
        for f in mine:
            say(f"  {millesime} {f['nature']} : {f['lus']} lignes lues = {f['charges']} chargées "
                f"+ {f['rejetes']} rejetées")


def transform(spec: RunSpec) -> None:
    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "stg_etablissements")
        run_models(connection, models(("intermediate", "marts")), on_model=lambda name: say(f"  modèle {name}"))


def validate(spec: RunSpec) -> None:
    from oress import validate as checks

    outcomes_by_year = {}
    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "stg_etablissements", "stg_postes", "mart_territoire_champ")
        sql_outcomes = checks.run_sql_checks(connection)
        for millesime in spec.millesimes:
            out_dir = spec.reports_for(millesime) / "qualite"
            outcomes = checks.run_millesime(connection, millesime, out_dir) + sql_outcomes
            checks.write_report(outcomes, out_dir, millesime, checks.rejection_summary(connection, millesime))
            outcomes_by_year[millesime] = outcomes
            failed = sum(o.statut in ("echec", "erreur") for o in outcomes)
            say(f"  {millesime} : {len(outcomes)} contrôles, {failed} en écart ; {out_dir}/validation.html")
    for outcomes in outcomes_by_year.values():
        checks.gate(outcomes)


def protect(spec: RunSpec) -> None:
    from oress.protect import build_published

    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "mart_territoire_champ")
        say(f"  cellules par statut de secret : {build_published(connection, spec.secret)}")


def keyfigures(spec: RunSpec) -> None:
    from oress.publish.keyfigures import published_cells, write_files

    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "pub_indicateurs")
        perimetre, cog = connection.execute("select perimetre, cog from ref_meta").fetchone()
        for millesime in spec.millesimes:
            frame = published_cells(connection, millesime)
            out_dir = spec.reports_for(millesime) / "chiffres-cles"
            write_files(frame, out_dir, {"perimetre": perimetre, "cog": cog, "millesime": str(millesime),
                                         "secret": "règles primaires (A, B) ; secret secondaire non appliqué"})
            say(f"  {out_dir}/indicateurs.parquet : {len(frame)} cellules")


def report(spec: RunSpec, territoire: str | None = None) -> None:
    from dataclasses import replace

    from oress.publish import report as panorama

    if territoire:
        chosen = tuple(t for t in spec.territoires if t.code == territoire)
        if not chosen:
            raise ValueError(f"{spec.path}: aucun territoire de code {territoire!r}")
        spec = replace(spec, territoires=chosen)
    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "pub_indicateurs")
        for millesime in spec.millesimes:
            panorama.run(connection, spec, millesime, on_pdf=lambda path: say(f"  {path}"))


STEPS = (reference, ingest, transform, validate, protect, keyfigures, report)


def build(spec: RunSpec) -> None:
    """Every step in order, stopping at the first failure."""
    for step in STEPS:
        say(f"[bold]{step.__name__}[/bold]")
        step(spec)
