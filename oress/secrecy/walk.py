"""The cells that can move with some targets: a walk from them through the rows of the equations (and inequalities)
they share, crossing only cells that may move (hidden, or free to hide). A table confined to the cells reached keeps
every row touching them and the other cells at their values, so it is still a table of the whole problem."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def movable_within(rows: sp.csr_matrix, columns: sp.csc_matrix, movable: np.ndarray, seeds: np.ndarray,
                   radius: int | None, most: int | None = None) -> tuple[np.ndarray, bool]:
    """The cells reached from `seeds` within `radius` rows (None: no limit but `most` cells) through movable cells,
    sorted, and whether they are every cell that can move with the seeds (the walk ran out of new cells). rows and
    columns: the same matrix (rows × cells) by row and by column."""
    reached = np.zeros(rows.shape[1], bool)
    reached[seeds] = True
    frontier, step = np.unique(seeds), 0
    while radius is None or step < radius:
        touched = np.unique(rows[np.unique(columns[:, frontier].indices)].indices)
        frontier = touched[movable[touched] & ~reached[touched]]
        if not len(frontier):
            return np.flatnonzero(reached), True
        reached[frontier] = True
        step += 1
        if most is not None and reached.sum() >= most:
            break
    return np.flatnonzero(reached), False
