"""The thin slice end to end on hand-written fixtures, through the real steps and a real DuckDB file."""
import json

import duckdb
import pandas as pd
import pdfplumber
import pytest

from oress import pipeline
from oress.config import load_spec
from tests.conftest import DATA, place_raw, write_spec

PAYS = """
[[territoires]]
code = "centre-test"
libelle = "Centre Manche d'essai"
niveau = "pays"
epci = ["200066389", "200067023"]

[[territoires]]
code = "coutances-seule"
libelle = "Coutances seule"
niveau = "pays"
epci = ["200066389", "200067023"]
sauf_communes = ["50502"]

[publication]
taille = []      # see tests/conftest.py::PUBLISH_SPEC
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("slice")
    place_raw(folder, 2018, DATA / "slice" / "2018" / "etablissements.csv")
    spec = load_spec(write_spec(folder, PAYS))
    pipeline.build(spec)
    return spec


def cells(spec, niveau, code, dimension="ensemble", modalite="ensemble"):
    frame = pd.read_parquet(spec.reports_for(2018) / "chiffres-cles" / "indicateurs.parquet")
    frame = frame[(frame["niveau"] == niveau) & (frame["code"] == code) & (frame["dimension"] == dimension)
                  & (frame["modalite"] == modalite)]
    return {row.champ: row for row in frame.itertuples()}


def values(row):
    return (row.etablissements, row.postes, row.etp, row.remuneration_brute, row.secret)


def test_every_line_is_loaded_or_rejected(built):
    report = json.loads((built.reports_for(2018) / "qualite" / "ingestion.json").read_text())
    assert [(f["lus"], f["charges"], f["rejetes"]) for f in report["fichiers"]] == [(12, 11, 1)]
    with duckdb.connect(str(built.warehouse), read_only=True) as connection:
        assert connection.execute("select ligne, motif from rejets").fetchall() == [
            (13, "siret invalide : 4400000040001 (14 chiffres attendus)")]
        # the former code 50459 was mapped to Saint-Lô, the dotted APE normalised
        assert connection.execute("select depcom, apet from int_etablissements "
                                  "where siret in ('78000000300017', '78000000100012') order by siret").fetchall() == [
            ("50502", "8891A"), ("50502", "9491Z")]


def test_pays_cells_match_hand_computed_totals(built):
    got = cells(built, "pays", "centre-test")
    assert values(got["ess"]) == (6, 137, 119.5, 3_970_000, "")
    assert values(got["hors_ess"]) == (5, 163, 151.0, 4_590_000, "")
    assert values(got["ensemble"]) == (11, 300, 270.5, 8_560_000, "")
    assert values(got["fondation"]) == (0, 0, 0.0, 0.0, "")            # a true zero is published
    for champ in ("cooperative", "mutuelle", "public"):                  # one enterprise each → frequency rule
        assert got[champ].secret == "A" and pd.isna(got[champ].postes) and pd.isna(got[champ].etablissements)
    # singleton rule: with the associations (82) published, the coopérative would read the mutuelle's
    # 25 posts as 137 − 82 − 30; public alone in hors ESS = public + privé hors ESS hides the latter
    assert got["association"].secret == "D" and pd.isna(got["association"].postes)
    assert got["prive_hors_ess"].secret == "D" and pd.isna(got["prive_hors_ess"].postes)


def test_exclusion_and_other_levels(built):
    coutances = cells(built, "pays", "coutances-seule")
    assert values(coutances["ensemble"]) == (4, 67, 62.5, 2_360_000, "")
    assert coutances["association"].secret == "A" and coutances["prive_hors_ess"].secret == "A"
    # hors ESS is the entrepreneur alone (A): a published ESS (65) would give his 2 posts as 67 − 65
    assert coutances["hors_ess"].secret == "A" and coutances["ess"].secret == "D"
    assert values(coutances["public"]) == (0, 0, 0.0, 0.0, "")
    # the commune, EPCI, département, région and France levels see the same data
    assert values(cells(built, "epci", "200067023")["ensemble"]) == (4, 67, 62.5, 2_360_000, "")
    for niveau, code in (("departement", "50"), ("region", "28"), ("france", "FR")):
        assert values(cells(built, niveau, code)["ensemble"]) == (11, 300, 270.5, 8_560_000, "")
    assert values(cells(built, "commune", "50502")["ensemble"]) == (7, 233, 208.0, 6_200_000, "")


def test_dominance_rule(built):
    # Saint-Lô Agglo, public: the commune alone → A; ensemble: 7 establishments, the commune holds
    # 100 of 233 postes (43 %): published. In Coutances the bank holds 30 of 65 ESS postes: published.
    saint_lo = cells(built, "epci", "200066389")
    assert saint_lo["public"].secret == "A" and saint_lo["ensemble"].secret == ""


def test_csv_and_xlsx_carry_the_same_cells(built):
    out = built.reports_for(2018) / "chiffres-cles"
    parquet = pd.read_parquet(out / "indicateurs.parquet")
    raw = (out / "indicateurs.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    csv = pd.read_csv(out / "indicateurs.csv", sep=";", decimal=",", dtype={"code": str}, keep_default_na=False,
                      na_values=[""])
    assert len(csv) == len(parquet) and "270,5" in raw.decode("utf-8-sig")
    sheets = pd.read_excel(out / "chiffres-cles.xlsx", sheet_name=None, dtype={"Code": str}, engine="openpyxl")
    themes = [frame for name, frame in sheets.items() if "Code champ" in frame.columns]
    assert sum(len(frame) for frame in themes) == len(parquet)       # every published row, sheet by theme
    key = sheets["Chiffres clés"]
    region_ess = key[(key["Niveau"] == "region") & (key["Code champ"] == "ess")]
    assert region_ess["Postes au 31/12"].tolist() == [137]
    assert region_ess["Champ"].tolist() == ["Économie sociale et solidaire"]


def test_panorama_pdf_shows_the_published_figures(built):
    pdf = built.reports_for(2018) / "panoramas" / "panorama_pays_centre-test.pdf"
    with pdfplumber.open(pdf) as document:
        text = " ".join(page.extract_text() for page in document.pages)
    text = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    assert "Centre Manche d'essai" in text or "Centre Manche d’essai" in text
    assert "Économie sociale et solidaire 6 137 120 4,0 M€" in text    # ESS row: 119,5 ETP rounds to 120
    assert "Ensemble 11 300 271 8,6 M€" in text
    assert "représente 45,7 % de l’emploi salarié du territoire" in text   # 137 / 300
    assert "Dans l’emploi privé" not in text           # privé hors ESS is secret (D): no private share
    assert "Coopératives s s s s" in text


def test_secret_share_is_never_the_basis_of_a_sentence(built):
    pdf = built.reports_for(2018) / "panoramas" / "panorama_pays_coutances-seule.pdf"
    with pdfplumber.open(pdf) as document:
        text = " ".join(" ".join(page.extract_text().split()) for page in document.pages)
    assert "97,0" not in text                  # 65 / 67 would give the entrepreneur's 2 posts: ESS is secret
    assert "L’ESS représente" not in text and "Dans l’emploi privé" not in text
    assert "Économie sociale et solidaire s s s s" in text


def test_rendering_twice_is_byte_identical(built):
    pdf = built.reports_for(2018) / "panoramas" / "panorama_pays_centre-test.pdf"
    first = pdf.read_bytes()
    pipeline.report(built, territoire="centre-test")
    assert pdf.read_bytes() == first


def test_a_size_breakdown_of_eleven_establishments_hides_the_totals(tmp_path):
    """With taille published, hors ESS 50-249 (the commune 100 + the supermarché 50, A) has one partner
    besides its total, 0-9 (13 posts), too small to move it by 10 %: hors ESS must be hidden, so the ESS
    or the ensemble total with it — the global model sees what table-by-table protection would miss."""
    place_raw(tmp_path, 2018, DATA / "slice" / "2018" / "etablissements.csv")
    spec = load_spec(write_spec(tmp_path, PAYS.split("[publication]")[0]))
    for step in (pipeline.reference, pipeline.ingest, pipeline.transform, pipeline.protect):
        step(spec)
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        secret = dict(connection.execute(
            "select champ || ' ' || modalite, secret from pub_indicateurs where code = 'centre-test' and "
            "dimension in ('ensemble', 'taille') and champ in ('ess', 'hors_ess', 'ensemble')").fetchall())
    assert secret["hors_ess 50-249"] == "A" and secret["hors_ess ensemble"] == "D"
    assert "D" in (secret["ess ensemble"], secret["ensemble ensemble"])
