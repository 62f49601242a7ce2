"""Every published cell and the derived indicators, against values computed by hand.

Fixture tests/data/indicateurs: 10 establishments of 8 enterprises in 4 communes of two EPCI —
Saint-Lô (a) and Agneaux (b) in Saint-Lô Agglo (X), Coutances (c) and Agon-Coutainville (d) in
Coutances mer et bocage (Y) — and a pays made of a + c, cutting across both EPCI. Secrecy
thresholds are disabled in the spec so that every value can be compared; 2017 differs from
2018 by establishment 1 only (10 postes, 9 ETP, 250 000 € instead of 12, 10,5, 300 000 €).
"""
import duckdb
import openpyxl
import pandas as pd
import pytest

from oress import pipeline
from oress.config import load_spec
from tests.conftest import DATA, UNPROTECTED_PAYS_SPEC, place_raw, prepared_run, published_cells, write_spec

SPEC = UNPROTECTED_PAYS_SPEC
WHOLE = (("departement", "50"), ("region", "28"), ("france", "FR"))

# champ, then (établissements, postes, ETP, rémunérations) per territory, computed by hand from the rows.
ENSEMBLE_2018 = {
    ("commune", "50502"): {"association": (1, 12, 10.5, 300_000), "ess": (1, 12, 10.5, 300_000),
                           "public": (1, 70, 66.0, 2_100_000), "prive_hors_ess": (1, 5, 4.5, 110_000),
                           "hors_ess": (2, 75, 70.5, 2_210_000), "ensemble": (3, 87, 81.0, 2_510_000)},
    ("commune", "50002"): {"association": (1, 2, 1.5, 30_000), "fondation": (1, 60, 55.0, 1_800_000),
                           "ess": (2, 62, 56.5, 1_830_000), "prive_hors_ess": (1, 20, 18.0, 550_000),
                           "hors_ess": (1, 20, 18.0, 550_000), "ensemble": (3, 82, 74.5, 2_380_000)},
    ("commune", "50147"): {"association": (1, 4, 3.0, 80_000), "mutuelle": (1, 30, 29.0, 1_200_000),
                           "ess": (2, 34, 32.0, 1_280_000), "ensemble": (2, 34, 32.0, 1_280_000)},
    ("commune", "50003"): {"cooperative": (1, 8, 8.0, 200_000), "ess": (1, 8, 8.0, 200_000),
                           "prive_hors_ess": (1, 0, 0.4, 6_000), "hors_ess": (1, 0, 0.4, 6_000),
                           "ensemble": (2, 8, 8.4, 206_000)},
    ("epci", "200066389"): {"association": (2, 14, 12.0, 330_000), "fondation": (1, 60, 55.0, 1_800_000),
                            "ess": (3, 74, 67.0, 2_130_000), "public": (1, 70, 66.0, 2_100_000),
                            "prive_hors_ess": (2, 25, 22.5, 660_000), "hors_ess": (3, 95, 88.5, 2_760_000),
                            "ensemble": (6, 169, 155.5, 4_890_000)},
    ("epci", "200067023"): {"association": (1, 4, 3.0, 80_000), "cooperative": (1, 8, 8.0, 200_000),
                            "mutuelle": (1, 30, 29.0, 1_200_000), "ess": (3, 42, 40.0, 1_480_000),
                            "prive_hors_ess": (1, 0, 0.4, 6_000), "hors_ess": (1, 0, 0.4, 6_000),
                            "ensemble": (4, 42, 40.4, 1_486_000)},
    ("pays", "pays-test"): {"association": (2, 16, 13.5, 380_000), "mutuelle": (1, 30, 29.0, 1_200_000),
                            "ess": (3, 46, 42.5, 1_580_000), "public": (1, 70, 66.0, 2_100_000),
                            "prive_hors_ess": (1, 5, 4.5, 110_000), "hors_ess": (2, 75, 70.5, 2_210_000),
                            "ensemble": (5, 121, 113.0, 3_790_000)},
    **{level: {"association": (3, 18, 15.0, 410_000), "cooperative": (1, 8, 8.0, 200_000),
               "mutuelle": (1, 30, 29.0, 1_200_000), "fondation": (1, 60, 55.0, 1_800_000),
               "ess": (6, 116, 107.0, 3_610_000), "public": (1, 70, 66.0, 2_100_000),
               "prive_hors_ess": (3, 25, 22.9, 666_000), "hors_ess": (4, 95, 88.9, 2_766_000),
               "ensemble": (10, 211, 195.9, 6_376_000)} for level in WHOLE},
}
# the pays, champ ensemble and ESS, by sector (typologie A with the action sociale detail) and by size
PAYS_SECTEURS = {
    ("ensemble", "A07"): (2, 16, 13.5, 380_000), ("ensemble", "AQB02"): (1, 12, 10.5, 300_000),
    ("ensemble", "AQB04"): (1, 4, 3.0, 80_000), ("ensemble", "A04"): (1, 30, 29.0, 1_200_000),
    ("ensemble", "A11"): (2, 75, 70.5, 2_210_000),
    ("ess", "A07"): (2, 16, 13.5, 380_000), ("ess", "AQB02"): (1, 12, 10.5, 300_000),
    ("ess", "AQB04"): (1, 4, 3.0, 80_000), ("ess", "A04"): (1, 30, 29.0, 1_200_000),
}
PAYS_TAILLES = {"0-9": (2, 9, 7.5, 190_000), "10-49": (2, 42, 39.5, 1_500_000), "50-249": (1, 70, 66.0, 2_100_000)}
EPCI_X_TAILLES = {"0-9": (2, 7, 6.0, 140_000), "10-49": (2, 32, 28.5, 850_000),
                  "50-249": (2, 130, 121.0, 3_900_000)}
REGION_SECTEURS_B = {"B01": (1, 8, 8.0, 200_000), "B02": (1, 20, 18.0, 550_000), "B03": (1, 5, 4.5, 110_000),
                     "B04": (1, 0, 0.4, 6_000), "B05": (1, 30, 29.0, 1_200_000), "B09": (3, 76, 68.5, 2_180_000),
                     "AQB01": (1, 60, 55.0, 1_800_000), "AQB02": (1, 12, 10.5, 300_000),
                     "AQB04": (1, 4, 3.0, 80_000), "B11": (1, 2, 1.5, 30_000), "B13": (1, 70, 66.0, 2_100_000)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("indicateurs")
    for millesime in (2017, 2018):
        place_raw(folder, millesime, DATA / "indicateurs" / str(millesime) / "etablissements.csv")
    spec = load_spec(write_spec(folder, SPEC, millesimes="[2017, 2018]"))
    pipeline.build(spec)
    return spec


@pytest.fixture(scope="module")
def published(built):
    return published_cells(built)


@pytest.fixture(scope="module")
def derived(built):
    return pd.read_parquet(built.reports_for(2018) / "chiffres-cles" / "indicateurs_derives.parquet")


def expect(published, key, values):
    got = published.pop(key)
    assert got[:4] == pytest.approx(values) and got[4] == "", key


def test_every_cell_at_every_level_equals_the_hand_computed_value(published):
    cells = dict(published)
    for territory, by_champ in ENSEMBLE_2018.items():
        for champ, values in by_champ.items():
            expect(cells, (*territory, champ, "ensemble", "ensemble"), values)
    for (champ, secteur), values in PAYS_SECTEURS.items():
        expect(cells, ("pays", "pays-test", champ, "secteur", secteur), values)
    for taille, values in PAYS_TAILLES.items():
        expect(cells, ("pays", "pays-test", "ensemble", "taille", taille), values)
    for taille, values in EPCI_X_TAILLES.items():
        expect(cells, ("epci", "200066389", "ensemble", "taille", taille), values)
    for secteur, values in REGION_SECTEURS_B.items():
        expect(cells, ("region", "28", "ensemble", "secteur_b", secteur), values)
    # what is left is either zero or follows from the listed cells by the identities checked in sql/checks
    listed_zero = {k: v for k, v in cells.items() if k[3] == "ensemble"}
    assert all(v[:4] == (0, 0, 0, 0) for v in listed_zero.values())


def test_breakdowns_are_published_where_the_spec_says(published):
    levels = {(k[0], k[3]) for k in published}
    assert ("commune", "ensemble") in levels and ("commune", "secteur") not in levels
    assert {("epci", "secteur"), ("pays", "taille"), ("departement", "taille"), ("region", "secteur_b")} <= levels
    assert ("epci", "secteur_b") not in levels
    # every champ and every sector of typologie A is present at EPCI level, zero-filled
    epci_sectors = {k[4] for k in published if k[:2] == ("epci", "200067023") and k[3] == "secteur"}
    assert len(epci_sectors) == 16


def value(derived, code, indicateur, champ="ess", mesure="postes", reference=None, dimension="ensemble",
          modalite="ensemble"):
    rows = derived[(derived["code"] == code) & (derived["indicateur"] == indicateur) & (derived["champ"] == champ)
                   & (derived["mesure"] == mesure) & (derived["dimension"] == dimension)
                   & (derived["modalite"] == modalite)]
    if reference is not None:
        rows = rows[rows["reference"] == reference]
    assert len(rows) == 1, (code, indicateur, champ, reference)
    return rows.iloc[0]


def test_weights_shares_and_wages(derived):
    assert value(derived, "pays-test", "part_dans_ensemble").valeur == pytest.approx(100 * 46 / 121)
    assert value(derived, "pays-test", "part_dans_prive").valeur == pytest.approx(100 * 46 / 51)
    assert value(derived, "pays-test", "part_dans_ess", champ="association").valeur == pytest.approx(100 * 16 / 46)
    assert value(derived, "pays-test", "part_dans_ensemble", mesure="etablissements").valeur == pytest.approx(60)
    assert value(derived, "pays-test", "salaire_moyen_etp", mesure="remuneration_brute").valeur == \
        pytest.approx(1_580_000 / 42.5)
    # ESS weight in a sector, and the distribution of the pays' ESS posts over sectors
    assert value(derived, "pays-test", "part_dans_ensemble", dimension="secteur", modalite="A11").valeur == 0
    assert value(derived, "pays-test", "repartition", dimension="secteur", modalite="A04").valeur == \
        pytest.approx(100 * 30 / 46)


def test_gaps_to_the_departement_region_and_france(derived):
    share = 100 * 46 / 121
    gap = value(derived, "pays-test", "ecart_part_dans_ensemble", reference="departement 50")
    assert gap.valeur == pytest.approx(share - 100 * 116 / 211) and gap.unite == "points"
    assert value(derived, "pays-test", "ecart_part_dans_ensemble", reference="region 28").valeur == \
        pytest.approx(share - 100 * 116 / 211)
    france = value(derived, "pays-test", "ecart_part_dans_ensemble", reference="france (référence nationale FLORES)")
    # the national reference input: FLORES 2018, 2 320 553 ESS posts of 22 909 638
    assert france.valeur_reference == pytest.approx(100 * 2_320_553 / 22_909_638)
    assert france.valeur == pytest.approx(share - 100 * 2_320_553 / 22_909_638)


def test_rank_among_peers(derived):
    # Coutances mer et bocage: 42 / 42 = 100 %; Saint-Lô Agglo: 74 / 169 = 43,8 %
    assert tuple(value(derived, "200067023", "rang_part_dans_ensemble")[["valeur", "valeur_reference"]]) == (1, 2)
    assert tuple(value(derived, "200066389", "rang_part_dans_ensemble")[["valeur", "valeur_reference"]]) == (2, 2)


def test_evolution_since_the_previous_millesime(derived):
    # pays ESS postes: 44 in 2017 (establishment 1 had 10), 46 in 2018
    assert value(derived, "pays-test", "evolution_absolue").valeur == 2
    assert value(derived, "pays-test", "evolution_pct").valeur == pytest.approx(100 * (46 / 44 - 1))
    assert value(derived, "pays-test", "tcam").valeur == pytest.approx(100 * (46 / 44 - 1))
    assert not value(derived, "pays-test", "tcam").rupture
    assert value(derived, "200067023", "evolution_absolue").valeur == 0


def test_identities_hold(built):
    from oress.warehouse import run_checks

    with duckdb.connect(str(built.warehouse), read_only=True) as connection:
        assert run_checks(connection) == {"chk_champ_identites": 0, "chk_dimension_somme_modalites": 0,
                                          "chk_territoire_somme_parties": 0,
                                          "chk_trimestres_identites": 0}


def test_xlsx_region_ess_equals_the_parquet(built, published):
    book = openpyxl.load_workbook(built.reports_for(2018) / "chiffres-cles" / "chiffres-cles.xlsx", read_only=True)
    assert {"Chiffres clés", "Secteurs", "Taille", "Poids et évolutions", "Définitions et sources"} <= set(
        book.sheetnames)
    rows = list(book["Chiffres clés"].iter_rows(values_only=True))
    header = rows[0]
    region_ess = [r for r in rows[1:] if r[header.index("Niveau")] == "region"
                  and r[header.index("Code champ")] == "ess"]
    assert [r[header.index("Postes au 31/12")] for r in region_ess] == [published[("region", "28", "ess", "ensemble",
                                                                                   "ensemble")][1]] == [116]


def test_an_enterprise_is_one_unit_in_every_champ_that_merges_its_establishments(tmp_path, reference_warehouse):
    """tests/data/unites: association S9 has an establishment in an excluded activity (syndicat,
    9420Z → privé hors ESS) next to its association one, both at Saint-Lô; S11 has one establishment
    in each of two communes; S10 is alone. Units are enterprises (SIREN), so at Saint-Lô:
    association = S9 (12) + S11 (4) → 2 units, largest 12/16; privé hors ESS = S9 (6) + S10 (3) → 2,
    largest 6/9; hors ESS the same; ensemble = S9 (12 + 6) + S10 (3) + S11 (4) → 3 units, 4
    establishments, largest 18/25, largest in establishments 2/4. In the département S11 is one unit
    of 4 + 5 = 9 postes: association 2 units, 3 establishments, largest 12/21 (2/3 of the
    establishments); ensemble 3 units, 5 establishments, largest 18/30 (2/5)."""
    spec = prepared_run(tmp_path, reference_warehouse, {"etablissements.csv": DATA / "unites" / "etablissements.csv"})
    for step in (pipeline.ingest, pipeline.transform):
        step(spec)
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        rows = connection.execute("""
            select niveau, code, champ, nb_unites, etablissements, postes, part_max_postes, part_max_etablissements
            from mart_cellules where dimension = 'ensemble' and nb_unites > 0
              and (niveau, code) in (('commune', '50502'), ('departement', '50'))""").fetchall()
    cells = {(niveau, code, champ): tuple(rest) for niveau, code, champ, *rest in rows}
    assert cells[("commune", "50502", "association")] == (2, 2, 16, pytest.approx(12 / 16), 0.5)
    assert cells[("commune", "50502", "prive_hors_ess")] == (2, 2, 9, pytest.approx(6 / 9), 0.5)
    assert cells[("commune", "50502", "hors_ess")] == (2, 2, 9, pytest.approx(6 / 9), 0.5)
    assert cells[("commune", "50502", "ess")] == (2, 2, 16, pytest.approx(12 / 16), 0.5)
    assert cells[("commune", "50502", "ensemble")] == (3, 4, 25, pytest.approx(18 / 25), 0.5)
    assert cells[("departement", "50", "association")] == (2, 3, 21, pytest.approx(12 / 21), pytest.approx(2 / 3))
    assert cells[("departement", "50", "ensemble")] == (3, 5, 30, pytest.approx(18 / 30), 0.4)
