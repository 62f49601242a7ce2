"""The attacker: for a hidden cell, the least and greatest value compatible with what is published.

Published cells are constants, hidden cells are variables ≥ 0, and every equation that holds for
the measure links them. Hidden cells fall into independent groups (connected through equations
with hidden cells), so each group is a small LP solved with HiGHS, warm-started from one target
to the next. A failing bound yields a cut (see `_cut`). In a large group (a région's territories tied
together by the atoms) one LP costs 50 ms to 1 s: its pending bounds are first tried on the target's
neighbourhood alone (`_Neighbourhood`), a conservative LP of a few hundred cells, and the group's own LP is
presolved once for its targets (`presolve.Reduction`, half its rows).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from oress.secrecy.presolve import Reduction

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
    local_lps: int = 0      # of lp_count, LPs on a target's neighbourhood (`_Neighbourhood`)
    local_cuts: int = 0     # of cuts, those asking to hide cells of a neighbourhood
    restarts: int = 0       # LPs solved again from scratch after a numerical failure (`_GroupLP._run`)

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
                   sum(p.restarts for p in parts))


class _GroupLP:
    """min c·x subject to M x = rhs (inequality rows: M x ≤ rhs + slack), x ≥ 0, for one group of hidden
    cells; the objective changes. keep (bool per cell, with true: the cells' true values): the only cells an
    objective will weigh — a large group is then presolved once for all of them (`presolve.Reduction`)."""

    restarts = 0    # in this process, solves started again from scratch (`_run`)

    def __init__(self, matrix: sp.csc_matrix, rhs: np.ndarray, inequality: np.ndarray | None = None,
                 slack: np.ndarray | None = None, true: np.ndarray | None = None, keep: np.ndarray | None = None):
        self.size = matrix.shape[1]
        # HiGHS's tolerances are absolute (1e-7): the LP is solved in units that make its largest value about
        # LP_RANGE, whatever the caller's, so a commune's cell beside a national total stays far above them; a
        # power of two, so the change of unit is exact
        largest = np.abs(true).max() if true is not None and len(true) else np.abs(rhs).max(initial=0.0)
        self.unit = 2.0 ** np.round(np.log2(largest / LP_RANGE)) if largest > 0 else 1.0
        rhs = rhs / self.unit
        slack = None if slack is None else slack / self.unit
        true = None if true is None else true / self.unit
        if inequality is None or not inequality.any():
            lower, upper = rhs, rhs
        else:   # an inequality row: M x ≤ rhs + slack, no lower bound
            lower = np.where(inequality, -highspy.kHighsInf, rhs)
            upper = np.where(inequality, rhs + slack, rhs)
        self.reduction = None
        if keep is not None and self.size >= PRESOLVE_MIN_CELLS:
            self.reduction = Reduction(matrix, np.asarray(lower, float), np.asarray(upper, float), true, keep)
            matrix, lower, upper = self.reduction.matrix, self.reduction.row_lower, self.reduction.row_upper
        self.width = matrix.shape[1]
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = matrix.shape[1], matrix.shape[0]
        lp.col_cost_ = np.zeros(self.width)
        lp.col_lower_ = np.zeros(self.width)
        lp.col_upper_ = np.full(self.width, highspy.kHighsInf)
        lp.row_lower_, lp.row_upper_ = lower, upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
        self.highs = highspy.Highs()
        self.highs.silent()
        # primal simplex: only the objective changes between solves, so the last basis stays primal feasible
        for option, value in (("presolve", "off"), ("threads", 1), ("random_seed", 0), ("simplex_strategy", 4)):
            self.highs.setOptionValue(option, value)
        self.highs.passModel(lp)
        self.columns = np.arange(self.width, dtype=np.int32)
        # the first solve starts cold: presolve makes it ~50× faster on a région's largest group (0,13 s
        # instead of 6 s); the later ones start from its basis, presolve off
        self.highs.setOptionValue("presolve", "on")
        self.cold = True

    def solve(self, column: int, sign: float):
        """Optimum of sign × x[column] (None when unbounded), the point reached and the row duals."""
        cost = np.zeros(self.size)
        cost[column] = sign
        return self.solve_cost(cost)

    def solve_cost(self, cost: np.ndarray):
        """Optimum of cost · x (None when unbounded), the point reached and the row duals."""
        reduction, weights, unit = self.reduction, cost, self.unit
        if reduction is not None:
            offset = float(cost[reduction.fixed] @ reduction.true[reduction.fixed])
            weights = cost[reduction.columns]
            if self.width == 0 or not weights.any():    # only pinned cells weighed
                return offset * unit, reduction.point(reduction.true[reduction.columns]) * unit, \
                    reduction.duals(cost, np.zeros(len(reduction.rows)))
        self.highs.changeColsCost(self.width, self.columns, weights)
        if not self._run():
            return None, None, None
        solution = self.highs.getSolution()
        optimum, point, duals = (self.highs.getInfo().objective_function_value, np.asarray(solution.col_value),
                                 np.asarray(solution.row_dual))
        if reduction is None:
            return optimum * unit, point * unit, duals
        return (optimum + offset) * unit, reduction.point(point) * unit, reduction.duals(cost, duals)

    def _run(self) -> bool:
        """Solve; False when unbounded. The true table is a solution, so "infeasible" is numerical trouble in
        the warm basis: solved again from scratch (HiGHS's presolve on) before giving up."""
        self.highs.run()
        if self.cold:
            self.highs.setOptionValue("presolve", "off")
            self.cold = False
        status = self.highs.getModelStatus()
        if status not in (highspy.HighsModelStatus.kOptimal, *UNBOUNDED):
            _GroupLP.restarts += 1
            self.highs.clearSolver()
            self.highs.setOptionValue("presolve", "on")
            self.highs.run()
            self.highs.setOptionValue("presolve", "off")
            status = self.highs.getModelStatus()
        if status in UNBOUNDED:
            return False
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"LP de l'attaquant ({self.highs.getNumRow()} équations × {self.width} cases "
                               f"cachées) : statut HiGHS inattendu {self.highs.modelStatusToString(status)}, "
                               "même résolu de zéro")
        return True

    def cap(self, upper: np.ndarray | None) -> None:
        """Bound every unknown from above (a smaller feasible set: its points are still attacker points),
        or lift the bounds again (None)."""
        bound = np.full(self.width, highspy.kHighsInf) if upper is None else upper / self.unit
        if upper is not None and self.reduction is not None:
            bound = bound[self.reduction.columns]
        self.highs.changeColsBounds(self.width, self.columns, np.zeros(self.width), bound)


UNBOUNDED = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)
LP_RANGE = 1e4      # the largest value of an LP, in its own units (`_GroupLP`)

# a group this large is presolved once for its targets (`presolve.Reduction`): 40 % of the rows, a solve 3×
# faster; with fewer pending targets than PRESOLVE_MIN_TARGETS the presolve costs more than it saves
PRESOLVE_MIN_CELLS = 3000
PRESOLVE_MIN_TARGETS = 8


def attack(matrix: sp.csr_matrix, values: np.ndarray, hidden: np.ndarray, targets: np.ndarray,
           need_down: np.ndarray, need_up: np.ndarray, exact: bool, max_failures: int | None = None,
           inequalities: sp.csr_matrix | None = None, hideable: np.ndarray | None = None) -> Attack:
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
    fails in a group of LOCAL_MIN_CELLS or more gets the cut of its local LP (`_Neighbourhood`) when hiding
    cells near the target can satisfy it; without it (an audit), a local failure is settled by the group's LP.
    """
    is_inequality = np.zeros(matrix.shape[0], bool)
    if inequalities is not None and inequalities.shape[0]:
        matrix = sp.vstack([matrix, inequalities]).tocsr()
        is_inequality = np.concatenate([is_inequality, np.ones(inequalities.shape[0], bool)])
    slack = -(matrix @ values)     # ≥ 0 on inequality rows (0 on equations, to rounding)
    lower, upper = np.full(len(targets), np.nan), np.full(len(targets), np.nan)
    ok = np.ones(len(targets), bool)
    result = Attack(lower, upper, ok, np.ones(len(targets), bool))
    restarts = _GroupLP.restarts
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
                      (is_inequality[chosen], np.maximum(slack[chosen], 0.0)), hideable)
    result.restarts = _GroupLP.restarts - restarts
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
                  hideable=None) -> None:
    true = values[hidden_ids[members]]
    scale = max(1.0, float(true.max()))   # wages reach 1e9 €: solve in units of the group's largest value
    is_inequality, slack = inequality
    slack = np.zeros(len(rows)) if slack is None else slack / scale
    columns = np.searchsorted(members, position[targets[chunk]])
    keep = None     # a presolve (~0,5 s on a région's group) pays for itself from a few pending targets
    if len(chunk) >= PRESOLVE_MIN_TARGETS:
        keep = np.zeros(len(members), bool)
        keep[columns] = True
    lp = _LazyLP(block, block @ (true / scale), is_inequality, slack, true / scale, keep)
    local = _Neighbourhood(block, true / scale, is_inequality, slack) \
        if len(members) >= LOCAL_MIN_CELLS and not exact else None
    seen_low, seen_high = true.copy(), true.copy()
    many = len(chunk) > PROBE_MIN_LOCAL
    # a local cut may ask more than the whole problem needs: taken when the group has many pending bounds (a
    # first audit), where the group's LPs would cost minutes; a few bounds (the last rounds) get the exact cut
    local_hideable = hideable if many else None
    # a national group's LP costs seconds a bound: its bounds are settled on neighbourhoods only, a failure
    # repaired by the widest neighbourhood's cut (`_local_bound`, last resort)
    national = len(members) > PROBE_MAX_CELLS and hideable is not None
    if national:
        local_hideable = hideable
    # probing a large group costs a cold solve (up to a second): worth it for many pending bounds only; a
    # national group (hundreds of thousands of cells) is probed one neighbourhood at a time
    if not exact and (len(chunk) > 1 if local is None else many):
        if len(members) > PROBE_MAX_CELLS:
            _probe_locally(local, columns, true, scale, need_down[chunk], need_up[chunk], seen_low, seen_high,
                           result)
        else:
            _probe(lp.get(), columns, true, scale, need_down[chunk], need_up[chunk], seen_low, seen_high, result)
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
                settled = _local_bound(local, result, target, column, sign, required, tolerance, scale, seen_low,
                                       seen_high, (matrix, rows, hidden_ids[members], values, need, local_hideable,
                                        int(targets[target])), national)
                result.lp_count += 1
                result.local_lps += 1
                if settled is not None:   # a local failure costs no group LP: it does not count in max_failures
                    continue
            optimum, point, duals = lp.get().solve(column, sign)
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
                result.cuts.append(_cut(matrix, rows, duals, hidden_ids[members], column, sign, values, need))
                result.cut_targets.append(int(targets[target]))


# A group this large (a région's communes, EPCI, pays and atoms tied together) makes every LP cost 50 ms to 1 s;
# its pending bounds are first tried on the target's neighbourhood alone
LOCAL_MIN_CELLS = 3000
LOCAL_RADIUS = 4    # equations away from the target


class _LazyLP:
    """The group's LP, built at its first use (a large group may need none: its neighbourhoods settle all)."""

    def __init__(self, *arguments):
        self.arguments, self.lp = arguments, None

    def get(self) -> _GroupLP:
        if self.lp is None:
            self.lp = _GroupLP(*self.arguments)
        return self.lp


PROBE_MIN_LOCAL = 64   # pending bounds in a large group below which it is neither probed nor cut locally


class _Neighbourhood:
    """The attacker restricted to the hidden cells within LOCAL_RADIUS equations of a target, every other
    hidden cell fixed at its true value. Its feasible tables are tables of the whole problem (fixing unknowns
    at their true values keeps every equation true), so its interval lies inside the true one: a bound it
    proves wide enough is wide enough. A bound it finds too narrow may be an effect of the fixing; its cut then
    asks to hide cells of the neighbourhood until the neighbourhood alone protects the target."""

    def __init__(self, block: sp.csc_matrix, true: np.ndarray, is_inequality, slack: np.ndarray):
        pattern = abs(block).astype(bool)
        self.cells_of, self.rows_of = pattern.tocsr(), pattern.tocsc()   # a row's cells, a cell's rows
        self.block, self.true, self.slack = block.tocsr(), true, slack
        self.is_inequality = np.zeros(block.shape[0], bool) if is_inequality is None else is_inequality
        self.last = None

    def around(self, column: int, radius: int | None = None,
               most: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The cells within the radius (LOCAL_RADIUS by default; fewer steps when the next would pass `most`
        cells), the rows touching them, and the rows touching the cells one step closer (a published cell of
        those rows, once hidden, lies within the radius). Walked from the target: the cost is the
        neighbourhood's size, not the group's (a national group holds hundreds of thousands of cells)."""
        cells = np.array([column])
        inner = _gather(self.rows_of, cells)
        for _ in range(LOCAL_RADIUS if radius is None else radius):
            inner = _gather(self.rows_of, cells)
            wider = _gather(self.cells_of, inner)
            if most is not None and len(wider) > most and len(cells) > 1:
                break
            cells = wider
        return cells, _gather(self.rows_of, cells), inner

    def lp(self, cells: np.ndarray, rows: np.ndarray) -> _GroupLP:
        sub = self.block[rows][:, cells].tocsc()
        return _GroupLP(sub, sub @ self.true[cells], self.is_inequality[rows], self.slack[rows], self.true[cells])

    def ball(self, column: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, _GroupLP]:
        """`around(column)` and its LP, kept for the target's other bound (built once, the second solve warm)."""
        if self.last is None or self.last[0] != column:
            cells, rows, inner = self.around(column)
            self.last = (column, cells, rows, inner, self.lp(cells, rows))
        return self.last[1:]


def _local_bound(local: _Neighbourhood, result: Attack, target, column, sign, required, tolerance, scale,
                 seen_low, seen_high, context, last_resort: bool = False) -> bool | None:
    """Try one bound on the target's neighbourhood: True when it passes there (hence everywhere), False when
    it fails and the repair has a local cut it can satisfy, None when the group's LP must decide.
    last_resort (a national group, whose LP is out of reach): a failure with no local cut is tried again on a
    neighbourhood of WIDE_RADIUS equations, and when that fails too, its cut is taken whatever it asks — or,
    if it cannot be satisfied near the target, one more hidden cell among the published ones around it."""
    matrix, group_rows, group_cells, values, need, hideable, target_cell = context
    cells, rows, inner, lp = local.ball(column)
    reached, duals = _ball_bound(lp, cells, column, sign, scale, seen_low, seen_high)
    if sign * (reached - required) <= tolerance:
        (result.lower if sign > 0 else result.upper)[target] = reached
        result.extreme[target] = False
        return True
    if hideable is None or duals is None:
        return None
    cut_cells, coefficient = _cut(matrix, group_rows[rows], duals, group_cells[cells],
                                  int(np.searchsorted(cells, column)), sign, values, need)
    near = np.unique(matrix[group_rows[inner]].indices)
    useful = np.isin(cut_cells, group_cells[cells]) | (np.isin(cut_cells, near) & hideable[cut_cells])
    if coefficient[useful].sum() < 1 - 1e-9:
        if not last_resort:
            return None
        cells, rows, inner = local.around(column, WIDE_RADIUS, WIDE_MAX_CELLS)
        result.lp_count += 1
        result.local_lps += 1
        reached, duals = _ball_bound(local.lp(cells, rows), cells, column, sign, scale, seen_low, seen_high)
        if sign * (reached - required) <= tolerance:
            (result.lower if sign > 0 else result.upper)[target] = reached
            result.extreme[target] = False
            return True
        near = np.unique(matrix[group_rows[inner]].indices)
        cut_cells, coefficient = _cut(matrix, group_rows[rows], duals, group_cells[cells],
                                      int(np.searchsorted(cells, column)), sign, values, need)
        useful = np.isin(cut_cells, group_cells[cells]) | (np.isin(cut_cells, near) & hideable[cut_cells])
        if coefficient[useful].sum() < 1 - 1e-9:
            cut_cells = near[hideable[near]]
            coefficient, useful = np.ones(len(cut_cells)), np.ones(len(cut_cells), bool)
    (result.lower if sign > 0 else result.upper)[target] = reached
    result.ok[target], result.extreme[target] = False, False
    result.cuts.append((cut_cells[useful], coefficient[useful]))
    result.cut_targets.append(target_cell)
    result.local_cuts += 1
    return False


WIDE_RADIUS, WIDE_MAX_CELLS = 8, 4000


def _ball_bound(lp: _GroupLP, cells, column, sign, scale, seen_low, seen_high):
    """The bound reached on a neighbourhood (±inf when unbounded) and the LP's row duals (None then); the point
    reached is a witness for every cell of it."""
    optimum, point, duals = lp.solve(int(np.searchsorted(cells, column)), sign)
    if optimum is None:
        return (-np.inf if sign > 0 else np.inf), None
    seen_low[cells] = np.fmin(seen_low[cells], point * scale)
    seen_high[cells] = np.fmax(seen_high[cells], point * scale)
    return sign * optimum * scale, duals


def _gather(compressed: sp.csr_matrix | sp.csc_matrix, members: np.ndarray) -> np.ndarray:
    """The sorted distinct indices stored in the given rows of a CSR matrix (columns of a CSC one)."""
    starts, ends = compressed.indptr[members], compressed.indptr[members + 1]
    lengths = ends - starts
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.unique(compressed.indices[np.arange(lengths.sum()) + offsets])


PROBE_MIN_SETTLED = 2   # stop probing when an LP settles fewer pending bounds than this
# in a large group one probe LP costs as much as ~50 neighbourhood LPs (0,3–3 s on a région's group)
PROBE_MIN_SETTLED_LARGE = 64


def _probe(lp: _GroupLP, columns, true, scale, need_down, need_up, seen_low, seen_high, result: Attack) -> None:
    """Settle many bounds with few LPs: push every pending target down at once (min Σ x_t / need_t),
    then up at once, with the unknowns capped so the LP stays bounded; each optimum is a table the
    attacker can reach, so it is a witness for every target it takes far enough. Repeated on the
    targets still pending while an LP settles at least PROBE_MIN_SETTLED of them; the rest get their
    own LP (`_attack_group`), which is exact and gives the cut when a bound fails."""
    value = true[columns]
    tolerance = 1e-6 * np.maximum(1.0, np.abs(value))
    required = {1.0: value - need_down, -1.0: value + need_up}
    need = {1.0: need_down, -1.0: need_up}
    lp.cap(2.0 * (true.max() + need_up.max()) / scale * np.ones(len(true)))
    try:
        for sign in (1.0, -1.0):
            while True:
                seen = (seen_low if sign > 0 else seen_high)[columns]
                pending = sign * (seen - required[sign]) > tolerance
                if pending.sum() < PROBE_MIN_SETTLED:
                    break
                cost = np.zeros(len(true))
                np.add.at(cost, columns[pending], sign * scale / np.maximum(need[sign][pending], 1e-9))
                optimum, point, _ = lp.solve_cost(cost)
                result.lp_count += 1
                if optimum is None:
                    break
                np.fmin(seen_low, point * scale, out=seen_low)
                np.fmax(seen_high, point * scale, out=seen_high)
                seen = (seen_low if sign > 0 else seen_high)[columns]
                settled = pending & (sign * (seen - required[sign]) <= tolerance)
                if settled.sum() < (PROBE_MIN_SETTLED_LARGE if len(true) >= LOCAL_MIN_CELLS else PROBE_MIN_SETTLED):
                    break
    finally:
        lp.cap(None)


PROBE_MAX_CELLS = 50_000   # a larger group is probed by neighbourhoods of PROBE_RADIUS equations
PROBE_RADIUS = 8
PROBE_MAX_BALL = 4000    # cells: a probe's neighbourhood stops growing before it passes this size


def _probe_locally(local: _Neighbourhood, columns, true, scale, need_down, need_up, seen_low, seen_high,
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
        inside = np.isin(columns, cells)
        low, high = seen_low[cells], seen_high[cells]
        _probe(local.lp(cells, rows), np.searchsorted(cells, columns[inside]), true[cells], scale,
               need_down[inside], need_up[inside], low, high, result)
        seen_low[cells], seen_high[cells] = low, high


def _cut(matrix, rows, duals, cells, column, sign, values, need) -> tuple[np.ndarray, np.ndarray]:
    """Fischetti–Salazar capacity cut from the LP duals y of min c·x (c = ±unit vector).

    For any mask and d = c − Aᵀy: if every suppressed cell has d ≥ 0, the attacker's optimum is
    at least c·v − Σ_suppressed d·v, so protection needs a suppressed cell with d < 0 (unbounded
    room) or Σ_suppressed d·v ≥ need. Hence Σ coefficient × s ≥ 1 with coefficient 1 where d < 0
    and min(d·v / need, 1) where d > 0. The current mask violates it (complementary slackness).
    """
    block = matrix[rows].tocsc()
    touched = np.flatnonzero(np.diff(block.indptr) > 0)
    reduced = -(block[:, touched].T @ duals)
    reduced[np.searchsorted(touched, cells[column])] += sign
    coefficient = np.where(reduced < -DUAL_EPSILON, 1.0,
                           np.where(reduced > DUAL_EPSILON, np.minimum(reduced * values[touched] / need, 1.0), 0.0))
    current = coefficient[np.isin(touched, cells)].sum()
    if current >= 1 - 1e-7:  # numerically unhelpful: fall back to "one more cell next to the group"
        coefficient = np.where(np.isin(touched, cells), 0.0, 1.0)
    keep = coefficient > 1e-9
    return touched[keep], coefficient[keep]
