"""What every step shares: the console it reports on, report paths as the reader finds them, and the check that
the earlier steps' tables are there."""
from __future__ import annotations

from oress.config import RunSpec


def console():
    from rich.console import Console

    # soft_wrap: a log read from a file keeps one line per message (no 80-column wrapping off a terminal)
    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(message: str) -> None:
    console().print(message)


def shown(spec: RunSpec, path) -> str:
    """A report's path within the reports tree: a build writes an aside copy of the tree, whose name the
    reader never sees."""
    return str(path.relative_to(spec.reports_dir)) if path.is_relative_to(spec.reports_dir) else str(path)


def require_tables(connection, spec: RunSpec, *tables: str) -> None:
    present = {row[0] for row in connection.execute("select table_name from information_schema.tables").fetchall()}
    missing = [t for t in tables if t not in present]
    if missing:
        raise RuntimeError(f"{spec.warehouse}: table {missing[0]} absente ; lancer les étapes précédentes "
                           "(`oress build --spec …` les enchaîne)")


def require_checks(connection, spec: RunSpec, what: str, *folders: str) -> None:
    """Stop, nothing published, when a check of sql/<folder> returns rows (`what`: whose checks, for the message:
    'du secret', 'du secret trimestriel')."""
    from oress.warehouse import run_checks

    failed = {name: n for folder in folders for name, n in run_checks(connection, folder=folder).items() if n}
    if failed:
        raise RuntimeError(f"{spec.warehouse}: contrôle(s) {what} en échec, rien n'est publié : {failed}")
