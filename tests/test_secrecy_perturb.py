"""The joint repair (oress.secrecy.perturb): one table per measure moves every failing primary at once; the cells it
changes are hidden, and the interval it shows for each target is proved (the attacker must allow the table)."""
import importlib

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from oress.secrecy import attacker, perturb
from oress.secrecy.audit import attack_measures
from oress.secrecy.cells import measure_values
from oress.secrecy.perturb import Problem, directions
from tests.secrecy_tables import RULES
from tests.test_secrecy_rounds import primaries_only

rounds = importlib.import_module("oress.secrecy.rounds")

# A 2 × 2 table with its margins: cells x11 x12 x21 x22 r1 r2 c1 c2 T (ids 0..8)
#   10 30 | 40        r1 = x11 + x12, r2 = x21 + x22, c1 = x11 + x21, c2 = x12 + x22,
#   20 40 | 60        T = r1 + r2, T = c1 + c2
#   30 70 | 100
VALUES = np.array([10.0, 30.0, 20.0, 40.0, 40.0, 60.0, 30.0, 70.0, 100.0])
ROWS = [(4, (0, 1)), (5, (2, 3)), (6, (0, 2)), (7, (1, 3)), (8, (4, 5)), (8, (6, 7))]
TERMS = pd.DataFrame([(e, c, 1.0 if c == total else -1.0) for e, (total, parts) in enumerate(ROWS)
                      for c in (total, *parts)], columns=["equation", "cell", "coef"])
MATRIX = sp.csc_matrix((TERMS["coef"], (TERMS["equation"], TERMS["cell"])), shape=(len(ROWS), 9))
COST = np.array([1.0] * 4 + [10.0] * 5)     # moving a margin costs ten times as much as an inner cell
X11, X12, X21, X22 = 0, 1, 2, 3


def problem(values=VALUES, hidden=(X11,), hideable=True, radius=None) -> Problem:
    mask = np.isin(np.arange(9), hidden)
    return Problem(MATRIX, None, values, TERMS, mask, ~mask if hideable else np.zeros(9, bool), COST, radius)


def test_targets_of_one_equation_move_so_as_to_offset_each_other():
    """From the largest: x22 up; x12 shares c2 with it on the same side: down; x11 shares r1 with x12: up. A
    checkerboard, the one way the four inner cells move with every margin fixed."""
    targets = np.array([X11, X12, X22])
    assert directions(TERMS, targets, VALUES).tolist() == [1.0, -1.0, 1.0]


@pytest.fixture(params=["simplex", "interior point past the simplex's iteration cap"])
def solver(monkeypatch, request):
    if request.param != "simplex":
        monkeypatch.setattr(perturb, "SIMPLEX_MAX_ITERATIONS", 1)


def test_one_table_moves_both_targets_through_the_cheap_inner_cells_and_proves_both_sides(solver):
    """x11 down 3 and x12 up 3 offset each other in r1; c1 and c2 then need x21 up 3 and x22 down 3 (weights 1/3
    each, per unit) rather than c1 and c2 themselves (10/3 each): x21 and x22 are hidden, and since x − d is a table
    too, each target's interval is at least value ± 3 — inside the exact attacker's ([0, 30] and [10, 40])."""
    play = problem(hidden=(X11, X12))
    targets = np.array([X11, X12])
    witness = play.move(targets, np.array([-1.0, 1.0]), np.array([3.0, 3.0]), symmetric=True)
    assert np.flatnonzero(play.hidden).tolist() == [X11, X12, X21, X22]
    assert witness.targets.tolist() == [X11, X12]
    assert witness.lower.tolist() == [7.0, 27.0] and witness.upper.tolist() == [13.0, 33.0]
    exact = attacker.attack(MATRIX.tocsr(), VALUES, play.hidden, targets, np.full(2, 3.0), np.full(2, 3.0), True)
    assert exact.lower.tolist() == [0.0, 10.0] and exact.upper.tolist() == [30.0, 40.0]


def test_a_target_at_zero_only_rises(solver):
    """x11 = 0 (r1 = 30, c1 = 20, T = 90): up by 3, it takes x12 and x21 down and x22 up (weights 1/3 each against
    10/3 for r1, c1 and T): three cells hidden, an upper bound of 3 proved, the lower one 0."""
    values = np.array([0.0, 30.0, 20.0, 40.0, 30.0, 60.0, 20.0, 70.0, 90.0])
    play = problem(values)
    witness = play.move(np.array([X11]), np.array([1.0]), np.array([3.0]), symmetric=False)
    assert np.flatnonzero(play.hidden).tolist() == [X11, X12, X21, X22]
    assert witness.lower.tolist() == [0.0] and witness.upper.tolist() == [3.0]


def test_a_small_target_rises_past_twice_its_value_in_a_table_of_its_own(solver):
    """x11 = 1 with a protection level of 3 (r1 = 31, c1 = 21, T = 91): the symmetric table moves it by its value at
    most (x11 − d ≥ 0), down to 0 and up to 2, through x12, x21 and x22 (weights 1 against 10 for the margins); the
    rising-only table then takes it up by 3 or more through those cells, now free (moving them costs nothing: any
    rise up to x21's 20 is an optimum): [0, 4] at least proved, inside the exact attacker's [0, 21] (x11 ≤ c1)."""
    values = np.array([1.0, 30.0, 20.0, 40.0, 31.0, 60.0, 21.0, 70.0, 91.0])
    play = problem(values)
    symmetric = play.move(np.array([X11]), np.array([1.0]), np.array([1.0]), symmetric=True)
    assert symmetric.lower.tolist() == [0.0] and symmetric.upper.tolist() == [2.0]
    play = problem(values)
    witness = play.settle(np.array([X11]), np.array([1.0]), np.array([3.0]))
    assert np.flatnonzero(play.hidden).tolist() == [X11, X12, X21, X22]
    assert witness.targets.tolist() == [X11] and witness.lower.tolist() == [0.0] and 4.0 <= witness.upper[0] <= 21.0
    assert perturb.wide_enough(witness, values[[X11]], np.array([1.0]), np.array([3.0])).tolist() == [True]
    exact = attacker.attack(MATRIX.tocsr(), values, play.hidden, np.array([X11]), np.ones(1), np.full(1, 3.0), True)
    assert exact.lower.tolist() == [0.0] and exact.upper.tolist() == [21.0]


@pytest.mark.parametrize("radius", [1, 2, None])
def test_a_table_confined_near_its_target_is_still_a_table_of_the_whole(radius):
    """x11 down by 3 needs the checkerboard through x22, two equations away (x11 → r1 → x12 → c2 → x22). Within one
    equation of x11 (x12, x21, r1, c1) every other cell stays put: r2 and c2 then hold x21 and x12, r1 and c1 follow
    x11, and T = r1 + r2 holds r1 — no table, nothing hidden, x11 left to its cut. Within two, every cell is in
    reach: the same table as with no limit, x12, x21 and x22 hidden, [7, 13] proved."""
    play = problem(radius=radius)
    witness = play.move(np.array([X11]), np.array([-1.0]), np.array([3.0]), symmetric=True)
    if radius == 1:
        assert len(witness.targets) == 0 and np.flatnonzero(play.hidden).tolist() == [X11]
    else:
        assert np.flatnonzero(play.hidden).tolist() == [X11, X12, X21, X22]
        assert witness.lower.tolist() == [7.0] and witness.upper.tolist() == [13.0]


def test_a_target_no_table_moves_is_left_to_its_cut_and_nothing_is_hidden():
    """x11 alone hidden, nothing else may be: no table moves it, it is left short and the mask is unchanged."""
    play = problem(hideable=False)
    witness = play.move(np.array([X11]), np.array([1.0]), np.array([3.0]), symmetric=True)
    assert len(witness.targets) == 0 and np.flatnonzero(play.hidden).tolist() == [X11]


def test_a_joint_repair_round_proves_what_its_tables_move_and_the_exact_attacker_agrees(monkeypatch):
    """The 12-commune table with only its primaries hidden: most bounds fail. A joint repair round (built moves
    switched off) hides the cells of one table per measure; the targets those tables move far enough are proved —
    no longer pending, their intervals recorded inside the exact attacker's under the mask at the end — and the
    rounds end with a mask whose every primary the exact attacker passes."""
    monkeypatch.setattr(rounds, "MOVES_MAX_FAILURES", 0)
    cells, equations, play = primaries_only()
    first = play.play(1, None, 0)
    proved = [np.setdiff1d(play.targets, pending) for pending in play.pending]
    assert first["mode"] == "réparation" and first["failures"] > 0 and first["cuts"] > 0
    assert sum(len(pending) for pending in play.pending) < first["failures"]    # some proved by their table
    number = 1
    while not play.done() and number < 6:
        number += 1
        play.play(number, None, 0)
    assert play.done()
    values = measure_values(cells)
    hidden = np.repeat(play.hidden[:, None], values.shape[1], axis=1)
    exact, _ = attack_measures(equations, values, hidden, play.targets, RULES, exact=True)
    assert all(result.ok.all() for result in exact)
    recorded = play.proofs.attacks()
    for m, truth in enumerate(exact):
        position = np.searchsorted(play.targets, proved[m])
        assert (recorded[m].lower[position] >= truth.lower[position] - 1e-6).all()
        assert (recorded[m].upper[position] <= truth.upper[position] + 1e-6).all()
