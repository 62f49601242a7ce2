"""The global suppression MILP: one binary per cell that may be hidden, solved by HiGHS.

Constraints (every one is necessary for a safe mask, so none can wrongly make a feasible
publication infeasible, except the two INSEE conventions: pair rule and singleton rule):
- pair rule: an equation holding one hidden cell holds at least two (y_e ≥ s_i, Σ s ≥ 2 y_e);
- capacity: in each equation, a primary's hidden partners can move it by its protection level
  up and down (a same-side partner can only go down to 0, an opposite-side one is unbounded);
- singleton rule: a one-unit primary is not protected by one other same-side one-unit cell alone;
- cuts from the attacker audit (bounds.capacity_cut), added round after round.
"""
from __future__ import annotations

import time

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from oress.secrecy.cells import SecrecyError, describe
from oress.secrecy.grouplp import pass_lp

CAPACITY_MAX_TERMS = 60   # larger equations are left to the audit's cuts (their rows grow as terms²)
COEFFICIENT_FLOOR = 1e-6


class SuppressionModel:
    def __init__(self, keys: pd.DataFrame, terms: pd.DataFrame, holds: np.ndarray, values: np.ndarray,
                 free: np.ndarray, primary: np.ndarray, always: np.ndarray, singleton: np.ndarray, cost: np.ndarray,
                 need: tuple[np.ndarray, np.ndarray], singleton_rule: bool, mip_rel_gap: float,
                 max_nodes: int = 5000, names: tuple[str, ...] = ()):
        """always: cells hidden whatever the mask (primaries and the unpublished atoms). Cells that always hold
        the same value (`equal_cells`) share one variable."""
        self.gap, self.max_nodes, self.names = mip_rel_gap, max_nodes, names
        self.cell_class, self.always_cells, self.free_cells = equal_cells(terms, holds, free), always, free
        keys, terms, values, free, primary, always, singleton, cost, need = _merged(
            self.cell_class, keys, terms, values, free, primary, always, singleton, cost, need)
        self.keys, self.free, self.primary, self.always = keys, free, primary, always
        self.variable = np.full(len(free), -1)
        self.variable[free] = np.arange(free.sum())
        self.cost = cost[free]
        self.rows: list[tuple[np.ndarray, np.ndarray, np.ndarray, float]] = []  # row ids, vars, coefs, lower
        self.count_rows = 0
        terms = terms[free[terms["cell"].to_numpy()]]
        self._pair_rule(terms)
        partners = self._partners(terms)
        self._capacity(partners, holds, values, need)
        if singleton_rule:
            self._singletons(partners, singleton)

    # -- rows -------------------------------------------------------------------------------------
    def _add(self, row: np.ndarray, cells_or_vars: np.ndarray, coefficient: np.ndarray, lower: np.ndarray,
             are_cells: bool = True) -> None:
        columns = self.variable[cells_or_vars] if are_cells else cells_or_vars
        self.rows.append((row + self.count_rows, columns, coefficient.astype(float), lower.astype(float)))
        self.count_rows += len(lower)

    def _pair_rule(self, terms: pd.DataFrame) -> None:
        size = terms.groupby("equation")["cell"].transform("size").to_numpy()
        alone = terms[size == 1]["cell"].to_numpy()
        self.fixed_zero = alone[~self.always[alone]]
        if self.primary[alone].any():
            cell = alone[self.primary[alone]][0]
            raise SecrecyError(f"la cellule primaire {describe(self.keys, cell)} est la seule cellule non vide et "
                               "non imposée d'une équation : elle se déduit des autres, aucune protection possible")
        terms = terms[size >= 2]
        equations = np.unique(terms["equation"].to_numpy())
        self.count_y = len(equations)
        # s_i − y_e ≤ 0, written −s_i + y_e ≥ 0; an unpublished non-primary cell (an atom) needs no partner
        # of its own: derived, it gives nothing away, yet it counts as a partner for the others
        needing = terms[~(self.always & ~self.primary)[terms["cell"].to_numpy()]]
        y = self.free.sum() + np.searchsorted(equations, needing["equation"].to_numpy())
        n = len(needing)
        self._add(np.repeat(np.arange(n), 2), np.column_stack([self.variable[needing["cell"]], y]).ravel(),
                  np.tile([-1.0, 1.0], n), np.zeros(n), are_cells=False)
        n = len(terms)
        # Σ s_i − 2 y_e ≥ 0
        row = np.searchsorted(equations, terms["equation"].to_numpy())
        self._add(np.concatenate([row, np.arange(len(equations))]),
                  np.concatenate([self.variable[terms["cell"]], self.free.sum() + np.arange(len(equations))]),
                  np.concatenate([np.ones(n), np.full(len(equations), -2.0)]), np.zeros(len(equations)),
                  are_cells=False)

    def _partners(self, terms: pd.DataFrame) -> pd.DataFrame:
        """(equation, primary cell, partner cell_j, same side, group = (equation, primary) id) for
        equations small enough to expand."""
        size = terms.groupby("equation")["cell"].transform("size")
        terms = terms[(size >= 2) & (size <= CAPACITY_MAX_TERMS)]
        primaries = terms[self.primary[terms["cell"].to_numpy()]]
        pairs = primaries.merge(terms, on="equation", suffixes=("", "_j"))
        pairs = pairs[pairs["cell"] != pairs["cell_j"]].sort_values(["equation", "cell", "cell_j"])
        pairs = pairs.assign(same=pairs["coef"] == pairs["coef_j"]).reset_index(drop=True)
        return pairs.assign(group=pairs.groupby(["equation", "cell"], sort=False).ngroup())

    def _grouped(self, pairs: pd.DataFrame, coefficient: np.ndarray, rhs: float, what: str,
                 eligible: np.ndarray) -> None:
        """Add Σ coefficient × s_j ≥ rhs per eligible group where the pair rule does not imply it."""
        group = pairs["group"].to_numpy()
        weakest = np.full(len(eligible), np.inf)
        np.minimum.at(weakest, group, coefficient)
        total = np.bincount(group, weights=coefficient, minlength=len(eligible))
        wanted = eligible & (weakest < rhs - 1e-9)
        impossible = wanted & (total < rhs - 1e-9)
        if impossible.any():
            first = pairs.iloc[np.flatnonzero(impossible[group])[0]]
            raise SecrecyError(f"la cellule primaire {describe(self.keys, first['cell'])} ne peut pas être "
                               f"protégée ({what}) : ses partenaires possibles n'offrent pas assez de marge")
        keep = wanted[group] & (coefficient > COEFFICIENT_FLOOR)
        chosen = np.flatnonzero(wanted)
        self._add(np.searchsorted(chosen, group[keep]), pairs["cell_j"].to_numpy()[keep], coefficient[keep],
                  np.full(len(chosen), rhs))

    def _capacity(self, pairs: pd.DataFrame, holds: np.ndarray, values: np.ndarray, need) -> None:
        if pairs.empty:
            return
        heads = pairs.drop_duplicates("group")
        group_equation, group_cell = heads["equation"].to_numpy(), heads["cell"].to_numpy()
        p, j, same = pairs["cell"].to_numpy(), pairs["cell_j"].to_numpy(), pairs["same"].to_numpy()
        for m in range(values.shape[1]):
            measure = self.names[m] if m < len(self.names) else str(m)
            for direction, required in zip(("vers le bas", "vers le haut"), need):
                eligible = holds[group_equation, m] & (required[group_cell, m] > 0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    partial = np.minimum(values[j, m] / required[p, m], 1.0)
                # up: a same-side partner can only fall to 0; down: an opposite-side one can
                limited = same if direction == "vers le haut" else ~same
                coefficient = np.nan_to_num(np.where(limited, partial, 1.0), nan=1.0, posinf=1.0)
                self._grouped(pairs, coefficient, 1.0, f"{measure}, {direction}", eligible)

    def _singletons(self, pairs: pd.DataFrame, singleton: np.ndarray) -> None:
        if pairs.empty:
            return
        twin = pairs["same"].to_numpy() & singleton[pairs["cell_j"].to_numpy()]
        has_twin = np.bincount(pairs["group"], weights=twin, minlength=pairs["group"].max() + 1) > 0
        heads = pairs.drop_duplicates("group")["cell"].to_numpy()
        self._grouped(pairs, np.where(twin, 1.0, 2.0), 2.0, "règle des singletons", has_twin & singleton[heads])

    def add_cuts(self, cuts: list[tuple[np.ndarray, np.ndarray]]) -> int:
        """Add Σ coefficient × s ≥ 1 over the cells that may still be hidden; return rows added."""
        seen = getattr(self, "_seen", set())
        self._seen = seen
        added = 0
        for cells, coefficient in cuts:
            keep = self.free_cells[cells]
            # a cell hidden is its class hidden: Σ over a class's cells, capped at 1 (s is binary, the row is ≥ 1)
            cells, inverse = np.unique(self.cell_class[cells[keep]], return_inverse=True)
            coefficient = np.minimum(np.bincount(inverse, weights=coefficient[keep]), 1.0)
            keep = np.ones(len(cells), bool)
            signature = (tuple(cells[keep]), tuple(np.round(coefficient[keep], 9)))
            if signature in seen:
                continue
            seen.add(signature)
            if coefficient[keep].sum() < 1 - 1e-9:
                raise SecrecyError("protection impossible : une cellule primaire ne peut être protégée même en "
                                   "masquant toutes ses voisines (cellules imposées, vides ou de valeur nulle)")
            self._add(np.zeros(keep.sum(), int), cells[keep], coefficient[keep], np.ones(1))
            added += 1
        return added

    # -- solve ------------------------------------------------------------------------------------
    def solve(self) -> tuple[np.ndarray, float]:
        """Hidden cells (bool per cell) of an optimal mask, and the solve time in seconds."""
        n_s, n = int(self.free.sum()), int(self.free.sum()) + self.count_y
        rows = np.concatenate([r for r, *_ in self.rows])
        columns = np.concatenate([c for _, c, *_ in self.rows])
        coefficients = np.concatenate([k for *_, k, _ in self.rows])
        lower = np.concatenate([low for *_, low in self.rows])
        matrix = sp.csc_matrix((coefficients, (rows, columns)), shape=(self.count_rows, n))
        upper = np.ones(n)
        upper[self.variable[self.fixed_zero]] = 0.0
        highs = highspy.Highs()
        highs.silent()
        # a node limit (not a time limit: the mask must not depend on the machine) keeps the best mask
        # found so far; safety comes from the audit, not from optimality
        # HiGHS's root reduced-cost heuristic (a sub-MIP) spent 8 of the demo's 12,5 s a millésime at the root; without
        # it the next heuristic finds the same optimum in 6,4 s (bench/RESULTS.md, twenty-fifth session)
        for option, value in (("threads", 1), ("random_seed", 0), ("mip_rel_gap", self.gap), ("presolve", "on"),
                              ("mip_max_nodes", int(self.max_nodes)), ("mip_heuristic_run_root_reduced_cost", False)):
            highs.setOptionValue(option, value)
        pass_lp(highs, matrix, np.concatenate([self.cost, np.zeros(self.count_y)]),
                np.concatenate([self.always[self.free].astype(float), np.zeros(self.count_y)]), upper, lower,
                np.full(self.count_rows, highspy.kHighsInf), integer=np.arange(n) < n_s)
        start = time.perf_counter()
        highs.run()
        seconds = time.perf_counter() - start
        status = highs.getModelStatus()
        stopped = (status in (highspy.HighsModelStatus.kSolutionLimit, highspy.HighsModelStatus.kIterationLimit)
                   and highs.getInfo().primal_solution_status == 2)
        if status != highspy.HighsModelStatus.kOptimal and not stopped:
            raise SecrecyError(f"protection impossible : le modèle de suppression est "
                               f"{highs.modelStatusToString(status)} (cellules imposées ou règles incompatibles)")
        chosen = np.asarray(highs.getSolution().col_value)[:n_s] > 0.5
        hidden = np.zeros(len(self.free), bool)
        hidden[np.flatnonzero(self.free)[chosen]] = True
        # an unpublished atom stays an unknown even when its class is published (it is then derived)
        return hidden[self.cell_class] | self.always_cells, seconds


def equal_cells(terms: pd.DataFrame, holds: np.ndarray, free: np.ndarray) -> np.ndarray:
    """A class label per cell: two cells are in one class when an equation that holds for every measure has
    them as its only cells that are not empty or imposed, on opposite sides — they always hold the same value
    (an EPCI made of one atom, a sector alone in its group, ESS made of associations only). Hiding one without
    the other protects nothing, and a chain of such cells moves as one: the model sees one variable per class,
    so a primary's partner of its own class is not counted as protection."""
    kept = terms[free[terms["cell"].to_numpy()] & holds.all(axis=1)[terms["equation"].to_numpy()]]
    size = kept.groupby("equation")["cell"].transform("size").to_numpy()
    twins = kept[size == 2].sort_values(["equation", "cell"])
    first, second = twins.iloc[0::2], twins.iloc[1::2]
    opposite = first["coef"].to_numpy() != second["coef"].to_numpy()
    a, b = first["cell"].to_numpy()[opposite], second["cell"].to_numpy()[opposite]
    graph = sp.coo_matrix((np.ones(len(a)), (a, b)), shape=(len(free), len(free)))
    return connected_components(graph, directed=False)[1]


def _merged(label: np.ndarray, keys, terms, values, free, primary, always, singleton, cost, need):
    """The model's inputs per class (`equal_cells`) instead of per cell: a class is primary when one of its
    cells is, always hidden when it holds a primary or only unpublished cells (an atom equal to a published
    cell is derived when that cell is published: it protects nothing then), free when all its cells are."""
    count = label.max() + 1
    _, representative = np.unique(label, return_index=True)

    def any_of(flags):
        return np.bincount(label, weights=flags.astype(float), minlength=count) > 0

    atom = always & ~primary
    merged_terms = terms.assign(cell=label[terms["cell"].to_numpy()]).groupby(
        ["equation", "cell"], as_index=False, sort=True)["coef"].sum()
    merged_terms = merged_terms[merged_terms["coef"] != 0].assign(coef=lambda t: np.sign(t["coef"]))
    need = tuple(_class_max(label, level, count) for level in need)
    primary_class = any_of(primary)
    return (keys.iloc[representative].reset_index(drop=True), merged_terms, values[representative],
            ~any_of(~free), primary_class, primary_class | ~any_of(~atom), any_of(singleton),
            np.bincount(label, weights=cost, minlength=count), need)


def _class_max(label: np.ndarray, level: np.ndarray, count: int) -> np.ndarray:
    merged = np.zeros((count, *level.shape[1:]))
    np.maximum.at(merged, label, level)
    return merged
