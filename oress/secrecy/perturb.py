"""The joint repair: for each measure, one table that moves every failing primary at once.

A table x + d that satisfies every equation and inequality the reader knows, stays non-negative and differs from x
only in hidden cells is one the attacker must allow. When it moves each failing primary by its protection level,
hiding the cells d changes settles them all together — where one cut per bound, taken one at a time, finds the pins
of the next round (chains through several equations, through cells held at zero) only when the audit meets them.
The table is symmetric (x − d is allowed too: |d| ≤ x), so one table settles both sides of a positive primary; a
primary at 0 (no post at the end of the year in an establishment counted) can only rise: those get a table of their
own, d ≥ −x. Each primary's direction is set beforehand (`directions`): two primaries of one equation move so as
to offset each other. A primary the table cannot move far enough (the directions clash) is left to its cut.
One LP, weighted by cost per unit moved (cells already hidden move for free); reweighting it by the moves found
(towards fewer cells) saved 3 % of the cost and doubled the time (bench/RESULTS.md, twentieth session).
The table found is checked against the equations, inequalities and signs (`Problem._holds`) before its intervals
count as proofs; a target it leaves short keeps its cut and is audited again. A table may be confined to the cells
within a few equations of its targets (`Problem`'s radius: a national part's): every row touching them is kept and
the other cells stay at their values, so it is still a table of the whole problem, found in a smaller LP.
"""
from __future__ import annotations

from collections import deque
from typing import NamedTuple

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from oress.secrecy.grouplp import pass_lp
from oress.secrecy.walk import movable_within

CLASH_PENALTY = 1e4      # per unit of protection level left short, in median weights of a cell's unit move
MOVED = 1e-7
# the dual simplex solves the demo's tables in 6 000 to 14 000 iterations (1 to 3 s); on a région of France (108 549
# cells) one run had not finished a table after 10 min, where the interior point with crossover took 11,6 s (4 to 12 s
# on the demo's tables) — and with this cap set, the simplex solved that région's tables in 4 to 11 s, the cap never
# reached: why the uncapped run stalled is not understood. The simplex first, the interior point past this many
# iterations (a count, not a clock: the same mask on any machine)
SIMPLEX_MAX_ITERATIONS = 50_000
# equations around its targets within which a table moves cells — a joint repair's (a publication of one block) and a
# union of régions' part's (`settle._tables`). Over the whole demo every table's LP held its 83 000 cells that may
# move and took 1,7 to 5,5 s however few its targets (3 to 75 in round 2); within 4 equations the demo's 2018 protect
# took 0,64 of the time and hid 1,3 % more secondary cells (bench/RESULTS.md, twenty-fourth session). Over a whole
# union (140 000 to 200 000 cells) the table LP took 11 to 150 s; within 4 equations, round 2's parts of the unions
# 84+93 and 75+76 took 0,29 and 0,51 of the worker time and hid 8 and 15 % more cells (within 3: 0,18 and 0,14, but
# 2,3 and 1,6 times the cells; twenty-third session)
TABLE_RADIUS = 4


class Witness(NamedTuple):
    """Targets a table moved far enough, with the interval it proves for each (the attacker must allow x ± d):
    the mask only grows afterwards, so the proof holds for the final mask too."""
    targets: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def joint_repair(equations, values: np.ndarray, hidden: np.ndarray, hideable: np.ndarray, cost: np.ndarray,
                 need: tuple[np.ndarray, np.ndarray], failing: list[np.ndarray],
                 order: list[int]) -> list[Witness]:
    """Hide (in place) the cells of each measure's tables for its `failing` targets, measures in `order` (each sees
    the cells the earlier ones hid), each table moving cells within TABLE_RADIUS equations of its targets.
    Returns per measure what the tables prove."""
    need_down, need_up = need
    matrix, holds = equations.matrix(), equations.holds()
    proved = [Witness(np.zeros(0, int), np.zeros(0), np.zeros(0)) for _ in failing]
    for m in order:
        targets = failing[m]
        if not len(targets):
            continue
        problem = Problem(matrix[holds[:, m]].tocsc(), equations.inequalities_of(m), values[:, m],
                          equations.terms[holds[equations.terms["equation"].to_numpy(), m]], hidden, hideable, cost,
                          TABLE_RADIUS)
        proved[m] = problem.settle(targets, need_down[targets, m], need_up[targets, m])
    return proved


def wide_enough(witness: Witness, value: np.ndarray, need_down: np.ndarray, need_up: np.ndarray) -> np.ndarray:
    """Whether each interval a table proves is wide enough (the attacker's test, `attacker.attack`); value and needs
    are the witness's targets'."""
    tolerance = 1e-6 * np.maximum(1.0, np.abs(value))
    return (witness.lower <= value - need_down + tolerance) & (witness.upper >= value + need_up - tolerance)


def _widest(parts: list[Witness]) -> Witness:
    """One interval per target from several tables' witnesses: each side the furthest any table reached."""
    targets = np.concatenate([part.targets for part in parts])
    proved, inverse = np.unique(targets, return_inverse=True)
    lower, upper = np.full(len(proved), np.inf), np.full(len(proved), -np.inf)
    np.minimum.at(lower, inverse, np.concatenate([part.lower for part in parts]))
    np.maximum.at(upper, inverse, np.concatenate([part.upper for part in parts]))
    return Witness(proved, lower, upper)


class Problem:
    """One measure's equations, inequalities and true values, with the mask the tables extend (in place); a table
    moves only the cells within `radius` equations of its targets (None: any cell)."""

    def __init__(self, rows: sp.csc_matrix, inequalities: sp.csr_matrix | None, x: np.ndarray, terms: pd.DataFrame,
                 hidden: np.ndarray, hideable: np.ndarray, cost: np.ndarray, radius: int | None = None):
        self.rows, self.inequalities, self.x, self.terms = rows, inequalities, x, terms
        self.hidden, self.hideable, self.cost, self.radius = hidden, hideable, cost, radius

    def settle(self, targets: np.ndarray, need_down: np.ndarray, need_up: np.ndarray, minimum: int = 1) -> Witness:
        """Hide the cells of the tables that move the `targets` (needs: the targets') by their protection levels;
        returns what the tables prove. A table that would move fewer than `minimum` targets is not solved (they keep
        their cuts)."""
        x = self.x[targets]
        positive = x > 0
        # a symmetric table moves a primary by its value at most (x − d ≥ 0): one that must rise further gets a
        # rising-only table for its upper side — a primary at 0 (whose lower side needs nothing: the audit asks 0
        # below it), or a small one whose protection level exceeds its value (the symmetric table proves its lower side)
        rising = need_up > x
        parts = []
        if positive.sum() >= max(minimum, 1):
            level = np.minimum(np.maximum(need_down, need_up), x)[positive]
            chosen = targets[positive]
            parts.append(self.move(chosen, directions(self.terms, chosen, self.x), level, symmetric=True))
        if rising.sum() >= max(minimum, 1):
            parts.append(self.move(targets[rising], np.ones(int(rising.sum())), need_up[rising], symmetric=False))
        return _widest(parts) if parts else Witness(targets[:0], np.zeros(0), np.zeros(0))

    def move(self, targets: np.ndarray, direction: np.ndarray, level: np.ndarray, symmetric: bool) -> Witness:
        """Hide the cells of the cheapest table found moving each target by `level` in its direction; returns what it
        proves (the targets it moved far enough)."""
        x, k = self.x, len(targets)
        cells = self._movable_near(targets)
        n = len(cells)
        at = np.searchsorted(cells, targets)
        rows, _ = _rows_touching(self.rows, cells)
        fall = x[cells]                                                          # x + d ≥ 0
        rise = fall if symmetric else np.full(n, highspy.kHighsInf)              # and x − d ≥ 0
        # columns: d⁺ (n), d⁻ (n) on the cells that may move, shortfall (k); rows: the equations and inequalities
        # touching those cells (the others hold with d = 0), one per target
        signed = sp.csr_matrix((np.concatenate([direction, -direction]),
                                (np.tile(np.arange(k), 2), np.concatenate([at, at + n]))), shape=(k, 2 * n))
        blocks = [sp.hstack([rows, -rows])]
        row_lower, row_upper = [np.zeros(rows.shape[0])], [np.zeros(rows.shape[0])]
        if self.inequalities is not None and self.inequalities.shape[0]:
            # G·(x + d) ≤ 0, and G·(x − d) ≤ 0 when symmetric, on the inequalities touching the cells
            bounded, touched = _rows_touching(self.inequalities, cells)
            room = np.maximum(-(self.inequalities[touched] @ x), 0.0)
            blocks.append(sp.hstack([bounded, -bounded]))
            row_lower.append(-room if symmetric else np.full(len(room), -highspy.kHighsInf))
            row_upper.append(room)
        blocks.append(signed)
        row_lower.append(level)
        row_upper.append(np.full(k, highspy.kHighsInf))
        equations_rows = sum(b.shape[0] for b in blocks[:-1])
        shortfall = sp.vstack([sp.csr_matrix((equations_rows, k)), sp.identity(k, format="csr")])
        matrix = sp.hstack([sp.vstack(blocks), shortfall]).tocsc()
        typical = max(float(np.median(level)), 1e-9)
        # a cell is expected to move by about a protection level (less when smaller): its cost per unit of that
        weight = np.where(self.hidden[cells], 0.0, self.cost[cells] / np.clip(fall, typical / 10, typical))
        weight /= float(np.median(weight[weight > 0])) if (weight > 0).any() else 1.0
        highs = highspy.Highs()
        highs.silent()
        for option, value in (("threads", 1), ("random_seed", 0)):
            highs.setOptionValue(option, value)
        # the LP counts in protection levels and median weights: in euros (a rémunération table's median level 49 073
        # €) the dual simplex of a région's table spent over 25 min proving it was not unbounded
        # (HEkkDual::assessPossiblyDualUnbounded), 2,6 s once scaled (bench/RESULTS.md, twenty-third session)
        pass_lp(highs, matrix, np.concatenate([weight, weight, np.full(k, CLASH_PENALTY)]), np.zeros(2 * n + k),
                np.concatenate([rise, fall, np.full(k, highspy.kHighsInf)]) / typical,
                np.concatenate(row_lower) / typical, np.concatenate(row_upper) / typical)
        nothing = Witness(targets[:0], np.zeros(0), np.zeros(0))
        highs.setOptionValue("simplex_iteration_limit", SIMPLEX_MAX_ITERATIONS)
        highs.run()
        if highs.getModelStatus() == highspy.HighsModelStatus.kIterationLimit:
            for option, value in (("solver", "ipm"), ("run_crossover", "on"), ("simplex_iteration_limit", 10**9)):
                highs.setOptionValue(option, value)
            highs.clearSolver()
            highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return nothing            # numerical trouble: every target keeps its cut
        solution = np.asarray(highs.getSolution().col_value) * typical
        d = np.zeros(len(x))
        d[cells] = solution[:n] - solution[n:2 * n]
        moved = (np.abs(d) > MOVED * np.maximum(x, 1.0)) & self.hideable & ~self.hidden
        self.hidden[moved] = True
        d[~self.hidden] = 0.0          # the moves too small to hide a cell for: the check says if the table still holds
        if not self._holds(d, symmetric):
            return nothing
        reached = solution[2 * n:] <= 1e-6 * np.maximum(level, 1.0)
        move = np.abs(d[targets[reached]])
        value = x[targets[reached]]
        return Witness(targets[reached], value - move if symmetric else value, value + move)

    def _movable_near(self, targets: np.ndarray) -> np.ndarray:
        """The cells a table may move (hidden or hideable) within `radius` equations of a target through such cells,
        sorted (`walk.movable_within`)."""
        movable = self.hidden | self.hideable
        if self.radius is None:
            return np.flatnonzero(movable)
        return movable_within(self.rows.tocsr(), self.rows, movable, targets, self.radius)[0]

    def _holds(self, d: np.ndarray, symmetric: bool) -> bool:
        """Whether x + d (and x − d when symmetric) satisfies the equations and inequalities within the attacker's
        own tolerance (1e-6 on the table's scale)."""
        tolerance = 1e-6 * max(1.0, float(np.abs(self.x).max()))
        if np.abs(self.rows @ d).max(initial=0.0) > tolerance:
            return False
        if self.inequalities is not None and self.inequalities.shape[0]:
            sides = (1, -1) if symmetric else (1,)
            if max((self.inequalities @ (self.x + side * d)).max(initial=0.0) for side in sides) > tolerance:
                return False
        low = self.x - np.abs(d) if symmetric else self.x + d
        return low.min(initial=0.0) >= -tolerance


def _rows_touching(matrix: sp.spmatrix, cells: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """The matrix's rows with an entry among the `cells` (columns), restricted to them, and which rows those are."""
    sub = matrix[:, cells].tocsr()
    touched = np.diff(sub.indptr) > 0
    return sub[touched], touched


def directions(terms: pd.DataFrame, targets: np.ndarray, x: np.ndarray) -> np.ndarray:
    """+1 or −1 per target: from the largest, each target's neighbours in an equation get the direction that offsets
    it there (same side: opposite directions), breadth first; a clash is left to the LP's shortfall."""
    is_target = np.zeros(len(x), bool)
    is_target[targets] = True
    held = terms[is_target[terms["cell"].to_numpy()]]
    members = {e: (g["cell"].to_numpy(), g["coef"].to_numpy()) for e, g in held.groupby("equation")}
    of_cell: dict[int, list[int]] = {}
    for equation, (cells, _) in members.items():
        for cell in cells:
            of_cell.setdefault(int(cell), []).append(equation)
    sign = np.zeros(len(x))
    for start in targets[np.argsort(-x[targets], kind="stable")]:
        if sign[start]:
            continue
        sign[start] = 1.0
        queue = deque([int(start)])
        while queue:
            cell = queue.popleft()
            for equation in of_cell.get(cell, []):
                cells, coefs = members[equation]
                own = coefs[cells == cell][0]
                for other, coef in zip(cells, coefs):
                    if not sign[other]:
                        sign[other] = -sign[cell] * own * coef
                        queue.append(int(other))
    return sign[targets]
