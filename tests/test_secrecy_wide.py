"""A national group's failing bound gets a second chance on a wide neighbourhood (oress.secrecy.neighbourhood):
the fixed boundary of a small one can pin a cell that the publication leaves free. One région's group, however large,
is attacked whole instead."""
import numpy as np
import scipy.sparse as sp

from oress.secrecy import attacker, neighbourhood
from oress.secrecy.grouplp import GroupLP
from oress.secrecy.neighbourhood import Neighbourhood

# A chain of hidden cells x0..x6 (10 each) and published totals y0..y5 (20 each):
#   r_k: x_k + x_{k+1} − y_k = 0, k = 0..5.
# x6 is in r5 only, so the whole publication gives x0 = t, x1 = 20 − t, …, x6 = 20 − t: every x_k ∈ [0, 20].
# The neighbourhood of x0 within 4 equations holds x0..x4; x5 lies outside, fixed at 10, and pins x4 = 10 through
# r4, hence x3, …, x0 = 10: the interval [10, 10]. Within 6 equations it holds x0..x6 and gives [0, 20].
X, Y = 7, 6
MATRIX = sp.csr_matrix(np.hstack([np.eye(Y, X) + np.eye(Y, X, k=1), -np.eye(Y)]))
VALUES = np.array([10.0] * X + [20.0] * Y)
HIDDEN = np.arange(X + Y) < X


def chain_attack(monkeypatch, targets):
    """The attacker in a repair round, the chain treated as a national group (above PROBE_MAX_CELLS)."""
    monkeypatch.setattr(attacker, "LOCAL_MIN_CELLS", 1)
    monkeypatch.setattr(attacker, "PROBE_MAX_CELLS", 1)
    need = np.full(len(targets), 1.0)
    return attacker.attack(MATRIX, VALUES, HIDDEN, np.array(targets), need, need, exact=False, hideable=~HIDDEN)


def test_the_small_neighbourhood_pins_what_the_wide_one_frees():
    block = MATRIX[:, :X].tocsc()
    local = Neighbourhood(block, VALUES[:X], None, np.zeros(Y))
    cells, _, _, lp = local.ball(0)
    assert cells.tolist() == [0, 1, 2, 3, 4]
    assert lp.solve(0, 1.0)[0] == 10.0 and -lp.solve(0, -1.0)[0] == 10.0
    seed, cells, _, _, lp = local.wide(0)
    assert seed == 0 and cells.tolist() == list(range(X))
    assert lp.solve(0, 1.0)[0] == 0.0 and -lp.solve(0, -1.0)[0] == 20.0


def test_a_national_bound_pinned_nearby_passes_on_the_wide_neighbourhood(monkeypatch):
    """x0 (need ±1) fails within 4 equations; the wide neighbourhood proves [0, 20]: no cut, nothing to hide."""
    result = chain_attack(monkeypatch, [0])
    assert result.ok.all() and result.cuts == []
    assert (result.lower[0], result.upper[0]) == (0.0, 20.0)


def test_a_wide_neighbourhood_serves_the_targets_it_holds():
    """x1's own small neighbourhood (x0..x5, x6 fixed) pins it too; x0's wide neighbourhood holds x1 and is used
    again (no new one drawn) — and x1 passes there."""
    block = MATRIX[:, :X].tocsc()
    local = Neighbourhood(block, VALUES[:X], None, np.zeros(Y))
    local.wide(0)
    seed, cells, _, _, lp = local.wide(1)
    assert seed == 0 and len(local.wide_balls) == 1
    column = int(np.searchsorted(cells, 1))
    assert lp.solve(column, 1.0)[0] == 0.0 and -lp.solve(column, -1.0)[0] == 20.0
    assert local.wide(1, own=True)[0] == 1 and len(local.wide_balls) == 2


def test_a_true_failure_still_gets_its_cut(monkeypatch):
    """With x6 published (10), the chain is pinned in the whole publication too: x0 fails on every neighbourhood
    and its cut asks to hide published cells around it."""
    monkeypatch.setattr(neighbourhood, "WIDE_RADIUS", 8)
    hidden = HIDDEN.copy()
    hidden[X - 1] = False
    monkeypatch.setattr(attacker, "LOCAL_MIN_CELLS", 1)
    monkeypatch.setattr(attacker, "PROBE_MAX_CELLS", 1)
    need = np.array([1.0])
    result = attacker.attack(MATRIX, VALUES, hidden, np.array([0]), need, need, exact=False, hideable=~hidden)
    assert not result.ok[0] and (result.lower[0], result.upper[0]) == (10.0, 10.0)
    assert len(result.cuts) == 2 and result.cut_targets == [0, 0]
    for cells, coefficient in result.cuts:    # hiding published cells of the chain, enough to free x0
        assert len(cells) and not hidden[cells].any() and coefficient.sum() >= 1


def test_a_regions_group_is_attacked_whole_however_large(monkeypatch):
    """The same chain above PROBE_MAX_CELLS, no wide neighbourhood: as a national group (a union of régions), x0 fails
    on its small neighbourhood and takes the last-resort cut; as one région's block (`one_region`) the failing
    neighbourhood hands the bound to the group's own LP, which reaches [0, 20]: nothing to hide."""
    monkeypatch.setattr(attacker, "WIDE_MAX_PENDING", 0)
    national = chain_attack(monkeypatch, [0])
    assert not national.ok[0] and (national.lower[0], national.upper[0]) == (10.0, 10.0) and national.cuts
    need = np.array([1.0])
    region = attacker.attack(MATRIX, VALUES, HIDDEN, np.array([0]), need, need, exact=False, hideable=~HIDDEN,
                             one_region=True)
    assert region.ok[0] and (region.lower[0], region.upper[0]) == (0.0, 20.0) and region.cuts == []
    assert (region.lp_count, region.local_lps) == (4, 2)     # each bound: its neighbourhood, then the group's LP


def test_a_wide_neighbourhoods_probe_runs_under_its_own_iteration_limit(monkeypatch):
    """x0's wide neighbourhood (all of the chain) is probed for x0 and x1, which it holds, by the simplex under
    WIDE_PROBE_MAX_ITERATIONS, cold or warm, not the other probes' PROBE_MAX_ITERATIONS and PROBE_STEP_ITERATIONS
    (a stopped probe: test_secrecy_local) nor by the interior point, with no aim, and the verdicts are the exact
    attacker's: both reach [0, 20]."""
    limits, reach = [], GroupLP.reach

    def recording(lp, cost, iteration_limit, warm_limit, interior=False, aim=None):
        limits.append((iteration_limit, warm_limit, interior, aim))
        return reach(lp, cost, iteration_limit, warm_limit, interior, aim)
    monkeypatch.setattr(GroupLP, "reach", recording)
    monkeypatch.setattr(attacker, "WIDE_PROBE_MAX_ITERATIONS", 7)
    result = chain_attack(monkeypatch, [0, 1])
    assert (7, 7, False, None) in limits
    assert result.ok.all() and result.cuts == []
    assert result.lower.tolist() == [0.0, 0.0] and result.upper.tolist() == [20.0, 20.0]
