"""Largest-remainder apportionment, the one way the demo turns weights into counts."""
from __future__ import annotations

import numpy as np


def allocate(group: np.ndarray, weights: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Integers per item proportional to its weight within its group, adding up exactly to the group's
    total (largest remainders; a group whose weights are all zero shares equally)."""
    totals = np.asarray(totals, dtype=float)
    weight_sum = np.bincount(group, weights, minlength=len(totals))
    weights = np.where(weight_sum[group] > 0, weights, 1.0)
    weight_sum = np.bincount(group, weights, minlength=len(totals))
    quota = totals[group] * weights / weight_sum[group]
    base = np.floor(quota)
    missing = np.rint(totals - np.bincount(group, base, minlength=len(totals))).astype(np.int64)
    order = np.lexsort((-(quota - base), group))
    first = np.searchsorted(group[order], group[order], side="left")
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - first
    return (base + (rank < missing[group])).astype(np.int64)
