"""A national publication in blocks (its régions), the HiTaS order with a proof.

The first mask is one MILP per block (`BlockModels`). The audit then attacks a target of a block on that block,
the top of the publication (France, the régions' own cells, the territories across every région) and the
territories across the block and others as unknowns, every other cell fixed at its true value (`confined_job`):
fixing unknowns at their true values keeps every equation true, so the part's feasible tables are tables of the
whole publication and its intervals lie inside the true ones — a bound wide enough there is wide enough
everywhere. A région's own cells are attacked in their région's part, France's on the whole publication; a target
its block cannot protect on its own is attacked on the smallest block holding the cells its cut asks for (the
union of two régions for a commune pinned by a territory across them and fixed there), the whole publication at
worst.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from oress.secrecy.bounds import Attack, satisfiable
from oress.secrecy.equations import Equations
from oress.secrecy.milp import SuppressionModel

WHOLE = -1      # block code of a cell attacked on the whole publication
# whether a block's part attacks the top's cells (France, the régions' own cells, the territories across every région)
# as unknowns beside its own, every other cell fixed: fixing any set of unknowns at their true values is conservative,
# and the top's hidden cells are those a région's targets lean on most (fixed, they sent hundreds of targets a round to
# the whole publication)
OPEN_TOP = True
# whether it attacks as well the cells of the territories across it and other blocks: a commune pinned by an EPCI
# across two régions went to their union's part
OPEN_UNIONS = True


def confined_job(matrix: sp.csr_matrix, values: np.ndarray, hidden: np.ndarray, targets: np.ndarray,
                 inequalities: sp.csr_matrix | None, hideable: np.ndarray | None, inside: np.ndarray,
                 pattern: tuple[sp.csr_matrix, sp.csr_matrix | None]):
    """The block's share of an attack (`attacker.attack`'s matrix, values, hidden, targets, inequalities and
    hideable): the rows touching the `inside` cells (the part's unknowns, `AuditBlocks.unknowns`) over the cells
    those rows touch, renumbered; the hidden cells outside count as published (fixed at their true values) and are
    never hidden for it.
    pattern: |matrix| and |inequalities|, which rows touch which cells (the same for every block of a measure).
    Also returns the cells' ids, to lift the attack back (`lift`)."""
    weight = inside.astype(float)
    rows = np.flatnonzero(pattern[0] @ weight > 0)
    touched = [matrix[rows].indices, targets]
    bound_rows = None
    if inequalities is not None:
        bound_rows = np.flatnonzero(pattern[1] @ weight > 0)
        touched.append(inequalities[bound_rows].indices)
    cells = np.unique(np.concatenate(touched))
    mine = inside[cells]
    return (matrix[rows][:, cells].tocsr(), values[cells], hidden[cells] & mine, np.searchsorted(cells, targets),
            None if inequalities is None else inequalities[bound_rows][:, cells].tocsr(),
            None if hideable is None else hideable[cells] & mine), cells


@dataclass(frozen=True)
class AuditBlocks:
    """codes: the block each cell belongs to (WHOLE for the top); a block labelled 'A+B' (a territory across the
    blocks A and B) holds the cells of A, of B and of every block whose label's parts are among A and B. home: the
    block each cell is first attacked in — its own, or for a top cell whose territory lies in one block (a région's
    own cells), that block, whose part attacks the top's cells as unknowns (`unknowns`); WHOLE for the others
    (France's)."""
    codes: np.ndarray
    labels: np.ndarray
    home: np.ndarray

    def parts(self, code: int) -> frozenset[str]:
        return frozenset(self.labels[code].split("+"))

    def inside(self, code: int) -> np.ndarray:
        within = [c for c, label in enumerate(self.labels) if label and self.parts(c) <= self.parts(code)]
        return np.isin(self.codes, within)

    def unknowns(self, code: int) -> np.ndarray:
        """The cells block `code`'s part attacks as unknowns: its own (`inside`), with OPEN_TOP the top's, with
        OPEN_UNIONS those of the territories across it and other blocks (an EPCI across two régions)."""
        unknown = self.inside(code)
        if OPEN_UNIONS and code != WHOLE:
            unknown |= np.isin(self.codes, [c for c, label in enumerate(self.labels)
                                            if label and self.parts(c) & self.parts(code)])
        return unknown | (self.codes == WHOLE) if OPEN_TOP else unknown

    def widened(self, code: int, others: np.ndarray) -> int:
        """The smallest block holding block `code` and the blocks `others` (the blocks of the cells a cut asks
        for): a target pinned in its région by a territory across two régions is attacked on their union, not on
        the whole publication. WHOLE when one of them is WHOLE or no block holds them all."""
        if code == WHOLE or (others == WHOLE).any():
            return WHOLE
        wanted = self.parts(code).union(*(self.parts(c) for c in np.unique(others)))
        holding = [(len(self.parts(c)), c) for c, label in enumerate(self.labels) if label and wanted <= self.parts(c)]
        return min(holding)[1] if holding else WHOLE


def block_codes(cells: pd.DataFrame, audit_by: str | None, home_by: str | None = None) -> AuditBlocks | None:
    """The cells' audit blocks (label '': the whole publication), or None. home_by: a column naming the block that
    holds each cell's territory (`suppress`'s block_by), which a top cell is first attacked in when it is an audit
    block."""
    if audit_by is None:
        return None
    labels = cells[audit_by].fillna("").astype(str).to_numpy()
    names, codes = np.unique(labels, return_inverse=True)
    codes = np.where(labels == "", WHOLE, codes)
    home = codes
    if home_by is not None and OPEN_TOP:
        holder = pd.Index(names).get_indexer(cells[home_by].astype(str))    # -1: no audit block of that name
        home = np.where((codes == WHOLE) & (holder >= 0) & (names[holder] != ""), holder, codes)
    return AuditBlocks(codes, names, home)


def lift(result: Attack, cells: np.ndarray, inside: np.ndarray, code: int, blocks: AuditBlocks,
         usable: np.ndarray) -> Attack:
    """A confined attack on block `code` in the publication's cell ids. Its cuts keep only the block's cells (those
    outside are fixed in its LPs: hiding them changes nothing there); a cut the block's usable cells (hidden, or
    free to hide: not a known empty cell) cannot satisfy sends its target to the smallest block holding the cells
    it asks for (`escalated`: (target, block) pairs); a `stuck` target (no move of the block's cells protects it)
    goes to the whole publication."""
    cuts, cut_targets = [], []
    result.hid, result.hid_for_atoms = cells[result.hid], cells[result.hid_for_atoms]
    stuck = set(result.stuck)
    result.escalated.extend((int(cells[target]), WHOLE) for target in sorted(stuck))
    result.stuck = []
    for (members, coefficient), target in zip(result.cuts, result.cut_targets):
        if target in stuck:
            continue
        mine = inside[cells[members]]
        if not satisfiable(coefficient, mine & usable[cells[members]]):
            asked = cells[members[~mine & (coefficient > 0)]]
            result.escalated.append((int(cells[target]), blocks.widened(code, blocks.codes[asked])))
            continue
        cuts.append((cells[members[mine]], coefficient[mine]))
        cut_targets.append(int(cells[target]))
    result.cuts, result.cut_targets = cuts, cut_targets
    return result


class BlockModels:
    """One SuppressionModel per block, over the equations whose cells all lie in it; `solve` joins
    their masks, building one model at a time. Stands for SuppressionModel in the first round only
    (no cuts: the rounds after it repair). top: the cells of the top table (France, the régions' own cells),
    masked first by a MILP of their own over the equations among them — France = Σ régions included, which no
    block holds —, the HiTaS order: each block's MILP then starts from the top's hidden cells."""

    def __init__(self, equations: Equations, problem: tuple, blocks: np.ndarray, singleton_rule: bool,
                 mip_rel_gap: float, log: Callable[[str], None] | None, top: np.ndarray | None = None):
        self.equations, self.problem, self.singleton_rule, self.gap, self.log = \
            equations, problem, singleton_rule, mip_rel_gap, log
        self.labels, self.coded = np.unique(blocks, return_inverse=True)
        self.top = np.zeros(len(blocks), bool) if top is None else top
        self.term_code = self._within(self.coded)                       # -1: between blocks
        self.term_top = self._within(self.top.astype(int)) == 1        # the equations among top cells

    def _within(self, code: np.ndarray) -> np.ndarray:
        """Per term, the code its equation's cells all share, -1 when they differ."""
        term_code = code[self.equations.terms["cell"].to_numpy()]
        equation = self.equations.terms["equation"].to_numpy()
        lowest = np.full(len(self.equations.table), code.max() + 1)
        highest = np.full(len(self.equations.table), -1)
        np.minimum.at(lowest, equation, term_code)
        np.maximum.at(highest, equation, term_code)
        return np.where((lowest == highest)[equation], term_code, -1)

    def block(self, code: int) -> tuple[np.ndarray, SuppressionModel]:
        return self._model(np.flatnonzero(self.coded == code), self.term_code == code)

    def _model(self, cells: np.ndarray, chosen_terms: np.ndarray) -> tuple[np.ndarray, SuppressionModel]:
        values, free, primary, always, singleton, cost, (need_down, need_up) = self.problem
        local = np.full(len(self.coded), -1)
        local[cells] = np.arange(len(cells))
        mine = self.equations.terms[chosen_terms]
        kept, renumbered = np.unique(mine["equation"].to_numpy(), return_inverse=True)
        terms = pd.DataFrame({"equation": renumbered, "cell": local[mine["cell"].to_numpy()],
                              "coef": mine["coef"].to_numpy()})
        return cells, SuppressionModel(
            self.equations.keys.iloc[cells].reset_index(drop=True), terms, self.equations.holds()[kept],
            values[cells], free[cells], primary[cells], always[cells], singleton[cells], cost[cells],
            (need_down[cells], need_up[cells]), self.singleton_rule, self.gap, names=self.equations.measures.names)

    def solve(self) -> tuple[np.ndarray, float]:
        """The joined mask and the MILPs' seconds summed; the blocks are independent, one worker process per
        core solves them (in any order: each block's mask is its own, so the result does not depend on it)."""
        global _SOLVING
        top_hidden, top_seconds = self._solve_top()
        values, free, primary, always, *rest = self.problem
        self.problem = (values, free, primary, always | top_hidden, *rest)
        codes = range(len(self.labels))
        workers = min(len(self.labels), os.cpu_count() or 1)
        _SOLVING = self     # read by the forked workers, never pickled: the equations of a nation weigh GBs
        try:
            if workers > 1:
                with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                    hidden, seconds = self._join(pool.map(_solve_block, codes))
            else:
                hidden, seconds = self._join(map(_solve_block, codes))
            return hidden | top_hidden, seconds + top_seconds
        finally:
            _SOLVING = None
            self.problem = (values, free, primary, always, *rest)

    def _solve_top(self) -> tuple[np.ndarray, float]:
        """The top table's mask (its cells hidden by their own MILP), all False without a top. A block's MILP may
        still hide more top cells: hiding a cell only widens the attacker's intervals."""
        hidden = np.zeros(len(self.coded), bool)
        if not self.top.any():
            return hidden, 0.0
        cells, model = self._model(np.flatnonzero(self.top), self.term_top)
        local, seconds = model.solve()
        hidden[cells[local]] = True
        if self.log:
            self.log(f"sommet : {len(cells)} cellules, {int(self.problem[2][cells].sum())} primaires, "
                     f"{int(local.sum())} masquées ; MILP {seconds:.1f} s")
        return hidden, seconds

    def _join(self, solved) -> tuple[np.ndarray, float]:
        """The blocks' masks joined, each block logged as it comes (in block order)."""
        hidden, total = np.zeros(len(self.coded), bool), 0.0
        for label, (cells, local, seconds) in zip(self.labels, solved):
            hidden[cells[local]] = True
            total += seconds
            if self.log:
                self.log(f"bloc {label} : {len(cells)} cellules, {int(self.problem[2][cells].sum())} primaires, "
                         f"{int(local.sum())} masquées ; MILP {seconds:.1f} s")
        return hidden, total


_SOLVING: BlockModels | None = None


def _solve_block(code: int) -> tuple[np.ndarray, np.ndarray, float]:
    """One block's cells, their mask and its MILP's seconds (in a worker: `BlockModels.solve`)."""
    cells, model = _SOLVING.block(code)
    local, seconds = model.solve()
    return cells, local, seconds


def wider_blocks(blocks: AuditBlocks | None, current: np.ndarray | None, lifted: np.ndarray) -> str:
    """'R1+R2 : 3, toute la publication : 1': where this round's escalated targets go."""
    if not len(lifted):
        return ""
    names, counts = np.unique([blocks.labels[c] if c != WHOLE else "toute la publication" for c in current[lifted]],
                              return_counts=True)
    return ", ".join(f"{name} : {count}" for name, count in zip(names, counts))
