"""One bad line of each kind, in both files: exactly those lines in `rejets`, each with its own readable reason,
and lus = charges + rejetes per file. Implausible but possible values are loaded (GX flags them as warnings)."""
import json

import duckdb
import pytest

from oress import pipeline
from tests.conftest import DATA, prepared_run

ETABLISSEMENTS = {  # physical line of tests/data/defauts/etablissements.csv → reason
    4: "siret invalide : 7800000030001 (14 chiffres attendus)",
    5: "siren 780000009 différent des 9 premiers chiffres du siret",
    6: "commune inconnue du COG de référence : 99999",
    7: "code APE inconnu de la NAF rév. 2 : 9999Z",
    8: "catégorie juridique invalide : 92A0",
    9: "postes non entier ou négatif : -1",
    10: "etp non numérique ou négatif : un",
    11: "rémunération brute non numérique ou négative : -500",
    12: "ess_sirene hors de O, N ou vide : X",
    13: "siret en double dans le millésime (2 lignes, aucune retenue)",
    14: "siret en double dans le millésime (2 lignes, aucune retenue)",
    15: "ligne mal formée : Expected Number of Columns: 10 Found: 3",
}
POSTES = {  # physical line of tests/data/defauts/postes.csv → reason
    4: "siret absent des établissements chargés du millésime : 99999999999999",
    5: "sexe hors de 1 (homme) ou 2 (femme) : 3",
    6: "âge hors de 14 à 80 ans : 12",
    7: "âge non numérique : quarante",
    8: "contrat hors de la liste CDI, CDD, APP, INT, AUT : CDX",
    9: "present_3112 hors de 0 ou 1 : 2",
    10: "etp non numérique ou négatif : -0,5",
    11: "rémunération brute non numérique ou négative : n/a",
    12: "ligne mal formée : Expected Number of Columns: 9 Found: 10",
}


@pytest.fixture(scope="module")
def defects(tmp_path_factory, reference_warehouse):
    spec = prepared_run(tmp_path_factory.mktemp("defauts"), reference_warehouse,
                        {"etablissements.csv": DATA / "defauts" / "etablissements.csv",
                         "postes.csv": DATA / "defauts" / "postes.csv"})
    pipeline.ingest(spec)
    return spec


def rejected(spec, name):
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        return dict(connection.execute("select ligne, motif from rejets where fichier like ? order by ligne",
                                       [f"%/{name}"]).fetchall())


def test_each_bad_establishment_line_has_its_reason(defects):
    assert rejected(defects, "etablissements.csv") == ETABLISSEMENTS


def test_each_bad_job_line_has_its_reason(defects):
    assert rejected(defects, "postes.csv") == POSTES


def test_every_line_is_accounted_for(defects):
    report = json.loads((defects.reports_for(2018) / "qualite" / "ingestion.json").read_text(encoding="utf-8"))
    counts = {f["nature"]: (f["lus"], f["charges"], f["rejetes"]) for f in report["fichiers"]}
    assert counts == {"etablissements": (16, 4, 12), "postes": (12, 3, 9)}
    assert all(f["lus"] == f["charges"] + f["rejetes"] for f in report["fichiers"])


def test_implausible_values_are_loaded_not_rejected(defects):
    with duckdb.connect(str(defects.warehouse), read_only=True) as connection:
        assert connection.execute("select ligne, etp, remuneration_brute from stg_etablissements "
                                  "where motif is null and ligne > 15 order by ligne").fetchall() == [
            (16, 9.0, 270000.0), (17, 2.0, 900.0)]
        # an unlisted working-time code is kept as read and counted as "autres" downstream
        assert connection.execute("select ligne, temps_travail, present_3112, remuneration_brute from stg_postes "
                                  "where motif is null order by ligne").fetchall() == [
            (2, "C", 1, 25000.0), (3, "P", 1, 10000.0), (13, "X", 0, 26234.5)]


def test_rerunning_the_same_inputs_gives_the_same_content(defects):
    tables = ("raw_etablissements", "raw_postes", "raw_fichiers", "stg_etablissements", "stg_postes", "rejets")

    def content():
        with duckdb.connect(str(defects.warehouse), read_only=True) as connection:
            return {t: connection.execute(f"select * from {t} order by all").fetchall() for t in tables}

    before = content()
    pipeline.ingest(defects)
    assert content() == before
