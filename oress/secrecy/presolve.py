"""A presolve of the attacker's LP that keeps the targets: the same optima for every objective on them,
in a much smaller LP that stays warm from one objective to the next.

A région's largest group of hidden cells is mostly structure: a hidden total whose parts are hidden too, a
cell alone in an equation, a cell that only one equation holds. HiGHS's own presolve removes it (23 496 ×
21 467 → 2 610 × 4 147 on 2018's demo) but must start again for every objective; this one is done once per
group, for objectives on the target cells only, with three reductions that do not depend on the objective:

- a **singleton equation** (one unknown left) pins its cell: the cell is its true value, a constant;
- a **slack cell**, not a target, held by one row only: the row only bounds the rest from one side
  (Σ others + a·x = b with x ≥ 0 reads Σ others ≤ b when a > 0), the cell leaves;
- a **free substitution**: a cell, not a target, that its equation defines as a sum of non-negative terms
  (x = b/a − Σ (a_k/a) x_k with every a_k/a ≤ 0 and b/a ≥ 0) is ≥ 0 whatever the others are, so it is
  replaced by that sum in every other row and leaves with its equation.

The cuts need the row duals of the whole group (`bounds.capacity_cut`): they are recovered from the reduced LP's
duals — a kept row keeps its dual, a dropped free row has dual 0, and the dual of an equation that pinned or
defined a cell makes that cell's reduced cost 0 (one triangular solve, in the order of elimination).
"""
from __future__ import annotations

import heapq

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

# a substitution adds up to (terms of its equation − 1) × (other rows of its cell − 1) coefficients: above
# this, it would make the LP denser than it makes it smaller
MAX_FILL = 16
ZERO = 1e-11


class Reduction:
    """The reduced LP of min c·x, lower ≤ M x ≤ upper, x ≥ 0 for costs on the `keep` columns only."""

    def __init__(self, matrix: sp.csc_matrix, lower: np.ndarray, upper: np.ndarray, true: np.ndarray,
                 keep: np.ndarray):
        self.shape, self.true = matrix.shape, true
        rows = matrix.tocsr()
        self.row_entries = [dict(zip(rows.indices[rows.indptr[i]:rows.indptr[i + 1]].tolist(),
                                     rows.data[rows.indptr[i]:rows.indptr[i + 1]].tolist()))
                            for i in range(matrix.shape[0])]
        self.col_rows = [set(matrix.indices[matrix.indptr[j]:matrix.indptr[j + 1]].tolist())
                         for j in range(matrix.shape[1])]
        self.lower, self.upper = lower.astype(float).copy(), upper.astype(float).copy()
        self.keep = keep
        # an upper bound each cell cannot pass, implied by a row whose cells all count the same way (hidden
        # parts of a published total): not a constraint of the LP, only what lets a substitution see x ≥ 0.
        # Its row (implied_by) must stay as it was when the bound was read and must not hold the substituted
        # cell — otherwise x ≥ 0 would be proved from itself — so a changed row forgets the bounds it gave.
        self.implied_upper = [np.inf] * matrix.shape[1]    # lists: read one cell at a time, in Python
        self.implied_by = [-1] * matrix.shape[1]
        self.bounded_by: dict[int, set[int]] = {}
        self.row_alive = np.ones(matrix.shape[0], bool)
        self.col_alive = np.ones(matrix.shape[1], bool)
        self.fixed = np.zeros(matrix.shape[1], bool)        # pinned at its true value
        self.pairs: list[tuple[int, int, dict[int, float]]] = []   # (row, cell, the cell's rows then)
        self._reduce()
        self._assemble()

    # --- reductions -------------------------------------------------------------------------------------------
    def _reduce(self) -> None:
        rows, cols = set(range(self.shape[0])), set(range(self.shape[1]))
        candidates = set(cols)      # cells whose rows changed since the last search for substitutions
        while rows or cols:
            while rows or cols:
                for i in sorted(rows):
                    rows.discard(i)
                    if self.row_alive[i]:
                        candidates.update(self.row_entries[i])
                        self._check_row(i, rows, cols)
                for j in sorted(cols):
                    cols.discard(j)
                    candidates.add(j)
                    if self.col_alive[j]:
                        self._check_col(j, rows, cols)
            self._substitute(sorted(candidates), rows, cols)
            candidates = set()

    def _check_row(self, i: int, rows: set, cols: set) -> None:
        entries = self.row_entries[i]
        if not entries or (self.lower[i] == -np.inf and self.upper[i] == np.inf):
            self._drop_row(i, cols)
        elif len(entries) == 1 and self.lower[i] == self.upper[i]:
            (j, _), = entries.items()
            self._eliminate(i, j, rows, cols, pin=True)
        else:
            self._bound_cells(i)

    def _bound_cells(self, i: int) -> None:
        """Σ a_k x_k ≤ upper with every a_k > 0 (or ≥ lower with every a_k < 0) and x ≥ 0: x_k ≤ upper / a_k."""
        entries = self.row_entries[i]
        if self.upper[i] < np.inf and all(value > 0 for value in entries.values()):
            limit = self.upper[i]
        elif self.lower[i] > -np.inf and all(value < 0 for value in entries.values()):
            limit = self.lower[i]
        else:
            return
        implied, implied_by = self.implied_upper, self.implied_by
        gave = self.bounded_by.setdefault(i, set())
        for k, value in entries.items():
            bound = max(limit / value, 0.0)
            if bound < implied[k]:
                implied[k], implied_by[k] = bound, i
                gave.add(k)

    def _forget_bounds(self, i: int) -> None:
        for k in self.bounded_by.pop(i, ()):
            if self.implied_by[k] == i:
                self.implied_upper[k], self.implied_by[k] = np.inf, -1

    def _check_col(self, j: int, rows: set, cols: set) -> None:
        if self.keep[j]:
            return
        held = self.col_rows[j]
        if not held:
            self.col_alive[j] = False
        elif len(held) == 1:     # a slack: its row bounds the others from one side only
            i, = held
            self._forget_bounds(i)
            if self.row_entries[i].pop(j) > 0:
                self.lower[i] = -np.inf
            else:
                self.upper[i] = np.inf
            held.clear()
            self.col_alive[j] = False
            rows.add(i)

    def _drop_row(self, i: int, cols: set) -> None:
        self._forget_bounds(i)
        self.row_alive[i] = False
        for j in self.row_entries[i]:
            self.col_rows[j].discard(i)
            cols.add(j)
        self.row_entries[i] = {}

    def _eliminate(self, r: int, j: int, rows: set, cols: set, pin: bool) -> None:
        """Remove cell j with its equation r: pinned at its true value (pin), or replaced by what r says it is."""
        column = {i: self.row_entries[i][j] for i in self.col_rows[j]}
        self.pairs.append((r, j, column))
        pivot, defining = column[r], self.row_entries[r]
        for i, coefficient in column.items():
            if i == r:
                continue
            entries = self.row_entries[i]
            del entries[j]
            self._forget_bounds(i)
            if pin:
                shift = coefficient * self.true[j]
                self.lower[i] -= shift
                self.upper[i] -= shift
            else:
                factor = -coefficient / pivot
                for k, value in defining.items():
                    if k == j:
                        continue
                    updated = entries.get(k, 0.0) + factor * value
                    if abs(updated) <= ZERO:
                        entries.pop(k, None)
                        self.col_rows[k].discard(i)
                    else:
                        entries[k] = updated
                        self.col_rows[k].add(i)
                    cols.add(k)
                self.lower[i] += factor * self.lower[r]
                self.upper[i] += factor * self.lower[r]
            rows.add(i)
        for k in defining:
            self.col_rows[k].discard(r)
            cols.add(k)
        self._forget_bounds(r)
        self.row_entries[r], self.col_rows[j] = {}, set()
        self.row_alive[r], self.col_alive[j] = False, False
        self.fixed[j] = pin

    def _substitute(self, candidates: list[int], rows: set, cols: set) -> None:
        """Free substitutions among the candidates, least fill first (each checked again when its turn comes:
        earlier ones change the rows); what they leave to the cheaper reductions is queued in rows and cols."""
        heap = []
        for j in candidates:
            if not self.col_alive[j] or self.keep[j]:
                continue
            for r in self.col_rows[j]:
                fill = self._fill(r, j)
                if fill <= MAX_FILL and self._defines(r, j):
                    heapq.heappush(heap, (fill, j, r))
        while heap:
            _, j, r = heapq.heappop(heap)
            if self.col_alive[j] and self.row_alive[r] and r in self.col_rows[j] \
                    and self._fill(r, j) <= MAX_FILL and self._defines(r, j):
                self._eliminate(r, j, rows, cols, pin=False)

    def _fill(self, r: int, j: int) -> int:
        """Coefficients substituting cell j through equation r may add: its other terms × its other rows."""
        return (len(self.row_entries[r]) - 1) * (len(self.col_rows[j]) - 1)

    def _defines(self, r: int, j: int) -> bool:
        """Equation r gives cell j as b/a − Σ (a_k/a) x_k, and that is ≥ 0 whatever the others are (each
        between 0 and its implied upper bound): x_j ≥ 0 is implied, the cell is free to substitute."""
        if self.lower[r] != self.upper[r]:
            return False
        entries = self.row_entries[r]
        pivot = entries[j]
        least = self.lower[r] / pivot
        for k, value in entries.items():
            if k != j and value / pivot > 0:
                source = self.implied_by[k]
                if source < 0 or source == r or j in self.row_entries[source]:
                    return False
                least -= value / pivot * self.implied_upper[k]
        return least >= -1e-9

    # --- the reduced LP and the way back -----------------------------------------------------------------
    def _assemble(self) -> None:
        self.rows = np.flatnonzero(self.row_alive)
        self.columns = np.flatnonzero(self.col_alive)
        row_at = np.full(self.shape[0], -1)
        row_at[self.rows] = np.arange(len(self.rows))
        col_at = np.full(self.shape[1], -1)
        col_at[self.columns] = np.arange(len(self.columns))
        triples = [(row_at[i], col_at[j], value) for i in self.rows.tolist()
                   for j, value in self.row_entries[i].items()]
        r, c, v = (np.array(t) for t in zip(*triples)) if triples else (np.array([], int),) * 2 + (np.array([]),)
        self.matrix = sp.csc_matrix((v, (r, c)), shape=(len(self.rows), len(self.columns)))
        self.row_lower, self.row_upper = self.lower[self.rows], self.upper[self.rows]
        self.position = col_at          # a cell's column in the reduced LP, −1 when eliminated
        # the way back: in elimination order, the dual of pair k's row solves d(cell k) = 0 given the duals of
        # the rows still there at that time (eliminated later, or kept): an upper-triangular system
        count = len(self.pairs)
        pair_of_row = np.full(self.shape[0], -1)
        for k, (r, _, _) in enumerate(self.pairs):
            pair_of_row[r] = k
        tri, kept = ([], [], []), ([], [], [])
        for k, (_, _, column) in enumerate(self.pairs):
            for i, value in column.items():
                if pair_of_row[i] < 0 and row_at[i] < 0:
                    continue    # a row dropped later as free: dual 0
                target = tri if pair_of_row[i] >= 0 else kept
                target[0].append(k)
                target[1].append(pair_of_row[i] if pair_of_row[i] >= 0 else row_at[i])
                target[2].append(value)
        self.triangle = sp.csr_matrix((tri[2], (tri[0], tri[1])), shape=(count, count))
        self.beside = sp.csr_matrix((kept[2], (kept[0], kept[1])), shape=(count, len(self.rows)))
        self.pair_rows = np.array([r for r, _, _ in self.pairs], int)
        self.pair_cells = np.array([j for _, j, _ in self.pairs], int)

    def duals(self, cost: np.ndarray, reduced_duals: np.ndarray) -> np.ndarray:
        """Row duals of the whole LP (cost over every cell) from the reduced LP's (over its rows)."""
        full = np.zeros(self.shape[0])
        full[self.rows] = reduced_duals
        if len(self.pairs):
            right = cost[self.pair_cells] - self.beside @ reduced_duals
            full[self.pair_rows] = spla.spsolve_triangular(self.triangle, right, lower=False)
        return full

    def point(self, reduced_point: np.ndarray) -> np.ndarray:
        """Every cell's value at a reduced LP's solution: pinned cells at their true value, eliminated ones
        unknown (NaN: never a target, never a witness)."""
        full = np.full(self.shape[1], np.nan)
        full[self.columns] = reduced_point
        full[self.fixed] = self.true[self.fixed]
        return full
