"""Job-profile cells (sexe, âge, CSP, temps de travail, contrat) from a job file, against values computed by hand.

Fixture tests/data/postes/2018: 4 establishments and 8 jobs (j1…j8 in file order).
E1 and E2 are two associations of one SIREN (Saint-Lô / Coutances), E3 a SARL in Saint-Lô, E4 a
commune in Agneaux. j5 (E2, 19 years, apprentice) is not present at 31/12: it brings ETP and wages but
no post. Establishment counts follow the INSEE rule: an establishment counts in every modality where it
has a job, so they do not add up over a dimension. Secrecy thresholds are disabled in the spec.
"""
import duckdb
import pandas as pd
import pytest

from oress import pipeline
from oress.config import load_spec
from tests.conftest import DATA, UNPROTECTED_PAYS_SPEC, place_raw, published_cells, write_spec

SPEC = UNPROTECTED_PAYS_SPEC
REGION = ("region", "28")
# (champ, dimension, modalite) → (établissements, postes, ETP, rémunérations), all four establishments
REGION_CELLS = {
    ("ensemble", "ensemble", "ensemble"): (4, 7, 6.5, 180_000),
    ("ensemble", "sexe", "1"): (3, 3, 3.0, 96_000),                  # j3 j4 j6
    ("ensemble", "sexe", "2"): (4, 4, 3.5, 84_000),                  # j1 j2 j5 j7 j8, j5 not a post
    ("ensemble", "age", "<30"): (2, 1, 0.7, 14_000),                 # j1 j5
    ("ensemble", "age", "30-39"): (1, 2, 2.0, 70_000),               # j6 j7, one establishment
    ("ensemble", "age", "40-49"): (1, 1, 1.0, 25_000),               # j2
    ("ensemble", "age", "50-54"): (1, 1, 1.0, 26_000),               # j4
    ("ensemble", "age", "55+"): (2, 2, 1.8, 45_000),                 # j3 j8
    ("ensemble", "csp", "employes"): (3, 2, 1.7, 39_000),            # PCS 5: j1 j5 j7
    ("ensemble", "csp", "prof_intermediaires"): (2, 2, 1.8, 45_000),  # PCS 4: j2 j8
    ("ensemble", "csp", "cadres"): (2, 2, 2.0, 70_000),              # PCS 3: j3 j6
    ("ensemble", "csp", "ouvriers"): (1, 1, 1.0, 26_000),            # PCS 6: j4
    ("ensemble", "temps_travail", "partiel_autres"): (3, 2, 1.5, 34_000),  # j1 j5 j8
    ("ensemble", "temps_travail", "complet"): (3, 5, 5.0, 146_000),
    ("ensemble", "contrat", "CDI"): (4, 5, 4.8, 141_000),            # j2 j3 j4 j6 j8
    ("ensemble", "contrat", "CDD"): (2, 2, 1.5, 35_000),             # j1 j7
    ("ensemble", "contrat", "autres"): (1, 0, 0.2, 4_000),           # j5, apprentice not present at 31/12
    ("ess", "sexe", "1"): (2, 2, 2.0, 51_000),                       # j3 j4
    ("ess", "sexe", "2"): (2, 2, 1.7, 39_000),                       # j1 j2 j5
    ("public", "sexe", "1"): (0, 0, 0.0, 0),
    ("public", "sexe", "2"): (1, 1, 0.8, 20_000),                    # j8
    ("prive_hors_ess", "sexe", "1"): (1, 1, 1.0, 45_000),            # j6
    ("prive_hors_ess", "sexe", "2"): (1, 1, 1.0, 25_000),            # j7
}
# the pays (Saint-Lô + Coutances: E1 E2 E3) and Saint-Lô Agglo (Saint-Lô + Agneaux: E1 E3 E4)
OTHER_CELLS = {
    ("pays", "pays-test", "ensemble", "contrat", "CDI"): (3, 4, 4.0, 121_000),   # j2 j3 j4 j6
    ("pays", "pays-test", "ensemble", "contrat", "CDD"): (2, 2, 1.5, 35_000),    # j1 j7
    ("pays", "pays-test", "ensemble", "contrat", "autres"): (1, 0, 0.2, 4_000),  # j5
    ("epci", "200066389", "ensemble", "age", "55+"): (2, 2, 1.8, 45_000),       # j3 j8
    ("epci", "200066389", "ensemble", "age", "<30"): (1, 1, 0.5, 10_000),       # j1
    ("epci", "200066389", "ess", "age", "50-54"): (0, 0, 0.0, 0),               # j4 is in Coutances
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("postes")
    for name in ("etablissements.csv", "postes.csv"):
        place_raw(folder, 2018, DATA / "postes" / "2018" / name, name)
    spec = load_spec(write_spec(folder, SPEC, millesimes="[2018]"))
    pipeline.build(spec)
    return spec


@pytest.fixture(scope="module")
def published(built):
    return published_cells(built)


def test_job_cells_equal_the_hand_computed_values(published):
    cells = {(*REGION, *key): values for key, values in REGION_CELLS.items()} | OTHER_CELLS
    for key, values in cells.items():
        assert published[key][:4] == pytest.approx(values), key
        assert published[key][4] == "", key


def test_job_dimensions_follow_the_publication_levels(published):
    dimensions = {(k[0], k[3]) for k in published}
    assert {("epci", "sexe"), ("pays", "age"), ("departement", "csp"), ("region", "contrat")} <= dimensions
    assert not {d for level, d in dimensions if level == "commune"} - {"ensemble"}
    # the 50 ans et plus band exists only in INSEE's delivered tables: a run from job files publishes 50-54 and
    # 55+, never an all-zero 50+ row a reader would take for «no job»
    ages = {k[4] for k in published if k[3] == "age"}
    assert ages == {"<30", "30-39", "40-49", "50-54", "55+"}


def test_enterprises_are_counted_once_for_the_frequency_rule(built):
    with duckdb.connect(str(built.warehouse), read_only=True) as connection:
        row = connection.execute("""select etablissements, nb_unites from mart_cellules
            where niveau = 'region' and champ = 'ess' and dimension = 'sexe' and modalite = '2'""").fetchone()
    assert row == (2, 1)   # E1 and E2 both employ women; one SIREN


def test_identities_hold_over_job_dimensions(built):
    from oress.warehouse import run_checks

    with duckdb.connect(str(built.warehouse), read_only=True) as connection:
        assert set(run_checks(connection).values()) == {0}


def test_job_profile_shares_and_wages(built):
    derived = pd.read_parquet(built.reports_for(2018) / "chiffres-cles" / "indicateurs_derives.parquet")
    region_ess = derived[(derived.niveau == "region") & (derived.champ == "ess")]

    def value(indicateur, dimension, modalite, mesure):
        rows = region_ess[(region_ess.indicateur == indicateur) & (region_ess.dimension == dimension)
                          & (region_ess.modalite == modalite) & (region_ess.mesure == mesure)]
        assert len(rows) == 1, (indicateur, dimension, modalite, mesure)
        return rows.valeur.iloc[0]

    assert value("repartition", "sexe", "2", "postes") == pytest.approx(50.0)            # 2 of 4 ESS posts
    assert value("repartition", "age", "55+", "postes") == pytest.approx(25.0)           # j3
    assert value("repartition", "sexe", "2", "etp") == pytest.approx(1.7 / 3.7 * 100)    # ESS ETP 3,7
    assert value("salaire_moyen_etp", "sexe", "2", "remuneration_brute") == pytest.approx(39_000 / 1.7)
    assert value("part_dans_ensemble", "age", "55+", "postes") == pytest.approx(50.0)    # j3 of j3 j8
