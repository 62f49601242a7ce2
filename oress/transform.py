"""The transform step: the SQL models of sql/intermediate (classification of establishments and jobs) and
sql/marts (one cell per territory × champ × dimension × modalité), on the staging tables ingest built."""
from __future__ import annotations

from oress.config import RunSpec
from oress.pipeline_base import require_tables, say
from oress.warehouse import building, models, run_models


def run(spec: RunSpec) -> None:
    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "stg_etablissements")
        run_models(connection, models(("intermediate", "marts")), on_model=lambda name: say(f"  modèle {name}"))
