"""A repair by construction: the cheapest cells to hide so that a table other than the true one, with the target
moved by the whole protection it needs, is consistent with what stays published.

A cut (`bounds.capacity_cut`) only says "hide one of these cells": the cheapest one is often pinned by another
equation, and the next audit finds the next way round — a repair that creeps by a cell or two per round (a
union of régions' EPCI cell: still failing after 12 rounds). Here an LP looks for a move d of the cells near the
target, A·d = 0 (every equation still holds), true + d ≥ 0, the inequalities kept, the target moved by its need,
at least cost (moving a published cell by its whole value costs its suppression cost; a hidden cell moves for
free). Hiding the published cells d moves makes true + d a table the attacker must allow: the bound is then
proved, not hoped for. Cells beyond the neighbourhood stay fixed (d = 0): a sound, if dearer, move.
"""
from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from oress.secrecy.grouplp import pass_lp
from oress.secrecy.walk import movable_within

# equations crossed from the target through the cells that may move, tried in turn: the last one is every cell
# that can move with the target (a région's block: up to 130 000 cells, an LP of about a second), or the first
# ALTERNATIVE_MAX_CELLS of them
ALTERNATIVE_RADII = (2, 4, 6, 8, None)
ALTERNATIVE_MAX_CELLS = 200_000
HIDDEN_MOVE_COST = 1e-6          # per unit of need: keeps the LP bounded, moves hidden cells as little as it can


def alternative(matrix: sp.csr_matrix, columns: sp.csc_matrix, values: np.ndarray, hidden: np.ndarray,
                hideable: np.ndarray, cost: np.ndarray, target: int, move: float,
                inequalities: tuple[sp.csr_matrix, np.ndarray] | None = None) -> tuple[np.ndarray | None, bool]:
    """The published cells to hide so that the target can be moved by `move` (> 0 up, < 0 down) within the
    neighbourhood of the target (none: the bound is already wide enough, and the move is the proof), and whether
    the neighbourhood was every cell that can move with the target: no move then means that no mask of these cells
    protects this bound. (None, complete) when no move exists. matrix (equations × cells) and columns (the same,
    CSC); inequalities: (G, slack), G·(true + d) ≤ 0 with slack = −G·true."""
    if -move > values[target]:
        return None, True      # no table takes a cell below zero
    movable = hidden | hideable
    # the cells that can move with the target are reached through the inequalities too: an establishment count
    # by job attribute goes up only if its territory's count, tied to it by an inequality alone, may go up
    links = matrix if inequalities is None else sp.vstack([matrix, inequalities[0]]).tocsr()
    link_columns = columns if inequalities is None else links.tocsc()
    for radius in ALTERNATIVE_RADII:
        cells, complete = movable_within(links, link_columns, movable, np.array([target]), radius,
                                         ALTERNATIVE_MAX_CELLS)
        hide = _cheapest_move(matrix, columns, values, hidden, cost, cells, target, move, inequalities)
        if hide is not None or complete:
            break
    return hide, complete


def _cheapest_move(matrix, columns, values, hidden, cost, cells, target, move, inequalities) -> np.ndarray | None:
    """Solve min Σ w·(up + down) over the cells, d = up − down, A·d = 0, down ≤ true, d_target = move; the
    published cells with d ≠ 0, or None when infeasible. In units of |move|."""
    need = abs(move)
    rows = np.unique(columns[:, cells].indices)
    blocks, lower, upper = [matrix[rows][:, cells]], [np.zeros(len(rows))], [np.zeros(len(rows))]
    if inequalities is not None:
        bounds, slack = inequalities
        touching = np.unique(bounds[:, cells].tocsc().indices)
        blocks.append(bounds[touching][:, cells])
        lower.append(np.full(len(touching), -highspy.kHighsInf))
        upper.append(slack[touching] / need)
    a = sp.vstack(blocks).tocsc()
    both = sp.hstack([a, -a]).tocsc()      # columns: up moves, then down moves
    scaled = values[cells] / need
    weight = np.where(hidden[cells], HIDDEN_MOVE_COST, cost[cells] / np.maximum(scaled, 1.0))
    column_lower, column_upper = np.zeros(2 * len(cells)), np.concatenate([np.full(len(cells), highspy.kHighsInf),
                                                                           scaled])
    at = int(np.searchsorted(cells, target))
    if move > 0:
        column_lower[at] = column_upper[at] = 1.0
        column_upper[len(cells) + at] = 0.0
    else:
        column_lower[len(cells) + at] = column_upper[len(cells) + at] = 1.0
        column_upper[at] = 0.0
    highs = highspy.Highs()
    highs.silent()
    for option, value in (("threads", 1), ("random_seed", 0)):
        highs.setOptionValue(option, value)
    pass_lp(highs, both, np.concatenate([weight, weight]), column_lower, column_upper, np.concatenate(lower),
            np.concatenate(upper))
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    moved = np.asarray(highs.getSolution().col_value)
    shift = moved[:len(cells)] + moved[len(cells):]
    return cells[(shift > MOVED) & ~hidden[cells]]


MOVED = 1e-6    # in units of the need: a smaller move is the solver's rounding, not a cell to hide
