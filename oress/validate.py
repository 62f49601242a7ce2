"""Great Expectations suites on the staging tables plus sql/checks, gated by severity in our own code.

The suites come from the contracts beside the staging models (oress/contracts.py). GX validates pandas frames
(Arrow dtypes) pulled from DuckDB by chunks of at most CHUNK_ROWS rows, split on a hash of the key so that
per-key expectations (uniqueness) stay exact; the per-siret accounting identities between postes and
etablissements are computed in DuckDB first. A national file is never held in pandas at once. Results:
validation.json, an offline validation.html (oress/validate_report.py) and GX Data Docs (gx/index.html) per
millésime.
"""
from __future__ import annotations

import math
import shutil
from dataclasses import replace
from pathlib import Path

from oress.config import RunSpec
from oress.contracts import CRITICAL, Check, read_contracts
from oress.pipeline_base import require_tables, say, shown
from oress.validate_gx import Outcome, Validator
from oress.warehouse import check_description, check_examples, reading, run_checks

CHUNK_ROWS = 1_000_000
# Checked in this order; each read from its contract beside the staging models (sql/staging/*.contract.toml).
CONTRACTS = ("stg_etablissements", "stg_postes", "identites_postes_etablissements", "stg_sirene")
CHECKS = read_contracts(CONTRACTS)
ETABLISSEMENTS, POSTES, IDENTITES, SIRENE = CHECKS
# Column name → type the integrator relies on, per staging table (from the contracts' [colonnes]).
SCHEMAS = {check.table: check.columns for check in CHECKS if check.columns}


class ValidationFailed(RuntimeError):
    """A critical expectation failed, or an expectation crashed."""


def merge(chunks: list[list[Outcome]]) -> list[Outcome]:
    """One outcome per expectation over every chunk: counts added, the worst status kept, first examples."""
    merged: dict[tuple[str, str, str], Outcome] = {}
    for outcomes in chunks:
        for o in outcomes:
            # keyed by label too: two expectations of one kind on one column ("ETP positifs", critical, and
            # "un poste au plus 1,5 ETP", a warning) stay two outcomes with their own severity
            key = (o.table, o.controle, o.libelle)
            seen = merged.get(key)
            if seen is None:
                merged[key] = o
                continue
            statut = max(seen.statut, o.statut, key=("sans_objet", "succes", "echec", "erreur").index)
            merged[key] = replace(
                seen, statut=statut, detail=seen.detail or o.detail, exemples=(seen.exemples + o.exemples)[:5],
                lignes=seen.lignes + o.lignes, ecarts=seen.ecarts + o.ecarts)
    return [_described(o) for o in merged.values()]


def _described(o: Outcome) -> Outcome:
    if o.statut == "erreur":
        return o
    return replace(o, detail=f"{o.ecarts} valeur(s) en écart sur {o.lignes}" if o.lignes else
                   (o.detail or ("conforme" if o.statut == "succes" else "non conforme")))


def frames(connection, check: Check, millesime: int, chunk_rows: int = CHUNK_ROWS):
    """The check's rows as pandas frames (Arrow dtypes) of at most ~chunk_rows rows, split on hash(key), each
    sorted on all its columns."""
    import pandas as pd

    params = [millesime]
    [(rows,)] = connection.execute(f"select count(*) from ({check.query})", params).fetchall()
    chunks = max(1, math.ceil(rows / chunk_rows))
    for i in range(chunks):
        part = "" if chunks == 1 else f" where hash({check.key}) % {chunks} = {i}"
        # in a fixed order: the examples a failing expectation lists are its first rows, and a rebuilt
        # warehouse scans its tables in another order (two builds must write the same validation.json)
        query = f"select * from ({check.query}){part} order by all"
        arrow = connection.sql(query, params=params).to_arrow_table()
        yield _numpy_numbers(arrow.to_pandas(types_mapper=pd.ArrowDtype))


def _numpy_numbers(frame):
    """Numbers as numpy int64 / float64 (NULL → NaN): GX compares only those vectorised; on an Arrow or
    int32 column it calls Python once per value (45 s of a national validate)."""
    import pyarrow as pa

    for name, dtype in frame.dtypes.items():
        kind = getattr(dtype, "pyarrow_dtype", None)
        if kind is not None and pa.types.is_integer(kind):
            frame[name] = frame[name].astype("float64" if frame[name].hasnans else "int64")
        elif kind is not None and pa.types.is_floating(kind):
            frame[name] = frame[name].astype("float64")
    return frame


def run_check(connection, validator: Validator, check: Check, millesime: int,
              chunk_rows: int = CHUNK_ROWS) -> list[Outcome]:
    if check.applies:
        [(count,)] = connection.execute(check.applies, [millesime]).fetchall()
        if not count:
            return [Outcome(check.table, "suite entière", CRITICAL, "sans_objet",
                            "pas de fichier pour ce millésime : contrôles sans objet", [])]
    name = f"{check.table} {millesime}"
    return merge([validator.validate(check, frame, name) for frame in frames(connection, check, millesime,
                                                                             chunk_rows)])


def schema_outcomes(connection) -> list[Outcome]:
    """The staging tables keep the columns and types the later steps read."""
    outcomes = []
    for table, expected in SCHEMAS.items():
        found = {name: kind for name, kind, *_ in connection.execute(f"describe {table}").fetchall()}
        gaps = [f"{name} {kind} (trouvé : {found.get(name, 'absente')})" for name, kind in expected.items()
                if found.get(name) != kind]
        outcomes.append(Outcome(table, "schéma (colonnes et types)", CRITICAL, "echec" if gaps else "succes",
                                f"{len(gaps)} colonne(s) en écart" if gaps else "conforme", gaps[:5],
                                libelle="colonnes et types attendus par les étapes suivantes"))
    return outcomes


def run_gx(frame, check: Check = ETABLISSEMENTS) -> list[Outcome]:
    """GX on one in-memory frame (tests and small checks)."""
    return merge([Validator().validate(check, frame)])


def run_millesime(connection, millesime: int, out_dir: Path, chunk_rows: int = CHUNK_ROWS) -> list[Outcome]:
    """Every suite of a millésime; the GX Data Docs are built aside, made to render offline, and swapped into
    out_dir/gx."""
    from oress.offline import make_offline

    aside = out_dir / ".gx.building"
    shutil.rmtree(aside, ignore_errors=True)
    validator = Validator(aside)
    outcomes = schema_outcomes(connection)
    for check in CHECKS:
        outcomes += run_check(connection, validator, check, millesime, chunk_rows)
    validator.build_docs()
    if aside.exists():
        make_offline(aside)         # GX's pages load their CSS and scripts from CDNs: copies from npm instead
    _swap_dir(aside, out_dir / "gx")
    return outcomes


def staging_outcomes(connection, millesime: int, chunk_rows: int = CHUNK_ROWS) -> list[Outcome]:
    """The contracts of each staging table (schemas and their GX suites; the identities between the job and
    establishment files stay with `oress validate`), without Data Docs: the gate that ends `ingest`, so a
    critical failure stops before transform."""
    validator = Validator()
    outcomes = schema_outcomes(connection)
    for check in (c for c in CHECKS if c.table.startswith("stg_")):
        outcomes += run_check(connection, validator, check, millesime, chunk_rows)
    return outcomes


def _swap_dir(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def run_sql_checks(connection) -> list[Outcome]:
    return [Outcome("marts", name, CRITICAL, "succes" if count == 0 else "echec", f"{count} ligne(s) en écart",
                    check_examples(connection, name) if count else [], libelle=check_description(name), ecarts=count)
            for name, count in run_checks(connection).items()]


def _named(o: Outcome) -> str:
    return f"{o.table} — {o.libelle + ' — ' if o.libelle else ''}{o.controle}"


def gate(outcomes: list[Outcome]) -> None:
    errors = [o for o in outcomes if o.statut == "erreur"]
    if errors:
        raise ValidationFailed(f"contrôle en erreur (ni réussi ni échoué) : {_named(errors[0])} : {errors[0].detail}")
    failed = [o for o in outcomes if o.statut == "echec" and o.severite == CRITICAL]
    if failed:
        others = f" ; {len(failed) - 1} autre(s) contrôle(s) critique(s) en échec" if len(failed) > 1 else ""
        raise ValidationFailed(f"contrôle critique en échec : {_named(failed[0])} : {failed[0].detail} "
                               f"(exemples : {'; '.join(failed[0].exemples) or '—'}){others} ; détail dans "
                               "qualite/validation.html")


def run(spec: RunSpec) -> None:
    """The validate step: every suite and sql/checks per millésime, reports written before the gate."""
    from oress.validate_report import rejection_summary, write_report

    outcomes_by_year = {}
    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "stg_etablissements", "stg_postes", "mart_cellules")
        sql_outcomes = run_sql_checks(connection)
        for millesime in spec.millesimes:
            out_dir = spec.reports_for(millesime) / "qualite"
            outcomes = run_millesime(connection, millesime, out_dir) + sql_outcomes
            write_report(outcomes, out_dir, millesime, rejection_summary(connection, millesime))
            outcomes_by_year[millesime] = outcomes
            failed = sum(o.statut in ("echec", "erreur") for o in outcomes)
            say(f"  {millesime} : {len(outcomes)} contrôles, {failed} en écart ; "
                f"{shown(spec, out_dir)}/validation.html")
    for outcomes in outcomes_by_year.values():
        gate(outcomes)
