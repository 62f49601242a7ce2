"""The steps of a run, each reading the spec and the warehouse; `build` chains them.

The steps that build the warehouse, from the demo data to the marts, are here (they call `run_models` through
this module, which tests/test_fault_tolerance.py replaces to kill a step midway); secrecy in pipeline_secrecy,
publication in pipeline_publish, INSEE's delivered tables in pipeline_livraison, what they share in
pipeline_base.
"""
from __future__ import annotations

from oress.config import RunSpec
from oress.ingest_inputs import require_raw_files
from oress.pipeline_base import require_tables, say, shown
from oress.pipeline_livraison import livraison, report_livraison
from oress.pipeline_publish import keyfigures, report, site
from oress.pipeline_secrecy import audit, conjoncture, protect
from oress.warehouse import building, models, reading, run_models

__all__ = ["LIVRAISON_STEPS", "STEPS", "audit", "build", "conjoncture", "demo", "ingest", "keyfigures", "livraison",
           "protect", "reference", "report", "report_livraison", "site", "transform", "validate"]


def demo(spec: RunSpec, seed: int = 2018, scale: float = 1.0, france: bool = False) -> None:
    from oress import demo as generator

    for path in generator.run(spec, seed=seed, scale=scale, france=france):
        say(f"  données de démonstration : {path}")


def reference(spec: RunSpec, refresh: bool = False) -> None:
    from oress.reference import load_reference
    from oress.reference import refresh as refresh_csvs

    if refresh:
        say(f"  extraction depuis les paquets : {refresh_csvs()}")
    with building(spec.warehouse) as connection:
        counts = load_reference(connection, spec)
    say(f"  {len(counts)} tables ref_* ; {counts['ref_communes']} communes ; "
        f"{counts['ref_territoire_commune']} lignes territoire → commune")


def ingest(spec: RunSpec) -> None:
    from oress import ingest as reader
    from oress import validate as checks
    from oress.files import write_json
    from oress.manifest import record_inputs
    from oress.sources import load_flavours

    require_raw_files(spec)
    flavours = load_flavours()
    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "ref_communes", "ref_naf_secteurs", "ref_contrats", "ref_sirene_tranches")
        reader.create_raw_tables(connection, flavours)
        for millesime in spec.millesimes:
            for nature, path in reader.inputs(spec.raw_dir / str(millesime), flavours):
                match = reader.load_file(connection, path, nature, millesime, flavours, spec.warehouse.parent)
                say(f"  lecture de {path} ({nature}, format {match.flavour.name})")
                if nature == "trimestres_communes":
                    say("  fichier URSSAF agrégé commune × APE reconnu : sans siret ni catégorie juridique, l'ESS "
                        "n'y est pas repérable ; il sert seulement de dénominateur (emploi privé total)")
        record_inputs(connection, spec)
        reader.define_macros(connection)
        run_models(connection, models(("staging",)))
        reader.collect_rejects(connection)
        files = reader.reconcile(connection)
        contracts = {m: checks.staging_outcomes(connection, m) for m in spec.millesimes}
    for millesime in spec.millesimes:
        mine = [f for f in files if f["millesime"] == millesime]
        write_json(spec.reports_for(millesime) / "qualite" / "ingestion.json", {"fichiers": mine})
        for f in mine:
            say(f"  {millesime} {f['nature']} : {f['lus']} lignes lues = {f['charges']} chargées "
                f"+ {f['rejetes']} rejetées")
    for millesime, outcomes in contracts.items():   # the staging contracts: a critical failure stops here
        say(f"  {millesime} : contrats de staging, {sum(o.statut in ('echec', 'erreur') for o in outcomes)} "
            f"en écart sur {len(outcomes)}")
        checks.gate(outcomes)


def transform(spec: RunSpec) -> None:
    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "stg_etablissements")
        run_models(connection, models(("intermediate", "marts")), on_model=lambda name: say(f"  modèle {name}"))


def validate(spec: RunSpec) -> None:
    from oress import validate as checks
    from oress.validate_report import rejection_summary, write_report

    outcomes_by_year = {}
    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "stg_etablissements", "stg_postes", "mart_cellules")
        sql_outcomes = checks.run_sql_checks(connection)
        for millesime in spec.millesimes:
            out_dir = spec.reports_for(millesime) / "qualite"
            outcomes = checks.run_millesime(connection, millesime, out_dir) + sql_outcomes
            write_report(outcomes, out_dir, millesime, rejection_summary(connection, millesime))
            outcomes_by_year[millesime] = outcomes
            failed = sum(o.statut in ("echec", "erreur") for o in outcomes)
            say(f"  {millesime} : {len(outcomes)} contrôles, {failed} en écart ; "
                f"{shown(spec, out_dir)}/validation.html")
    for outcomes in outcomes_by_year.values():
        checks.gate(outcomes)


STEPS = (reference, ingest, transform, validate, protect, conjoncture, keyfigures, report, site)
LIVRAISON_STEPS = (reference, livraison, keyfigures, report_livraison, site)


def build(spec: RunSpec) -> None:
    """Every step in order, from INSEE's tables when `livraison_insee` is set; one transaction: every input is
    checked before anything is written, then the steps run on one aside copy of the warehouse and of the
    reports tree, swapped in only when every step succeeded (a failure leaves both as they were)."""
    from dataclasses import replace

    from oress.files import replacing_tree
    from oress.ingest_inputs import check_inputs
    from oress.warehouse import transaction

    check_inputs(spec)
    with transaction(spec.warehouse) as warehouse, replacing_tree(spec.reports_dir) as reports:
        aside = replace(spec, warehouse=warehouse, reports_dir=reports)
        for step in LIVRAISON_STEPS if spec.livraison_insee else STEPS:
            say(f"[bold]{step.__name__}[/bold]")
            step(aside)
    say(f"rapports sous {spec.reports_dir} ; entrepôt {spec.warehouse}")
