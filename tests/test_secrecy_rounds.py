"""How the suppression model and its rounds get to a safe mask faster: cells that always hold the same value
share one variable of the MILP (milp.equal_cells), and a new mask of a large publication is audited on its
headline count first, each measure then re-auditing only the primaries that failed for it."""
import importlib

import numpy as np
import pandas as pd

from oress.secrecy import build_equations, primary_status, suppress
from oress.secrecy.audit import attack_measures
from oress.secrecy.bounds import Proofs
from oress.secrecy.cells import canonical, empty_cells, measure_values
from oress.secrecy.milp import equal_cells
from tests.secrecy_tables import NO_MODALITIES, RULES, cell, membership
from tests.test_secrecy_local import GEOGRAPHY, MODALITIES, table

# the module, not the function the package exports under the same name
rounds = importlib.import_module("oress.secrecy.rounds")


def test_cells_equal_through_an_equation_whose_other_cells_are_empty_form_one_class():
    """Commune c1 has no privé hors ESS: its hors ESS equals its public (one class); c2 has privé hors ESS but
    c1 none, so the EPCI's privé hors ESS equals c2's (another class); every other cell is alone. The empty
    cell (c1 privé) is in no class: it is published as empty."""
    values = {"c1": (5, 0), "c2": (40, 60)}
    rows = []
    for code, (public, private) in values.items():
        rows += [cell("commune", code, "public", public, 1 if public else 0),
                 cell("commune", code, "prive_hors_ess", private, 10 if private else 0),
                 cell("commune", code, "hors_ess", public + private, 11 if private else 1)]
    rows += [cell("epci", "E", "public", 45, 11), cell("epci", "E", "prive_hors_ess", 60, 10),
             cell("epci", "E", "hors_ess", 105, 21)]
    cells = canonical(pd.DataFrame(rows))
    equations = build_equations(cells, membership({("epci", "E"): ["c1", "c2"]}), NO_MODALITIES)
    values = measure_values(cells)
    label = equal_cells(equations.terms, equations.holds(), ~empty_cells(cells, values))
    name = cells["niveau"].str[:1] + ":" + cells["code"] + ":" + cells["champ"]
    classes = sorted(sorted(name[label == group]) for group in np.unique(label) if (label == group).sum() > 1)
    assert classes == [["c:c1:hors_ess", "c:c1:public"], ["c:c2:prive_hors_ess", "e:E:prive_hors_ess"]]


def test_a_large_publication_audits_its_headline_count_first_and_the_exact_audit_passes(monkeypatch):
    """The 12-commune table counted as a large publication: round 1 audits postes alone, round 2 the other
    measures on every primary (and postes on its failures only); the final audit of this small table is the
    exact one over every measure: it passes. Every class of equal cells is hidden whole or published whole."""
    monkeypatch.setattr(rounds, "LARGE_PUBLICATION", 1)
    cells = table()
    equations = build_equations(cells, GEOGRAPHY, MODALITIES)
    protection = suppress(cells, equations, RULES)
    measures = protection.rounds["measures"].tolist()
    assert measures[0] == 1 and len(measures) > 1 and measures[1] >= 3
    assert protection.audit.passed and protection.audit.intervals["extremes"].all()
    hidden = protection.cells["secret"].to_numpy() != ""
    assert hidden[primary_status(cells, RULES).to_numpy() != ""].all()
    values = measure_values(cells)
    label = equal_cells(equations.terms, equations.holds(), ~empty_cells(cells, values))
    per_class, sizes = np.bincount(label, weights=hidden), np.bincount(label)
    assert ((per_class == 0) | (per_class == sizes)).all()


def primaries_only():
    """The 12-commune table, its equations and the rounds' state with only its primaries hidden, in repair rounds."""
    cells = table()
    equations = build_equations(cells, GEOGRAPHY, MODALITIES)
    play = rounds.Rounds(cells, equations, RULES, None, None)
    play.hidden = play.primary.copy()
    play.proofs = Proofs(play.targets, len(play.names))
    return cells, equations, play


def test_the_failing_bounds_get_built_moves_that_the_next_audit_passes(monkeypatch):
    """The 12-commune table with only its primaries hidden: most of their bounds fail. A repair round that builds a
    move for each (round mode 'mouvements') hides what lets every target move by its whole need, one measure after
    the other: the next round's audit finds none failing, and the exact attacker passes every primary of the
    mask."""
    monkeypatch.setattr(rounds, "MOVES_MAX_FAILURES", 10**6)
    cells, equations, play = primaries_only()
    first = play.play(1, None, 0)
    second = play.play(2, None, 0)
    assert first["mode"] == "mouvements" and first["failures"] > 0 and first["cuts"] > 0
    assert second["failures"] == 0 and second["cuts"] == 0 and play.done()
    values = measure_values(cells)
    hidden = np.repeat(play.hidden[:, None], values.shape[1], axis=1)
    exact, _ = attack_measures(equations, values, hidden, play.targets, RULES, exact=True)
    assert all(result.ok.all() for result in exact)
