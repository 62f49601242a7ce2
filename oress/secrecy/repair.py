"""The repair of a mask between audit rounds: hide the cheapest cells each cut asks for, then close the pairs
(an equation holding one hidden cell gives it away). Hiding a cell only widens the attacker's intervals, so a
repair never undoes a proof."""
from __future__ import annotations

import numpy as np

from oress.secrecy.cells import SecrecyError


def repair(hidden: np.ndarray, cuts: list[tuple[np.ndarray, np.ndarray]], cost: np.ndarray,
           free: np.ndarray, marks: list[bool] | None = None, marked: np.ndarray | None = None,
           eager: list[float] | None = None) -> int:
    """Satisfy each cut Σ coefficient × s ≥ 1 by hiding its cheapest cells per unit of coefficient
    (in place); return the number of cells newly hidden. A cell hidden for a cut whose mark is True
    is set in `marked` (the cells hidden only to protect an unpublished atom). `eager`: per cut, the
    sum to reach (1 by default; more for a primary that keeps failing, so its cut is over-satisfied)."""
    before = int(hidden.sum())
    for number, (cells, coefficient) in enumerate(cuts):
        goal = 1.0 if eager is None else eager[number]
        reached = coefficient[hidden[cells]].sum()
        order = np.argsort(cost[cells] / coefficient, kind="stable")
        for position in order:
            if reached >= goal - 1e-9:
                break
            cell = cells[position]
            if hidden[cell] or not free[cell]:
                continue
            hidden[cell] = True
            reached += coefficient[position]
            if marks is not None and marks[number]:
                marked[cell] = True
    return int(hidden.sum()) - before


def close_pairs(hidden: np.ndarray, incidence, cost: np.ndarray, free: np.ndarray, primary: np.ndarray,
                unpublished: np.ndarray | None = None) -> None:
    """The pair rule after a repair: an equation holding exactly one hidden cell gives it away, so hide
    that equation's cheapest other free cell — or, when there is none, publish the cell again (it
    was derivable: showing it changes no attacker interval). An unpublished cell that is not primary
    (an atom) may be derived: it neither triggers the rule nor is ever published. In place, until no
    such equation is left."""
    loose = np.zeros(len(hidden), bool) if unpublished is None else unpublished & ~primary
    for _ in range(len(hidden)):
        counted = incidence @ hidden.astype(np.int64)
        single = np.flatnonzero((counted == 1) & (incidence @ (hidden & ~loose).astype(np.int64) == 1))
        if not len(single):
            return
        for equation in single:
            row = incidence.indices[incidence.indptr[equation]:incidence.indptr[equation + 1]]
            if hidden[row].sum() != 1:
                continue
            candidates = row[~hidden[row] & free[row]]
            if len(candidates):
                hidden[candidates[np.argmin(cost[candidates])]] = True
            elif not (primary | loose)[row[hidden[row]]].any():
                hidden[row[hidden[row]]] = False
            else:
                raise SecrecyError("protection impossible : une cellule primaire est seule masquée dans une équation")
    raise SecrecyError("règle des paires : pas de point fixe")
