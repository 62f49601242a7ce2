"""Real GX runs: a failing critical expectation stops the run, a crashed one is never read as pass or fail."""
import pandas as pd
import pytest

from oress import validate

GOOD = pd.DataFrame({
    "siret": ["12345678901234", "12345678901235"], "depcom": ["50502", "2A004"], "apet": ["8810A", "9499Z"],
    "cj": ["9220", "5710"], "postes": [3, 0], "etp": [2.5, 0.4], "remuneration_brute": [60000.0, 8000.0],
    "ess_sirene": ["O", None], "etp_plafond": [5.5, 1.0],
})


def test_clean_frame_passes():
    outcomes = validate.run_gx(GOOD)
    assert outcomes and all(o.statut == "succes" for o in outcomes if o.controle.startswith(
        ("expect_column_values_to_match_regex", "expect_column_values_to_be_between")))
    validate.gate(outcomes)


def test_critical_failure_stops_with_examples():
    bad = GOOD.assign(postes=[3, -2])
    outcomes = validate.run_gx(bad)
    failed = [o for o in outcomes if o.statut == "echec"]
    assert [o.controle for o in failed] == ["expect_column_values_to_be_between (postes)"]
    assert failed[0].exemples == ["-2"]
    with pytest.raises(validate.ValidationFailed, match="postes"):
        validate.gate(outcomes)


def test_warning_does_not_stop():
    outcomes = validate.run_gx(GOOD.assign(etp=[9.0, 0.4]))       # ETP above postes × 1,5 + 1
    assert [o.severite for o in outcomes if o.statut == "echec"] == ["avertissement"]
    validate.gate(outcomes)


def test_crashed_metric_fails_loudly():
    broken = GOOD.drop(columns=["cj"])                              # the metric cannot be computed
    outcomes = validate.run_gx(broken)
    assert any(o.statut == "erreur" and "cj" in o.detail for o in outcomes)
    with pytest.raises(validate.ValidationFailed, match="en erreur"):
        validate.gate(outcomes)
