"""The attacker audit of a mask: every primary cell, every measure, the interval an attacker reaches."""
from __future__ import annotations

import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp

from oress.config import SecretRules
from oress.secrecy.atoms import ATOM_LEVEL
from oress.secrecy.attacker import attack
from oress.secrecy.blocks import WHOLE, AuditBlocks, confined_job, lift
from oress.secrecy.bounds import Attack
from oress.secrecy.cells import KEY, MEASURES, SecrecyError, canonical, describe, measure_values, protection
from oress.secrecy.equations import Equations, check_equations
from oress.secrecy.primary import DOMINANCE_SHARES, primary_status
from oress.secrecy.settle import settled_attack

INTERVAL_COLUMNS = [*KEY, "secret", "measure", "value", "lower", "upper", "required_lower", "required_upper", "ok",
                    "extremes"]
# Above this many primary cells the audit proves each interval wide enough with witness points (values
# the attacker can reach) instead of solving for both extremes: the verdict is the same, exact extremes
# would cost ~8 LPs per primary over a région's whole connected publication (tens of minutes).
EXACT_AUDIT_MAX_PRIMARIES = 2000


def exact_audit(targets: np.ndarray) -> bool:
    return len(targets) <= EXACT_AUDIT_MAX_PRIMARIES


@dataclass(frozen=True)
class AuditResult:
    """intervals: one row per primary cell × measure (INTERVAL_COLUMNS); summary: per niveau and
    'ensemble', the count of cells, empty, published, A, B, D and the share of each measure hidden."""
    intervals: pd.DataFrame
    summary: pd.DataFrame
    # published cells the repair rounds hid to protect an unpublished atom (a difference of territories);
    # None for an audit of a written publication (`oress audit` does not know why a cell was hidden)
    differencing: pd.DataFrame | None = None

    @property
    def passed(self) -> bool:
        return bool(self.intervals["ok"].all())


class AttackJob(NamedTuple):
    """One part of an audit: `attacker.attack`'s arguments in its order, then `settle`: None, or, when the part
    settles its own repairs (`settle.settled_attack`), its cells' suppression costs, which of them are atoms and
    whether the part is a union of régions'."""
    matrix: sp.csr_matrix
    values: np.ndarray
    hidden: np.ndarray
    targets: np.ndarray
    need_down: np.ndarray
    need_up: np.ndarray
    exact: bool
    max_failures: int | None
    inequalities: sp.csr_matrix | None
    hideable: np.ndarray | None
    one_region: bool
    local_cuts: bool
    settle: tuple[np.ndarray, np.ndarray, bool] | None

    @property
    def problem(self) -> tuple:
        """`attacker.attack`'s arguments."""
        return self[:-1]


def attack_measures(equations: Equations, values: np.ndarray, hidden: np.ndarray, targets,
                    rules: SecretRules, exact: bool, max_failures: int | None = None,
                    hideable: np.ndarray | None = None,
                    blocks: AuditBlocks | None = None, current: np.ndarray | None = None,
                    cost: np.ndarray | None = None, local_cuts: bool = True) -> tuple[list[Attack], list[float]]:
    """One attack per measure on the targets (cell ids, or one array of them per measure); hidden is
    (cells × measures) bool. Measures are independent problems, and so are the blocks' parts of one measure's
    targets: above PARALLEL_MIN_TARGETS targets (or PARALLEL_MIN_HIDDEN hidden cells) they run in worker processes,
    one per core. A measure's targets are not split otherwise: each part probes its groups whole, at the same cost
    for half the targets (the demo's first audit of postes in two parts: 6,4–6,7 worker s, in one: 1,9–2,0 s;
    bench/RESULTS.md, twenty-sixth session).
    blocks: the block each target is attacked on (`blocks.confined_job`), WHOLE for the whole publication; each
    block is then a part of its own. current: the block each cell is attacked in now, when it differs from
    `blocks.home` (a target its block could not protect, escalated to a wider one).
    hideable: see attacker.attack. cost: the cells' suppression cost, given in a repair round: each block's part then
    runs its own repair rounds (`settle.settled_attack`); the cells it hid are in the Attack's `hid` (`hid_for_atoms`:
    those hidden to protect an unpublished atom). local_cuts: see attacker.attack."""
    need_down, need_up = protection(values, rules, equations.measures)
    atoms = equations.keys["niveau"].to_numpy() == ATOM_LEVEL
    matrix, holds = equations.matrix(), equations.holds()
    names = equations.measures.names
    per_measure = targets if isinstance(targets, list) else [targets] * len(names)
    jobs, owners, places, lifts = [], [], [], []
    for m in range(len(names)):
        chosen = per_measure[m][hidden[per_measure[m], m]]
        bounds = equations.inequalities_of(m)
        whole = (matrix[holds[:, m]], values[:, m], hidden[:, m])
        # the cells a repair can use: hidden, or free to hide (an audit without repair: all)
        usable = np.ones(len(values), bool) if hideable is None else hidden[:, m] | hideable
        # which rows touch which cells, for every block's part of this measure
        pattern = None if blocks is None else (abs(whole[0]), None if bounds is None else abs(bounds))
        for code, place in _parts(chosen, blocks, current):
            problem, lifted = (*whole, chosen[place], bounds, hideable), None
            cells = slice(None)
            if code != WHOLE:
                inside = blocks.unknowns(code)
                problem, cells = confined_job(*problem, inside, pattern)
                lifted = (cells, inside, code, blocks, usable)
            # a national publication's parts settle their own repairs (`settle`); a région's audit is one part
            settle = None if blocks is None or cost is None or hideable is None \
                or (code == WHOLE and len(place) > SETTLE_WHOLE_MAX_TARGETS) \
                else (cost[cells], atoms[cells], code != WHOLE and not one_region(blocks, code))
            part = chosen[place]
            # a block's part audits every target: its first failures are often escalated, and capped they would
            # use up the round (bench/RESULTS.md, eleventh session)
            capped = max_failures if code == WHOLE else None
            jobs.append(AttackJob(*problem[:4], need_down[part, m], need_up[part, m], exact, capped, *problem[4:],
                                  one_region(blocks, code), local_cuts, settle))
            lifts.append(lifted)
            owners.append(m)
            places.append(place)
    workers = min(len(jobs), os.cpu_count() or 1)
    # the largest parts first, so the last one to finish is a small one
    order = sorted(range(len(jobs)), key=lambda j: -len(jobs[j].targets))
    if workers > 1 and (sum(len(job.targets) for job in jobs) >= PARALLEL_MIN_TARGETS
                        or hidden.sum() >= PARALLEL_MIN_HIDDEN * len(names)):
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            done = dict(zip(order, pool.map(_timed_attack, [jobs[j] for j in order])))
    else:
        done = {j: _timed_attack(jobs[j]) for j in order}
    results = [done[j][0] if lifts[j] is None else lift(done[j][0], *lifts[j]) for j in range(len(jobs))]
    owners = np.array(owners)
    attacks = [Attack.joined([results[j] for j in np.flatnonzero(owners == m)],
                             [places[j] for j in np.flatnonzero(owners == m)]) for m in range(len(names))]
    return attacks, [sum(done[j][1] for j in np.flatnonzero(owners == m)) for m in range(len(names))]


def one_region(blocks: AuditBlocks | None, code: int) -> bool:
    """Whether the part of block `code` is one région's (`attacker.attack`'s one_region: its groups attacked whole)."""
    return code != WHOLE and len(blocks.parts(code)) == 1


def _parts(chosen: np.ndarray, blocks: AuditBlocks | None,
           current: np.ndarray | None) -> list[tuple[int, np.ndarray]]:
    """The parts of one measure's targets: (block code, their positions among the targets)."""
    if not len(chosen):
        return []
    if blocks is None:
        return [(WHOLE, np.arange(len(chosen)))]
    codes = (blocks.home if current is None else current)[chosen]
    return [(int(code), np.flatnonzero(codes == code)) for code in np.unique(codes)]


PARALLEL_MIN_TARGETS = 500
# the whole publication's part settles its own repairs only with this many targets or fewer: each of its repair
# rounds attacks again on France's group (a first round's 835 top targets kept one worker busy for over 30 minutes)
SETTLE_WHOLE_MAX_TARGETS = 100
# hidden cells per measure from which even a few targets are worth a process each: their LPs run on groups of
# thousands of cells (a quarter of a second each on a région), the fork costs a few milliseconds
PARALLEL_MIN_HIDDEN = 5000


def _timed_attack(job: AttackJob) -> tuple[Attack, float]:
    start = time.perf_counter()
    result = attack(*job.problem) if job.settle is None else settled_attack(job.problem, *job.settle)
    return result, time.perf_counter() - start


def intervals_frame(keys: pd.DataFrame, status: np.ndarray, values: np.ndarray, hidden: np.ndarray,
                    targets: np.ndarray, attacks: list[Attack], rules: SecretRules, measures) -> pd.DataFrame:
    """The audit rows; a primary left visible for a measure is pinned (lower = upper = value, not ok)."""
    need_down, need_up = protection(values, rules, measures)
    frames = []
    for m, measure in enumerate(measures.names):
        lower, upper = values[targets, m].copy(), values[targets, m].copy()
        ok, extremes = np.zeros(len(targets), bool), np.ones(len(targets), bool)
        shown = hidden[targets, m]
        lower[shown], upper[shown], ok[shown] = attacks[m].lower, attacks[m].upper, attacks[m].ok
        extremes[shown] = attacks[m].extreme
        frame = keys.iloc[targets].reset_index(drop=True).assign(
            secret=status[targets], measure=measure, value=values[targets, m], lower=lower, upper=upper,
            required_lower=values[targets, m] - need_down[targets, m],
            required_upper=values[targets, m] + need_up[targets, m], ok=ok, extremes=extremes)
        frames.append(frame)
    result = pd.concat(frames, ignore_index=True)[INTERVAL_COLUMNS] if frames \
        else pd.DataFrame(columns=INTERVAL_COLUMNS)
    return result.sort_values([*KEY, "measure"], kind="stable").reset_index(drop=True)


def summary_frame(keys: pd.DataFrame, status: np.ndarray, values: np.ndarray, empty: np.ndarray,
                  differencing: np.ndarray | None = None, names: tuple[str, ...] = MEASURES) -> pd.DataFrame:
    """Per published niveau and 'ensemble' (the unpublished atoms are left out: nothing of theirs is shown);
    part_masquee_postes_differenciation: the share of postes hidden only to stop differencing."""
    published = keys["niveau"].to_numpy() != ATOM_LEVEL
    differencing = np.zeros(len(keys), bool) if differencing is None else differencing
    keys, status, values, empty = keys[published], status[published], values[published], empty[published]
    cells = keys[["niveau"]].assign(secret=status, vide=empty, differenciation=differencing[published])
    hidden = status != ""
    for m, measure in enumerate(names):
        cells[f"valeur_{measure}"] = values[:, m]
        cells[f"masque_{measure}"] = np.where(hidden, values[:, m], 0.0)
    rows = []
    for niveau, group in [("ensemble", cells), *cells.groupby("niveau", sort=True)]:
        row = {"niveau": niveau, "cellules": len(group), "vides": int(group["vide"].sum()),
               "publiees": int((group["secret"] == "").sum())}
        row |= {statut: int((group["secret"] == statut).sum()) for statut in ("A", "B", "D")}
        for measure in names:
            total = group[f"valeur_{measure}"].sum()
            row[f"part_masquee_{measure}"] = group[f"masque_{measure}"].sum() / total if total else 0.0
        headline = group[f"valeur_{names[1]}"]
        row[f"part_masquee_{names[1]}_differenciation"] = (
            headline[group["differenciation"]].sum() / headline.sum() if headline.sum() else 0.0)
        rows.append(row)
    return pd.DataFrame(rows)


def audit(published: pd.DataFrame, true_values: pd.DataFrame, equations: Equations,
          rules: SecretRules, differencing: pd.DataFrame | None = None) -> AuditResult:
    """Audit a written publication: `published` has the key, `secret` and the measures (NULL when
    hidden); `true_values` the key and the true measures (with nb_unites and part_max_* the primary
    rules are re-applied, so a primary left published is reported too). differencing: the keys of the cells the
    protection hid only to stop differencing (its report's list), for the summary's share of them — the audit of a
    written publication cannot tell why a cell was hidden."""
    names = equations.measures.names
    shown = canonical(published, required=("secret", *names))
    true = canonical(true_values, required=names)
    for name, frame in (("publication", shown), ("valeurs vraies", true)):
        if not frame[list(KEY)].equals(equations.keys):
            raise SecrecyError(f"audit : les cellules de la {name} ne sont pas celles des équations")
    values = measure_values(true, equations.measures)
    check_equations(equations, values)
    hidden = shown[list(names)].isna().to_numpy()
    _check_published_values(shown, values, hidden, names)
    status = shown["secret"].fillna("").astype(str).to_numpy()
    primary = np.isin(status, ["A", "B"])
    if "nb_unites" in true.columns and any(c in true.columns for c in DOMINANCE_SHARES):
        primary |= primary_status(true, rules).to_numpy() != ""
    targets = np.flatnonzero(primary)
    attacks, _ = attack_measures(equations, values, hidden, targets, rules, exact=exact_audit(targets))
    empty = (true["nb_unites"].to_numpy() == 0) if "nb_unites" in true.columns else values[:, 0] == 0
    return AuditResult(intervals_frame(equations.keys, status, values, hidden, targets, attacks, rules,
                                       equations.measures),
                       summary_frame(equations.keys, status, values, empty, _listed(equations.keys, differencing),
                                     names))


def _listed(keys: pd.DataFrame, cells: pd.DataFrame | None) -> np.ndarray | None:
    """Whether each cell of `keys` is among `cells` (frames with the KEY columns, compared as text: a list read back
    from a CSV), None without `cells`."""
    if cells is None:
        return None
    return pd.MultiIndex.from_frame(keys[list(KEY)].astype(str)).isin(
        pd.MultiIndex.from_frame(cells[list(KEY)].astype(str)))


def _check_published_values(shown: pd.DataFrame, values: np.ndarray, hidden: np.ndarray,
                            names: tuple[str, ...]) -> None:
    published = shown[list(names)].to_numpy(dtype=float)
    different = ~hidden & (np.abs(np.nan_to_num(published) - values) > 0.005 + 1e-9 * np.abs(values))
    if different.any():
        row, m = np.argwhere(different)[0]
        raise SecrecyError(f"audit : la cellule publiée {describe(shown, row)} a {names[m]} = "
                           f"{published[row, m]:g} au lieu de {values[row, m]:g}")
