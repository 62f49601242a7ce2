"""A contract file beside a staging model becomes its GX suite: a tiny contract gives the hand-written expectation
list, and a contract with an unknown key or a bad severity stops with the file and the key named."""
from pathlib import Path

import great_expectations.expectations as gxe
import pytest

from oress import contracts, validate
from oress.config import SQL_DIR

TINY = """
grain = ["siret"]
cle = "siret"
exemples_avec = ["etp"]
sans_objet_si_vide = "raw_postes"
requete = "select siret, etp, postes * {etp_par_poste} as plafond from stg_x where millesime = ?"

[constantes]
etp_par_poste = 1.5
plafond_bas = 7_000

[colonnes]
siret = "VARCHAR"

[[controles]]
attente = "expect_column_values_to_match_regex"
column = "siret"
regex = '^\\d{14}$'
severite = "critique"
libelle = "siret à 14 chiffres"

[[controles]]
attente = "expect_column_values_to_be_between"
column = "etp"
min_value = 0
max_value = 1.5
severite = "avertissement"
libelle = "ETP de {min_value} à {max_value}, pas {plafond_bas}"

[[controles]]
attente = "expect_column_pair_values_a_to_be_greater_than_b"
column_A = "plafond"
column_B = "etp"
or_equal = true
ignore_row_if = "either_value_is_missing"
severite = "critique"
libelle = "ETP au plus postes × {etp_par_poste}"
"""


def _contract(folder: Path, text: str, name: str = "stg_x") -> Path:
    path = folder / f"{name}.contract.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _configs(expectations) -> list[dict]:
    return [e.configuration.to_json_dict() for e in expectations]


def test_a_contract_becomes_its_gx_expectations(tmp_path):
    check = contracts.read_contract(_contract(tmp_path, TINY))
    expected = [
        gxe.ExpectColumnValuesToMatchRegex(column="siret", regex=r"^\d{14}$",
                                           meta={"severite": "critique", "libelle": "siret à 14 chiffres"}),
        gxe.ExpectColumnValuesToBeBetween(column="etp", min_value=0, max_value=1.5, meta={
            "severite": "avertissement", "libelle": "ETP de 0 à 1,5, pas 7 000"}),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="plafond", column_B="etp", or_equal=True, ignore_row_if="either_value_is_missing",
            meta={"severite": "critique", "libelle": "ETP au plus postes × 1,5"}),
    ]
    assert _configs(check.gx_expectations()) == _configs(expected)
    assert check.gx_expectations() == expected
    assert (check.table, check.key, check.grain, check.examples_with, check.columns) == (
        "stg_x", "siret", ("siret",), ("etp",), {"siret": "VARCHAR"})
    assert check.query == "select siret, etp, postes * 1.5 as plafond from stg_x where millesime = ?"
    assert check.applies == "select count(*) from raw_postes where millesime = ?"


@pytest.mark.parametrize(("change", "named"), [
    (("grain = ", "granularite = "), r"stg_x\.contract\.toml: clé inconnue 'granularite'"),
    (('or_equal = true', 'ou_egal = true'), r"stg_x\.contract\.toml \[\[controles\]\] n°3: clé inconnue 'ou_egal'"),
    (('severite = "avertissement"', 'severite = "bloquant"'),
     r"stg_x\.contract\.toml \[\[controles\]\] n°2: 'severite' vaut 'critique' ou 'avertissement', pas 'bloquant'"),
    (('cle = "siret"\n', ''), r"stg_x\.contract\.toml: clé obligatoire absente 'cle'"),
    (("{etp_par_poste}\"\n", "{etp_max}\"\n"), r"n°3 'libelle': \{etp_max\} ne nomme ni une constante"),
    (('attente = "expect_column_values_to_match_regex"', 'attente = "expect_regex"'),
     r"n°1: 'attente' inconnue 'expect_regex'"),
])
def test_a_broken_contract_names_the_file_and_the_key(tmp_path, change, named):
    old, new = change
    assert old in TINY
    with pytest.raises(contracts.ContractError, match=named):
        contracts.read_contract(_contract(tmp_path, TINY.replace(old, new, 1)))


def test_every_contract_beside_the_models_is_checked():
    beside = {p.name.removesuffix(contracts.CONTRACT_SUFFIX) for p in (SQL_DIR / "staging").glob("*.contract.toml")}
    assert beside == set(validate.CONTRACTS)


def test_a_job_ceiling_is_the_one_establishments_are_bounded_with():
    """ETP ≤ postes × etp_par_poste + etp_marge on an establishment only holds if no job exceeds etp_par_poste."""
    ceiling = next(e.kwargs["max_value"] for e in validate.POSTES.expectations
                   if e.kwargs.get("column") == "etp" and "max_value" in e.kwargs)
    assert f"postes * {ceiling} +" in validate.ETABLISSEMENTS.query
