"""The attacker's LP over one group of hidden cells (or a neighbourhood of them): min c·x under the equations,
x ≥ 0, solved by HiGHS warm from one objective to the next, in units of its own (`LP_RANGE`)."""
from __future__ import annotations

import highspy
import numpy as np
import scipy.sparse as sp

from oress.secrecy.presolve import Reduction


class GroupLP:
    """min c·x subject to M x = rhs (inequality rows: M x ≤ rhs + slack), x ≥ 0, for one group of hidden
    cells; the objective changes. keep (bool per cell, with true: the cells' true values): the only cells an
    objective will weigh — a large group is then presolved once for all of them (`presolve.Reduction`)."""

    restarts = 0    # in this process, solves started again from scratch (`_run`)
    stopped = 0     # in this process, solves stopped at their iteration limit (`_run`)
    interior_starts = 0     # in this process, first solves started from an interior point's basis
    interior_probes = 0     # in this process, probes solved by the interior point (`_reach_interior`)

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
        self.highs = highspy.Highs()
        self.highs.silent()
        # primal simplex: only the objective changes between solves, so the last basis stays primal feasible
        for option, value in (("presolve", "off"), ("threads", 1), ("random_seed", 0), ("simplex_strategy", 4)):
            self.highs.setOptionValue(option, value)
        pass_lp(self.highs, matrix, np.zeros(self.width), np.zeros(self.width), np.full(self.width, highspy.kHighsInf),
                lower, upper)
        self.columns = np.arange(self.width, dtype=np.int32)
        # the first solve starts cold, presolved (~50× faster on the demo's largest group: 0,13 s instead of 6 s),
        # unless the LP is wide enough to start from an interior point's basis (`_start_from_interior`); the later
        # ones start from its basis, presolve off
        self.highs.setOptionValue("presolve", "on")
        self.cold = True
        self.solved_cost = None     # the objective of the last solve, for its duals

    def solve(self, column: int, sign: float):
        """Optimum of sign × x[column] (None when unbounded) and the point reached; its row duals by `duals`."""
        cost = np.zeros(self.size)
        cost[column] = sign
        return self.solve_cost(cost)

    def solve_cost(self, cost: np.ndarray, iteration_limit: int | None = None):
        """Optimum of cost · x (None when unbounded, or not reached within `iteration_limit` simplex iterations: a
        deterministic cap, unlike a clock) and the point reached; its row duals by `duals`."""
        return self._solve(cost, iteration_limit, keep_stopped=False)

    def duals(self) -> np.ndarray:
        """The row duals of the last `solve`, in the group's rows (for its cut, `bounds.capacity_cut`): asked only for a
        failing bound — read from HiGHS and carried back through the presolve (a triangular solve), they cost ~5 % of a
        région's first audit when taken after every solve (bench/RESULTS.md, eighteenth session)."""
        reduction, cost = self.reduction, self.solved_cost
        if self._weights(cost)[1]:
            return reduction.duals(cost, np.zeros(len(reduction.rows)))
        duals = np.asarray(self.highs.getSolution().row_dual)
        return duals if reduction is None else reduction.duals(cost, duals)

    def reach(self, cost: np.ndarray, iteration_limit: int, warm_limit: int,
              interior: bool = False, aim: np.ndarray | None = None) -> np.ndarray | None:
        """A table the attacker reaches, pushed towards min cost · x: the optimum, or the last point of a warm solve
        stopped after `warm_limit` simplex iterations — the primal simplex starts from the last basis, feasible,
        and stays feasible (HiGHS says so, or the point is not used). A cold solve (the first: presolved, no
        point before its end) stops after `iteration_limit` with nothing. None when unbounded or stopped so. With
        `interior`, an LP of INTERIOR_MIN_COLUMNS or more is solved by the interior point instead
        (`_reach_interior`), each weighed cell held at its `aim` (a value per cell, NaN for none) if given."""
        if interior and self.width >= INTERIOR_MIN_COLUMNS:
            return self._reach_interior(cost, aim)
        cold = self.cold
        return self._solve(cost, iteration_limit if cold else warm_limit, keep_stopped=not cold)[1]

    def _solve(self, cost: np.ndarray, iteration_limit: int | None, keep_stopped: bool):
        """The optimum (None when unbounded or stopped) and the point (None when unbounded, or stopped and not
        `keep_stopped` or not feasible)."""
        reduction, unit = self.reduction, self.unit
        self.solved_cost = cost
        weights, pinned_only = self._weights(cost)
        if reduction is not None:
            offset = float(cost[reduction.fixed] @ reduction.true[reduction.fixed])
            if pinned_only:
                return offset * unit, self._pinned_point()
        self.highs.changeColsCost(self.width, self.columns, weights)
        if self.cold and self.width >= INTERIOR_MIN_COLUMNS:
            self._start_from_interior()
        self.highs.setOptionValue("simplex_iteration_limit", iteration_limit or highspy.kHighsIInf)
        try:
            status = self._run()
        finally:
            self.highs.setOptionValue("simplex_iteration_limit", highspy.kHighsIInf)
        if status == "unbounded" or status == "stopped" and not (keep_stopped and self._feasible()):
            return None, None
        optimum = None if status == "stopped" else self.highs.getInfo().objective_function_value
        point = np.asarray(self.highs.getSolution().col_value)
        if reduction is not None:
            optimum = None if optimum is None else optimum + offset
            point = reduction.point(point)
        return None if optimum is None else optimum * unit, point * unit

    def _reach_interior(self, cost: np.ndarray, aim: np.ndarray | None = None) -> np.ndarray | None:
        """`reach` by HiGHS's interior point without crossover, in an instance of its own: its point is an optimum
        within HiGHS's tolerances, as the simplex's is. On région 76's group in France's first round (28 000 columns)
        a probe took 0,9 to 1,1 s where 5 000 warm simplex iterations took 3,5 s and often stopped far from the
        optimum (bench/RESULTS.md, eighteenth session); no basis to keep, so the simplex's instance is left as it
        was. None when the interior point does not end optimal."""
        reduction = self.reduction
        weights, pinned_only = self._weights(cost)
        if pinned_only:
            return self._pinned_point()
        self.highs.changeColsCost(self.width, self.columns, weights)
        interior = _interior_point(crossover=False)
        interior.passModel(self.highs.getLp())
        if aim is not None:
            self._stop_at(interior, weights, aim)
        interior.run()
        GroupLP.interior_probes += 1
        if interior.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        point = np.asarray(interior.getSolution().col_value)
        return (point if reduction is None else reduction.point(point)) * self.unit

    def _stop_at(self, instance: highspy.Highs, weights: np.ndarray, aim: np.ndarray) -> None:
        """Bound each weighed column at its `aim` (a value per cell, NaN for none) on the side its weight pushes it
        to: a smaller feasible set, so its points are still tables the attacker reaches."""
        ids = self.columns if self.reduction is None else self.reduction.columns
        target = aim[ids] / self.unit
        lp = instance.getLp()
        lower, upper = np.array(lp.col_lower_, float), np.array(lp.col_upper_, float)
        down, up = (weights > 0) & ~np.isnan(target), (weights < 0) & ~np.isnan(target)
        lower[down] = np.maximum(lower[down], target[down])
        upper[up] = np.minimum(upper[up], target[up])
        instance.changeColsBounds(self.width, self.columns, lower, upper)

    def _weights(self, cost: np.ndarray) -> tuple[np.ndarray, bool]:
        """The objective on the LP's own columns, and whether it weighs none of them (only cells the presolve
        pinned: the optimum is known without HiGHS)."""
        if self.reduction is None:
            return cost, False
        weights = cost[self.reduction.columns]
        return weights, self.width == 0 or not weights.any()

    def _pinned_point(self) -> np.ndarray:
        """The point when only pinned cells are weighed: the true table (every cell at its true value)."""
        return self.reduction.point(self.reduction.true[self.reduction.columns]) * self.unit

    def _start_from_interior(self) -> None:
        """The first solve of a large LP, by HiGHS's interior point and crossover in an instance of its own, whose
        optimal basis the simplex then starts from (a few iterations, or none): up to 2 s instead of 6 to 13 on a
        région's group in France's round 2 (bench/RESULTS.md, seventeenth session). Only the basis crosses over: an
        instance that ran the interior point itself once gave an LP HiGHS then called infeasible even from scratch
        (sixteenth session). Without an optimal basis, the simplex starts cold as before."""
        interior = _interior_point(crossover=True)
        interior.passModel(self.highs.getLp())
        interior.run()
        basis = interior.getBasis()
        if interior.getModelStatus() == highspy.HighsModelStatus.kOptimal and basis.valid:
            self.highs.setBasis(basis)
            self.highs.setOptionValue("presolve", "off")
            self.cold = False
            GroupLP.interior_starts += 1

    def _feasible(self) -> bool:
        return self.highs.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible

    def _run(self) -> str:
        """Solve: "optimal", "unbounded", or "stopped" at the iteration limit. The true table is a solution, so
        "infeasible" is numerical trouble in the warm basis: solved again from scratch (HiGHS's presolve on) before
        giving up."""
        self.highs.run()
        if self.cold:
            self.highs.setOptionValue("presolve", "off")
            self.cold = False
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kIterationLimit:
            GroupLP.stopped += 1
            return "stopped"
        if status not in (highspy.HighsModelStatus.kOptimal, *UNBOUNDED):
            GroupLP.restarts += 1
            self.highs.clearSolver()
            self.highs.setOptionValue("presolve", "on")
            self.highs.run()
            self.highs.setOptionValue("presolve", "off")
            status = self.highs.getModelStatus()
        if status in UNBOUNDED:
            return "unbounded"
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"LP de l'attaquant ({self.highs.getNumRow()} équations × {self.width} cases "
                               f"cachées) : statut HiGHS inattendu {self.highs.modelStatusToString(status)}, "
                               "même résolu de zéro")
        return "optimal"

    def cap(self, upper: np.ndarray | None) -> None:
        """Bound every unknown from above (a smaller feasible set: its points are still attacker points),
        or lift the bounds again (None)."""
        bound = np.full(self.width, highspy.kHighsInf) if upper is None else upper / self.unit
        if upper is not None and self.reduction is not None:
            bound = bound[self.reduction.columns]
        self.highs.changeColsBounds(self.width, self.columns, np.zeros(self.width), bound)


def pass_lp(highs: highspy.Highs, matrix: sp.csc_matrix, cost: np.ndarray, column_lower: np.ndarray,
            column_upper: np.ndarray, row_lower: np.ndarray, row_upper: np.ndarray,
            integer: np.ndarray | None = None) -> None:
    """Hand HiGHS the LP min cost·x, row_lower ≤ matrix·x ≤ row_upper, column_lower ≤ x ≤ column_upper, as arrays:
    filling a `HighsLp`'s fields copies them element by element (2,8 ms for a neighbourhood of 300 cells, 124 ms for
    20 000, against 0,3 to 0,6 ms with the instance's creation). integer: bool per column, the MILP's integer
    columns (none by default)."""
    width, height = matrix.shape[1], matrix.shape[0]
    integrality = np.zeros(width, np.int32) if integer is None else np.where(
        integer, int(highspy.HighsVarType.kInteger), int(highspy.HighsVarType.kContinuous)).astype(np.int32)
    status = highs.passModel(width, height, matrix.nnz, int(highspy.MatrixFormat.kColwise),
                             int(highspy.ObjSense.kMinimize), 0.0, *(np.asarray(a, np.float64) for a in (
                                 cost, column_lower, column_upper, row_lower, row_upper)),
                             matrix.indptr.astype(np.int32), matrix.indices.astype(np.int32),
                             matrix.data.astype(np.float64), integrality)
    if status != highspy.HighsStatus.kOk:
        raise RuntimeError(f"HiGHS refuse le modèle ({height} × {width}) : {status}")


def _interior_point(crossover: bool) -> highspy.Highs:
    """A HiGHS instance that solves by the interior point (presolved, one thread, seeded: deterministic)."""
    interior = highspy.Highs()
    interior.silent()
    for option, value in (("presolve", "on"), ("threads", 1), ("random_seed", 0), ("solver", "ipm"),
                          ("run_crossover", "on" if crossover else "off"),
                          ("ipm_iteration_limit", INTERIOR_MAX_ITERATIONS)):
        interior.setOptionValue(option, value)
    return interior


UNBOUNDED = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)
LP_RANGE = 1e4      # the largest value of an LP, in its own units (`GroupLP`)

# an LP this wide starts from the basis of an interior point (`GroupLP._start_from_interior`): on the demo's and
# France's région groups (16 000 to 40 000 columns) it takes 0,1 to 2 s where the presolved simplex took up to 13
INTERIOR_MIN_COLUMNS = 5000
# a deterministic cap on an interior point's iterations (France's régions and the demo take 20 to 31): beyond it the
# probe is dropped, the first solve starts cold
INTERIOR_MAX_ITERATIONS = 200

# a group this large is presolved once for its targets (`presolve.Reduction`): 40 % of the rows, a solve 3×
# faster (from `attacker.PRESOLVE_MIN_TARGETS` pending targets: with fewer it costs more than it saves)
PRESOLVE_MIN_CELLS = 3000


class LazyLP:
    """The group's LP, built at its first use (a large group may need none: its neighbourhoods settle all)."""

    def __init__(self, *arguments):
        self.arguments, self.lp = arguments, None

    def get(self) -> GroupLP:
        if self.lp is None:
            self.lp = GroupLP(*self.arguments)
        return self.lp
