"""Read raw extracts into raw_* tables as text, tagged with file and physical line; every line ends up
loaded or in `rejets` with its reason. Flavours (pipelines/sources) say how each file is written.

Which files: ingest_inputs; their bytes (encoding, header, lines): ingest_files; loading into DuckDB:
ingest_load; here, the lines staging rejects, the per-file reconciliation and the step (`run`), which ends
with the staging contracts (a critical failure stops before transform).
"""
from __future__ import annotations

from oress.config import RunSpec
from oress.ingest_inputs import find_input, find_inputs, inputs, require_raw_files
from oress.ingest_load import create_raw_tables, define_macros, load_file
from oress.pipeline_base import require_tables, say
from oress.sources import InputError, load_flavours
from oress.warehouse import building, models, run_models

__all__ = ["InputError", "find_input", "find_inputs", "inputs", "load_file", "create_raw_tables", "define_macros",
           "collect_rejects", "reconcile", "run"]

# Staging model holding the typed rows (and `motif`) of each nature.
STAGING = {"etablissements": "stg_etablissements", "postes": "stg_postes",
           "sirene_unites_legales": "stg_sirene_unites_legales", "sirene_etablissements": "stg_sirene",
           "trimestres": "stg_trimestres", "trimestres_communes": "stg_trimestres_communes"}


def collect_rejects(connection) -> None:
    """Lines whose first broken rule was set by staging join the malformed ones in `rejets`."""
    for model in STAGING.values():
        connection.execute(f"insert into rejets select millesime, fichier, ligne, motif, contenu from {model} "
                           "where motif is not null")


def reconcile(connection) -> list[dict]:
    """Per file: lus = charges + rejetes, each counted on its own table; a gap is a bug, never hidden."""
    loaded = " union all ".join(f"select millesime, fichier, count(*) as n from {model} where motif is null "
                                "group by all" for model in STAGING.values())
    rows = connection.execute(f"""
        with charges as ({loaded}),
        rejetes as (select millesime, fichier, count(*) as n from rejets group by all)
        select f.fichier, f.millesime, f.nature, f.source, f.lus, coalesce(c.n, 0), coalesce(r.n, 0)
        from raw_fichiers f
        left join charges c using (millesime, fichier)
        left join rejetes r using (millesime, fichier)
        order by f.millesime, f.nature, f.fichier
    """).fetchall()
    files = [dict(zip(("fichier", "millesime", "nature", "source", "lus", "charges", "rejetes"), row))
             for row in rows]
    for f in files:
        if f["lus"] != f["charges"] + f["rejetes"]:
            raise RuntimeError(f"{f['fichier']}: {f['lus']} lignes lues mais {f['charges']} chargées + "
                               f"{f['rejetes']} rejetées ; anomalie du chargement, à signaler")
    return files


def run(spec: RunSpec) -> None:
    from oress import validate as checks
    from oress.files import write_json
    from oress.manifest import record_inputs

    require_raw_files(spec)
    flavours = load_flavours()
    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "ref_communes", "ref_naf_secteurs", "ref_contrats", "ref_sirene_tranches")
        create_raw_tables(connection, flavours)
        for millesime in spec.millesimes:
            for nature, path in inputs(spec.raw_dir / str(millesime), flavours):
                match = load_file(connection, path, nature, millesime, flavours, spec.warehouse.parent)
                say(f"  lecture de {path} ({nature}, format {match.flavour.name})")
                if nature == "trimestres_communes":
                    say("  fichier URSSAF agrégé commune × APE reconnu : sans siret ni catégorie juridique, l'ESS "
                        "n'y est pas repérable ; il sert seulement de dénominateur (emploi privé total)")
        record_inputs(connection, spec)
        define_macros(connection)
        run_models(connection, models(("staging",)))
        collect_rejects(connection)
        files = reconcile(connection)
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
