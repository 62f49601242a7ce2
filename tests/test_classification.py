"""Each row of tests/data/perimetre_cas.csv exercises one rule of the perimeter algorithm."""
import csv

import duckdb
import pytest

from oress import pipeline
from oress.config import load_spec
from tests.conftest import DATA, place_raw, write_spec

CASES = list(csv.DictReader((DATA / "perimetre_cas.csv").open(encoding="utf-8"), delimiter=";"))


@pytest.fixture(scope="module")
def classified(tmp_path_factory):
    folder = tmp_path_factory.mktemp("perimetre")
    place_raw(folder, 2018, DATA / "perimetre_cas.csv")
    spec = load_spec(write_spec(folder))
    for step in (pipeline.reference, pipeline.ingest, pipeline.transform):
        step(spec)
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        rows = connection.execute("select siret, champ_detail, regle, est_ess from int_etablissements").fetchall()
    return {siret: (champ, regle, est_ess) for siret, champ, regle, est_ess in rows}


@pytest.mark.parametrize("case", CASES, ids=[c["denomination"] for c in CASES])
def test_rule(classified, case):
    champ, regle, est_ess = classified[case["siret"]]
    assert (champ, regle) == (case["champ_attendu"], case["regle_attendue"])
    assert est_ess == (champ in {"association", "cooperative", "mutuelle", "fondation"})


def test_every_rule_is_exercised():
    assert {c["regle_attendue"] for c in CASES} == {
        "forcage_siren", "activite_exclue", "categorie_juridique", "droit_public", "defaut"}
