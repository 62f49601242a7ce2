"""What a reader of the whole publication subtracts: overlapping territories, their atoms, the leak the
old attacker missed and the mask that closes it (oress.secrecy.atoms). Hand-written territories."""
import numpy as np
import pandas as pd
import pytest

from oress.secrecy import SecrecyError, audit, build_equations, masked, needed_atoms, suppress
from oress.secrecy.atoms import decompositions, refinement
from tests.secrecy_tables import RULES, cell, membership

SIZES = pd.DataFrame({"dimension": ["taille", "taille"], "modalite": ["0-9", "10+"], "parent": [None, None]})


def publication(levels_by_dimension: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    return pd.DataFrame([(d, n) for d, levels in levels_by_dimension.items() for n in levels],
                        columns=["dimension", "niveau"])


def atom_sets(frame: pd.DataFrame, dimension: str) -> set[frozenset[str]]:
    chosen = frame[frame["dimension"] == dimension]
    return {frozenset(g) for _, g in chosen.groupby("code")["depcom"]}


def test_atoms_of_overlapping_territories():
    """Communes 1–8. EPCI A = {1,2,3} (its commune 1 is left out of the pays P = A − {1} + B), B = {4,5};
    EPCI C = {6,7,8} lies across the départements D1 = {1..6} and D2 = {7,8}; the pays Q = {5,6} overlaps
    B and C; the bassin K = {8} is one commune. Size bands are published by EPCI, pays, bassin and
    département: the atoms of those are {1}, {2,3}, {4}, {5}, {6}, {7} and {8}; {8} is the bassin
    itself, the six others are derived by difference (no published territory is exactly them)."""
    members = membership({("epci", "A"): ["1", "2", "3"], ("epci", "B"): ["4", "5"],
                          ("epci", "C"): ["6", "7", "8"], ("pays", "P"): ["2", "3", "4", "5"],
                          ("pays", "Q"): ["5", "6"], ("bassin", "K"): ["8"],
                          ("departement", "D1"): ["1", "2", "3", "4", "5", "6"], ("departement", "D2"): ["7", "8"]})
    levels = ("epci", "pays", "bassin", "departement")
    atoms = needed_atoms(members, publication({"ensemble": ("commune", *levels), "taille": levels}))
    expected = {frozenset(s) for s in (["1"], ["2", "3"], ["4"], ["5"], ["6"], ["7"])}
    assert atom_sets(atoms, "taille") == expected
    # each atom also gets its own total, tied to the published communes by an equation
    assert atom_sets(atoms, "ensemble") == expected
    assert set(atoms["code"]) == {"1", "2+1", "4", "5", "6", "7"}


def test_each_territory_is_the_disjoint_union_of_the_largest_units_inside_it():
    units = {("epci", "A"): frozenset("123"), ("epci", "B"): frozenset("45"), ("pays", "P"): frozenset("2345"),
             ("atome", "1"): frozenset("1"), ("atome", "2+1"): frozenset("23"),
             ("departement", "D"): frozenset("12345"), ("region", "R"): frozenset("12345")}
    assert refinement(units) == [frozenset("23"), frozenset("45"), frozenset("1")]
    pairs = set(decompositions(units))
    assert pairs == {
        (("region", "R"), ("departement", "D")),                      # same communes: one equation apart
        (("departement", "D"), ("pays", "P")), (("departement", "D"), ("atome", "1")),
        (("pays", "P"), ("atome", "2+1")), (("pays", "P"), ("epci", "B")),
        (("epci", "A"), ("atome", "2+1")), (("epci", "A"), ("atome", "1"))}


def test_a_missing_atom_is_refused_with_its_communes():
    units = {("epci", "A"): frozenset("123"), ("pays", "P"): frozenset("23")}
    with pytest.raises(SecrecyError, match=r"l'atome de communes \{1\}"):
        decompositions(units, "dimension taille")


def cotentin() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """E = {c1, c2, c3}; the pays P = E and Q = E − c1 publish size bands, communes their totals only.
    c1 holds one enterprise of 10+ (50 postes) and five small ones (20); c2 and c3 each four small
    ones (15) and three of 10+ (60 and 70). No published cell breaks a primary rule, yet
    P(10+) − Q(10+) = 180 − 130 = 50: c1's lone enterprise, exactly."""
    members = membership({("epci", "E"): ["c1", "c2", "c3"], ("pays", "P"): ["c1", "c2", "c3"],
                          ("pays", "Q"): ["c2", "c3"]})
    bands = {"c1": ((20, 5), (50, 1)), "c2": ((15, 4), (60, 3)), "c3": ((15, 4), (70, 3))}
    rows = [cell("commune", c, "ensemble", small[0] + large[0], small[1] + large[1], largest=50 if c == "c1" else 25)
            for c, (small, large) in bands.items()]
    for niveau, code, communes in (("epci", "E", "c1 c2 c3"), ("pays", "P", "c1 c2 c3"), ("pays", "Q", "c2 c3")):
        parts = [bands[c] for c in communes.split()]
        small, large = (sum(p[0][0] for p in parts), sum(p[0][1] for p in parts)), \
            (sum(p[1][0] for p in parts), sum(p[1][1] for p in parts))
        rows += [cell(niveau, code, "ensemble", small[0] + large[0], small[1] + large[1], largest=50),
                 cell(niveau, code, "ensemble", small[0], small[1], dimension="taille", modalite="0-9", largest=5),
                 cell(niveau, code, "ensemble", large[0], large[1], dimension="taille", modalite="10+", largest=50)]
    # the atom c1: what P − Q gives, computed by the warehouse at niveau 'atome'
    rows += [cell("atome", "c1", "ensemble", 70, 6, largest=50),
             cell("atome", "c1", "ensemble", 20, 5, dimension="taille", modalite="0-9", largest=5),
             cell("atome", "c1", "ensemble", 50, 1, dimension="taille", modalite="10+")]
    levels = ("epci", "pays")
    atoms = needed_atoms(members, publication({"ensemble": ("commune", *levels), "taille": levels}))
    return pd.DataFrame(rows), members, atoms


def test_the_difference_of_two_pays_pins_a_commune_and_the_new_attacker_sees_it():
    cells, members, atoms = cotentin()
    assert atom_sets(atoms, "taille") == {frozenset(["c1"])}
    equations = build_equations(cells, members, SIZES, atoms)
    # what the previous engine published: every cell (the atom itself is never published)
    everything = cells.assign(secret=np.where(cells["niveau"] == "atome", "X", ""))
    result = audit(masked(everything), cells, equations, RULES)
    lone = result.intervals.query("niveau == 'atome' and modalite == '10+' and measure == 'postes'").iloc[0]
    assert (lone["lower"], lone["upper"], lone["ok"]) == (50, 50, False)
    # the attacker of the previous engine had no atom: it saw no primary cell at all in this publication
    without_atoms = cells[cells["niveau"] != "atome"]
    with pytest.raises(SecrecyError, match="atome"):
        build_equations(without_atoms, members, SIZES)


def test_the_mask_protects_the_derived_commune():
    cells, members, atoms = cotentin()
    equations = build_equations(cells, members, SIZES, atoms)
    protection = suppress(cells, equations, RULES)
    assert protection.audit.passed
    lone = protection.audit.intervals.query("niveau == 'atome' and modalite == '10+' and measure == 'postes'").iloc[0]
    assert lone["lower"] <= 45 and lone["upper"] >= 55
    shown = protection.cells.query("niveau != 'atome' and secret != ''")
    # the cheapest way: the size bands of Q (the smaller pays) hidden, every headline published
    assert set(zip(shown["code"], shown["modalite"])) == {("Q", "0-9"), ("Q", "10+")}
    again = audit(masked(protection.cells), cells, equations, RULES)
    assert again.passed
    # the first mask's MILP hid Q's bands: no repair marked a cell as hidden for the atom
    assert protection.audit.differencing.empty
    # an audit of the written publication does not know why a cell was hidden; given the list (here Q's bands, 30 +
    # 130 postes) it reports their share: 160 of the pays' 780 postes (P 230 + 50 + 180, Q 160 + 30 + 130)
    share = "part_masquee_postes_differenciation"
    assert again.summary.set_index("niveau").loc["pays", share] == 0.0
    bands = protection.cells.query("code == 'Q' and dimension == 'taille'")
    kept = audit(masked(protection.cells), cells, equations, RULES, differencing=bands)
    assert kept.summary.set_index("niveau").loc["pays", share] == pytest.approx(160 / 780)
    assert kept.summary.set_index("niveau").loc["epci", share] == 0.0


def test_a_bassin_equal_to_one_commune_shares_its_totals():
    """The bassin K = {c2} publishes what the commune c2 publishes: K = c2 is an equation, so hiding
    one of them alone would hide nothing. c1 (2 units) needs a partner in E: c2 and K (31 + 31 postes-
    equivalents) cost less than c3 (401)."""
    members = membership({("epci", "E"): ["c1", "c2", "c3"], ("bassin", "K"): ["c2"]})
    rows = [cell("commune", "c1", "ensemble", 10, 2), cell("commune", "c2", "ensemble", 30, 4),
            cell("commune", "c3", "ensemble", 400, 5), cell("epci", "E", "ensemble", 440, 11),
            cell("bassin", "K", "ensemble", 30, 4)]
    equations = build_equations(pd.DataFrame(rows), members, SIZES)
    pairs = equations.terms.groupby("equation")["cell"].agg(lambda c: frozenset(equations.keys.loc[c, "code"]))
    # the bassin, first in key order, stands for the commune in E's decomposition
    assert set(pairs) == {frozenset({"K", "c2"}), frozenset({"E", "c1", "K", "c3"})}
    protection = suppress(pd.DataFrame(rows), equations, RULES)
    secret = protection.cells.set_index("code")["secret"].to_dict()
    assert secret["c1"] == "A" and secret["K"] == secret["c2"] == "D"


def test_an_establishment_count_by_job_attribute_bounds_the_hidden_total():
    """c1 has 5 establishments, all employing women (published: 5 under sexe F); its total (marked B) and
    c2's are hidden, their sum E = 15 published. Equations alone leave c1's count in [0, 15]; the
    reader also knows F ≤ total, so c1 ≥ 5: pinned from below, the 10 % room down (4,5) is gone."""
    members = membership({("epci", "E"): ["c1", "c2"]})
    sexes = pd.DataFrame({"dimension": ["sexe", "sexe"], "modalite": ["F", "H"], "parent": [None, None]})
    rows = [cell("commune", "c1", "ensemble", 90, 5), cell("commune", "c2", "ensemble", 100, 10),
            cell("epci", "E", "ensemble", 190, 15),
            cell("commune", "c1", "ensemble", 50, 5, dimension="sexe", modalite="F"),
            cell("commune", "c1", "ensemble", 40, 4, dimension="sexe", modalite="H")]
    cells = pd.DataFrame(rows)
    equations = build_equations(cells, members, sexes)
    assert len(equations.bounds) == 2                       # F ≤ total and H ≤ total for c1
    status = np.where(cells["code"].eq("c1") & cells["dimension"].eq("ensemble"), "B",
                      np.where(cells["code"].eq("c2") | cells["modalite"].eq("H"), "D", ""))
    result = audit(masked(cells.assign(secret=status)), cells, equations, RULES)
    count = result.intervals.query("code == 'c1' and measure == 'etablissements'").iloc[0]
    assert (count["lower"], count["upper"], count["ok"]) == (5, 15, False)
    postes = result.intervals.query("code == 'c1' and measure == 'postes'").iloc[0]
    assert (postes["lower"], postes["upper"], postes["ok"]) == (50, 190, True)    # F 50 + H ≥ 0: room enough


def test_a_forced_cell_that_makes_protection_impossible_says_so():
    """E = a + b with a alone (1 unit, A): forcing both E and b to be published gives a away as E − b."""
    members = membership({("epci", "E"): ["a", "b"]})
    cells = pd.DataFrame([cell("commune", "a", "ensemble", 5, 1), cell("commune", "b", "ensemble", 40, 4),
                          cell("epci", "E", "ensemble", 45, 5)])
    equations = build_equations(cells, members, SIZES)
    forced = pd.Series([False, True, True])          # canonical order: commune a, commune b, epci E
    with pytest.raises(SecrecyError, match="primaire 2018/commune/a/ensemble.*non imposée"):
        suppress(cells, equations, RULES, must_publish=forced)
