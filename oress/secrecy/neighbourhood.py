"""The attacker on a target's neighbourhood: the hidden cells within LOCAL_RADIUS equations of it, every other
hidden cell fixed at its true value — a conservative LP of a few hundred cells that settles most bounds of a
large group without the group's own LP."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from oress.secrecy.bounds import capacity_cut
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
        sub = self.block[rows][:, cells].tocsc()
        return GroupLP(sub, sub @ self.true[cells], self.is_inequality[rows], self.slack[rows], self.true[cells])

    def ball(self, column: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, GroupLP]:
        """`around(column)` and its LP, kept for the target's other bound (built once, the second solve warm)."""
        if self.last is None or self.last[0] != column:
            cells, rows, inner = self.around(column)
            self.last = (column, cells, rows, inner, self.lp(cells, rows))
        return self.last[1:]


def local_bound(local: Neighbourhood, result: Attack, target, column, sign, required, tolerance, scale,
                 seen_low, seen_high, context, last_resort: bool = False) -> bool | None:
    """Try one bound on the target's neighbourhood: True when it passes there (hence everywhere), False when
    it fails and the repair has a local cut it can satisfy, None when the group's LP must decide.
    last_resort (a national group, whose LP is out of reach): a failure with no local cut is tried again on a
    neighbourhood of WIDE_RADIUS equations, and when that fails too, its cut is taken whatever it asks — or,
    if it cannot be satisfied near the target, one more hidden cell among the published ones around it."""
    matrix, group_rows, group_cells, values, need, hideable, target_cell = context
    cells, rows, inner, lp = local.ball(column)
    reached, duals = ball_bound(lp, cells, column, sign, scale, seen_low, seen_high)
    if sign * (reached - required) <= tolerance:
        (result.lower if sign > 0 else result.upper)[target] = reached
        result.extreme[target] = False
        return True
    if hideable is None or duals is None:
        return None
    cut_cells, coefficient = capacity_cut(matrix, group_rows[rows], duals, group_cells[cells],
                                  int(np.searchsorted(cells, column)), sign, values, need)
    near = np.unique(matrix[group_rows[inner]].indices)
    useful = np.isin(cut_cells, group_cells[cells]) | (np.isin(cut_cells, near) & hideable[cut_cells])
    if coefficient[useful].sum() < 1 - 1e-9:
        if not last_resort:
            return None
        cells, rows, inner = local.around(column, WIDE_RADIUS, WIDE_MAX_CELLS)
        result.lp_count += 1
        result.local_lps += 1
        reached, duals = ball_bound(local.lp(cells, rows), cells, column, sign, scale, seen_low, seen_high)
        if sign * (reached - required) <= tolerance:
            (result.lower if sign > 0 else result.upper)[target] = reached
            result.extreme[target] = False
            return True
        near = np.unique(matrix[group_rows[inner]].indices)
        cut_cells, coefficient = capacity_cut(matrix, group_rows[rows], duals, group_cells[cells],
                                      int(np.searchsorted(cells, column)), sign, values, need)
        useful = np.isin(cut_cells, group_cells[cells]) | (np.isin(cut_cells, near) & hideable[cut_cells])
        if coefficient[useful].sum() < 1 - 1e-9:
            cut_cells = near[hideable[near]]
            coefficient, useful = np.ones(len(cut_cells)), np.ones(len(cut_cells), bool)
    (result.lower if sign > 0 else result.upper)[target] = reached
    result.ok[target], result.extreme[target] = False, False
    result.cuts.append((cut_cells[useful], coefficient[useful]))
    result.cut_targets.append(target_cell)
    result.local_cuts += 1
    return False


WIDE_RADIUS, WIDE_MAX_CELLS = 8, 4000


def ball_bound(lp: GroupLP, cells, column, sign, scale, seen_low, seen_high):
    """The bound reached on a neighbourhood (±inf when unbounded) and the LP's row duals (None then); the point
    reached is a witness for every cell of it."""
    optimum, point, duals = lp.solve(int(np.searchsorted(cells, column)), sign)
    if optimum is None:
        return (-np.inf if sign > 0 else np.inf), None
    seen_low[cells] = np.fmin(seen_low[cells], point * scale)
    seen_high[cells] = np.fmax(seen_high[cells], point * scale)
    return sign * optimum * scale, duals


def gather(compressed: sp.csr_matrix | sp.csc_matrix, members: np.ndarray) -> np.ndarray:
    """The sorted distinct indices stored in the given rows of a CSR matrix (columns of a CSC one)."""
    starts, ends = compressed.indptr[members], compressed.indptr[members + 1]
    lengths = ends - starts
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.unique(compressed.indices[np.arange(lengths.sum()) + offsets])
