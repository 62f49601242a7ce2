"""The secrecy steps: `protect` (the annual cells and the attacker audit), `audit` (replayed on the written
files) and `conjoncture` (the quarterly cells and their notes)."""
from __future__ import annotations

from contextlib import contextmanager

from oress.config import RunSpec
from oress.pipeline_base import console, require_tables, say, shown
from oress.warehouse import building, models, reading, run_models


def protect(spec: RunSpec) -> None:
    from oress.protect import build_published, status_counts
    from oress.secrecy import write_audit_report
    from oress.warehouse import run_checks

    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "mart_cellules", "int_modalites", "ref_territoire_commune")
        with secrecy_progress() as on_round:
            protections = build_published(connection, spec.secret, log=lambda line: say(f"  {line}"),
                                          on_round=on_round)
        say(f"  cellules par statut de secret : {status_counts(protections)}")
        # sql/protect hands the mart's cells to the published layer, which applies pub_secret
        run_models(connection, models(("protect", "published")), on_model=lambda name: say(f"  modèle {name}"))
        failed = {name: n for name, n in run_checks(connection, folder="checks/published").items() if n}
        if failed:
            raise RuntimeError(f"{spec.warehouse}: contrôle(s) du secret en échec, rien n'est publié : {failed}")
    for millesime, protection in protections.items():
        paths = write_audit_report(protection.audit, spec.reports_for(millesime) / "qualite")
        say(f"  {millesime} : audit du secret réussi ({len(protection.audit.intervals)} intervalles) → "
            f"{shown(spec, paths[-1])}")


@contextmanager
def secrecy_progress():
    """A live bar per millésime while the audit rounds of `oress protect` run (on a terminal): the
    intervals still too narrow after each round, against those of the first round."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    out = console()
    if not out.is_terminal:
        yield None
        return
    bars = Progress(TextColumn("  {task.description}"), BarColumn(), TextColumn("{task.fields[state]}"),
                    TimeElapsedColumn(), console=out, transient=False)
    tasks: dict[int, int] = {}

    def on_round(millesime: int, row: dict) -> None:
        if millesime not in tasks:
            tasks[millesime] = bars.add_task(f"secret {millesime}", total=max(row["failures"], 1), state="")
        task = tasks[millesime]
        first = bars.tasks[task].total
        bars.update(task, completed=first - min(row["failures"], first),
                    state=f"tour {row['round']} : {row['failures']} intervalles trop étroits, "
                          f"{row['secondaries']} secondaires")

    with bars:
        yield on_round


def audit(spec: RunSpec) -> None:
    """Re-run the attacker audit on every written indicateurs.parquet; fail if any primary can be narrowed."""
    from oress.protect import audit_publication
    from oress.secrecy import SecrecyError, write_audit_report

    failures = []
    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "mart_cellules", "int_modalites", "ref_territoire_commune")
        for millesime in spec.millesimes:
            parquet = spec.reports_for(millesime) / "chiffres-cles" / "indicateurs.parquet"
            result = audit_publication(connection, parquet, millesime, spec.secret)
            paths = write_audit_report(result, spec.reports_for(millesime) / "qualite")
            failing = int((~result.intervals["ok"]).sum())
            say(f"  {millesime} : {len(result.intervals)} intervalles, {failing} trop étroits → "
                f"{shown(spec, paths[-1])}")
            if failing:
                failures.append(f"{millesime} ({failing} intervalles)")
    if failures:
        raise SecrecyError(f"audit du secret en échec : {', '.join(failures)} ; voir qualite/audit_secret.html")


def conjoncture(spec: RunSpec) -> None:
    """Quarterly (URSSAF-like) cells: secrecy, derived changes, files and notes de conjoncture; skipped
    when the run has no quarterly extract."""
    from oress import trimestres
    from oress.publish import conjoncture as notes
    from oress.warehouse import run_checks

    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "mart_trimestres")
        if not connection.execute("select count(*) from mart_trimestres").fetchone()[0]:
            say("  aucun extrait trimestriel (trimestres.csv) : pas de note de conjoncture")
            return
        say(f"  cellules trimestrielles par statut de secret : {trimestres.build_published(connection, spec.secret)}")
        run_models(connection, models(("conjoncture",)), on_model=lambda name: say(f"  modèle {name}"))
        failed = {name: n for name, n in run_checks(connection, folder="checks/conjoncture").items() if n}
        if failed:
            raise RuntimeError(f"{spec.warehouse}: contrôle(s) du secret trimestriel en échec, rien n'est publié : "
                               f"{failed}")
    with reading(spec.warehouse) as connection:
        for path in notes.write_all(connection, spec):
            say(f"  {shown(spec, path)}")
