"""Read raw extracts into raw_* tables as text, tagged with file and physical line; every line ends up
loaded or in `rejets` with its reason. Flavours (pipelines/sources) say how each file is written.

Which files: ingest_inputs; their bytes (encoding, header, lines): ingest_files; loading into DuckDB:
ingest_load; here, the lines staging rejects and the per-file reconciliation.
"""
from __future__ import annotations

from oress.ingest_inputs import find_input, find_inputs, inputs
from oress.ingest_load import create_raw_tables, define_macros, load_file
from oress.sources import InputError

__all__ = ["InputError", "find_input", "find_inputs", "inputs", "load_file", "create_raw_tables", "define_macros",
           "collect_rejects", "reconcile"]

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

