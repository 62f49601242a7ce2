"""What an attack yields: the bounds reached on each target and, for each bound too narrow, a cut on the mask."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

DUAL_EPSILON = 1e-9


@dataclass
class Attack:
    """Bounds reached on each target and cuts: each cut (cells, coefficients) reads
    Σ coefficient × suppressed(cell) ≥ 1 for any safe mask. extreme[i] is False when a bound of
    target i is a witness (a value the attacker can reach, seen in an earlier LP solution, already
    wide enough) rather than the attacker's optimum: the true interval is at least as wide."""
    lower: np.ndarray
    upper: np.ndarray
    ok: np.ndarray
    extreme: np.ndarray
    cuts: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    cut_targets: list[int] = field(default_factory=list)   # the cell each cut protects
    lp_count: int = 0
    local_lps: int = 0      # of lp_count, LPs on a target's neighbourhood (`Neighbourhood`)
    local_cuts: int = 0     # of cuts, those asking to hide cells of a neighbourhood
    restarts: int = 0       # LPs solved again from scratch after a numerical failure (`GroupLP._run`)
    # (target, wider block): targets their block cannot protect (`blocks.lift`)
    escalated: list[tuple[int, int]] = field(default_factory=list)
    # cells a block hid by its own repair rounds (`settle.settled_attack`)
    hid: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    hid_for_atoms: np.ndarray = field(default_factory=lambda: np.zeros(0, int))   # of hid, for an atom's cut
    # targets no mask of the block's cells protects: no table moves them far enough (`settle.build_moves`)
    stuck: list[int] = field(default_factory=list)
    settled: int = 0        # targets failing at first that the block's own repairs protected (`settle`)

    @classmethod
    def joined(cls, parts: list[Attack], positions: list[np.ndarray]) -> Attack:
        """One attack from attacks on parts of the targets; positions: where each part's targets stand."""
        arrays = []
        for name, kind in (("lower", float), ("upper", float), ("ok", bool), ("extreme", bool)):
            whole = np.zeros(sum(len(p.ok) for p in parts), kind)
            for part, where in zip(parts, positions):
                whole[where] = getattr(part, name)
            arrays.append(whole)
        return cls(*arrays, [cut for p in parts for cut in p.cuts], [t for p in parts for t in p.cut_targets],
                   sum(p.lp_count for p in parts), sum(p.local_lps for p in parts), sum(p.local_cuts for p in parts),
                   sum(p.restarts for p in parts), [t for p in parts for t in p.escalated],
                   *(np.unique(np.concatenate([np.zeros(0, int), *(getattr(p, name) for p in parts)]))
                     for name in ("hid", "hid_for_atoms")), [t for p in parts for t in p.stuck],
                   sum(p.settled for p in parts))


def within(sorted_cells: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Whether each of `cells` is among `sorted_cells` (sorted, distinct): `np.isin` without its sort."""
    at = np.searchsorted(sorted_cells, cells)
    found = at < len(sorted_cells)
    found[found] = sorted_cells[at[found]] == cells[found]
    return found


def satisfiable(coefficient: np.ndarray, usable: np.ndarray) -> bool:
    """Whether a cut Σ coefficient × s ≥ 1 can be satisfied by its usable members (bool per member: hidden, or
    free to hide)."""
    return bool(coefficient[usable].sum() >= 1 - 1e-9)


def capacity_cut(matrix, rows, duals, cells, column, sign, values, need) -> tuple[np.ndarray, np.ndarray]:
    """Fischetti–Salazar capacity cut from the LP duals y of min c·x (c = ±unit vector).

    For any mask and d = c − Aᵀy: if every suppressed cell has d ≥ 0, the attacker's optimum is
    at least c·v − Σ_suppressed d·v, so protection needs a suppressed cell with d < 0 (unbounded
    room) or Σ_suppressed d·v ≥ need. Hence Σ coefficient × s ≥ 1 with coefficient 1 where d < 0
    and min(d·v / need, 1) where d > 0. The current mask violates it (complementary slackness).
    """
    # only the rows with a non-zero dual weigh in d: on a région's group (tens of thousands of rows) most have none;
    # Aᵀy is summed over their entries alone (a cut costs its rows' size, not the problem's tens of thousands of cells)
    active = np.flatnonzero(duals != 0)
    block = matrix[rows[active]]
    touched = np.union1d(block.indices, cells[column])
    weights = np.repeat(duals[active], np.diff(block.indptr)) * block.data
    reduced = -np.bincount(np.searchsorted(touched, block.indices), weights, minlength=len(touched))
    reduced[np.searchsorted(touched, cells[column])] += sign
    coefficient = np.where(reduced < -DUAL_EPSILON, 1.0,
                           np.where(reduced > DUAL_EPSILON, np.minimum(reduced * values[touched] / need, 1.0), 0.0))
    current = coefficient[within(cells, touched)].sum()
    if current >= 1 - 1e-7:  # numerically unhelpful: fall back to "one more cell next to the group"
        touched = np.unique(matrix[rows].indices)
        coefficient = np.where(within(cells, touched), 0.0, 1.0)
    keep = coefficient > 1e-9
    return touched[keep], coefficient[keep]


class Proofs:
    """The last interval the attacker reached on each primary × measure, round after round."""

    def __init__(self, targets: np.ndarray, measures: int):
        self.targets = targets
        self.lower, self.upper = np.full((len(targets), measures), np.nan), np.full((len(targets), measures), np.nan)
        self.ok, self.extreme = np.zeros((len(targets), measures), bool), np.zeros((len(targets), measures), bool)

    def record(self, m: int, checked: np.ndarray, attack: Attack) -> None:
        """checked: the primaries audited this round for measure m (all hidden), in the order of the attack's."""
        position = np.searchsorted(self.targets, checked)
        self.lower[position, m], self.upper[position, m] = attack.lower, attack.upper
        self.ok[position, m], self.extreme[position, m] = attack.ok, attack.extreme

    def attacks(self) -> list:
        return [Attack(self.lower[:, m], self.upper[:, m], self.ok[:, m], self.extreme[:, m])
                for m in range(self.lower.shape[1])]
