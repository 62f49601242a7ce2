"""The cases of the secrecy rules (primary A/B on enterprises, secondary D, attacker audit), each on a
hand-written table with hand-computed expectations, solved by HiGHS for real."""
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from oress.secrecy import KEY, SecrecyError, audit, build_equations, masked, primary_status, suppress
from tests.secrecy_cube import cube
from tests.secrecy_tables import NO_MODALITIES, RULES, cell, membership, tau_argus


def contributions(rows, dimension="ensemble", modalite="ensemble"):
    """Establishments (siren, siret, depcom, champ_detail, postes): etp = postes, wages = 1 000 € × postes."""
    frame = pd.DataFrame(rows, columns=["siren", "siret", "depcom", "champ_detail", "postes"])
    return frame.assign(millesime=2018, dimension=dimension, modalite=modalite, etp=frame["postes"] * 1.0,
                        remuneration_brute=frame["postes"] * 1000.0)


ONE_COMMUNE = membership({("epci", "E"): ["c1"]}).query("niveau == 'commune'")


def statuses(cells):
    return dict(zip(cells["code"] + "/" + cells["champ"], primary_status(cells, RULES)))


def protect(cells, geography, modalities=NO_MODALITIES, rules=RULES):
    equations = build_equations(cells, geography, modalities)
    protection = suppress(cells, equations, rules)
    return protection, equations


def secret_of(protection, **key):
    chosen = protection.cells
    for column, value in key.items():
        chosen = chosen[chosen[column] == value]
    assert len(chosen) == 1, key
    return chosen["secret"].iloc[0]


# --- 1. frequency ------------------------------------------------------------------------------------
@pytest.mark.parametrize("units, expected", [(0, ""), (1, "A"), (2, "A"), (3, "")])
def test_frequency_counts_enterprises(units, expected):
    cells = pd.DataFrame([cell("commune", "c1", "association", 10 * units, units)])
    assert primary_status(cells, RULES).tolist() == [expected]


def test_three_establishments_of_two_enterprises_are_secret_a():
    firms = contributions([("S1", "S1001", "c1", "association", 5), ("S1", "S1002", "c1", "association", 5),
                           ("S2", "S2001", "c1", "association", 5)])
    cells = cube(firms, ONE_COMMUNE, champs=("association",), zero_fill=False)
    assert (cells["etablissements"].tolist(), cells["nb_unites"].tolist()) == ([3], [2])
    assert primary_status(cells, RULES).tolist() == ["A"]


# --- 2. dominance ------------------------------------------------------------------------------------
@pytest.mark.parametrize("postes, inclusive, expected", [
    ((86, 10, 4), True, "B"), ((84, 10, 6), True, ""), ((85, 10, 5), True, "B"), ((85, 10, 5), False, "")])
def test_dominance_boundary_is_configurable(postes, inclusive, expected):
    firms = contributions([(f"S{i}", f"S{i}01", "c1", "association", p) for i, p in enumerate(postes)])
    cells = cube(firms, ONE_COMMUNE, champs=("association",), zero_fill=False)
    rules = replace(RULES, dominance_inclusive=inclusive)
    assert primary_status(cells, rules).tolist() == [expected]


# --- 3. dominance on SIREN aggregates -------------------------------------------------------------------
def test_dominance_adds_the_establishments_of_one_enterprise():
    """(50, 40) of one association + 5 + 5 of two others: no establishment holds 85 %, the enterprise
    holds 90 % → B. With only the brief's two enterprises (50, 40) + (10) the cell is already A."""
    three = contributions([("S1", "S101", "c1", "association", 50), ("S1", "S102", "c1", "association", 40),
                           ("S2", "S201", "c1", "association", 5), ("S3", "S301", "c1", "association", 5)])
    cells = cube(three, ONE_COMMUNE, champs=("association",), zero_fill=False)
    assert cells["part_max_postes"].tolist() == [0.9]
    assert primary_status(cells, RULES).tolist() == ["B"]
    two = three[three["siren"] != "S3"].replace({"postes": {5: 10}})
    assert primary_status(cube(two, ONE_COMMUNE, champs=("association",), zero_fill=False), RULES).tolist() == ["A"]


def test_one_mask_for_all_measures_wage_dominance_alone_hides_the_cell():
    wages = cell("commune", "c1", "association", 30, 5)
    wages["part_max_remuneration"] = 0.9
    assert primary_status(pd.DataFrame([wages]), RULES).tolist() == ["B"]


# --- 4. one suppressed child ---------------------------------------------------------------------------
def test_a_total_with_one_hidden_child_gets_the_cheapest_child_with_enough_room():
    """EPCI E = a + b + c + d. a (40 posts, 2 units) is A and needs ±4; b (2 posts) is cheapest but
    can only let a rise by 2; d is empty. So c (30) is hidden, not b, never d."""
    geography = membership({("epci", "E"): ["a", "b", "c", "d"]})
    cells = pd.DataFrame([cell("commune", "a", "ensemble", 40, 2), cell("commune", "b", "ensemble", 2, 3),
                          cell("commune", "c", "ensemble", 30, 6), cell("commune", "d", "ensemble", 0, 0),
                          cell("epci", "E", "ensemble", 72, 11)])
    protection, _ = protect(cells, geography)
    assert protection.cells.set_index("code")["secret"].to_dict() == {"a": "A", "b": "", "c": "D", "d": "", "E": ""}
    interval = protection.audit.intervals.query("code == 'a' and measure == 'postes'").iloc[0]
    assert (interval["lower"], interval["upper"]) == pytest.approx((0, 70))     # a + c = 72 − 2, both ≥ 0


# --- 5. tau-ARGUS reference -----------------------------------------------------------------------------
def test_tau_argus_reference_table():
    cells, geography = tau_argus()
    protection, equations = protect(cells, geography)
    hidden = protection.cells.query("secret != ''").set_index(["code", "champ"])["secret"].to_dict()
    assert hidden == {("02", "public"): "A", ("06", "prive_hors_ess"): "B",
                      ("02", "prive_hors_ess"): "D", ("06", "public"): "D"}
    postes = protection.audit.intervals.query("measure == 'postes'").set_index(["code", "champ"])
    assert tuple(postes.loc[("02", "public"), ["lower", "upper"]]) == pytest.approx((0, 50))
    assert tuple(postes.loc[("06", "prive_hors_ess"), ["lower", "upper"]]) == pytest.approx((10, 60))
    wages = protection.audit.intervals.query("measure == 'remuneration_brute'").set_index(["code", "champ"])
    assert tuple(wages.loc[("06", "prive_hors_ess"), ["lower", "upper"]]) == pytest.approx((10_000, 60_000))
    again = audit(masked(protection.cells), cells, equations, RULES)
    assert again.passed and again.intervals.equals(protection.audit.intervals)


# --- 6. zero-valued partners ----------------------------------------------------------------------------
def test_zero_valued_partners_give_no_room_and_the_audit_says_so():
    """E = a + b + c: a (5 posts, 1 unit) is A; b has 3 units but 0 posts. Hiding a and b leaves
    a + b = 5 known: a cannot be pushed above 5, it needs 6."""
    geography = membership({("epci", "E"): ["a", "b", "c"]})
    b = cell("commune", "b", "ensemble", 0, 3)
    cells = pd.DataFrame([cell("commune", "a", "ensemble", 5, 1), b, cell("commune", "c", "ensemble", 20, 4),
                          cell("epci", "E", "ensemble", 25, 8)])
    equations = build_equations(cells, geography, NO_MODALITIES)
    published = cells.assign(secret=np.where(cells["code"] == "a", "A", np.where(cells["code"] == "b", "D", "")))
    result = audit(masked(published), cells, equations, RULES)
    assert not result.passed
    postes = result.intervals.query("measure == 'postes'").iloc[0]
    assert (postes["lower"], postes["upper"], postes["required_upper"], postes["ok"]) == (0, 5, 6, False)
    establishments = result.intervals.query("measure == 'etablissements'").iloc[0]
    assert establishments["ok"]                                        # b's 3 establishments do give room
    protection = suppress(cells, equations, RULES)
    assert secret_of(protection, code="c") == "D" and protection.audit.passed


# --- 7. hierarchy ---------------------------------------------------------------------------------------
def test_commune_in_epci_and_epci_that_is_its_only_commune():
    """D = E1 + E2 + E3. c1 (2 units) in E1 forces a second commune: c2, the cheapest (hiding E1,
    192 posts, would cost more). c4 is the only non-empty commune of E2, so E2 = c4 is A too and
    needs a partner EPCI: E3 (65), which in turn needs one of its communes: c7 (25). c5 is empty."""
    geography = membership({("epci", "E1"): ["c1", "c2", "c3"], ("epci", "E2"): ["c4", "c5"],
                            ("epci", "E3"): ["c6", "c7"],
                            ("departement", "D"): ["c1", "c2", "c3", "c4", "c5", "c6", "c7"]})
    communes = {"c1": (12, 2), "c2": (30, 4), "c3": (150, 5), "c4": (8, 1), "c5": (0, 0), "c6": (40, 3),
                "c7": (25, 4)}
    rows = [cell("commune", code, "ensemble", v, u) for code, (v, u) in communes.items()]
    rows += [cell("epci", "E1", "ensemble", 192, 11), cell("epci", "E2", "ensemble", 8, 1),
             cell("epci", "E3", "ensemble", 65, 7), cell("departement", "D", "ensemble", 265, 19)]
    protection, equations = protect(pd.DataFrame(rows), geography)
    assert protection.cells.set_index("code")["secret"].to_dict() == {
        "c1": "A", "c2": "D", "c3": "", "c4": "A", "c5": "", "c6": "", "c7": "D",
        "E1": "", "E2": "A", "E3": "D", "D": ""}
    postes = protection.audit.intervals.query("measure == 'postes'").set_index("code")
    assert tuple(postes.loc["c4", ["lower", "upper"]]) == pytest.approx((0, 33))   # E2 + E3 = 73, E3 − c7 = 40
    assert tuple(postes.loc["c1", ["lower", "upper"]]) == pytest.approx((0, 42))   # c1 + c2 = 192 − 150
    assert_mask_is_sound(protection, equations)


# --- 8. two tables sharing a margin ---------------------------------------------------------------------
def test_two_tables_sharing_a_margin_get_one_status_per_cell():
    """EPCI × famille and EPCI × secteur share the EPCI's ensemble cell: one variable, one status."""
    geography = membership({("epci", "E1"): ["c1", "c2"], ("epci", "E2"): ["c3"]})
    firms = []
    for i, (depcom, champ, sector, postes) in enumerate([
            ("c1", "association", "A07", 20), ("c1", "association", "A07", 12), ("c1", "association", "A05", 4),
            ("c1", "cooperative", "A11", 30), ("c2", "association", "A07", 9), ("c2", "cooperative", "A11", 7),
            ("c2", "cooperative", "A11", 5), ("c3", "association", "A05", 16), ("c3", "association", "A07", 11),
            ("c3", "association", "A07", 3), ("c3", "cooperative", "A11", 25), ("c3", "mutuelle", "A04", 40)]):
        firms.append((f"S{i}", f"S{i}01", depcom, champ, postes, sector))
    frame = contributions([f[:5] for f in firms])
    sectors = [f[5] for f in firms]
    parts = pd.concat([frame, frame.assign(dimension="secteur", modalite=sectors)], ignore_index=True)
    cells = cube(parts, geography[geography["niveau"] == "epci"])
    cells = cells[(cells["dimension"] == "ensemble") | (cells["champ"] == "ensemble")]
    modalities = pd.DataFrame({"dimension": "secteur", "modalite": ["A04", "A05", "A07", "A11"], "parent": None})
    protection, equations = protect(cells, geography[geography["niveau"] == "epci"], modalities)
    assert not protection.cells.duplicated(list(KEY)).any()
    kinds = set(equations.table["kind"])
    assert kinds == {"champ", "dimension"}
    shared = protection.cells.query("champ == 'ensemble' and dimension == 'ensemble'")
    assert len(shared) == 2 and set(protection.cells["secret"]) >= {"A"}
    assert protection.audit.passed
    assert_mask_is_sound(protection, equations)


# --- 9. determinism -------------------------------------------------------------------------------------
def test_same_input_same_mask_whatever_the_row_order():
    cells, geography = tau_argus()
    first, _ = protect(cells, geography)
    second, _ = protect(cells.sample(frac=1, random_state=3), geography)
    assert first.cells["secret"].tolist() == second.cells["secret"].tolist()


# --- 10. a national run: one first MILP per région, the equations between régions left to the repair ----
@pytest.mark.parametrize("audited_by_region", [False, True])
def test_regions_are_solved_apart_and_the_repair_sees_france(audited_by_region):
    """FR = R1 + R2. R1 (2 units, A) and its communes c1, c2 (1 unit each, A) are hidden by R1's own
    MILP, which cannot see FR = R1 + R2: with FR and R2 published, R1 = 350 − 300. The global audit
    catches it; its one failing bound gets a built move, the cheapest table that moves R1 by its need (5): FR + 5
    (suppression cost 351 for 5 units of its 350: 25,1), not R2 − 5 with c3 − 5 (301 and 101 for 5 units of 300
    and 100: 50,3) — FR is hidden. Audited by région (HiTaS order), R1 belongs to the top and is attacked with c1
    and c2 in R1's part, where the top's cells (FR, R1, R2) are unknowns and R2's communes fixed. The top table is
    masked first by its own MILP, which sees FR = R1 + R2 and hides R2 at once (cheaper than FR, 350); R2 = c3 + c4
    then holds one hidden cell, so the pair rule hides c3 (100, cheaper than c4, 200). In R1's part c3 and c4 are
    fixed, so R2 = 300 and R1 = FR − 300 is pinned while FR is published: the part hides FR too — what the
    decomposition costs here (on the whole publication, c3 hidden lets R2 and so R1 move)."""
    from oress.protect import audit_blocks, level_blocks

    geography = membership({("region", "R1"): ["c1", "c2"], ("region", "R2"): ["c3", "c4"],
                            ("france", "FR"): ["c1", "c2", "c3", "c4"]})
    rows = [cell("commune", "c1", "ensemble", 10, 1), cell("commune", "c2", "ensemble", 40, 1),
            cell("commune", "c3", "ensemble", 100, 5), cell("commune", "c4", "ensemble", 200, 6),
            cell("region", "R1", "ensemble", 50, 2), cell("region", "R2", "ensemble", 300, 11),
            cell("france", "FR", "ensemble", 350, 13)]
    cells = pd.DataFrame(rows)
    cells["bloc"] = level_blocks(cells, geography)
    assert cells.set_index("code")["bloc"].to_dict() == {
        "c1": "R1", "c2": "R1", "c3": "R2", "c4": "R2", "R1": "R1", "R2": "R2", "FR": "plusieurs"}
    cells["bloc_audit"] = audit_blocks(cells, geography)
    equations = build_equations(cells, geography, NO_MODALITIES)
    lines = []
    protection = suppress(cells, equations, RULES, block_by="bloc", log=lines.append,
                          audit_by="bloc_audit" if audited_by_region else None)
    if audited_by_region:
        assert lines[0].startswith("sommet : 3 cellules, 1 primaires, 2 masquées ;")     # R1 and R2
        lines = lines[1:]
    assert [line.split(" :")[0] for line in lines[:3]] == ["bloc R1", "bloc R2", "bloc plusieurs"]
    repaired = {"c3": "D", "FR": "D", "R2": "D"} if audited_by_region else {"c3": "", "FR": "D", "R2": ""}
    assert protection.cells.set_index("code")["secret"].to_dict() == {
        "c1": "A", "c2": "A", "c4": "", "R1": "A", **repaired}
    # audited by région, R1's part repairs R1's bound within the round (`settle`); otherwise the
    # round's built move hides FR and so proves R1's four bounds (one per measure): no second round audits them
    first = protection.rounds.iloc[0]
    assert first["failures"] + first["settled"] > 0
    if audited_by_region:
        assert protection.rounds["failures"].iloc[-1] == 0
    else:
        assert protection.rounds[["mode", "failures", "cuts"]].values.tolist() == [["mouvements", 4, 1]]
    assert protection.audit.passed
    assert_mask_is_sound(protection, equations)


# --- errors ---------------------------------------------------------------------------------------------
def test_contradicted_equation_is_refused_with_the_cell_named():
    cells, geography = tau_argus()
    cells.loc[(cells["code"] == "E") & (cells["champ"] == "public"), "postes"] += 7
    with pytest.raises(SecrecyError, match=r"contredites.*epci/E/hors_ess.*écart -7"):
        protect(cells, geography)


def test_negative_value_is_an_input_error():
    cells, geography = tau_argus()
    cells.loc[0, "etp"] = -1.0
    with pytest.raises(SecrecyError, match="négatif"):
        protect(cells, geography)


def assert_mask_is_sound(protection, equations):
    """Every primary hidden, no empty cell hidden, no equation with exactly one hidden cell."""
    cells = protection.cells
    primary = primary_status(cells, RULES).to_numpy() != ""
    hidden = (cells["secret"] != "").to_numpy()
    assert hidden[primary].all()
    assert not hidden[(cells["nb_unites"] == 0).to_numpy()].any()
    per_equation = np.bincount(equations.terms["equation"], weights=hidden[equations.terms["cell"]],
                               minlength=len(equations.table))
    assert not (per_equation == 1).any()
