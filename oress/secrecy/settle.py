"""A block's own repair rounds, inside its audit part: attack, hide the cells its cuts ask for among the block's
cells, attack the failing targets again — until they pass, or only cuts the block cannot satisfy are left.

A confined block fixes every cell outside it at its true value (`blocks.confined_job`), so its repairs and its
proofs are its own: a cell it hides only widens the intervals of every other block, and a bound it proves holds
under any mask that extends its own. A national publication's régions thus converge in their worker processes,
each at its own pace, instead of one global round (minutes over all of France) for every step of the slowest one.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from oress.secrecy.alternative import alternative
from oress.secrecy.attacker import attack
from oress.secrecy.bounds import Attack, satisfiable
from oress.secrecy.equations import Equations
from oress.secrecy.perturb import TABLE_RADIUS, Problem, wide_enough
from oress.secrecy.repair import repair

# repair rounds a block runs inside one audit part; what is still failing after them goes back to the global round
SETTLE_ROUNDS = 12


def settled_attack(problem: tuple, cost: np.ndarray, atoms: np.ndarray, union: bool = False,
                   rounds: int = SETTLE_ROUNDS) -> Attack:
    """`attacker.attack(*problem)` (a confined job: its hidden and hideable cells are the block's own) followed by
    up to `rounds` repairs, at the cells' suppression `cost`, and attacks of the targets still failing (without local
    cuts): the first CUT_ROUNDS (and any with more than MOVES_MAX_PENDING targets pending) hide what the cuts ask for,
    the later ones — or the next one, after a cut round that settled nothing — build a move for each bound still
    failing (`alternative`: the bound is then proved); any other round that settles no target ends them.
    A région's part (TABLES) first attacks with its probes only and settles the published bounds they leave with
    tables (`_tables`), then attacks what is left in full for its cuts; so does the part of a `union` of régions
    (UNION_TABLES), for its atoms too: they are what a région escalates to it. The Attack's `hid` holds the cells the
    block hid (the problem's cell ids), `hid_for_atoms` those hidden for one of the `atoms` (unpublished cells); its
    cuts are the last attack's, for the parent's repair or escalation (`blocks.lift`)."""
    matrix, values, hidden, targets, need_down, need_up, exact, max_failures, inequalities, hideable, one_region, \
        local_cuts = problem
    hidden, hideable = hidden.copy(), hideable.copy()
    tables = TABLES and (one_region or UNION_TABLES and union)
    # with the tables behind it, the first attack stops at its probes: the tables settle what the probes leave
    result = attack(*problem[:7], 0 if tables else max_failures, *problem[8:])
    incidence, columns = abs(matrix).tocsr(), matrix.tocsc()
    bounds = _with_slack(inequalities, values)
    hid, for_atoms = np.zeros(len(hidden), bool), np.zeros(len(hidden), bool)
    pending = np.flatnonzero(~result.ok)
    failing = len(pending)
    if tables and len(pending):
        before = hidden.copy()
        pending = _tables(result, pending, problem, columns, hidden, hideable, cost, atoms, for_atoms, union)
        hid |= hidden & ~before
        hideable &= ~hidden
        if len(pending):     # the bounds the tables left short: attacked in full, for their cuts
            again = attack(matrix, values, hidden, targets[pending], need_down[pending], need_up[pending], exact,
                           max_failures, inequalities, hideable, one_region, local_cuts)
            _merge(result, pending, again)
            pending = pending[~again.ok]
    moving = False      # whether a cut round settled nothing: the few bounds left then get their moves at once
    for number in range(rounds):
        if not len(pending):
            break
        before = hidden.copy()
        building = (moving or number >= CUT_ROUNDS) and len(pending) <= MOVES_MAX_PENDING
        if not building:
            _repair_cuts(result.cuts, result.cut_targets, hidden, hideable, cost, atoms, for_atoms)
            partner_new_cells(hidden, hidden & ~before, incidence, cost, hideable)
        else:
            build_moves(result, pending, problem, hidden, hideable, cost, atoms, for_atoms, columns, bounds)
            pending = pending[~result.ok[pending] & ~np.isin(targets[pending], result.stuck)]
        new = hidden & ~before
        hid |= new
        hideable &= ~hidden
        if not new.any() or not len(pending):
            break
        # no local cut once the block has repaired: its local failures are then mostly false, their cuts hid cells
        # no one needed (région 76's first audit in France: 388 cells hidden instead of 806, the same 10 targets
        # settled, 0,93 of the time; bench/RESULTS.md, nineteenth session)
        again = attack(matrix, values, hidden, targets[pending], need_down[pending], need_up[pending], exact,
                       max_failures, inequalities, hideable, one_region, local_cuts=False)
        _merge(result, pending, again)
        if again.ok.any():
            pending = pending[~again.ok]
        elif not building and len(pending) <= MOVES_MAX_PENDING:
            # a cut round that settled nothing on a few bounds: the cuts' cheapest cells creep (France's last rounds
            # hid 80 to 170 cells a round for 35 rounds on the same 21 to 51 bounds); a move settles each or finds
            # that the block cannot (`stuck`)
            moving = True
        else:
            # a round whose repairs settled nothing: what is left needs cells outside the block (the parent escalates
            # it); région 76's first audit of etp in France spun 10 more rounds of 26 to 29 s on the same 397 bounds
            # (bench/RESULTS.md, twenty-first session)
            break
    result.hid, result.hid_for_atoms = np.flatnonzero(hid), np.flatnonzero(for_atoms & hid)
    result.settled = failing - int((~result.ok).sum())
    return result


# whether a région's part settles the bounds its first attack's probes leave with one table per side
# (`perturb.Problem.settle`) before its cut repairs and built moves (bench/RESULTS.md, twenty-first session)
TABLES = True
# bounds left by the probes below which a part skips a table: a table over a région costs 10 to 35 s however few
# targets it moves (région 76, round 2 of France: 34 s for 14 bounds, none moved; a rising-only table over the union
# 84+93, 35 s for 8; bench/RESULTS.md, twenty-first and twenty-second sessions)
TABLES_MIN_PENDING = 64
# whether a union of régions' part does the same, for its atoms too (round 2 of France: the unions 84+93 and 24+27
# in 0,39 and 0,20 of the worker time, hiding 0,23 and 0,38 of the cells; bench/RESULTS.md, twenty-second session)
UNION_TABLES = True


def _tables(result: Attack, pending: np.ndarray, problem: tuple, columns: sp.csc_matrix, hidden: np.ndarray,
            hideable: np.ndarray, cost: np.ndarray, atoms: np.ndarray, for_atoms: np.ndarray,
            union: bool = False) -> np.ndarray:
    """Hide (in place) the cells of the tables that move the published `pending` targets (positions), then, in a
    `union`'s part, the cells of the atoms' own tables (marked in `for_atoms`: hidden only to stop differencing, as in
    `rounds.Rounds._jointly`); the targets a table moves far enough are proved in `result` (columns: the problem's
    matrix by column). Returns the positions still pending. In a région's part the atoms are left to their cuts: they
    mostly need cells outside the block (région 76, etp: a table reached 8 of 374, in 48 s; bench/RESULTS.md,
    twenty-first session); a union's tables move cells within TABLE_RADIUS equations of their targets only."""
    matrix, values, _, targets, need_down, need_up = problem[:6]
    tables = None
    for of_atoms in (False, True) if union else (False,):
        chosen = pending[atoms[targets[pending]] == of_atoms]
        if len(chosen) < TABLES_MIN_PENDING:
            continue
        if tables is None:
            entries = matrix.tocoo()
            terms = pd.DataFrame({"equation": entries.row, "cell": entries.col, "coef": entries.data})
            # a région's tables (8 to 10 s) are not confined near their targets: région 76's round 2 took 0,97 of the
            # time and hid 21 % more cells (bench/RESULTS.md, twenty-third session)
            tables = Problem(columns, problem[8], values, terms, hidden, hideable & ~hidden, cost,
                             TABLE_RADIUS if union else None)
        before = hidden.copy()
        chosen = chosen[np.argsort(targets[chosen])]
        witness = tables.settle(targets[chosen], need_down[chosen], need_up[chosen], TABLES_MIN_PENDING)
        position = chosen[np.searchsorted(targets[chosen], witness.targets)]
        wide = wide_enough(witness, values[witness.targets], need_down[position], need_up[position])
        proved = position[wide]
        result.lower[proved], result.upper[proved] = witness.lower[wide], witness.upper[wide]
        result.ok[proved], result.extreme[proved] = True, False
        pending = np.setdiff1d(pending, proved)
        if of_atoms:
            for_atoms |= hidden & ~before
    return pending


# repair rounds of a block that take the cuts' cheapest cells, before the bounds still failing get built moves;
# a move costs up to a second on a région (its last try spans every cell that can move with the target): worth
# it for the few bounds a cut repair creeps on, not for the thousands of a first audit
CUT_ROUNDS, MOVES_MAX_PENDING = 2, 64


def _repair_cuts(cuts, cut_targets, hidden, hideable, cost, atoms, for_atoms) -> None:
    """The repair of `repair.repair` with the cuts the block's cells can satisfy (the others go to `blocks.lift`)."""
    kept = [satisfiable(coefficient, (hidden | hideable)[members]) for members, coefficient in cuts]
    repair(hidden, [cut for cut, k in zip(cuts, kept) if k], cost, hideable,
           [bool(atoms[target]) for target, k in zip(cut_targets, kept) if k], for_atoms)


def build_moves(result: Attack, pending, problem, hidden, hideable, cost, atoms, for_atoms, columns,
                 bounds) -> None:
    """For each pending bound too narrow, hide the cells of the cheapest move that widens it enough: the bound is
    then proved (true + the move is a table the attacker must allow; a move needing no new cell shows the attack's
    neighbourhood was too small). A target with no move among every cell that can move with it is `stuck` (its block
    cannot protect it); a target whose neighbourhood was too small to decide keeps its cut."""
    matrix, values, _, targets, need_down, need_up = problem[:6]
    undecided = set()
    for position in pending:
        cell = int(targets[position])
        value = values[cell]
        tolerance = 1e-6 * max(1.0, abs(value))
        narrow = 0      # bounds still too narrow: none, and the target passes without another attack
        for move, required in ((-need_down[position], value - need_down[position]),
                               (need_up[position], value + need_up[position])):
            bound = result.lower if move < 0 else result.upper
            reached = bound[position]
            if np.isnan(reached):
                narrow += 1     # undecided: attacked again next round
                continue
            if not move or abs(reached - required) <= tolerance or (reached < required) == (move < 0):
                continue        # wide enough
            hide, complete = alternative(matrix, columns, values, hidden, hideable, cost, cell, move, bounds)
            if hide is not None:
                # proved by the move: once the cells it moves are hidden, the moved table is one the attacker must
                # allow (hiding more later only widens the interval)
                hidden[hide], hideable[hide] = True, False
                for_atoms[hide] |= bool(atoms[cell])
                bound[position], result.extreme[position] = required, False
                continue
            narrow += 1
            if complete:
                # the block cannot protect it: the target leaves the block, its other side needs no move here (a move
                # found nowhere costs five LPs, the last over every cell that can move: 0,4 s on a région)
                result.stuck.append(cell)
                break
            undecided.add(cell)
        result.ok[position] = narrow == 0
    if undecided:
        kept = [t in undecided for t in result.cut_targets]
        _repair_cuts([cut for cut, k in zip(result.cuts, kept) if k],
                     [t for t, k in zip(result.cut_targets, kept) if k], hidden, hideable, cost, atoms, for_atoms)


def moves_by_measure(equations: Equations, values: np.ndarray, hidden: np.ndarray, free: np.ndarray, cost: np.ndarray,
                     atoms: np.ndarray, for_atoms: np.ndarray, need: tuple[np.ndarray, np.ndarray], chosen: list,
                     attacks: list[Attack]) -> list[int]:
    """`build_moves` for the failing bounds of a whole publication's attacks (one per measure, on its `chosen`
    targets), one measure after the other: each sees the cells the earlier moves hid (in place in `hidden`;
    `for_atoms` marks those hidden for an atom). Returns the targets no table moves far enough."""
    need_down, need_up = need
    matrix, holds = equations.matrix(), equations.holds()
    stuck = []
    for m, result in enumerate(attacks):
        pending = np.flatnonzero(~result.ok)
        if not len(pending):
            continue
        rows = matrix[holds[:, m]].tocsr()
        bounds = _with_slack(equations.inequalities_of(m), values[:, m])
        targets = chosen[m]
        problem = (rows, values[:, m], hidden, targets, need_down[targets, m], need_up[targets, m])
        build_moves(result, pending, problem, hidden, free & ~hidden, cost, atoms, for_atoms, rows.tocsc(), bounds)
        stuck += result.stuck
    return stuck


def partner_new_cells(hidden: np.ndarray, new: np.ndarray, incidence: sp.csr_matrix, cost: np.ndarray,
                      hideable: np.ndarray) -> None:
    """The pair rule for the cells a block's repair just hid: an equation where a new cell is the only hidden one
    gives it away, so hide that equation's cheapest hideable other cell (in place, until no such equation is left).
    Never publishes a cell again: the block sees only its own part of the mask."""
    fresh = new.copy()
    while fresh.any():
        counted = incidence @ hidden.astype(np.int64)
        touched = incidence @ fresh.astype(np.int64)
        fresh = np.zeros(len(hidden), bool)
        for equation in np.flatnonzero((counted == 1) & (touched > 0)):
            row = incidence.indices[incidence.indptr[equation]:incidence.indptr[equation + 1]]
            candidates = row[~hidden[row] & hideable[row]]
            if len(candidates) and hidden[row].sum() == 1:
                cheapest = candidates[np.argmin(cost[candidates])]
                hidden[cheapest] = fresh[cheapest] = True


def _merge(result: Attack, pending: np.ndarray, again: Attack) -> None:
    """The attack of the pending targets again, written over their earlier bounds; its cuts replace the earlier
    ones (those were satisfied by the repair)."""
    result.lower[pending], result.upper[pending] = again.lower, again.upper
    result.ok[pending], result.extreme[pending] = again.ok, again.extreme
    result.cuts, result.cut_targets = again.cuts, again.cut_targets
    result.lp_count += again.lp_count
    result.local_lps += again.local_lps
    result.local_cuts += again.local_cuts
    result.restarts += again.restarts


def _with_slack(inequalities: sp.csr_matrix | None, values: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray] | None:
    """(G, slack) for `alternative`: G·(true + d) ≤ 0 with slack = −G·true (≥ 0; 0 where rounding makes it less)."""
    return None if inequalities is None else (inequalities, np.maximum(-(inequalities @ values), 0.0))
