"""Tables INSEE delivers (TC13, TC1, EPCI_T1 shapes) → pub_indicateurs, derived figures and quality report.

Expected values are those of tests/data/livraison (see its README), computed by hand.
"""
import json
import shutil

import duckdb
import pytest

from oress import pipeline
from oress.config import load_spec
from oress.livraison import DeliveryError, normalise, parse_measure
from tests.conftest import DATA, write_spec

TERRITOIRES = """
livraison_insee = "livraison"

[[territoires]]
code = "nord-cotentin"
libelle = "Nord Cotentin"
niveau = "pays"
epci = ["200067205", "200042729"]

[[territoires]]
code = "centre-manche"
libelle = "Centre Manche"
niveau = "pays"
epci = ["200067023", "200067031"]

[[territoires]]
code = "saint-lo"
libelle = "Saint-Lô (absent de la livraison)"
niveau = "pays"
epci = ["200066389"]
"""


def _run(tmp_path):
    shutil.copytree(DATA / "livraison" / "2018", tmp_path / "livraison" / "2018")
    spec = load_spec(write_spec(tmp_path, TERRITOIRES))
    pipeline.reference(spec)
    pipeline.livraison(spec)
    return spec


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    spec = _run(tmp_path_factory.mktemp("livraison"))
    connection = duckdb.connect(str(spec.warehouse), read_only=True)
    yield spec, connection
    connection.close()


def cell(connection, niveau, code, champ, dimension="ensemble", modalite="ensemble"):
    rows = connection.execute("""
        select etablissements, postes, etp, remuneration_brute, secret, approximatif from pub_indicateurs
        where niveau = ? and code = ? and champ = ? and dimension = ? and modalite = ?
    """, [niveau, code, champ, dimension, modalite]).fetchall()
    assert len(rows) <= 1, rows
    return rows[0] if rows else None


def derived(connection, niveau, code, champ, indicateur, mesure="postes"):
    (value,) = connection.execute("""
        select valeur from pub_derives where niveau = ? and code = ? and champ = ? and dimension = 'ensemble'
          and indicateur = ? and mesure = ? and reference is null
    """, [niveau, code, champ, indicateur, mesure]).fetchone()
    return value


def test_region_cells_as_delivered(run):
    _, c = run
    assert cell(c, "region", "28", "ensemble") == (1000, 10000, 9000.5, 300000000.0, "", False)
    assert cell(c, "region", "28", "ess") == (100, 1500, 1300.0, 40000000.0, "", False)
    assert cell(c, "region", "28", "prive_hors_ess") == (800, 6000, 5500.0, 200000000.0, "", False)
    assert cell(c, "region", "28", "association") == (90, 1200, 1000.0, 30000000.0, "", False)


def test_insee_s_is_secret_at_source(run):
    _, c = run
    assert cell(c, "region", "28", "fondation") == (None, None, None, None, "S", False)
    assert cell(c, "departement", "50", "ess", "secteur", "A11") == (None, None, None, None, "S", False)


def test_accentless_detail_label_is_one_cell(run):
    _, c = run
    assert cell(c, "region", "28", "ess", "secteur_b", "AQB02") == (10, 300, 250.0, 6000000.0, "", False)


def test_scientific_notation_is_flagged_and_exact_wins(run):
    _, c = run
    assert cell(c, "france", "FR", "ensemble") == (2302429, 22909638, 21447371.0, 783084444311.0, "", False)
    assert cell(c, "france", "FR", "ess") == (212718, 2320553, 2059266.0, 6.67e10, "", True)


def test_unpadded_departement_is_padded_and_scoped_out(run):
    _, c = run
    (loaded,) = c.execute("select count(*) from liv_cellules where niveau = 'departement' and code = '01'").fetchone()
    assert loaded == 1
    assert cell(c, "departement", "01", "ess") is None
    assert cell(c, "departement", "50", "ess") == (50, 700, 600.0, 20000000.0, "", False)


def test_epci_repeated_per_departement_once(run):
    _, c = run
    assert cell(c, "epci", "200067023", "ensemble") == (150, 1500, 1400.0, 45000000.0, "", False)
    assert cell(c, "epci", "200067031", "ensemble") == (80, 700, 650.0, 20000000.0, "", False)
    (aside,) = c.execute("select motif from liv_cellules where fichier = 'EPCI_T1.csv' and ligne = 5").fetchone()
    assert "1-ASSO+FOND" not in aside and "agrégat associations + fondations" in aside


def test_custom_territory_sums_published_parts(run):
    _, c = run
    assert cell(c, "pays", "nord-cotentin", "ensemble") == (400, 3800, 3550.0, 114000000.0, "", False)
    assert cell(c, "pays", "nord-cotentin", "ess") == (52, 590, 535.0, 17500000.0, "", False)
    # CC Côte Ouest Centre Manche has no 4-ESS line: no ESS establishment there
    assert cell(c, "pays", "centre-manche", "ess") == (20, 150, 140.0, 4000000.0, "", False)
    assert cell(c, "pays", "centre-manche", "ensemble") == (230, 2200, 2050.0, 65000000.0, "", False)


def test_custom_territory_with_a_secret_part_is_secret(run):
    _, c = run
    assert cell(c, "pays", "nord-cotentin", "fondation") == (None, None, None, None, "S", False)


def test_custom_territory_with_an_undelivered_part_is_not_published(run):
    _, c = run
    (rows,) = c.execute("select count(*) from pub_indicateurs where code = 'saint-lo'").fetchone()
    assert rows == 0


def test_derived_figures_only_from_published_cells(run):
    _, c = run
    assert derived(c, "region", "28", "ess", "part_dans_ensemble") == pytest.approx(15.0)
    assert derived(c, "region", "28", "ess", "part_dans_prive") == pytest.approx(20.0)
    assert derived(c, "departement", "50", "ess", "part_dans_prive") == pytest.approx(21.875)
    assert derived(c, "pays", "nord-cotentin", "ess", "part_dans_ensemble") == pytest.approx(100 * 590 / 3800)
    # no derived value uses an S cell
    assert derived(c, "region", "28", "fondation", "part_dans_ess") is None
    assert derived(c, "pays", "nord-cotentin", "fondation", "part_dans_ensemble") is None
    (leaks,) = c.execute("""
        select count(*) from pub_derives d join pub_indicateurs p using (millesime, niveau, code, champ, dimension,
                                                                          modalite)
        where p.secret <> '' and d.valeur is not null and d.indicateur not like 'rang%'
    """).fetchone()
    assert leaks == 0


def test_quality_report(run):
    spec, _ = run
    report = json.loads((spec.reports_for(2018) / "qualite" / "livraison.json").read_text(encoding="utf-8"))
    files = {f["fichier"]: f for f in report["fichiers"]}
    assert (files["EPCI_T1.csv"]["lus"], files["EPCI_T1.csv"]["retenues"], files["EPCI_T1.csv"]["ecartees"]) \
        == (12, 11, 1)
    assert (files["TC13.csv"]["lus"], files["TC13.csv"]["secretes_a_la_source"]) == (12, 2)
    disagreements = [(d["fichier"], d["ligne"], d["mesure"], d["valeur"], d["valeur_retenue"])
                     for d in report["doublons_discordants"]]
    assert disagreements == [("EPCI_T1.csv", 13, "postes", 710.0, 700.0)]
    assert [(a["fichier"], a["ligne"]) for a in report["valeurs_approximatives"]] \
        == [("TC13.csv", 12), ("TC13.csv", 13)]
    assert [t["territoire"] for t in report["territoires_non_publies"]] == ["saint-lo"]
    ingestion = json.loads((spec.reports_for(2018) / "qualite" / "ingestion.json").read_text(encoding="utf-8"))
    assert all(f["lus"] == f["charges"] + f["rejetes"] for f in ingestion["fichiers"])


def test_unknown_label_names_file_column_and_label(tmp_path):
    shutil.copytree(DATA / "livraison" / "2018", tmp_path / "livraison" / "2018")
    with open(tmp_path / "livraison" / "2018" / "TC1.csv", "a", encoding="latin-1") as handle:
        handle.write("50;ESS;Ensemble;TOURISME SPATIAL;Ensemble;1;1;1;1;1\r\n")
    spec = load_spec(write_spec(tmp_path, 'livraison_insee = "livraison"\n'))
    pipeline.reference(spec)
    with pytest.raises(DeliveryError, match=r"TC1\.csv, ligne 10, colonne 'typo_A' : libellé inconnu "
                                            r"'TOURISME SPATIAL'"):
        pipeline.livraison(spec)


def test_measure_parsing_and_label_normalisation():
    assert parse_measure("s", "x") == (None, True, False)
    assert parse_measure("", "x") == (None, True, False)
    assert parse_measure("7,62E+11", "x") == (762e9, False, True)
    assert parse_measure("532.38", "x") == (532.38, False, False)
    with pytest.raises(DeliveryError, match="valeur non numérique 'n.d.'"):
        parse_measure("n.d.", "f.csv, ligne 3, colonne 'eff_31'")
    assert normalise("Aide a domicile") == normalise("Aide à  Domicile")
    assert normalise("AGRICULTURE, SYLVICULTURE ET PECHE (AZ)") == normalise("AGRICULTURE SYLVICULTURE ET PÊCHE (AZ)")
