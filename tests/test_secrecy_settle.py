"""A block repairs its own failing bounds (oress.secrecy.settle): the cuts' cheapest cells first, then a move built
for each bound still failing (oress.secrecy.alternative) — which hides what lets the target move, proves a bound
the attack's neighbourhood was too small for, or finds that no mask of the block protects it."""
import numpy as np
import scipy.sparse as sp

from oress.secrecy import attacker, settle
from oress.secrecy.alternative import alternative
from oress.secrecy.settle import settled_attack

# A 2 × 2 table with its margins: cells x11 x12 x21 x22 r1 r2 c1 c2 T (ids 0..8)
#   10 30 | 40        r1 = x11 + x12, r2 = x21 + x22, c1 = x11 + x21, c2 = x12 + x22,
#   20 40 | 60        T = r1 + r2, T = c1 + c2
#   30 70 | 100
VALUES = np.array([10.0, 30.0, 20.0, 40.0, 40.0, 60.0, 30.0, 70.0, 100.0])
ROWS = [(4, (0, 1)), (5, (2, 3)), (6, (0, 2)), (7, (1, 3)), (8, (4, 5)), (8, (6, 7))]
MATRIX = sp.csr_matrix(np.array([[1.0 if c == total else -1.0 if c in parts else 0.0 for c in range(9)]
                                 for total, parts in ROWS]))
COLUMNS = MATRIX.tocsc()
# moving a margin costs ten times as much as moving an inner cell
COST = np.array([1.0] * 4 + [10.0] * 5)
X11, X12, X21, X22 = 0, 1, 2, 3
ONLY_X11 = np.arange(9) == X11
INNER = np.arange(9) < 4


def test_the_cheapest_move_hides_the_three_other_inner_cells():
    """x11 up by 1: through the inner cells (x12 − 1, x21 − 1, x22 + 1; weights 1/30 + 1/20 + 1/40) or through the
    margins (r1, c1, T + 1; 10/40 + 10/30 + 10/100): the inner cells win, and all three must be hidden."""
    hide, _ = alternative(MATRIX, COLUMNS, VALUES, ONLY_X11, ~ONLY_X11, COST, X11, 1.0)
    assert sorted(hide.tolist()) == [X12, X21, X22]


def test_a_move_through_hidden_cells_only_proves_the_bound():
    """With the four inner cells hidden, x11 moves by 10 (x22 by 10, x12 and x21 by −10) and nothing more is
    hidden: the table x11 = 20 is one the attacker must allow."""
    hide, _ = alternative(MATRIX, COLUMNS, VALUES, INNER, np.zeros(9, bool), COST, X11, 10.0)
    assert hide is not None and hide.tolist() == []


def test_no_move_below_zero_and_none_without_cells_to_hide():
    """x11 = 10 cannot go down by 15 (x11 ≥ 0) whatever is hidden; alone hidden, with nothing else to hide, it
    cannot move at all: no move, and the search saw every cell that can move with it."""
    assert alternative(MATRIX, COLUMNS, VALUES, INNER, ~INNER, COST, X11, -15.0) == (None, True)
    assert alternative(MATRIX, COLUMNS, VALUES, ONLY_X11, np.zeros(9, bool), COST, X11, 1.0) == (None, True)


def block_problem(hideable, need=3.0, one_region=True):
    """attacker.attack's arguments for x11 alone hidden (need ±need), in a repair round of one région's block (or of
    a union of régions': `one_region` False; local cuts allowed: this table is too small for them)."""
    target = np.array([X11])
    return (MATRIX, VALUES, ONLY_X11.copy(), target, np.array([need]), np.array([need]), False, None, None,
            hideable, one_region, True)


def test_a_block_repairs_its_own_failure_within_the_part(monkeypatch):
    """x11 alone hidden is pinned; the part's own repair (cuts, no table) hides what lets it move by ±3 and attacks it
    again: the target passes in the same part, and the cells it hid are returned (none of them for an atom)."""
    monkeypatch.setattr(settle, "TABLES", False)
    result = settled_attack(block_problem(~ONLY_X11), COST, np.zeros(9, bool))
    assert result.ok.all() and result.settled == 1 and result.stuck == []
    assert X11 not in result.hid and len(result.hid) >= 3 and result.hid_for_atoms.tolist() == []
    hidden = ONLY_X11.copy()
    hidden[result.hid] = True
    again = attacker.attack(MATRIX, VALUES, hidden, np.array([X11]), np.array([3.0]), np.array([3.0]), True)
    assert again.ok.all() and again.lower[0] <= 7.0 and again.upper[0] >= 13.0


def test_a_regions_part_settles_its_first_failures_with_a_table_and_proves_them(monkeypatch):
    """A région's part: the first attack stops at its probes (x11 pinned), the table moves x11 by 3 through the inner
    cells (x12 − 3, x21 − 3, x22 + 3: weights 1/3 each against 10/3 for the margins) and hides them; [7, 13] is proved
    by that table with no LP of the attacker's, and the target passes in the part."""
    monkeypatch.setattr(settle, "TABLES_MIN_PENDING", 1)
    result = settled_attack(block_problem(~ONLY_X11), COST, np.zeros(9, bool))
    assert result.ok.all() and result.settled == 1 and result.hid.tolist() == [X12, X21, X22]
    assert result.lower.tolist() == [7.0] and result.upper.tolist() == [13.0] and not result.extreme[0]
    assert result.lp_count == 0 and result.cuts == []


def test_a_unions_part_settles_an_atom_with_its_table_where_a_regions_part_leaves_it_to_its_cuts(monkeypatch):
    """x11 an atom (an unpublished cell, what a région escalates to a union of régions): a région's part leaves it
    to its cut (the attacker's LPs run, its repair hides cells by the cut); a union's part moves it by the table of
    the test above, [7, 13] proved with no LP of the attacker's, x12, x21, x22 hidden — named as hidden only to stop
    differencing (`hid_for_atoms`)."""
    monkeypatch.setattr(settle, "TABLES_MIN_PENDING", 1)
    atom = ONLY_X11.copy()
    by_cuts = settled_attack(block_problem(~ONLY_X11), COST, atom)
    assert by_cuts.ok.all() and by_cuts.lp_count > 0
    by_table = settled_attack(block_problem(~ONLY_X11, one_region=False), COST, atom, union=True)
    assert by_table.ok.all() and by_table.lp_count == 0 and by_table.hid.tolist() == [X12, X21, X22]
    assert by_table.lower.tolist() == [7.0] and by_table.upper.tolist() == [13.0]
    assert by_table.hid_for_atoms.tolist() == [X12, X21, X22]


def test_a_target_no_mask_of_the_block_protects_is_stuck(monkeypatch):
    """Only x12 may be hidden: x11 = c1 − x21 stays pinned whatever happens, and the built move finds that no
    table moves it: the target is `stuck` (the parent sends it to the whole publication) once, on its lower side —
    its upper side is not tried —, and nothing is hidden."""
    monkeypatch.setattr(settle, "CUT_ROUNDS", 0)
    hideable = np.arange(9) == X12
    result = settled_attack(block_problem(hideable), COST, np.zeros(9, bool))
    assert not result.ok[0] and result.stuck == [X11] and result.hid.tolist() == []


def test_a_built_move_hides_the_cheapest_cells(monkeypatch):
    """With no table and no cut round, the part's first repair is the built move of the first test: x12, x21 and
    x22."""
    monkeypatch.setattr(settle, "CUT_ROUNDS", 0)
    monkeypatch.setattr(settle, "TABLES", False)
    result = settled_attack(block_problem(~ONLY_X11), COST, np.zeros(9, bool))
    assert result.ok.all() and result.hid.tolist() == [X12, X21, X22]


def test_a_count_by_job_attribute_moves_with_its_territory_through_the_inequalities():
    """Establishment counts: territory T = t1 + t2 (two atoms, 1 and 0 establishments) and, of them, those with a
    young employee, A = a1 + a2 (1 and 0). A count by job attribute never exceeds its territory's: a1 ≤ t1, a2 ≤ t2,
    A ≤ T — tied to the territory's counts by these inequalities alone. A (hidden, the atoms unpublished) goes up
    by 1 only if t2 and T do too (a2 + 1 needs t2 + 1, so T + 1): the move hides T. Walked through the equations
    alone, T and t2 were out of reach and the target was wrongly found `stuck`."""
    t, t1, t2, a, a1, a2 = range(6)
    values = np.array([1.0, 1.0, 0.0, 1.0, 1.0, 0.0])
    matrix = sp.csr_matrix(np.array([[1.0, -1, -1, 0, 0, 0], [0, 0, 0, 1.0, -1, -1]]))
    bounds = sp.csr_matrix(np.array([[0, -1.0, 0, 0, 1.0, 0], [0, 0, -1.0, 0, 0, 1.0], [-1.0, 0, 0, 1.0, 0, 0]]))
    hidden = np.isin(np.arange(6), [t1, t2, a, a1, a2])
    hide, complete = alternative(matrix, matrix.tocsc(), values, hidden, ~hidden, np.ones(6), a, 1.0,
                                 (bounds, -(bounds @ values)))
    assert hide is not None and hide.tolist() == [t]


# Two margins pin t = 5: A = t + a and B = t + b (ids t, a, A, b, B = 0..4; a = b = 10, A = B = 15), t alone hidden
PINNED_VALUES = np.array([5.0, 10.0, 15.0, 10.0, 15.0])
PINNED = sp.csr_matrix(np.array([[-1.0, -1, 1, 0, 0], [-1.0, 0, 0, -1, 1]]))
PINNED_COST = np.array([1.0, 1.0, 10.0, 2.0, 10.0])


def pinned_problem():
    hidden = np.arange(5) == 0
    return (PINNED, PINNED_VALUES, hidden, np.array([0]), np.array([3.0]), np.array([3.0]), False, None, None,
            ~hidden, False, True)


def test_a_cut_round_that_settles_nothing_is_followed_by_built_moves(monkeypatch):
    """t ± 3 needs both margins opened. A cut frees one: it hides a (cost 1; A, b and B cost 10, 2 and 10), and t,
    still pinned by B = t + b, fails again — a part used to stop there and hand the bound back to the global round,
    which crept a cell or two a round. Now the next round builds t's move: b hidden too (t + 3, a − 3, b − 3), the
    bound proved by that table, [2, 8], with no further attack."""
    monkeypatch.setattr(settle, "TABLES", False)
    one_round = settled_attack(pinned_problem(), PINNED_COST, np.zeros(5, bool), rounds=1)
    assert not one_round.ok[0] and one_round.hid.tolist() == [1]
    result = settled_attack(pinned_problem(), PINNED_COST, np.zeros(5, bool))
    assert result.ok.all() and result.settled == 1 and result.hid.tolist() == [1, 3]
    assert result.lower.tolist() == [2.0] and result.upper.tolist() == [8.0] and not result.extreme[0]
    hidden = np.isin(np.arange(5), [0, 1, 3])
    exact = attacker.attack(PINNED, PINNED_VALUES, hidden, np.array([0]), np.array([3.0]), np.array([3.0]), True)
    assert exact.lower[0] <= 2.0 and exact.upper[0] >= 8.0
