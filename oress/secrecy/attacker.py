"""The attacker: for a hidden cell, the least and greatest value compatible with what is published.

Published cells are constants, hidden cells are variables ≥ 0, and every equation that holds for
the measure links them. Hidden cells fall into independent groups (connected through equations
with hidden cells), so each group is a small LP solved with HiGHS, warm-started from one target
to the next (`grouplp.GroupLP`). A failing bound yields a cut (`bounds.capacity_cut`). In a large group (a
région's territories tied together by the atoms) one LP costs 50 ms to 1 s: its pending bounds are first tried
on the target's neighbourhood alone (`neighbourhood.Neighbourhood`), a conservative LP of a few hundred cells,
and the group's own LP is presolved once for its targets (`presolve.Reduction`, half its rows). Many bounds are
settled at once by probes (`_probe`): each LP's optimum is a table the attacker can reach, a witness for all.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from oress.secrecy.bounds import Attack, capacity_cut
from oress.secrecy.grouplp import GroupLP, LazyLP
from oress.secrecy.neighbourhood import Neighbourhood, local_bound

# with fewer pending targets than this, a large group's presolve (`grouplp.PRESOLVE_MIN_CELLS`) costs more than
# it saves
PRESOLVE_MIN_TARGETS = 8


def attack(matrix: sp.csr_matrix, values: np.ndarray, hidden: np.ndarray, targets: np.ndarray,
           need_down: np.ndarray, need_up: np.ndarray, exact: bool, max_failures: int | None = None,
           inequalities: sp.csr_matrix | None = None, hideable: np.ndarray | None = None,
           one_region: bool = False, local_cuts: bool = True) -> Attack:
    """Bounds of each target (hidden cell ids) for one measure.

    matrix: the equations that hold for this measure (rows) × cells; values: true values;
    hidden: bool per cell; need_down/need_up: per target. With exact=False a bound is only
    computed when no LP solution seen so far already shows the required room (the answer
    ok/not ok is the same, faster). Failing bounds add one cut each. max_failures: once a group has
    that many failing bounds, its bounds not yet settled are left undecided (ok False, bound NaN, no
    LP): a repair round fixes the failures found and audits those again (fewer LPs in all, since one
    repair settles many neighbours).
    inequalities: rows G with G · cells ≤ 0 the reader also knows (an establishment count by job attribute
    never exceeds the territory's establishment count).
    hideable: bool per cell, the published cells a repair may still hide. Given (a repair round), a bound that
    fails in a group of LOCAL_MIN_CELLS or more gets the cut of its local LP (`Neighbourhood`) when hiding
    cells near the target can satisfy it; without it (an audit), a local failure is settled by the group's LP.
    one_region: the problem is one région's block (`blocks.confined_job`): its groups are probed whole however large
    (at most PROBE_MAX_LPS_LARGE LPs a direction), the neighbourhood path of a national group being kept for a union
    of régions and the whole publication.
    local_cuts: with a hideable given, whether a failing bound of a group with many pending ones takes its local LP's
    cut; False settles it by the group's LP instead, as an audit does (a national group's always takes it).
    """
    matrix = matrix.tocsr()     # the cuts read its rows' entries (`bounds.capacity_cut`, `neighbourhood.gather`)
    is_inequality = np.zeros(matrix.shape[0], bool)
    if inequalities is not None and inequalities.shape[0]:
        matrix = sp.vstack([matrix, inequalities]).tocsr()
        is_inequality = np.concatenate([is_inequality, np.ones(inequalities.shape[0], bool)])
    slack = -(matrix @ values)     # ≥ 0 on inequality rows (0 on equations, to rounding)
    lower, upper = np.full(len(targets), np.nan), np.full(len(targets), np.nan)
    ok = np.ones(len(targets), bool)
    result = Attack(lower, upper, ok, np.ones(len(targets), bool))
    restarts = GroupLP.restarts
    hidden_ids = np.flatnonzero(hidden)
    position = np.full(len(hidden), -1)
    position[hidden_ids] = np.arange(len(hidden_ids))
    linked = matrix[:, hidden_ids].tocsr()
    rows = np.flatnonzero(np.diff(linked.indptr) > 0)
    linked = linked[rows]
    row_group, cell_group = _groups(linked)
    cell_members, row_members = _members(cell_group), _members(row_group)
    for group, chunk in _members(cell_group[position[targets]]).items():
        members, group_rows = cell_members[group], row_members.get(group, np.array([], int))
        if len(group_rows) == 0:  # no equation: anything from 0 to infinity
            result.lower[chunk], result.upper[chunk] = 0.0, np.inf
            continue
        chosen = rows[group_rows]
        _attack_group(result, chunk, members, linked[group_rows][:, members].tocsc(), chosen,
                      matrix, values, hidden_ids, position, targets, need_down, need_up, exact, max_failures,
                      (is_inequality[chosen], np.maximum(slack[chosen], 0.0)), hideable, one_region, local_cuts)
    result.restarts = GroupLP.restarts - restarts
    return result


def _groups(linked: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Group label of each row and each hidden cell: connected through shared equations."""
    n_rows = linked.shape[0]
    graph = sp.bmat([[sp.csr_matrix((n_rows, n_rows)), linked], [linked.T, None]], format="csr")
    _, labels = connected_components(abs(graph), directed=False)
    return labels[:n_rows], labels[n_rows:]


def _members(labels: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(labels, kind="stable")
    groups, starts = np.unique(labels[order], return_index=True)
    return dict(zip(groups.tolist(), np.split(order, starts[1:])))


def _attack_group(result: Attack, chunk, members, block, rows, matrix, values, hidden_ids, position,
                  targets, need_down, need_up, exact, max_failures=None, inequality=(None, None),
                  hideable=None, one_region=False, local_cuts=True) -> None:
    true = values[hidden_ids[members]]
    # the group's values in units of its largest one; each LP then picks its own units (`GroupLP`, LP_RANGE)
    scale = max(1.0, float(true.max()))
    is_inequality, slack = inequality
    slack = np.zeros(len(rows)) if slack is None else slack / scale
    columns = np.searchsorted(members, position[targets[chunk]])
    keep = None     # a presolve (~0,5 s on a région's group) pays for itself from a few pending targets
    if len(chunk) >= PRESOLVE_MIN_TARGETS:
        keep = np.zeros(len(members), bool)
        keep[columns] = True
    lp = LazyLP(block, block @ (true / scale), is_inequality, slack, true / scale, keep)
    local = Neighbourhood(block, true / scale, is_inequality, slack) \
        if len(members) >= LOCAL_MIN_CELLS and not exact else None
    seen_low, seen_high = true.copy(), true.copy()
    many = len(chunk) > PROBE_MIN_LOCAL
    # a local cut may ask more than the whole problem needs: taken when the group has many pending bounds (a
    # first audit), where the group's LPs would cost minutes; a few bounds (the last rounds), or any once the caller
    # stops `local_cuts`, get the exact cut
    local_hideable = hideable if many and local_cuts else None
    # a national group's LP costs seconds a bound: its bounds are settled on neighbourhoods only, a failure
    # repaired by the widest neighbourhood's cut (`local_bound`, last resort)
    probed_whole = one_region or len(members) <= PROBE_MAX_CELLS
    national = not probed_whole and hideable is not None
    # a failing national bound's second chance, a wide neighbourhood, costs a région-sized LP: worth it once the
    # first rounds have repaired the true failures and few bounds are pending (bench/RESULTS.md, ninth session)
    wide = national and len(chunk) <= WIDE_MAX_PENDING
    if national:
        local_hideable = hideable
    # a wide neighbourhood drawn for a failing bound settles at once the pending bounds it holds
    if wide and local is not None:
        local.on_wide = lambda cells, wide_lp: _probe_ball(wide_lp, cells, columns, true, scale, need_down[chunk],
                                                           need_up[chunk], seen_low, seen_high, result,
                                                           WIDE_PROBE_MAX_ITERATIONS, WIDE_PROBE_MAX_ITERATIONS)
    # probing a large group costs a cold solve (up to a second): worth it for many pending bounds only; a
    # national group (hundreds of thousands of cells) is probed one neighbourhood at a time
    if not exact and (len(chunk) > 1 if local is None else many):
        if not probed_whole:
            _probe_locally(local, columns, true, scale, need_down[chunk], need_up[chunk], seen_low, seen_high,
                           result)
        else:
            # the interior point only here: a wide neighbourhood's probes (a union's failing bounds) then went on
            # probing where the capped simplex stopped, and cost France's unions more (bench/RESULTS.md, eighteenth
            # session)
            # aimed, unless the audit stops at its probes: the tables then settle what they leave, and the unaimed
            # probes' leftovers made cheaper tables (demo 2018, round 1: 7 514 secondary cells against 7 685)
            _probe(lp.get(), columns, true, scale, need_down[chunk], need_up[chunk], seen_low, seen_high, result,
                   PROBE_MAX_ITERATIONS, PROBE_STEP_ITERATIONS, interior=True, aimed=max_failures != 0)
    failures = 0
    for target, column in zip(chunk, columns):
        value = true[column]
        for sign, need in ((1.0, need_down[target]), (-1.0, need_up[target])):
            required = value - need if sign > 0 else value + need
            tolerance = 1e-6 * max(1.0, abs(value))
            seen = seen_low[column] if sign > 0 else seen_high[column]
            if not exact and sign * (seen - required) <= tolerance:
                (result.lower if sign > 0 else result.upper)[target] = seen
                result.extreme[target] = False
                continue
            if max_failures is not None and failures >= max_failures:
                (result.lower if sign > 0 else result.upper)[target] = np.nan
                result.ok[target], result.extreme[target] = False, False
                continue
            if local is not None:
                settled = local_bound(local, result, target, column, sign, required, tolerance, scale, seen_low,
                                       seen_high, (matrix, rows, hidden_ids[members], values, need, local_hideable,
                                        int(targets[target])), national, wide)
                result.lp_count += 1
                result.local_lps += 1
                if settled is not None:   # a local failure costs no group LP: it does not count in max_failures
                    continue
            optimum, point = lp.get().solve(column, sign)
            result.lp_count += 1
            if optimum is None:
                reached = -np.inf if sign > 0 else np.inf   # only a maximum can be unbounded
            else:
                reached = sign * optimum * scale
                np.fmin(seen_low, point * scale, out=seen_low)
                np.fmax(seen_high, point * scale, out=seen_high)
            (result.lower if sign > 0 else result.upper)[target] = reached
            if sign * (reached - required) > tolerance:
                failures += 1
                result.ok[target] = False
                result.cuts.append(capacity_cut(matrix, rows, lp.get().duals(), hidden_ids[members], column, sign,
                                                values, need))
                result.cut_targets.append(int(targets[target]))


# A group this large (a région's communes, EPCI, pays and atoms tied together) makes every LP cost 50 ms to 1 s;
# its pending bounds are first tried on the target's neighbourhood alone
LOCAL_MIN_CELLS = 3000
PROBE_MIN_LOCAL = 64   # pending bounds in a large group below which it is neither probed nor cut locally
WIDE_MAX_PENDING = 400  # pending targets of a national group above which no wide neighbourhood is drawn


PROBE_MIN_SETTLED = 2   # stop probing when an LP settles fewer pending bounds than this
# a probe runs the simplex, unless it is a group's own probe of `grouplp.INTERIOR_MIN_COLUMNS` columns or more (the
# interior point, `GroupLP.reach`); it only speeds the attack up (the bounds it leaves get their own LPs): one stopped
# after this many simplex iterations is dropped — the demo's take at most ~6 000, a wide neighbourhood's probe in
# France's round 2 ran for over ten minutes (bench/RESULTS.md, fourteenth session)
PROBE_MAX_ITERATIONS = 200_000
# a wide neighbourhood's probe (up to 60 000 cells, a national block's failing bound) stops sooner, cold or warm: the
# slowest union part of France's round 2 spent 90 % of its 330 s in them; stopped at 20 000 iterations, 75 s, the same
# bounds settled (bench/RESULTS.md, fifteenth session)
WIDE_PROBE_MAX_ITERATIONS = 20_000
# a warm simplex probe (from the last LP's basis: its points stay feasible) stops after this many iterations and keeps
# the point reached, a table the attacker reaches if not the probe's optimum: on région 76's group in France's round 2
# (28 000 columns, since probed by the interior point), the first probes of a direction ran 20 000–31 000 iterations,
# 10–17 s each; with their point kept at 5 000 the région's parts took 0,83 of the worker time, the same bounds
# failing (bench/RESULTS.md, sixteenth session)
PROBE_STEP_ITERATIONS = 5_000
# in a large group one probe LP costs as much as ~50 neighbourhood LPs (0,3–3 s on a région's group)
PROBE_MIN_SETTLED_LARGE = 64
# a group's own probe (the interior point) pushes each pending target no further than this many protection levels
# beyond its value (`GroupLP.reach`'s aim): unbounded, the sum it minimises spent the LP on targets pushed far past
# their need and left their neighbours short. Aimed, the demo's round 2 settled its bounds with 694–1 047 LPs instead
# of 1 113–1 473 (its audit 0,6 of the worker time), the masks within 0,1 %; aimed at 1 and 8 levels, 0,8 to 1,5 % more
# secondary cells in one millésime or the other (bench/RESULTS.md, twenty-fifth session)
PROBE_AIM = 4.0


def _probe(lp: GroupLP, columns, true, scale, need_down, need_up, seen_low, seen_high, result: Attack,
           iterations: int, step: int, interior: bool = False, aimed: bool = False) -> None:
    """Settle many bounds with few LPs: push every pending target down at once (min Σ x_t / need_t),
    then up at once, with the unknowns capped so the LP stays bounded; each optimum is a table the
    attacker can reach, so it is a witness for every target it takes far enough. Repeated on the
    targets still pending while an LP settles at least PROBE_MIN_SETTLED of them; the rest get their
    own LP (`_attack_group`), which is exact and gives the cut when a bound fails. A cold probe LP stopped after
    `iterations` simplex iterations is dropped; a warm one stops after `step` and its point serves; with `interior`
    (a group's own probes) a wide LP's probe is the interior point's optimum (`GroupLP.reach`), `aimed`: its targets
    held within PROBE_AIM protection levels of their values."""
    value = true[columns]
    tolerance = 1e-6 * np.maximum(1.0, np.abs(value))
    required = {1.0: value - need_down, -1.0: value + need_up}
    need = {1.0: need_down, -1.0: need_up}
    lp.cap(2.0 * (true.max() + need_up.max()) / scale * np.ones(len(true)))
    try:
        for sign in (1.0, -1.0):
            for _ in range(PROBE_MAX_LPS_LARGE if len(true) > PROBE_MAX_CELLS else 10**9):
                seen = (seen_low if sign > 0 else seen_high)[columns]
                pending = sign * (seen - required[sign]) > tolerance
                if pending.sum() < PROBE_MIN_SETTLED:
                    break
                cost = np.zeros(len(true))
                np.add.at(cost, columns[pending], sign * scale / np.maximum(need[sign][pending], 1e-9))
                aim = None
                if aimed:
                    aim = np.full(len(true), np.nan)
                    aim[columns[pending]] = (value - sign * PROBE_AIM * need[sign])[pending] / scale
                point = lp.reach(cost, iterations, step, interior, aim)
                result.lp_count += 1
                if point is None:
                    break
                np.fmin(seen_low, point * scale, out=seen_low)
                np.fmax(seen_high, point * scale, out=seen_high)
                seen = (seen_low if sign > 0 else seen_high)[columns]
                settled = pending & (sign * (seen - required[sign]) <= tolerance)
                if settled.sum() < (PROBE_MIN_SETTLED_LARGE if len(true) >= LOCAL_MIN_CELLS else PROBE_MIN_SETTLED):
                    break
    finally:
        lp.cap(None)


# a larger group is probed by neighbourhoods of PROBE_RADIUS equations: a union of two régions (40–50 000 hidden
# cells) probed whole spent 45 min in one part of France's round 3 (bench/RESULTS.md, eighth session) — unless it
# is one région's (`attack`'s one_region), probed whole with at most PROBE_MAX_LPS_LARGE LPs a direction
PROBE_MAX_CELLS = 40_000
PROBE_MAX_LPS_LARGE = 16
PROBE_RADIUS = 8
PROBE_MAX_BALL = 4000    # cells: a probe's neighbourhood stops growing before it passes this size


def _probe_locally(local: Neighbourhood, columns, true, scale, need_down, need_up, seen_low, seen_high,
                   result: Attack) -> None:
    """`_probe` on the neighbourhood of a pending target, then on that of the next pending target outside
    it, and so on: the points a neighbourhood reaches are tables of the whole problem (its other cells at
    their true values), so they are witnesses as good as the group's own."""
    covered = np.zeros(len(true), bool)
    for seed in columns:
        if covered[seed]:
            continue
        cells, rows, _ = local.around(int(seed), PROBE_RADIUS, PROBE_MAX_BALL)
        covered[cells] = True
        _probe_ball(local.lp(cells, rows), cells, columns, true, scale, need_down, need_up, seen_low, seen_high,
                    result, PROBE_MAX_ITERATIONS, PROBE_STEP_ITERATIONS)


def _probe_ball(lp: GroupLP, cells, columns, true, scale, need_down, need_up, seen_low, seen_high,
                result: Attack, iterations: int, step: int) -> None:
    """`_probe` on a neighbourhood's LP for the targets it holds, under `_probe`'s iteration limits."""
    inside = np.isin(columns, cells)
    low, high = seen_low[cells], seen_high[cells]
    _probe(lp, np.searchsorted(cells, columns[inside]), true[cells], scale, need_down[inside], need_up[inside], low,
           high, result, iterations, step)
    seen_low[cells], seen_high[cells] = low, high
