"""Statistical secrecy on the published cells: mart_cellules → pub_secret through the engine.

One publication per millésime: primary rules (A, B), then one global suppression model over every
cell of that millésime (D), proved by the attacker audit (oress.secrecy). The warehouse holds the
true cells, the territory membership and the modality tree the equations are built from. Python writes
the statuses only (pub_secret); sql/published/pub_indicateurs.sql makes the published cells, which the
step (`run`) builds and checks. `oress audit` (oress.audit) replays the audit on the files written later.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import signal
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd

from oress.classifications import read_tree
from oress.config import RunSpec, SecretRules
from oress.pipeline_base import console, require_checks, require_tables, say, shown
from oress.secrecy import ATOM_LEVEL, KEY, MEASURES, Protection, build_equations, suppress, write_audit_report
from oress.warehouse import building, models, run_models

CELL_COLUMNS = (*KEY, "libelle", *MEASURES)
PRIMARY_COLUMNS = ("nb_unites", "part_max_etablissements", "part_max_postes", "part_max_etp",
                   "part_max_remuneration")


def true_cells(connection, millesime: int) -> pd.DataFrame:
    """The millésime's cells before secrecy, in mart order."""
    return connection.execute(f"select {', '.join((*CELL_COLUMNS, *PRIMARY_COLUMNS))} from mart_cellules "
                              "where millesime = ?", [millesime]).df()


def membership(connection) -> pd.DataFrame:
    """Every territory (commune itself included) → its communes: the geography of the equations."""
    return connection.execute("select niveau, code, depcom from ref_territoire_commune").df()


def atoms(connection) -> pd.DataFrame:
    """The unpublished atoms (dimension, code, depcom) whose cells mart_cellules holds at niveau 'atome'."""
    return connection.execute("select dimension, code, depcom from ref_atomes").df()


def modalities(connection) -> pd.DataFrame:
    return connection.execute("select dimension, modalite, parent from int_modalites").df()


def level_blocks(cells: pd.DataFrame, members: pd.DataFrame, level: str = "region") -> pd.Series:
    """The `level` territory (région, département) holding each cell's territory, 'plusieurs' for the territories
    across several (France, a territory across régions): the blocks of a publication."""
    holders = _holders(members, level)
    per_territory = members.merge(holders, on="depcom").groupby(["niveau", "code"])["bloc"].agg(["nunique", "first"])
    label = per_territory["first"].where(per_territory["nunique"] == 1, "plusieurs").rename("bloc")
    keyed = cells[["niveau", "code"]].astype(str).merge(label.reset_index(), on=["niveau", "code"], how="left")
    return keyed["bloc"].fillna("plusieurs").set_axis(cells.index)


def _holders(members: pd.DataFrame, level: str) -> pd.DataFrame:
    """bloc, depcom: the communes of each `level` territory (each block)."""
    return members.loc[members["niveau"] == level, ["code", "depcom"]].rename(columns={"code": "bloc"})


def audit_blocks(blocked: pd.DataFrame, members: pd.DataFrame, level: str = "region") -> pd.Series:
    """The audit block of each cell: its `bloc`; for a territory across blocks but not all of them, the union of its
    blocks ('27+28'); '' for the top — the territories spanning every block and those covering their whole block,
    the block's own cells first (every région's cell is tied to the others by France's: fixed with them, it would be
    pinned; so would the département of a one-département région, equal to it). Every block's part attacks the
    top's cells as unknowns (`secrecy.blocks.AuditBlocks.unknowns`)."""
    size = members.groupby(["niveau", "code"])["depcom"].nunique()
    own = blocked[["niveau", "code"]].astype(str).merge(size.rename("communes").reset_index(), how="left",
                                                         on=["niveau", "code"])["communes"].to_numpy()
    whole = blocked["bloc"].map(size.xs(level)).to_numpy()
    label = blocked["bloc"].where(blocked["bloc"] != "plusieurs", _spans(blocked, members, level))
    return label.where(~(own == whole), "")


def _spans(blocked: pd.DataFrame, members: pd.DataFrame, level: str) -> pd.Series:
    """For each cell, the blocks its territory spans ('27+28'), '' when it spans them all (France)."""
    holders = _holders(members, level)
    across = blocked.loc[blocked["bloc"] == "plusieurs", ["niveau", "code"]].astype(str).drop_duplicates()
    spanned = members.merge(across, on=["niveau", "code"]).merge(holders, on="depcom")
    union = spanned.groupby(["niveau", "code"])["bloc"].agg(lambda b: "+".join(sorted(set(b)))).rename("union")
    union = union.where(union.str.count(r"\+") + 1 < holders["bloc"].nunique(), "")
    keyed = blocked[["niveau", "code"]].astype(str).merge(union.reset_index(), how="left", on=["niveau", "code"])
    return keyed["union"].fillna("").set_axis(blocked.index)


@dataclass(frozen=True)
class Publication:
    """What one millésime's protection reads from the warehouse: its true cells, the geography (territories and
    atoms → communes) and the modality and champ trees the equations are built from."""
    millesime: int
    cells: pd.DataFrame
    members: pd.DataFrame
    modalities: pd.DataFrame
    atoms: pd.DataFrame
    champ_parts: dict[str, tuple[str, ...]]

    @property
    def national(self) -> bool:
        return self.cells.loc[self.cells["niveau"] == "region", "code"].nunique() > 1

    def equations(self):
        """The attacker's equations over the cells, the champ sums from the warehouse's tree (ref_champs)."""
        return build_equations(self.cells, self.members, self.modalities, self.atoms, champ_parts=self.champ_parts)

    def units(self) -> pd.DataFrame:
        """niveau, code, depcom of every territory and atom: what the blocks are drawn from."""
        return pd.concat([self.members, self.atoms[["code", "depcom"]].assign(niveau=ATOM_LEVEL)])


def read_publication(connection, millesime: int) -> Publication:
    return Publication(millesime, true_cells(connection, millesime), membership(connection), modalities(connection),
                       atoms(connection), read_tree(connection).parts())


def protect_millesime(connection, millesime: int, rules: SecretRules, log: Callable[[str], None] | None = None,
                      on_round: Callable[[int, dict], None] | None = None) -> tuple[pd.DataFrame, Protection]:
    return protect_publication(read_publication(connection, millesime), rules, log, on_round)


def protect_publication(publication: Publication, rules: SecretRules, log: Callable[[str], None] | None = None,
                        on_round: Callable[[int, dict], None] | None = None) -> tuple[pd.DataFrame, Protection]:
    cells, millesime, equations = publication.cells, publication.millesime, publication.equations()
    # within 1 % of the cheapest mask: the last 1 % costs the MILP minutes on a région, and the audit,
    # not optimality, is what makes the publication safe
    say = None if log is None else (lambda line: log(f"{millesime} {line}"))
    progress = None if on_round is None else (lambda row: on_round(millesime, row))
    if not publication.national:
        # one région audited by département blocks was tried: a heavier mask, no faster (bench/RESULTS.md)
        return cells, suppress(cells, equations, rules, mip_rel_gap=1e-2, log=say, on_round=progress)
    # a national run: one first MILP per région, linear in their number; each région's cells, its own included,
    # then attacked on the région's part — its cells, the top's and the territories across it unknown, the rest
    # fixed (conservative); France's cells on the whole publication
    units = publication.units()
    blocked = cells.assign(bloc=level_blocks(cells, units))
    blocked["bloc_audit"] = audit_blocks(blocked, units)
    return cells, suppress(blocked, equations, rules, mip_rel_gap=1e-2, block_by="bloc", audit_by="bloc_audit",
                           log=say, on_round=progress)


def protect_all(publications: list[Publication], rules: SecretRules, log: Callable[[str], None] | None = None,
                on_round: Callable[[int, dict], None] | None = None) -> dict[int, Protection]:
    """Each millésime's protection. Régional publications run side by side, one process per millésime (each
    millésime's mask is its own: the result does not depend on the order): their MILPs and first audits hold one
    core each. A national publication fills the cores by itself (its régions' parts) and holds GiBs: one at a time."""
    if len(publications) < 2 or (os.cpu_count() or 1) < 2 or any(p.national for p in publications):
        return {p.millesime: protect_publication(p, rules, log, on_round)[1] for p in publications}
    return _side_by_side(publications, rules, log, on_round)


_FORKED: tuple[list[Publication], SecretRules, multiprocessing.Queue] | None = None   # read by the forked workers


def _side_by_side(publications: list[Publication], rules: SecretRules, log: Callable[[str], None] | None,
                  on_round: Callable[[int, dict], None] | None) -> dict[int, Protection]:
    global _FORKED
    context = multiprocessing.get_context("fork")
    events = context.Queue()
    _FORKED = (publications, rules, events)
    # not daemonic: each worker's audit starts processes of its own
    workers = [context.Process(target=_protect_forked, args=(index,), name=str(publication.millesime))
               for index, publication in enumerate(publications)]
    try:
        for worker in workers:
            worker.start()
            _own_group(worker.pid)
        outcomes = _relay(events, workers, log, on_round)
    finally:
        _FORKED = None
        for worker in workers:
            if worker.is_alive():
                _stop(worker)
            if worker.pid is not None:
                worker.join()
    return {publication.millesime: outcomes[index] for index, publication in enumerate(publications)}


def _own_group(pid: int) -> None:
    """Put a worker in a process group of its own (from both sides of the fork, whichever runs first): its audit's
    processes join it, so stopping the group stops them too — a worker stopped alone left them waiting forever."""
    try:
        os.setpgid(pid, pid)
    except (PermissionError, ProcessLookupError):    # already done by the other side, or the worker has ended
        pass


def _stop(worker) -> None:
    """Kill a worker and the processes it started (its process group)."""
    try:
        os.killpg(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        worker.kill()


def _protect_forked(index: int) -> None:
    """In a worker: one millésime's protection; its log lines, rounds and result (or error) sent to the parent."""
    _own_group(os.getpid())
    publications, rules, events = _FORKED
    try:
        protection = protect_publication(publications[index], rules, log=lambda line: events.put(("log", line)),
                                         on_round=lambda millesime, row: events.put(("round", millesime, row)))[1]
        events.put(("result", index, protection))
    except BaseException as error:  # noqa: BLE001 — handed to the parent, which raises it
        events.put(("error", index, error))


def _relay(events, workers, log: Callable[[str], None] | None,
           on_round: Callable[[int, dict], None] | None) -> dict[int, Protection]:
    """Hand the workers' log lines and rounds to the parent's log and progress bars as they come, until every
    worker has sent its protection; a worker's error is raised here."""
    outcomes: dict[int, Protection] = {}
    while len(outcomes) < len(workers):
        try:
            event = events.get(timeout=0.5)
        except queue.Empty:
            _check_alive(events, workers, outcomes)
            continue
        kind = event[0]
        if kind == "log" and log:
            log(event[1])
        elif kind == "round" and on_round:
            on_round(event[1], event[2])
        elif kind == "result":
            outcomes[event[1]] = event[2]
        elif kind == "error":
            raise event[2]
    return outcomes


def _check_alive(events, workers, outcomes: dict) -> None:
    """A worker gone without a result (killed, or its error could not be sent) stops the step."""
    gone = [index for index, worker in enumerate(workers) if index not in outcomes and not worker.is_alive()]
    if gone and events.empty():
        named = ", ".join(f"{workers[index].name} (code {workers[index].exitcode})" for index in gone)
        raise RuntimeError(f"le secret du millésime {named} s'est arrêté sans résultat : processus terminé "
                           "(mémoire épuisée ou arrêt forcé ?) ; relancer `oress protect`")


def build_published(connection, rules: SecretRules, log: Callable[[str], None] | None = None,
                    on_round: Callable[[int, dict], None] | None = None) -> dict[int, Protection]:
    """Write pub_secret, the status of every cell of mart_cellules (atoms included), and return each millésime's
    protection; sql/published/pub_indicateurs.sql applies the statuses to the mart's cells."""
    millesimes = [r[0] for r in connection.execute(
        "select distinct millesime from mart_cellules order by 1").fetchall()]
    protections = protect_all([read_publication(connection, m) for m in millesimes], rules, log, on_round)
    write_statuses(connection, "pub_secret", [p.cells for p in protections.values()])
    return protections


def write_statuses(connection, table: str, cells: list[pd.DataFrame]) -> None:
    """Replace `table` by the key and secret status of the cells: all a publication's secrecy writes."""
    columns = [*KEY, "secret"]
    statuses = pd.concat([c[columns] for c in cells], ignore_index=True) if cells else pd.DataFrame(columns=columns)
    connection.register("statuts_secret", statuses)
    connection.execute(f"""
        create or replace table {table} as
        select cast(millesime as integer) as millesime, cast(niveau as varchar) as niveau,
               cast(code as varchar) as code, cast(champ as varchar) as champ, cast(dimension as varchar) as dimension,
               cast(modalite as varchar) as modalite, cast(secret as varchar) as secret
        from statuts_secret
    """)
    connection.unregister("statuts_secret")


def status_counts(protections: dict[int, Protection]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for protection in protections.values():
        published = protection.cells[protection.cells["niveau"] != ATOM_LEVEL]   # atoms: never published
        for status, count in published["secret"].value_counts().items():
            counts[status or "publie"] = counts.get(status or "publie", 0) + int(count)
    return dict(sorted(counts.items()))


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


def run(spec: RunSpec) -> None:
    """The protect step: pub_secret from the engine, then sql/protect and sql/published checked by
    sql/checks/published, and each millésime's audit report."""
    with building(spec.warehouse) as connection:
        require_tables(connection, spec, "mart_cellules", "int_modalites", "ref_territoire_commune")
        with secrecy_progress() as on_round:
            protections = build_published(connection, spec.secret, log=lambda line: say(f"  {line}"),
                                          on_round=on_round)
        say(f"  cellules par statut de secret : {status_counts(protections)}")
        # sql/protect hands the mart's cells to the published layer, which applies pub_secret
        run_models(connection, models(("protect", "published")), on_model=lambda name: say(f"  modèle {name}"))
        require_checks(connection, spec, "du secret", "checks/published")
    for millesime, protection in protections.items():
        paths = write_audit_report(protection.audit, spec.reports_for(millesime) / "qualite")
        say(f"  {millesime} : audit du secret réussi ({len(protection.audit.intervals)} intervalles) → "
            f"{shown(spec, paths[-1])}")
