"""The attacker on a target's neighbourhood: the hidden cells within LOCAL_RADIUS equations of it, every other
hidden cell fixed at its true value — a conservative LP of a few hundred cells that settles most bounds of a
large group without the group's own LP."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from oress.secrecy.bounds import capacity_cut, within
from oress.secrecy.grouplp import GroupLP

if TYPE_CHECKING:
    from oress.secrecy.bounds import Attack

LOCAL_RADIUS = 4    # equations away from the target


class Neighbourhood:
    """The attacker restricted to the hidden cells within LOCAL_RADIUS equations of a target, every other
    hidden cell fixed at its true value. Its feasible tables are tables of the whole problem (fixing unknowns
    at their true values keeps every equation true), so its interval lies inside the true one: a bound it
    proves wide enough is wide enough. A bound it finds too narrow may be an effect of the fixing; its cut then
    asks to hide cells of the neighbourhood until the neighbourhood alone protects the target."""

    def __init__(self, block: sp.csc_matrix, true: np.ndarray, is_inequality, slack: np.ndarray):
        pattern = abs(block).astype(bool)
        self.cells_of, self.rows_of = pattern.tocsr(), pattern.tocsc()   # a row's cells, a cell's rows
        self.block, self.true, self.slack = block.tocsr(), true, slack
        self.is_inequality = np.zeros(block.shape[0], bool) if is_inequality is None else is_inequality
        self.last = None
        self.wide_balls: list[tuple] = []     # the last WIDE_KEPT wide neighbourhoods (`wide`)
        # called with a new wide neighbourhood's cells and LP: the attacker probes its pending targets there
        self.on_wide: Callable[[np.ndarray, GroupLP], None] | None = None

    def around(self, column: int, radius: int | None = None,
               most: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The cells within the radius (LOCAL_RADIUS by default; fewer steps when the next would pass `most`
        cells), the rows touching them, and the rows touching the cells one step closer (a published cell of
        those rows, once hidden, lies within the radius). Walked from the target: the cost is the
        neighbourhood's size, not the group's (a national group holds hundreds of thousands of cells)."""
        cells = np.array([column])
        inner = gather(self.rows_of, cells)
        for _ in range(LOCAL_RADIUS if radius is None else radius):
            inner = gather(self.rows_of, cells)
            wider = gather(self.cells_of, inner)
            if most is not None and len(wider) > most and len(cells) > 1:
                break
            cells = wider
        return cells, gather(self.rows_of, cells), inner

    def lp(self, cells: np.ndarray, rows: np.ndarray) -> GroupLP:
        sub = self.submatrix(cells, rows)
        return GroupLP(sub, sub @ self.true[cells], self.is_inequality[rows], self.slack[rows], self.true[cells])

    def submatrix(self, cells: np.ndarray, rows: np.ndarray) -> sp.csc_matrix:
        """The block's rows × cells (both sorted), built from the rows' entries: scipy's column selection costs the
        whole group's width (tens of thousands of cells) for each of thousands of neighbourhoods."""
        picked = self.block[rows]
        at = np.searchsorted(cells, picked.indices)
        kept = at < len(cells)
        kept[kept] = cells[at[kept]] == picked.indices[kept]
        row = np.repeat(np.arange(len(rows)), np.diff(picked.indptr))
        return sp.csc_matrix((picked.data[kept], (row[kept], at[kept])), shape=(len(rows), len(cells)))

    def ball(self, column: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, GroupLP]:
        """`around(column)` and its LP, kept for the target's other bound (built once, the second solve warm)."""
        if self.last is None or self.last[0] != column:
            cells, rows, inner = self.around(column)
            self.last = (column, cells, rows, inner, self.lp(cells, rows))
        return self.last[1:]

    def wide(self, column: int, own: bool = False) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, GroupLP]:
        """A neighbourhood of WIDE_RADIUS equations (at most WIDE_MAX_CELLS cells) holding the column, with its LP:
        one kept from an earlier target when it holds the column (any neighbourhood is conservative, so its bound
        is a proof for every cell in it: the top's cells of one slice — France, the régions — share one), unless
        `own` asks for the one drawn around the column (whose inner rows are the target's, for its cut). Returns
        the column it was drawn around, its cells, rows, inner rows and LP."""
        for ball in reversed(self.wide_balls):
            if ball[0] == column or (not own and within(ball[1], np.array([column]))[0]):
                return ball
        cells, rows, inner = self.around(column, WIDE_RADIUS, WIDE_MAX_CELLS)
        lp = self.lp(cells, rows)
        if self.on_wide is not None:
            self.on_wide(cells, lp)
        self.wide_balls = [*self.wide_balls, (column, cells, rows, inner, lp)][-WIDE_KEPT:]
        return self.wide_balls[-1]


def local_bound(local: Neighbourhood, result: Attack, target, column, sign, required, tolerance, scale,
                 seen_low, seen_high, context, last_resort: bool = False, wide: bool = False) -> bool | None:
    """Try one bound on the target's neighbourhood: True when it passes there (hence everywhere), False when
    it fails and the repair has a local cut it can satisfy, None when the group's LP must decide.
    last_resort (a national group, whose LP is out of reach): a failure's cut is taken whatever it asks, or, if it
    cannot be satisfied near the target, one more hidden cell among the published ones around it. With `wide`,
    the failure is first tried again on a wide neighbourhood (`Neighbourhood.wide`) — the fixed boundary of
    LOCAL_RADIUS equations pins a région's cell that its départements and the other régions leave free
    (bench/RESULTS.md, ninth session) —, whose cut is then the one taken; without it, on a wider neighbourhood
    only when the first one has no cut to take."""
    matrix, group_rows, group_cells, values, need, hideable, target_cell = context
    cells, rows, inner, lp = local.ball(column)
    reached, duals = ball_bound(lp, cells, column, sign, scale, seen_low, seen_high)
    if sign * (reached - required) <= tolerance:
        return _passed(result, target, sign, reached)
    if hideable is None or duals is None:
        return None
    if not wide:
        cut = _local_cut(matrix, group_rows, group_cells, values, need, hideable, cells, rows, inner, duals(), column,
                         sign)
        if cut[1][cut[2]].sum() >= 1 - 1e-9:
            return _failed(result, target, sign, reached, cut, target_cell)
        if not last_resort:
            return None
        cells, rows, inner = local.around(column, NARROW_WIDE_RADIUS, NARROW_WIDE_MAX_CELLS)
        result.lp_count += 1
        result.local_lps += 1
        reached, duals = ball_bound(local.lp(cells, rows), cells, column, sign, scale, seen_low, seen_high)
        if sign * (reached - required) <= tolerance:
            return _passed(result, target, sign, reached)
    else:
        for own in (False, True):
            seed, cells, rows, inner, lp = local.wide(column, own)
            result.lp_count += 1
            result.local_lps += 1
            reached, duals = ball_bound(lp, cells, column, sign, scale, seen_low, seen_high)
            if sign * (reached - required) <= tolerance:
                return _passed(result, target, sign, reached)
            if seed == column:    # its own: no other to try
                break
    cut = _local_cut(matrix, group_rows, group_cells, values, need, hideable, cells, rows, inner, duals(), column,
                     sign)
    if cut[1][cut[2]].sum() < 1 - 1e-9:
        near = gather(matrix, group_rows[inner])
        cut_cells = near[hideable[near]]
        cut = cut_cells, np.ones(len(cut_cells)), np.ones(len(cut_cells), bool)
    return _failed(result, target, sign, reached, cut, target_cell)


def _failed(result: Attack, target, sign, reached, cut, target_cell) -> bool:
    cut_cells, coefficient, useful = cut
    (result.lower if sign > 0 else result.upper)[target] = reached
    result.ok[target], result.extreme[target] = False, False
    result.cuts.append((cut_cells[useful], coefficient[useful]))
    result.cut_targets.append(target_cell)
    result.local_cuts += 1
    return False


def _passed(result: Attack, target, sign, reached) -> bool:
    (result.lower if sign > 0 else result.upper)[target] = reached
    result.extreme[target] = False
    return True


def _local_cut(matrix, group_rows, group_cells, values, need, hideable, cells, rows, inner, duals, column, sign):
    """A neighbourhood's cut: its cells, their coefficients and which of them a repair can use (the
    neighbourhood's hidden cells, and the published cells of the rows around the target)."""
    cut_cells, coefficient = capacity_cut(matrix, group_rows[rows], duals, group_cells[cells],
                                          int(np.searchsorted(cells, column)), sign, values, need)
    near = gather(matrix, group_rows[inner])
    useful = within(group_cells[cells], cut_cells) | (within(near, cut_cells) & hideable[cut_cells])
    return cut_cells, coefficient, useful


# a failing national bound's second chance: a wide neighbourhood (a région's cell: 20 000 to 55 000 cells at
# radius 6), the last WIDE_KEPT of them kept for the targets they hold
WIDE_RADIUS, WIDE_MAX_CELLS, WIDE_KEPT = 6, 60_000, 4
# without a wide neighbourhood (many bounds pending), a failure with no cut to take is tried on this one
NARROW_WIDE_RADIUS, NARROW_WIDE_MAX_CELLS = 8, 4000


def ball_bound(lp: GroupLP, cells, column, sign, scale, seen_low, seen_high):
    """The bound reached on a neighbourhood (±inf when unbounded) and what gives the LP's row duals, for a cut
    (`GroupLP.duals`, to call before the LP's next solve; None when unbounded); the point reached is a witness for
    every cell of it."""
    optimum, point = lp.solve(int(np.searchsorted(cells, column)), sign)
    if optimum is None:
        return (-np.inf if sign > 0 else np.inf), None
    seen_low[cells] = np.fmin(seen_low[cells], point * scale)
    seen_high[cells] = np.fmax(seen_high[cells], point * scale)
    return sign * optimum * scale, lp.duals


def gather(compressed: sp.csr_matrix | sp.csc_matrix, members: np.ndarray) -> np.ndarray:
    """The sorted distinct indices stored in the given rows of a CSR matrix (columns of a CSC one)."""
    starts, ends = compressed.indptr[members], compressed.indptr[members + 1]
    lengths = ends - starts
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.unique(compressed.indices[np.arange(lengths.sum()) + offsets])
