"""The DuckDB warehouse: built aside, swapped in atomically; SQL models run in dependency order."""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
from graphlib import TopologicalSorter
from pathlib import Path

from oress.config import SQL_DIR

LAYERS = ("staging", "intermediate", "marts")
IDENTIFIER = re.compile(r"\b[a-z_][a-z0-9_]*\b")
# DuckDB takes 80 % of the RAM by default and keeps it as cache: half leaves room for Python (pandas
# frames of the secrecy step, GX batches) and spills the rest to a temporary folder by the warehouse
MEMORY_SHARE = 0.5


def connect(path: Path, read_only: bool = False):
    """A DuckDB connection with a bounded memory and its spill folder next to the warehouse."""
    import duckdb

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") * MEMORY_SHARE
    connection = duckdb.connect(str(path), read_only=read_only)
    # SET rather than connect(config=…): DuckDB refuses a second connection to an open file with another config
    connection.execute(f"SET memory_limit = '{int(memory / 2**20)}MB'")
    connection.execute("SET temp_directory = ?", [str(path.parent / ".oress-temp")])
    return connection


class WarehouseLocked(RuntimeError):
    """Another oress run holds the warehouse."""


@contextlib.contextmanager
def _lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(path.suffix + ".lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise WarehouseLocked(
                f"{path}: un autre traitement oress utilise cet entrepôt ; attendre sa fin puis relancer"
            ) from error
        yield


@contextlib.contextmanager
def building(path: Path):
    """Yield a connection on a copy of the warehouse; swap it in only if the block succeeds."""
    with _lock(path):
        for stale in path.parent.glob(f".{path.name}.*.building*"):   # left by a run that was killed
            stale.unlink()
        aside = path.with_name(f".{path.name}.{os.getpid()}.building")
        if path.exists():
            shutil.copyfile(path, aside)
        try:
            connection = connect(aside)
            try:
                yield connection
                connection.execute("CHECKPOINT")
            finally:
                connection.close()
            os.replace(aside, path)
        finally:
            aside.unlink(missing_ok=True)


@contextlib.contextmanager
def transaction(path: Path):
    """Yield the path of ONE aside copy of the warehouse for a whole build (each step changes that copy);
    it replaces `path` only if the block succeeds, so a failed or killed build leaves `path` untouched.
    Copies left by a killed build are removed first."""
    with _lock(path):
        for stale in path.parent.glob(f".{path.name}.*.transaction*"):
            stale.unlink()
        aside = path.with_name(f".{path.name}.{os.getpid()}.transaction")
        if path.exists():
            shutil.copyfile(path, aside)
        try:
            yield aside
            os.replace(aside, path)
        finally:
            aside.unlink(missing_ok=True)
            aside.with_suffix(aside.suffix + ".lock").unlink(missing_ok=True)


def reading(path: Path):
    """A read-only connection on the current warehouse."""
    if not path.exists():
        raise FileNotFoundError(f"{path}: entrepôt absent ; lancer d'abord `oress reference` puis `oress ingest`")
    return connect(path, read_only=True)


def models(layers: tuple[str, ...] = LAYERS, sql_dir: Path = SQL_DIR) -> dict[str, str]:
    """Model name → SELECT text, for every file of the given layers."""
    return {p.stem: p.read_text(encoding="utf-8") for layer in layers for p in sorted((sql_dir / layer).glob("*.sql"))}


def run_order(sources: dict[str, str]) -> list[str]:
    """Models sorted so that each runs after the models its SQL names."""
    graph = {name: {ref for ref in IDENTIFIER.findall(sql) if ref in sources and ref != name}
             for name, sql in sources.items()}
    return list(TopologicalSorter(graph).static_order())


def run_models(connection, sources: dict[str, str], on_model=None) -> list[str]:
    """Materialise every model as a table, in dependency order."""
    order = run_order(sources)
    for name in order:
        if on_model:
            on_model(name)
        connection.execute(f"create or replace table {name} as {sources[name]}")
    return order


def check_description(name: str, sql_dir: Path = SQL_DIR, folder: str = "checks") -> str:
    """The French label a check's SQL file gives on its first line (`-- libellé : …`), for the reports."""
    first = (sql_dir / folder / f"{name}.sql").read_text(encoding="utf-8").partition("\n")[0]
    return first.partition("libellé :")[2].strip() or name


def check_examples(connection, name: str, limit: int = 5, sql_dir: Path = SQL_DIR, folder: str = "checks") -> list[str]:
    """The first offending rows of a check, as `column=value` strings."""
    query = (sql_dir / folder / f"{name}.sql").read_text(encoding="utf-8")
    frame = connection.execute(f"select * from ({query}) limit {int(limit)}").df()
    return [", ".join(f"{column}={value}" for column, value in row.items()) for row in frame.to_dict("records")]


def run_checks(connection, sql_dir: Path = SQL_DIR, folder: str = "checks") -> dict[str, int]:
    """Each check of sql/<folder> returns its offending rows; 0 rows = pass."""
    results = {}
    for path in sorted((sql_dir / folder).glob("chk_*.sql")):
        (count,) = connection.execute(f"select count(*) from ({path.read_text(encoding='utf-8')})").fetchone()
        results[path.stem] = count
    return results
