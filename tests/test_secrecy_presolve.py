"""The presolve of the attacker's LP (oress.secrecy.presolve): a smaller LP with the same optimum for every
objective on the targets, and the whole LP's row duals recovered for the cuts."""
import numpy as np
import scipy.sparse as sp

from oress.secrecy import attacker, build_equations, grouplp, primary_status, suppress
from oress.secrecy.audit import attack_measures
from oress.secrecy.cells import measure_values
from oress.secrecy.presolve import Reduction
from tests.secrecy_tables import RULES
from tests.test_secrecy_local import GEOGRAPHY, MODALITIES, table

# Hidden cells T, p1, p2, U, q, W (true 12, 5, 4, 8, 4, 2); published cells already moved to the right:
#   r0: T − p1 − p2 = 3     a total T whose hidden parts are p1 and p2 (3 published)
#   r1: T + U = 20          T and U make a published 20
#   r2: q = 4               q alone in its equation
#   r3: q + p2 − W = 6
CELLS = ("T", "p1", "p2", "U", "q", "W")
TRUE = np.array([12.0, 5, 4, 8, 4, 2])
MATRIX = sp.csc_matrix(np.array([
    [1, -1, -1, 0, 0, 0],
    [1, 0, 0, 1, 0, 0],
    [0, 0, 0, 0, 1, 0],
    [0, 0, 1, 0, 1, -1]], float))
RHS = np.array([3.0, 20, 4, 6])


def test_each_reduction_on_a_hand_made_lp():
    """Only p1 is a target. q is pinned by r2 (4), so r3 reads p2 − W = 2; W and U are slacks held by one
    row each (r3: p2 ≥ 2; r1: T ≤ 20); r0 defines T = 3 + p1 + p2 ≥ 0, substituted into r1: p1 + p2 ≤ 17.
    Left: rows r1, r3 over p1, p2 — the attacker's p1 lies in [0, 15] (p2 at its least, 2), as in the whole LP."""
    keep = np.array([c == "p1" for c in CELLS])
    reduced = Reduction(MATRIX, RHS, RHS, TRUE, keep)
    assert reduced.rows.tolist() == [1, 3] and [CELLS[j] for j in reduced.columns] == ["p1", "p2"]
    assert reduced.matrix.toarray().tolist() == [[1, 1], [0, 1]]
    assert reduced.row_lower.tolist() == [-np.inf, 2] and reduced.row_upper.tolist() == [17, np.inf]
    assert [CELLS[j] for j in np.flatnonzero(reduced.fixed)] == ["q"]
    lp = grouplp.GroupLP(MATRIX, RHS, true=TRUE, keep=keep)
    assert lp.solve(1, 1.0)[0] == 0.0
    optimum, point = lp.solve(1, -1.0)
    duals = lp.duals()
    assert optimum == -15.0 and point[1] == 15.0 and point[2] == 2.0 and point[4] == 4.0
    # max p1 = 15: p1 and p2 basic give r1's dual −1 and r3's 1; T's reduced cost 0 gives r0's 1, q's gives r2's −1
    assert duals.tolist() == [1.0, -1.0, -1.0, 1.0]
    assert RHS @ duals == optimum


def test_a_pinned_target_needs_no_lp():
    """q is a target now: r2 pins it; its bounds are its true value, with duals that prove it."""
    keep = np.array([c in ("p1", "q") for c in CELLS])
    lp = grouplp.GroupLP(MATRIX, RHS, true=TRUE, keep=keep)
    for sign in (1.0, -1.0):
        optimum, _ = lp.solve(4, sign)
        duals = lp.duals()
        assert optimum == sign * 4.0
        reduced_costs = np.eye(6)[4] * sign - MATRIX.T @ duals
        assert np.allclose(reduced_costs, 0.0) and np.isclose(RHS @ duals, optimum)


def test_presolved_group_lps_give_the_whole_lps_optima_and_valid_duals(monkeypatch):
    """On the 12-commune table (primaries and every third other cell hidden, the job-count inequalities off):
    for every primary and both directions, the presolved LP's optimum equals the whole LP's, and the duals it
    returns are an optimal dual of the whole LP (reduced costs ≥ 0, dual objective = optimum) — what the cuts
    rest on."""
    cells = table()
    equations = build_equations(cells, GEOGRAPHY, MODALITIES)
    values = measure_values(cells)[:, 1]
    primary = primary_status(cells, RULES).to_numpy() != ""
    others = np.flatnonzero(~primary & (values > 0))
    hidden = primary.copy()
    hidden[others[::3]] = True
    matrix = equations.matrix()[:, np.flatnonzero(hidden)]
    rows = np.flatnonzero(np.diff(matrix.tocsr().indptr) > 0)
    block = matrix[rows].tocsc()
    true = values[hidden]
    targets = np.flatnonzero(primary[hidden])
    keep = np.zeros(len(true), bool)
    keep[targets] = True
    monkeypatch.setattr(grouplp, "PRESOLVE_MIN_CELLS", 1)
    rhs = block @ true
    whole, presolved = grouplp.GroupLP(block, rhs), grouplp.GroupLP(block, rhs, true=true, keep=keep)
    assert presolved.reduction.matrix.shape[0] < block.shape[0] / 2
    for target in targets:
        for sign in (1.0, -1.0):
            expected = whole.solve(int(target), sign)[0]
            optimum, _ = presolved.solve(int(target), sign)
            duals = presolved.duals()
            if expected is None:
                assert optimum is None
                continue
            assert np.isclose(optimum, expected, atol=1e-7)
            reduced_costs = sign * np.eye(len(true))[target] - block.T @ duals
            assert reduced_costs.min() > -1e-7 and np.isclose(rhs @ duals, optimum, atol=1e-7)


def test_a_protection_with_presolved_lps_passes_the_audit_without(monkeypatch):
    """Every group presolved during the protection; the final mask then audited by the whole LPs: it passes."""
    monkeypatch.setattr(grouplp, "PRESOLVE_MIN_CELLS", 1)
    monkeypatch.setattr(attacker, "PRESOLVE_MIN_TARGETS", 1)
    cells = table()
    equations = build_equations(cells, GEOGRAPHY, MODALITIES)
    protection = suppress(cells, equations, RULES, milp_rounds=1)
    assert protection.audit.passed
    monkeypatch.setattr(grouplp, "PRESOLVE_MIN_CELLS", 10**9)
    values = measure_values(cells)
    hidden = np.repeat((protection.cells["secret"].to_numpy() != "")[:, None], values.shape[1], axis=1)
    targets = np.flatnonzero(primary_status(cells, RULES).to_numpy() != "")
    attacks, _ = attack_measures(equations, values, hidden, targets, RULES, exact=True)
    assert all(a.ok.all() for a in attacks)


def test_a_cell_is_not_substituted_when_its_equation_could_make_it_negative():
    """r0: a − b = −2 (a = b − 2, negative when b < 2), r1: a + c = 5; only b is a target (true a 1, b 3, c 4).
    c is a slack (r1 becomes a ≤ 5); r0 must not replace a (a ≥ 0 is what keeps b ≥ 2): b lies in [2, 7]."""
    matrix = sp.csc_matrix(np.array([[1, -1, 0], [1, 0, 1]], float))
    rhs, true = np.array([-2.0, 5.0]), np.array([1.0, 3.0, 4.0])
    keep = np.array([False, True, False])
    reduced = Reduction(matrix, rhs, rhs, true, keep)
    assert reduced.columns.tolist() == [0, 1] and reduced.rows.tolist() == [0, 1]
    lp = grouplp.GroupLP(matrix, rhs, true=true, keep=keep)
    assert lp.solve(1, 1.0)[0] == 2.0 and lp.solve(1, -1.0)[0] == -7.0


def test_an_lp_is_solved_in_its_own_units():
    """The hand-made LP in euros of a nation (× 3·10¹⁰): solved in units that bring its largest value near
    LP_RANGE, a power of two (exact), so p1's bounds and the point come back in the caller's units, [0, 15] × the
    scale (units of 2²⁵ €: its largest value 3,6·10¹¹ → 10 729); the LP as written (× 1) in units of 2⁻¹⁰ (12 →
    12 288)."""
    for scale, unit in ((3e10, 2.0 ** 25), (1.0, 2.0 ** -10)):
        lp = grouplp.GroupLP(MATRIX, RHS * scale, true=TRUE * scale, keep=np.array([c == "p1" for c in CELLS]))
        assert lp.unit == unit
        assert lp.solve(1, 1.0)[0] == 0.0
        optimum, point = lp.solve(1, -1.0)
        assert optimum == -15.0 * scale and point[1] == 15.0 * scale and point[2] == 2.0 * scale
