"""The attacker's neighbourhoods (oress.secrecy.neighbourhood.Neighbourhood): in a large group of hidden cells, a
bound is first tried on the cells within a few equations of its target, every other hidden cell fixed at its
true value. Its tables are tables of the whole problem, so what it proves wide enough is; what it finds too
narrow is settled by the group's LP (an audit) or repaired by hiding cells of the neighbourhood (a repair).

The table: 12 communes in 3 EPCI of one département × 4 champs × 4 sectors, 2 to 6 establishments per commune
drawn from a fixed seed; the constants are lowered so that this small group counts as large and its
neighbourhoods stop one equation away from the target (the fixing bites)."""
import importlib

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from oress.secrecy import attacker, bounds, build_equations, grouplp, neighbourhood, primary_status, settle, suppress
from oress.secrecy.audit import attack_measures
from oress.secrecy.cells import canonical, measure_values, protection
from oress.secrecy.grouplp import GroupLP
from tests.secrecy_cube import cube
from tests.secrecy_tables import RULES, membership

# the module, not the function the package exports under the same name
rounds = importlib.import_module("oress.secrecy.rounds")

CHAMPS = ("association", "cooperative", "public", "prive_hors_ess")
SECTORS = ("A04", "A05", "A07", "A11")
GEOGRAPHY = membership({**{("epci", f"E{e}"): [f"c{4 * e + i:02d}" for i in range(4)] for e in range(3)},
                        ("departement", "D"): [f"c{i:02d}" for i in range(12)]})
MODALITIES = pd.DataFrame({"dimension": "secteur", "modalite": list(SECTORS), "parent": None})


def table(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(f"S{c}{i}", f"S{c}{i}01", f"c{c:02d}", rng.choice(CHAMPS), float(rng.integers(1, 40)), rng.choice(SECTORS))
            for c in range(12) for i in range(int(rng.integers(2, 7)))]
    frame = pd.DataFrame(rows, columns=["siren", "siret", "depcom", "champ_detail", "postes", "secteur"])
    frame = frame.assign(millesime=2018, etp=frame["postes"], remuneration_brute=1000.0 * frame["postes"])
    parts = pd.concat([frame.assign(dimension="ensemble", modalite="ensemble"),
                       frame.assign(dimension="secteur", modalite=frame["secteur"])], ignore_index=True)
    cells = cube(parts.drop(columns="secteur"), GEOGRAPHY)
    return canonical(cells[(cells["dimension"] == "ensemble") | (cells["niveau"] != "commune")])


def audited_table():
    """The 12-commune table's equations, values, a mask (its primaries and every third non-empty cell) and targets."""
    cells = table()
    equations = build_equations(cells, GEOGRAPHY, MODALITIES)
    values = measure_values(cells)
    primary = primary_status(cells, RULES).to_numpy() != ""
    hidden = primary.copy()
    hidden[np.flatnonzero(~primary & (cells["nb_unites"].to_numpy() > 0))[::3]] = True
    return equations, values, np.repeat(hidden[:, None], values.shape[1], axis=1), np.flatnonzero(primary)


def assert_verdicts_are_the_exact_attackers():
    """On the 12-commune table (`audited_table`), the audit as it runs (exact=False) gives every primary the exact
    attacker's verdict."""
    equations, values, hidden, targets = audited_table()
    exact, _ = attack_measures(equations, values, hidden, targets, RULES, exact=True)
    audited, _ = attack_measures(equations, values, hidden, targets, RULES, exact=False)
    for truth, seen in zip(exact, audited):
        assert seen.ok.tolist() == truth.ok.tolist()


def margins_table(size: int = 6):
    """A size × size table, every inner cell hidden, its 2 × size margins published: the margins' matrix, the inner
    cells' true values (1 to size²) and unequal weights of both signs for a probe."""
    true = np.arange(1, size * size + 1, dtype=float)
    rows = [np.repeat(np.arange(size), size), size + np.tile(np.arange(size), size)]
    matrix = sp.csc_matrix((np.ones(2 * size * size), (np.concatenate(rows), np.tile(np.arange(size * size), 2))))
    weights = np.where(np.arange(size * size) % 5 == 0, -1.0, 1.0) * (1 + np.arange(size * size) % 7)
    return matrix, true, weights


@pytest.fixture(params=["group probed", "probed by neighbourhood"])
def tight_neighbourhoods(monkeypatch, request):
    """Every group counts as large, neighbourhoods of one equation; probes on the group (a région) or on
    neighbourhoods of two equations (a national group)."""
    monkeypatch.setattr(attacker, "LOCAL_MIN_CELLS", 1)
    monkeypatch.setattr(neighbourhood, "LOCAL_RADIUS", 1)
    monkeypatch.setattr(attacker, "PROBE_MIN_LOCAL", 0)
    if request.param == "probed by neighbourhood":
        monkeypatch.setattr(attacker, "PROBE_MAX_CELLS", 1)
        monkeypatch.setattr(attacker, "PROBE_RADIUS", 2)


def test_neighbourhoods_settle_bounds_inside_the_true_interval_and_the_verdict_is_the_attackers(
        tight_neighbourhoods):
    """Mask: the primaries and every third other non-empty cell. The audit through neighbourhoods (exact=False)
    gives each primary the same verdict as the exact attacker, and every bound it reports lies inside the
    exact interval (a reachable value, not the extreme), whether the neighbourhoods take the bounds one by one
    or are probed first."""
    equations, values, hidden, targets = audited_table()
    exact, _ = attack_measures(equations, values, hidden, targets, RULES, exact=True)
    local, _ = attack_measures(equations, values, hidden, targets, RULES, exact=False)
    assert sum(a.local_lps for a in local) > 0 and sum(a.local_lps for a in exact) == 0
    for truth, seen in zip(exact, local):
        assert seen.ok.tolist() == truth.ok.tolist()
        assert (seen.lower >= truth.lower - 1e-6).all() and (seen.upper <= truth.upper + 1e-6).all()
    assert not all(a.ok.all() for a in exact), "the mask should leave some primary exposed"


def test_a_repair_through_neighbourhood_cuts_passes_the_exact_audit(monkeypatch):
    """The repair rounds hide cells near each failing target until its neighbourhood alone protects it; the
    final audit of this small publication is the exact one, over the whole table: it passes. (No wide
    neighbourhood: it would hold the whole table, and the first mask would pass there; no built moves nor joint
    tables: they would take the failing bounds from the cuts.)"""
    for constant, value in (("LOCAL_MIN_CELLS", 1), ("PROBE_MIN_LOCAL", 0), ("PROBE_MAX_CELLS", 1),
                            ("PROBE_RADIUS", 1), ("WIDE_MAX_PENDING", 0)):
        monkeypatch.setattr(attacker, constant, value)
    monkeypatch.setattr(rounds, "MOVES_MAX_FAILURES", 0)
    monkeypatch.setattr(rounds, "JOINT_REPAIR", False)
    monkeypatch.setattr(neighbourhood, "LOCAL_RADIUS", 1)
    cells = table()
    equations = build_equations(cells, GEOGRAPHY, MODALITIES)
    protection = suppress(cells, equations, RULES, milp_rounds=1)
    assert protection.rounds["local_cuts"].sum() > 0
    assert protection.audit.passed
    assert protection.audit.intervals["extremes"].all()    # exact: both extremes solved for
    hidden = protection.cells["secret"].to_numpy() != ""
    assert hidden[primary_status(cells, RULES).to_numpy() != ""].all()


def test_once_local_cuts_stop_a_false_local_failure_is_settled_by_the_groups_lp(monkeypatch):
    """A repair round's audit (hideable cells given): while it takes local cuts, a bound its one-equation
    neighbourhood cannot widen enough fails with a local cut even where the whole table lets it move (a false
    failure: the repair would hide cells no one needs); with `local_cuts` off the group's LP settles it, every verdict
    is the exact attacker's and every cut is for a primary the exact attacker finds exposed."""
    monkeypatch.setattr(attacker, "LOCAL_MIN_CELLS", 1)
    monkeypatch.setattr(attacker, "PROBE_MIN_LOCAL", 0)
    monkeypatch.setattr(attacker, "WIDE_MAX_PENDING", 0)
    monkeypatch.setattr(neighbourhood, "LOCAL_RADIUS", 1)
    equations, values, hidden, targets = audited_table()
    hideable = ~hidden[:, 0] & (values[:, 0] > 0)
    exact, _ = attack_measures(equations, values, hidden, targets, RULES, exact=True)
    young, _ = attack_measures(equations, values, hidden, targets, RULES, exact=False, hideable=hideable)
    later, _ = attack_measures(equations, values, hidden, targets, RULES, exact=False, hideable=hideable,
                               local_cuts=False)
    false_failures = 0
    for truth, first, settled in zip(exact, young, later):
        assert (first.ok <= truth.ok).all()        # a local failure is conservative, never a false pass
        false_failures += int((first.ok < truth.ok).sum())
        assert settled.ok.tolist() == truth.ok.tolist()
        assert settled.local_cuts == 0
        assert set(settled.cut_targets) <= set(targets[~truth.ok].tolist())
    assert false_failures > 0, "the one-equation neighbourhoods should fail some bound the whole table widens"
    assert sum(a.local_cuts for a in young) > 0


def postes_part() -> tuple:
    """`attacker.attack`'s arguments for a région's part of the 12-commune table, postes, in a repair round (local
    cuts allowed; the cells free to hide: published, not hidden, with establishments)."""
    equations, values, hidden, targets = audited_table()
    m = 1
    matrix = equations.matrix()[equations.holds()[:, m]].tocsr()
    need_down, need_up = protection(values, RULES, equations.measures)
    hideable = ~hidden[:, m] & (values[:, 0] > 0)
    return (matrix, values[:, m], hidden[:, m], targets, need_down[targets, m], need_up[targets, m], False, None,
            None, hideable, True, True)


def exact_after(problem: tuple, hid: np.ndarray):
    """The exact attack of the part's targets under its mask with the cells `hid` hidden too."""
    matrix, values, hidden, targets, need_down, need_up = problem[:6]
    mask = hidden.copy()
    mask[hid] = True
    return attacker.attack(matrix, values, mask, targets, need_down, need_up, True)


def test_a_blocks_own_repairs_attack_again_without_local_cuts(monkeypatch):
    """A région's part (`settle.settled_attack`) on the 12-commune table, postes: its first attack takes local cuts,
    the attacks after its own repairs none (their local failures are settled by the group's LP); every target it
    reports passing passes the exact attacker under the mask it leaves (tables off: they settle the first failures)."""
    monkeypatch.setattr(settle, "TABLES", False)
    monkeypatch.setattr(attacker, "LOCAL_MIN_CELLS", 1)
    monkeypatch.setattr(attacker, "PROBE_MIN_LOCAL", 0)
    monkeypatch.setattr(neighbourhood, "LOCAL_RADIUS", 1)
    problem = postes_part()
    first = attacker.attack(*problem)
    result = settle.settled_attack(problem, 1.0 + problem[1], np.zeros(len(problem[1]), bool))
    assert first.local_cuts > 0 and result.settled > 0
    assert result.local_cuts == first.local_cuts
    exact = exact_after(problem, result.hid)
    assert (result.ok <= exact.ok).all()


def test_a_regions_part_proves_with_its_tables_only_what_the_exact_attacker_allows(monkeypatch):
    """The same part with its tables: the first attack stops at its probes, the tables settle bounds with no LP of
    the attacker's; under the mask the part leaves, every target it reports passing passes the exact attacker, and
    every interval it reports lies inside the exact one (a table is one the attacker must allow)."""
    monkeypatch.setattr(settle, "TABLES_MIN_PENDING", 1)
    problem = postes_part()
    first = attacker.attack(*problem)
    result = settle.settled_attack(problem, 1.0 + problem[1], np.zeros(len(problem[1]), bool))
    assert (~first.ok).sum() > 0 and result.settled > 0 and result.ok.all()
    exact = exact_after(problem, result.hid)
    assert exact.ok.all()
    assert (result.lower >= exact.lower - 1e-6).all() and (result.upper <= exact.upper + 1e-6).all()


def test_a_neighbourhood_is_walked_from_its_target_and_stops_before_its_size_cap():
    """`around` walks the equations from the target (its cost is the neighbourhood's size, not the group's):
    on the 12-commune table's hidden cells it returns, for every radius, the cells and rows the definition
    gives — cells reached through r equations, the rows touching them, the rows of the cells r − 1 away —
    and with a cap it stops at the last radius whose cells fit under it."""
    cells = table()
    equations = build_equations(cells, GEOGRAPHY, MODALITIES)
    values = measure_values(cells)
    hidden = np.flatnonzero(values[:, 1] > 0)
    block = equations.matrix()[:, hidden]
    block = block[np.flatnonzero(np.diff(block.tocsr().indptr) > 0)].tocsc()
    local = neighbourhood.Neighbourhood(block, values[hidden, 1], None, np.zeros(block.shape[0]))
    touches = (abs(block) > 0).astype(int).tocsr()          # rows × cells
    for target in (0, len(hidden) // 2, len(hidden) - 1):
        reached = np.zeros(len(hidden), int)
        reached[target] = 1
        sizes = []
        for radius in (1, 2, 3):
            inner = (touches @ reached) > 0
            reached = ((touches.T @ inner) > 0).astype(int)
            got_cells, got_rows, got_inner = local.around(target, radius)
            assert got_cells.tolist() == np.flatnonzero(reached).tolist()
            assert got_rows.tolist() == np.flatnonzero(touches @ reached).tolist()
            assert got_inner.tolist() == np.flatnonzero(inner).tolist()
            sizes.append(len(got_cells))
            # its LP is written on exactly these rows and cells of the group
            expected = block.tocsr()[got_rows][:, got_cells].toarray()
            assert np.array_equal(local.submatrix(got_cells, got_rows).toarray(), expected)
        if sizes[1] < sizes[2]:
            capped, _, _ = local.around(target, 3, most=sizes[2] - 1)
            assert len(capped) == sizes[1]


def test_a_probe_stopped_at_its_iteration_limit_is_dropped_or_kept_and_the_verdicts_stand(tight_neighbourhoods,
                                                                                          monkeypatch):
    """Probes only speed the attack up: with every probe LP stopped after one simplex iteration (deterministic
    caps), a cold one serves as no witness (PROBE_MAX_ITERATIONS), a warm one only by the feasible point it stopped
    at (PROBE_STEP_ITERATIONS), the bounds left get their own LPs, and every verdict is the exact attacker's still."""
    monkeypatch.setattr(attacker, "PROBE_MAX_ITERATIONS", 1)
    monkeypatch.setattr(attacker, "PROBE_STEP_ITERATIONS", 1)
    stopped = GroupLP.stopped
    assert_verdicts_are_the_exact_attackers()
    assert GroupLP.stopped > stopped


def test_a_warm_probe_stopped_at_its_limit_keeps_a_table_the_attacker_reaches():
    """A 6 × 6 table, every inner cell hidden, its 12 margins published: after a first (cold) solve, a probe
    pushing the cells by unequal weights needs more than one simplex iteration; stopped after one, `reach` keeps
    the primal simplex's point, which still adds up to every margin and stays ≥ 0 — while `solve_cost`, stopped
    alike, drops it; a cold solve stopped so gives nothing either."""
    matrix, true, weights = margins_table()
    rhs = matrix @ true

    cold = GroupLP(matrix, rhs, true=true)
    assert cold.reach(weights, 1, 1) is None
    lp = GroupLP(matrix, rhs, true=true)
    lp.solve(0, 1.0)
    stopped = GroupLP.stopped
    assert lp.solve_cost(weights, 1) == (None, None)
    point = lp.reach(weights, 1, 1)
    assert GroupLP.stopped == stopped + 2
    assert point is not None and (point >= -1e-9).all()
    assert np.abs(matrix @ point - rhs).max() < 1e-6
    optimum, best = lp.solve_cost(weights)
    assert weights @ best == pytest.approx(optimum) and optimum < weights @ point - 1e-6   # not the optimum


def test_a_first_solve_from_an_interior_points_basis_is_the_simplex_optimum_and_keeps_the_verdicts(monkeypatch):
    """A large LP's first solve runs HiGHS's interior point in an instance of its own and hands its optimal basis to
    the LP's simplex (`GroupLP._start_from_interior`). On the 6 × 6 table with its 12 margins published, taken as
    large: every objective reaches the optimum of a plain cold simplex, the first solve is counted as started so and
    the next ones go on warm; on the 12-commune table, every verdict is the exact attacker's."""
    matrix, true, weights = margins_table()
    plain = GroupLP(matrix, matrix @ true, true=true)
    expected = [plain.solve_cost(weights)[0], plain.solve(3, 1.0)[0], plain.solve(3, -1.0)[0]]

    monkeypatch.setattr(grouplp, "INTERIOR_MIN_COLUMNS", 1)
    starts = GroupLP.interior_starts
    lp = GroupLP(matrix, matrix @ true, true=true)
    assert lp.solve_cost(weights)[0] == pytest.approx(expected[0])
    assert GroupLP.interior_starts == starts + 1 and not lp.cold
    assert [lp.solve(3, 1.0)[0], lp.solve(3, -1.0)[0]] == pytest.approx(expected[1:])
    assert GroupLP.interior_starts == starts + 1

    assert_verdicts_are_the_exact_attackers()
    assert GroupLP.interior_starts > starts + 1


@pytest.mark.parametrize("presolved", [False, True])
def test_a_large_lps_probe_is_the_interior_points_optimum_and_keeps_the_verdicts(monkeypatch, presolved):
    """A large LP's probe is solved by the interior point in an instance of its own (`GroupLP._reach_interior`). On
    the 6 × 6 table with its 12 margins published, taken as large (and presolved for its first four cells, or not):
    the point is a table — it adds up to every margin, ≥ 0 — at the plain simplex's optimum, the probe is counted
    and the simplex's instance stays cold; an interior point stopped at its iteration cap gives no point; on the
    12-commune table, every verdict is the exact attacker's."""
    matrix, true, weights = margins_table()
    keep = np.arange(len(true)) < 4
    weights = np.where(keep, weights, 0.0)
    optimum, _ = GroupLP(matrix, matrix @ true, true=true).solve_cost(weights)

    monkeypatch.setattr(grouplp, "INTERIOR_MIN_COLUMNS", 1)
    if presolved:
        monkeypatch.setattr(grouplp, "PRESOLVE_MIN_CELLS", 1)
    probes = GroupLP.interior_probes
    lp = GroupLP(matrix, matrix @ true, true=true, keep=keep if presolved else None)
    assert (lp.reduction is not None) == presolved
    point = lp.reach(weights, 1, 1, interior=True)
    assert weights @ point == pytest.approx(optimum, abs=1e-6)
    assert (point >= -1e-9).all() and np.abs(matrix @ point - matrix @ true).max() < 1e-6
    assert GroupLP.interior_probes == probes + 1 and lp.cold
    monkeypatch.setattr(grouplp, "INTERIOR_MAX_ITERATIONS", 1)     # stopped short of the optimum: dropped
    assert lp.reach(weights, 1, 1, interior=True) is None

    assert_verdicts_are_the_exact_attackers()
    assert GroupLP.interior_probes > probes + 1


def test_an_aimed_probe_holds_its_targets_at_their_aims_and_is_still_a_table(monkeypatch):
    """An interior probe's aim (`GroupLP.reach`, `attacker.PROBE_AIM`) bounds each weighed cell on the side its weight
    pushes it to. The 6 × 6 table of values 1..36 with its margins published and its 2 × 2 corner 1, 2 / 7, 8 hidden:
    the cell of value 1 moves along the corner's cycle (x1 = 3 − x0, x6 = 8 − x0, x7 = 7 + x0), between 0 and 3.
    Pushed down it reaches 0, aimed at 0,5 it stops there: (0,5; 2,5; 7,5; 7,5); pushed up it reaches 3, aimed at 2
    it stops there: (2; 1; 6; 9) — tables adding up to every margin; a cell with no aim (NaN) is not held."""
    matrix, true, _ = margins_table()
    hidden = np.array([0, 1, 6, 7])
    rows = np.flatnonzero(np.diff(matrix.tocsr()[:, hidden].tocsr().indptr) > 0)
    block = matrix.tocsr()[rows][:, hidden].tocsc()
    monkeypatch.setattr(grouplp, "INTERIOR_MIN_COLUMNS", 1)
    lp = GroupLP(block, block @ true[hidden], true=true[hidden])
    down, up = np.array([1.0, 0, 0, 0]), np.array([-1.0, 0, 0, 0])
    unaimed = np.full(4, np.nan)
    assert lp.reach(down, 1, 1, interior=True) == pytest.approx([0, 3, 8, 7], abs=1e-6)
    assert lp.reach(down, 1, 1, interior=True, aim=unaimed) == pytest.approx([0, 3, 8, 7], abs=1e-6)
    assert lp.reach(down, 1, 1, interior=True, aim=np.array([0.5, np.nan, np.nan, np.nan])) == pytest.approx(
        [0.5, 2.5, 7.5, 7.5], abs=1e-6)
    assert lp.reach(up, 1, 1, interior=True) == pytest.approx([3, 0, 5, 10], abs=1e-6)
    assert lp.reach(up, 1, 1, interior=True, aim=np.array([2.0, np.nan, np.nan, np.nan])) == pytest.approx(
        [2, 1, 6, 9], abs=1e-6)


def test_a_capacity_cut_is_the_dual_formula_and_the_mask_that_failed_violates_it():
    """The 6 × 6 table of values 1..36 with its margins published and its 2 × 2 corner 1, 2 / 7, 8 hidden: the cell
    of value 1 moves along the corner's cycle, up by min(2, 7) = 2 at most, so the attacker's maximum is 3 and a need
    of 3 fails. The cut from the LP's duals y (`bounds.capacity_cut`, summed over its rows' entries only) has the
    coefficients of the documented formula computed on the dense matrix — d = c − Aᵀy, 1 where d < 0,
    min(d·v / need, 1) where d > 0 — and the mask that failed does not satisfy it."""
    matrix, true, _ = margins_table()
    hidden = np.array([0, 1, 6, 7])
    rows = np.flatnonzero(np.diff(matrix.tocsr()[:, hidden].tocsr().indptr) > 0)
    block = matrix.tocsr()[rows][:, hidden].tocsc()
    lp = GroupLP(block, block @ true[hidden])
    optimum, _ = lp.solve(0, -1.0)
    duals = lp.duals()
    assert -optimum == pytest.approx(3.0)
    need = 3.0
    members, coefficient = bounds.capacity_cut(matrix.tocsr(), rows, duals, hidden, 0, -1.0, true, need)
    dense = matrix.toarray()[rows]
    reduced = -(dense.T @ duals)
    reduced[hidden[0]] += -1.0
    touched = np.union1d(np.flatnonzero((dense[duals != 0] != 0).any(axis=0)), hidden[:1])
    expected = np.where(reduced < -bounds.DUAL_EPSILON, 1.0,
                        np.where(reduced > bounds.DUAL_EPSILON, np.minimum(reduced * true / need, 1.0), 0.0))[touched]
    assert members.tolist() == touched[expected > 1e-9].tolist()
    assert coefficient == pytest.approx(expected[expected > 1e-9])
    assert coefficient[np.isin(members, hidden)].sum() < 1
    assert not np.isin(members, hidden).all()     # it asks for a published cell
