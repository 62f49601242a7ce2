"""INSEE's BTS 2019 tables (ODS, metadata rows, "code - libellé" modalities) → pub_indicateurs, derived shares,
quality report, panorama job-profile page and chiffres clés.

The ODS files are written at test time by tests/data/livraison_bts/make_fixtures.py; expected values are
computed by hand in tests/data/livraison_bts/README.md.
"""
import json

import duckdb
import pdfplumber
import pytest

from oress import pipeline
from oress.config import load_spec
from oress.livraison import DeliveryError
from tests.conftest import write_spec
from tests.data.livraison_bts import make_fixtures as fixtures

SPEC = """
livraison_insee = "livraison"
panoramas = ["departement"]
"""


def _spec(tmp_path, tables=None):
    fixtures.write_all(tmp_path / "livraison" / "2019", tables)
    spec = load_spec(write_spec(tmp_path, SPEC, millesimes="[2019]"))
    pipeline.reference(spec)
    return spec


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    spec = _spec(tmp_path_factory.mktemp("bts"))
    pipeline.livraison(spec)
    connection = duckdb.connect(str(spec.warehouse), read_only=True)
    yield spec, connection
    connection.close()


def cell(connection, niveau, code, champ, dimension="ensemble", modalite="ensemble"):
    rows = connection.execute("""
        select etablissements, postes, etp, remuneration_brute, secret from pub_indicateurs
        where niveau = ? and code = ? and champ = ? and dimension = ? and modalite = ?
    """, [niveau, code, champ, dimension, modalite]).fetchall()
    assert len(rows) <= 1, rows
    return rows[0] if rows else None


def share(connection, niveau, code, champ, dimension, modalite):
    rows = connection.execute("""
        select valeur from pub_derives where niveau = ? and code = ? and champ = ? and dimension = ?
          and modalite = ? and indicateur = 'repartition' and mesure = 'postes'
    """, [niveau, code, champ, dimension, modalite]).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


def test_metadata_rows_skipped_and_coded_labels_read(run):
    _, c = run
    assert cell(c, "region", "28", "ensemble") == (1000, 10000, 9000.5, 300000000.0, "")
    assert cell(c, "region", "28", "ess") == (100, 1500, 1300.0, 40000000.0, "")
    assert cell(c, "region", "28", "association") == (90, 1200, 1000.0, 30000000.0, "")
    assert cell(c, "france", "FR", "ensemble") == (2162554, 23169478, 21487531.2, 799503602981.0, "")
    # spreadsheet row numbers: 11 metadata rows, header on row 12, first line on row 13
    (line,) = c.execute("select min(ligne) from liv_cellules where fichier = 'Tab_12_2019_Ok.ods'").fetchone()
    assert line == 13


def test_job_profile_cells_and_shares(run):
    _, c = run
    assert cell(c, "region", "28", "ess", "sexe", "2") == (80, 1020, 850.0, 24000000.0, "")
    assert share(c, "region", "28", "ess", "sexe", "2") == pytest.approx(68.0)
    assert share(c, "region", "28", "ess", "age", "<30") == pytest.approx(20.0)
    assert share(c, "region", "28", "ess", "age", "50+") == pytest.approx(30.0)
    assert share(c, "region", "28", "ess", "age", "55+") == pytest.approx(100 * 200 / 1500)
    assert share(c, "region", "28", "ess", "temps_travail", "partiel_autres") == pytest.approx(40.0)
    assert share(c, "region", "28", "ess", "contrat", "CDD") == pytest.approx(20.0)
    assert share(c, "region", "28", "prive_hors_ess", "sexe", "2") == pytest.approx(40.0)
    assert share(c, "departement", "50", "ess", "sexe", "2") == pytest.approx(70.0)
    assert share(c, "departement", "50", "ess", "age", "50+") == pytest.approx(30.0)
    assert share(c, "epci", "200067205", "ess", "sexe", "2") == pytest.approx(65.0)
    assert cell(c, "region", "28", "ess", "secteur_b", "AQB02") == (10, 300, 250.0, 6000000.0, "")


def test_insee_s_stays_secret_and_nested_ages_protect_each_other(run):
    _, c = run
    assert cell(c, "region", "28", "fondation") == (None, None, None, None, "S")
    assert cell(c, "region", "28", "public", "sexe", "2") == (None, None, None, None, "S")
    assert share(c, "region", "28", "public", "sexe", "2") is None
    # privé 50+ is published in Tab_12 and 55+ in Tab_14, but 50-54 is `s`: 50+ − 55+ would reveal it
    for band in ("50+", "50-54", "55+"):
        assert cell(c, "region", "28", "prive_hors_ess", "age", band) == (None, None, None, None, "S")
    (leaks,) = c.execute("""
        select count(*) from liv_cellules l join pub_indicateurs p using (millesime, niveau, code, champ, dimension,
                                                                          modalite)
        where l.motif is null and l.secret <> '' and p.secret = ''""").fetchone()
    assert leaks == 0


def test_lines_outside_the_contract_are_set_aside_with_a_reason(run):
    _, c = run
    aside = dict(c.execute("select fichier || ':' || ligne, motif from liv_cellules where motif is not null")
                 .fetchall())
    assert aside["Tab_12_2019_Ok.ods:22"].startswith("croisement age × sexe")
    assert aside["Tab_13_2019_Ok.ods:19"].startswith("croisement temps_travail × contrat")
    assert aside["Tab_14_2019_Ok.ods:15"].startswith("tranche d'âge fine")
    assert aside["Tab_1_2019_Ok.ods:13"].startswith("total des seuls EPCI du tableau")
    assert len(aside) == 4
    # the "Tous EPCI" total is not France: France comes from Tab_12 / Tab_4
    assert cell(c, "france", "FR", "ensemble")[1] == 23169478


def test_unpadded_departement_and_epci_outside_the_region(run):
    _, c = run
    loaded = c.execute("select niveau, code from liv_cellules where fichier = 'Tab_4_2019_Ok.ods' and ligne = 19"
                       ).fetchone()
    assert loaded == ("departement", "01")
    assert cell(c, "departement", "01", "ess") is None
    assert cell(c, "epci", "200006682", "ess") is None
    (label,) = c.execute("select libelle from liv_cellules where code = '200006682'").fetchone()
    assert label == "CA Beaune, Côte et Sud - Communauté Beaune-Chagny-Nolay"


def test_bts_millesime_is_its_own_series(run):
    _, c = run
    (source,) = c.execute("select source from ref_sources_millesimes where 2019 between cast(millesime_min as "
                          "integer) and cast(millesime_max as integer)").fetchone()
    assert source == "BTS"


def test_quality_report_lists_every_line_and_unread_tables(run):
    spec, _ = run
    report = json.loads((spec.reports_for(2019) / "qualite" / "livraison.json").read_text(encoding="utf-8"))
    files = {f["fichier"]: (f["lus"], f["retenues"], f["ecartees"], f["secretes_a_la_source"])
             for f in report["fichiers"]}
    assert files == {"Tab_12_2019_Ok.ods": (17, 16, 1, 2), "Tab_13_2019_Ok.ods": (9, 8, 1, 0),
                     "Tab_14_2019_Ok.ods": (7, 6, 1, 1), "Tab_4_2019_Ok.ods": (7, 7, 0, 0),
                     "Tab_1_2019_Ok.ods": (5, 4, 1, 0)}
    assert [(f["fichier"], f["motif"][:14]) for f in report["fichiers_non_lus"]] \
        == [("Tab_16_2019_Annexes_Ok.ods", "postes annexes")]
    assert report["doublons_discordants"] == []


def test_panorama_and_chiffres_cles_show_the_bts_profile(run):
    spec, _ = run
    pipeline.keyfigures(spec)
    pipeline.report(spec, territoire="50")
    with pdfplumber.open(spec.reports_for(2019) / "chiffres-cles" / "chiffres-cles_28.pdf") as pdf:
        first = " ".join(pdf.pages[0].extract_text().split())
    assert "Les femmes occupent 68,0 % des postes de l’ESS, contre 40,0 % dans le privé hors ESS." in first
    assert "Les salariés de 50 ans ou plus occupent 30,0 % des postes de l’ESS, dont 13,3 % pour les 55 ans " \
           "ou plus." in first
    with pdfplumber.open(spec.reports_for(2019) / "panoramas" / "panorama_departement_50.pdf") as pdf:
        profile = " ".join(pdf.pages[5].extract_text().split())
    assert "ne donnent pas le temps de travail, le contrat et la catégorie socioprofessionnelle" in profile
    assert "Les femmes occupent 70,0 % des postes de l’ESS." in profile
    assert "50 ans ou plus 30,0 %" in profile
    assert "Cadres" not in profile.split("omises.")[1]
    # Calvados is not in the delivery: no panorama drawn as zeros
    assert not (spec.reports_for(2019) / "panoramas" / "panorama_departement_14.pdf").exists()


def test_unknown_label_names_file_line_column_and_label(tmp_path):
    def with_unknown_sex():
        rows = fixtures.tab_12()
        rows.append([fixtures.NORMANDIE, *fixtures.ESS, fixtures.T_AGE, "3 - Autre", 1, 1, 1, 1])
        return rows
    spec = _spec(tmp_path, {"Tab_12_2019_Ok.ods": with_unknown_sex})
    with pytest.raises(DeliveryError, match=r"Tab_12_2019_Ok\.ods, ligne 30, colonne 'Sexe_' : libellé inconnu "
                                            r"'3 - Autre' \(ajouter sa correspondance dans "
                                            r"data/reference/livraisons_insee/bts_sexes\.csv\)"):
        pipeline.livraison(spec)

