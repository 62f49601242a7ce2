"""Quarterly URSSAF-like data through ingest, transform, secrecy, changes and the note de conjoncture PDF.

Fixture tests/data/trimestres (annual files: tests/data/publish/2017 and tests/data/slice/2018):
- 2018 (';', UTF-8, decimal comma): 11 private establishments × 2018T3/2018T4, quarters written 2018T3,
  2018-T3, T4 2018, 30/09/2018, 2018-12-31; a new association (78000000500015) absent from the annual
  files but with its CJ in the extract; the commune (public law) in 2018T4 → loaded, outside URSSAF's
  private scope; 5 rejects: siret of 13 digits, unknown siret (no CJ anywhere), 2018T5, 2019T1 in the 2018
  folder, effectif -3.
- 2017 (',', Latin-1 header « période », decimal point): 2017T4 of 9 establishments; the mutuelle's line
  doubled → both rejected (the 2017T4 mutuelle cell is empty); a masse salariale « n.c. » → rejected.
Hand-computed, région 28 (= département 50 = pays = France: same establishments), effectif:
  ESS 96 (2017T4), 137 (2018T3), 142 (2018T4); privé hors ESS 61, 61, 63; ensemble privé 157, 198, 205.
  ESS over the quarter (142 − 137) / 137 = +3,65 %; over a year (142 − 96) / 96 = +47,92 %, +46;
  privé hors ESS over a year 2 / 61 = +3,28 %; index ESS 2018T4 base 2017T4 = 147,92;
  ESS share of private employment 142 / 205 = 69,27 %.
URSSAF's public commune × APE file (2018/urssaf_communes.csv, no siret, no CJ): 180 + 120 = 300 private
salariés in 2018T4, the denominator only: ESS share 142 / 300 = 47,33 %.
Secrecy: coopérative (1 enterprise) and mutuelle (1) → A; associations 2017T4 (2 enterprises) → A;
associations 2018 → D (the two one-enterprise cells may not protect each other alone); Saint-Lô privé hors
ESS 2017T4 → B (the supermarket holds 85,9 % of the masse salariale, 84,7 % of the effectif); Coutances
ESS 2018 → D (partner of its one-enterprise privé hors ESS); Saint-Lô ESS 2018 → D (partner of Coutances
in the département = Saint-Lô + Coutances), and its EPCI, made of that one commune, shares its status.
"""
import subprocess

import duckdb
import pytest

from oress import pipeline
from tests.conftest import DATA, PUBLISH_SPEC, place_raw, write_spec


@pytest.fixture(scope="module")
def run(tmp_path_factory, reference_warehouse):
    import shutil

    from oress.config import load_spec

    folder = tmp_path_factory.mktemp("conjoncture")
    place_raw(folder, 2017, DATA / "publish" / "2017" / "etablissements.csv")
    place_raw(folder, 2018, DATA / "slice" / "2018" / "etablissements.csv")
    for year in (2017, 2018):
        place_raw(folder, year, DATA / "trimestres" / str(year) / "trimestres.csv", "trimestres.csv")
    place_raw(folder, 2018, DATA / "trimestres" / "2018" / "urssaf_communes.csv", "urssaf_communes.csv")
    spec = load_spec(write_spec(folder, PUBLISH_SPEC, millesimes="[2017, 2018]"))
    spec.warehouse.parent.mkdir(parents=True)
    shutil.copyfile(reference_warehouse, spec.warehouse)
    for step in (pipeline.reference, pipeline.ingest, pipeline.transform, pipeline.conjoncture):
        step(spec)
    return spec


def query(spec, sql, params=()):
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchall()


def cell(spec, niveau, code, champ, trimestre):
    return query(spec, "select effectif, secret from pub_trimestres where niveau = ? and code = ? and champ = ? "
                       "and trimestre = ?", [niveau, code, champ, trimestre])[0]


def derived(spec, niveau, code, champ, trimestre, indicateur, mesure="effectif"):
    rows = query(spec, "select valeur from pub_trimestres_derives where niveau = ? and code = ? and champ = ? and "
                       "modalite = ? and indicateur = ? and mesure = ?",
                 [niveau, code, champ, trimestre, indicateur, mesure])
    return rows[0][0] if rows else "absent"


def test_every_line_loaded_or_rejected_with_its_reason(run):
    import json

    for year, lus, charges in ((2017, 11, 8), (2018, 28, 23)):
        files = json.loads((run.reports_for(year) / "qualite" / "ingestion.json").read_text())["fichiers"]
        (mine,) = [f for f in files if f["nature"] == "trimestres"]
        assert (mine["lus"], mine["charges"], mine["rejetes"], mine["source"]) == (lus, charges, lus - charges,
                                                                                  "urssaf")
    motifs = dict(query(run, "select ligne, motif from rejets where fichier like '%2018/trimestres.csv'"))
    assert motifs[25].startswith("siret invalide")
    assert "catégorie juridique inconnue" in motifs[26]
    assert motifs[27].startswith("trimestre illisible")
    assert "hors de l'année du dossier 2018" in motifs[28]
    assert motifs[29].startswith("effectif non entier ou négatif")
    motifs = dict(query(run, "select ligne, motif from rejets where fichier like '%2017/trimestres.csv'"))
    assert motifs[10].startswith("siret en double") and motifs[11].startswith("siret en double")
    assert motifs[12].startswith("masse salariale non numérique")
    origins = dict(query(run, "select siret || trimestre, origine_cj from stg_trimestres where motif is null"))
    assert origins["780000005000152018T4"] == "extrait"
    assert origins["775672272000112017T4"] == "etablissements 2017"


@pytest.mark.parametrize("niveau,code", [("region", "28"), ("departement", "50"), ("pays", "centre-test"),
                                         ("france", "FR")])
def test_region_level_figures_and_changes(run, niveau, code):
    # 2017T4: the privé hors ESS of the région (61) would bound Saint-Lô's dominated privé hors ESS
    # (59, B) to 61 − Coutances' 2 posts; the audit hides it, and the ESS with it (157 = ESS + privé)
    assert [cell(run, niveau, code, "ess", t) for t in ("2017T4", "2018T3", "2018T4")] == \
        [(None, "D"), (137, ""), (142, "")]
    assert [cell(run, niveau, code, "prive_hors_ess", t) for t in ("2017T4", "2018T3", "2018T4")] == \
        [(None, "D"), (61, ""), (63, "")]
    assert cell(run, niveau, code, "ensemble_prive", "2017T4") == (157, "")
    assert cell(run, niveau, code, "ensemble_prive", "2018T4") == (205, "")   # the commune's 100 are out of scope
    assert derived(run, niveau, code, "ess", "2018T4", "variation_trimestrielle_pct") == pytest.approx(500 / 137)
    assert derived(run, niveau, code, "prive_hors_ess", "2018T4", "variation_trimestrielle_pct") == \
        pytest.approx(200 / 61)
    for indicateur in ("glissement_annuel_pct", "glissement_annuel_absolue", "indice_base100"):
        assert derived(run, niveau, code, "ess", "2018T4", indicateur) is None      # rests on 2017T4
    assert derived(run, niveau, code, "ensemble_prive", "2018T4", "glissement_annuel_pct") == \
        pytest.approx(4800 / 157)
    assert derived(run, niveau, code, "ess", "2018T4", "part_dans_prive") == pytest.approx(14200 / 205)
    assert derived(run, niveau, code, "ensemble_prive", "2018T4", "variation_trimestrielle_pct") == \
        pytest.approx(700 / 198)


def test_urssaf_commune_ape_file_is_only_a_denominator(run):
    assert derived(run, "region", "28", "ess", "2018T4", "part_dans_prive_urssaf") == pytest.approx(14200 / 300)
    assert derived(run, "region", "28", "ess", "2018T3", "part_dans_prive_urssaf") == "absent"
    assert cell(run, "region", "28", "ensemble_prive", "2018T4")[0] == 205     # never mixed into the cells
    assert query(run, "select effectif_prive from mart_trimestres_prive_urssaf where niveau = 'commune' "
                      "and code = '50502'") == [(180,)]


def test_demo_quarters_match_the_annual_file_within_the_private_scope(tmp_path):
    import pandas as pd

    from oress.demo import quarterly

    annual = tmp_path / "etablissements.csv"
    annual.write_text("siret;cj;apet;postes;remuneration_brute\n"
                      "77567227200011;9220;8810A;40;900000\n"       # association: kept
                      "44000000100014;5710;5610A;10;200000\n"       # restaurant SAS: kept, summer peak
                      "20000000100016;7210;8411Z;100;3000000\n"     # commune: public, out of URSSAF's scope
                      "4400000040001;5710;4711D;5;1\n", encoding="utf-8")   # broken siret: rejected annually
    frame = quarterly._annual(annual)
    assert list(frame["siret"]) == ["77567227200011", "44000000100014"]
    rows = quarterly.quarters(frame, pd.Series({"77567227200011": 36, "44000000100014": 10}), 2018,
                             __import__("numpy").random.default_rng(1))
    q4 = rows[rows["trimestre"] == "2018T4"].set_index("siret")["effectif"]
    assert q4.to_dict() == {"77567227200011": 40, "44000000100014": 10}
    assert rows.groupby("siret")["masse_salariale"].sum().round(2).to_dict() == {"44000000100014": 200000.0,
                                                                                  "77567227200011": 900000.0}
    restaurant = rows[rows["siret"] == "44000000100014"].set_index("trimestre")["effectif"]
    assert restaurant["2018T3"] > restaurant["2018T4"]        # the summer peak of accommodation and food


def test_commune_and_epci_changes(run):
    # Saint-Lô: ensemble privé 115 → 132 → 138 (commune and its EPCI, the only commune with data);
    # 2017T4 is hidden with Coutances' (42): published, 42 would bound Coutances' ESS (40, A) to 42
    for niveau, code in (("commune", "50502"), ("epci", "200066389")):
        assert [cell(run, niveau, code, "ensemble_prive", t) for t in ("2017T4", "2018T3", "2018T4")] == \
            [(None, "D"), (132, ""), (138, "")]
        assert derived(run, niveau, code, "ensemble_prive", "2018T4", "glissement_annuel_pct") is None
        assert derived(run, niveau, code, "ensemble_prive", "2018T4", "variation_trimestrielle_pct") == \
            pytest.approx(600 / 132)
    # Coutances: 42 (hidden) → 66 → 67
    assert cell(run, "commune", "50147", "ensemble_prive", "2017T4") == (None, "D")
    assert derived(run, "commune", "50147", "ensemble_prive", "2018T4", "glissement_annuel_pct") is None
    assert derived(run, "commune", "50147", "ensemble_prive", "2018T4", "variation_trimestrielle_pct") == \
        pytest.approx(100 / 66)


def test_accounting_and_secrecy_checks_pass_on_real_cells(run):
    from oress.warehouse import run_checks

    with duckdb.connect(str(run.warehouse), read_only=True) as connection:
        assert run_checks(connection)["chk_trimestres_identites"] == 0
        assert run_checks(connection, folder="checks/conjoncture") == {
            "chk_trimestres_derives_publies": 0, "chk_trimestres_secret_primaire": 0}
        # 2 communes, 2 EPCI, département, région, France, pays × 7 champs × 3 quarters
        assert connection.execute("select count(*) from mart_trimestres").fetchone()[0] == 8 * 7 * 3


def test_secrecy_primary_and_secondary(run):
    assert cell(run, "region", "28", "cooperative", "2018T4") == (None, "A")
    assert cell(run, "region", "28", "mutuelle", "2018T4") == (None, "A")
    assert cell(run, "region", "28", "mutuelle", "2017T4") == (0, "")          # empty: never secret
    assert cell(run, "region", "28", "association", "2017T4") == (None, "A")
    assert cell(run, "region", "28", "association", "2018T4") == (None, "D")   # singletons never alone
    assert cell(run, "commune", "50502", "prive_hors_ess", "2017T4") == (None, "B")
    assert cell(run, "commune", "50147", "ess", "2018T4") == (None, "D")
    assert cell(run, "commune", "50502", "ess", "2018T4") == (None, "D")
    assert cell(run, "epci", "200066389", "ess", "2018T4") == (None, "D")
    # no change rests on a secret cell
    assert derived(run, "commune", "50502", "ess", "2018T4", "glissement_annuel_pct") is None
    assert derived(run, "region", "28", "association", "2018T4", "variation_trimestrielle_pct") is None
    # every equation holding a hidden cell holds at least two (champ trees)
    lonely = query(run, """
        select t.niveau, t.code, t.trimestre from pub_trimestres t
        join pub_trimestres e using (niveau, code, trimestre) join pub_trimestres p using (niveau, code, trimestre)
        where t.champ = 'ensemble_prive' and e.champ = 'ess' and p.champ = 'prive_hors_ess'
          and (t.secret <> '')::int + (e.secret <> '')::int + (p.secret <> '')::int = 1""")
    assert lonely == []


def test_note_de_conjoncture_read_back(run):
    folder = run.reports_for(2018) / "conjoncture"
    path = folder / "note-conjoncture_region_28.pdf"
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())
    assert "comptent 142 salariés en fin de trimestre, soit 69,3 % de l’emploi salarié privé" in flat
    # the ESS of 2017T4 is secret (D): no change over a year, « s » on its card, and the quarter's
    # sentence names its subject
    assert "Sur un an" not in flat and "142 s +3,6 % 69,3 %" in flat       # the cards: year change secret
    assert "Sur le seul trimestre, l’emploi de l’ESS progresse (+3,6 %)" in flat
    import pypdf

    raw = "".join(page.extract_text() for page in pypdf.PdfReader(path).pages)   # keeps no-break spaces
    assert "+3,6\u00a0%" in raw and "69,3\u00a0%" in raw and " %" not in raw
    assert "Coopératives 30 s" not in flat and "Coopératives s s s s s s" in flat
    assert "apprentis" in flat and "MSA" in flat
    # the secrecy paragraph and the legend of the annual publications (templates/_methode.html.j2)
    from oress.publish.publication_notes import secret_rules
    from tests.test_publish_method import normalised, said, shared

    texte, read = shared(), normalised(raw)
    rules = texte.secret(secret_rules(run, True), "territoire × champ × trimestre", "effectif ou masse salariale")
    assert said(rules) in read
    assert said(texte.legende("trimestre de comparaison absent de la série")) in read
    assert (folder / "note-conjoncture_pays_centre-test.pdf").is_file()
    assert (folder / "indicateurs_trimestriels.parquet").is_file()


def test_quarterly_cells_pass_the_shared_engine_audit(run):
    """pub_trimestres re-audited by oress.secrecy with the quarterly measures: every primary interval wide
    enough. Saint-Lô's privé hors ESS 2017T4 (B, 59 salariés: the région's 61 less Coutances' entrepreneur's
    2): its ensemble privé (D) and ESS (A) are hidden too, so the attacker cannot pin it within ± 10 %."""
    from oress.classifications import read_tree
    from oress.config import SecretRules
    from oress.secrecy import QUARTERLY, audit, build_equations
    from oress.trimestres import QUARTERLY_TREE

    with duckdb.connect(str(run.warehouse), read_only=True) as connection:
        true = connection.execute("select * from mart_trimestres").df()
        published = connection.execute("select * from pub_trimestres").df()
        membership = connection.execute("select niveau, code, depcom from ref_territoire_commune").df()
        parts = read_tree(connection, QUARTERLY_TREE).parts()
    quarters = true[["dimension", "modalite"]].drop_duplicates().assign(parent=None)
    equations = build_equations(true, membership, quarters, measures=QUARTERLY, champ_parts=parts)
    result = audit(published, true, equations, SecretRules())
    assert result.passed and set(result.intervals["measure"]) == set(QUARTERLY.names)
    supermarket = result.intervals.query("niveau == 'commune' and code == '50502' and champ == 'prive_hors_ess' "
                                         "and modalite == '2017T4' and measure == 'effectif'").iloc[0]
    assert supermarket["secret"] == "B" and supermarket["value"] == 59
    assert supermarket["lower"] <= 53.1 and supermarket["upper"] >= 64.9
