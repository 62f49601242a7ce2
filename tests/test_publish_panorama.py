"""The panorama PDF read back: page count, key figures equal to the published cells, secrecy, map,
evolution, job-profile fallback, reproducibility.

Run (tests/conftest.py::publish_run): the slice's 2018 establishments (tests/data/slice) and a hand-written
2017 of the same establishments (tests/data/publish/2017: no crèche yet, 4 fewer home-help posts, 2 fewer
electricians).
The pays covers both EPCI, so it holds every establishment:
- 2018: ESS 6 establishments, 137 posts (associations 82, coopérative 30, mutuelle 25), privé hors ESS
  63, public 100, total 300; the coopérative, the mutuelle and the public sector are one enterprise
  each → secret A. ESS share 137 / 300 = 45,7 %, of private employment 137 / 200 = 68,5 %.
- 2017: ESS 121 posts (associations 66 from 2 enterprises → secret A), privé hors ESS 61, total 282.
  ESS change +16 posts, 16 / 121 = +13,2 %; privé hors ESS +2, 2 / 61 = +3,3 %.
"""
import re
import shutil
from dataclasses import replace
from functools import cache

import duckdb
import pdfplumber
import pypdf
import pytest

from oress import pipeline
from oress.publish import formatting as fmt
from oress.publish import maps, panorama, report
from oress.warehouse import models, run_models

# one page per section, in this order (the page count test guards it)
PAGES = {"1 Chiffres clés": 1, "2 Les familles de l’ESS": 2, "3 Secteurs d’activité": 3,
         "4 Taille des établissements": 4, "5 Profil des salariés": 5, "6 L’ESS dans les communes": 6,
         "7 Communes et intercommunalités": 7, "8 Évolution": 8, "9 Méthode et définitions": 9}


@pytest.fixture(scope="module")
def built(publish_run):
    return publish_run

def pdf_path(spec, millesime=2018, niveau="pays", code="centre-test"):
    return spec.reports_for(millesime) / "panoramas" / f"panorama_{niveau}_{code}.pdf"


def normalised(text: str) -> str:
    """pdfplumber gives U+202F and U+00A0 as they are or as spaces: compare on single plain spaces."""
    return " ".join(text.replace(fmt.NNBSP, " ").replace(fmt.NBSP, " ").split())


@cache
def page_text(path, index: int, modified: float) -> str:
    """One page's text (pdfplumber parses a page only when asked: vector maps make it slow)."""
    with pdfplumber.open(path) as document:
        return normalised(document.pages[index].extract_text() or "")


def section(path, title: str) -> str:
    """The text of the page of section `title`, checking that the page is headed by it."""
    text = page_text(path, PAGES[title], path.stat().st_mtime)
    assert title in text[:200], f"{path.name}: page {PAGES[title] + 1} is not « {title} »"
    return text


def published(spec, sql: str, params=()):
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchall()


def cell(spec, champ, measure, millesime=2018, code="centre-test", dimension="ensemble", modalite="ensemble"):
    (value,) = published(spec, f"select {measure} from pub_indicateurs where millesime = ? and code = ? and "
                               "champ = ? and dimension = ? and modalite = ?",
                         [millesime, code, champ, dimension, modalite])[0]
    return value


def derived(spec, indicateur, champ="ess", reference=None, millesime=2018, code="centre-test", column="valeur"):
    rows = published(spec, f"select {column} from pub_derives where millesime = ? and code = ? and champ = ? "
                           "and dimension = 'ensemble' and indicateur = ? and mesure = 'postes' "
                           "and reference is not distinct from ?", [millesime, code, champ, indicateur, reference])
    (value,) = rows[0]
    return value


def test_page_count_metadata_and_tags(built):
    path = pdf_path(built)
    reader = pypdf.PdfReader(path)
    assert 6 <= len(reader.pages) <= 10
    assert reader.metadata.title == "L’économie sociale et solidaire — Centre Manche d'essai — 2018"
    assert reader.metadata.author == "Observatoire d'essai de l'ESS"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "fr" and root["/MarkInfo"]["/Marked"]      # tagged PDF (PDF/UA-1)
    assert "/StructTreeRoot" in root


def test_key_figures_are_the_published_values(built):
    text = section(pdf_path(built), "1 Chiffres clés")
    cards = [fmt.entier(cell(built, "ess", "etablissements")), fmt.entier(cell(built, "ess", "postes")),
             fmt.entier(cell(built, "ess", "etp")), fmt.millions_euros(cell(built, "ess", "remuneration_brute"))]
    assert normalised(" ".join(cards)) in text or all(normalised(c) in text for c in cards)
    assert "6 établissements employeurs" in text and "137 postes salariés" in text        # hand-computed
    share = derived(built, "part_dans_ensemble")
    refs = {ref: derived(built, "ecart_part_dans_ensemble", reference=ref, column="valeur_reference")
            for ref in ("departement 50", "region 28", "france (référence nationale FLORES)")}
    expected = (f"L’ESS représente {fmt.pourcent(share)} de l’emploi salarié du territoire, contre "
                f"{fmt.pourcent(refs['departement 50'])} en moyenne départementale (Manche), "
                f"{fmt.pourcent(refs['region 28'])} en moyenne régionale (Normandie) et "
                f"{fmt.pourcent(refs['france (référence nationale FLORES)'])} en France.")
    assert normalised(expected) in text
    assert "représente 45,7 % de l’emploi salarié" in text                              # 137 / 300
    # privé hors ESS is secret (D: the public sector alone in hors ESS): no share of private employment
    assert derived(built, "part_dans_prive") is None and "Dans l’emploi privé" not in text
    gap = derived(built, "ecart_part_dans_ensemble", reference="france (référence nationale FLORES)")
    assert normalised(fmt.ecart(gap)) in text                                             # gap column, points
    rank, peers = published(built, "select valeur, valeur_reference from pub_derives where millesime = 2018 and "
                                   "code = 'centre-test' and champ = 'ess' and indicateur = 'rang_part_dans_ensemble' "
                                   "and mesure = 'postes'")[0]
    assert (rank, peers) == (1, 1)              # a single pays in the spec: no ranking sentence
    assert "rang" not in text.split("Poids de l’ESS")[0]


def test_secret_cells_show_s_and_hidden_values_appear_nowhere(built):
    families = section(pdf_path(built), "2 Les familles de l’ESS")
    assert "Coopératives s s s s s" in families and "Mutuelles s s s s s" in families
    assert "Public s s s s s" in families
    # singleton rule: the associations (82 / 137 = 59,9 %) are hidden, else the coopérative would
    # read the mutuelle's posts: no family is published, so no sentence on families
    assert "Associations s s s s s" in families
    assert "concentrent" not in families and "regroupent" not in families
    hidden = hidden_strings(built)
    # published figures, and the numbers of the map's legend (class bounds, threshold), are not data
    visible = visible_strings(built) | {fmt.decimal(b, 0) for b in maps.BREAKS + (panorama.MAP_THRESHOLD,)}
    checked = hidden - visible          # a hidden value equal to a published one cannot be told apart
    assert {"30", "100", "21,9 %", "8,3 %", "33,3 %", "59,9 %"} <= checked   # coop., mutuelle, public, assoc.
    with pdfplumber.open(pdf_path(built)) as document:
        whole = normalised(" ".join(page.extract_text() or "" for page in document.pages))
    whole = re.sub(r"Les \d+ communes les plus peuplées", "", whole)      # a count of communes, not data
    for value in sorted(checked):
        assert not re.search(rf"(?<![\d,]){re.escape(value)}(?![\d,])", whole), value


def hidden_strings(spec) -> set[str]:
    """Every figure of the pays' secret 2018 cells, and their shares, formatted as the PDF would."""
    rows = published(spec, """
        select m.champ, m.etablissements, m.postes, m.etp, m.remuneration_brute, e.postes, s.postes
        from mart_cellules m
        join mart_cellules e on (e.millesime, e.niveau, e.code, e.dimension, e.modalite, e.champ)
                              = (m.millesime, m.niveau, m.code, m.dimension, m.modalite, 'ensemble')
        join mart_cellules s on (s.millesime, s.niveau, s.code, s.dimension, s.modalite, s.champ)
                              = (m.millesime, m.niveau, m.code, m.dimension, m.modalite, 'ess')
        join pub_indicateurs p on (p.millesime, p.niveau, p.code, p.champ, p.dimension, p.modalite)
                                = (m.millesime, m.niveau, m.code, m.champ, m.dimension, m.modalite)
        where m.millesime = 2018 and m.code = 'centre-test' and m.dimension = 'ensemble' and p.secret <> ''""")
    assert {r[0] for r in rows} == {"association", "cooperative", "mutuelle", "public", "prive_hors_ess"}
    out = set()
    for champ, _etablissements, postes, etp, remuneration, total, ess in rows:
        out |= {fmt.entier(postes), fmt.entier(etp), fmt.millions_euros(remuneration),
                fmt.pourcentage(postes / total)}
        if champ not in ("public", "prive_hors_ess"):
            out.add(fmt.pourcentage(postes / ess))
    return {normalised(v) for v in out}


def visible_strings(spec) -> set[str]:
    """Every published figure the pays' panorama may print: cells and derived figures of the pays, of its
    communes and EPCI, and of the région (sector weights), formatted by unit."""
    shown = """(niveau, code) in (select niveau, code from ref_territoire_commune where depcom in
                   (select depcom from ref_territoire_commune where code = 'centre-test')
                   and niveau in ('commune', 'epci', 'region'))
               or code = 'centre-test'"""
    cells = published(spec, "select etablissements, postes, etp, remuneration_brute from pub_indicateurs "
                            f"where secret = '' and ({shown})")
    values = published(spec, "select valeur, valeur_reference, unite, indicateur, mesure from pub_derives "
                             f"where ({shown})")
    formatter = {"%": fmt.pourcent, "% par an": fmt.pourcent, "points": fmt.ecart, "nombre": fmt.entier_signe,
                 "rang": fmt.entier, "€ par ETP": fmt.euros}
    out = set()
    for etablissements, postes, etp, remuneration in cells:
        out |= {fmt.entier(etablissements), fmt.entier(postes), fmt.entier(etp), fmt.millions_euros(remuneration)}
    for value, reference, unit, indicateur, mesure in values:
        if value is not None:
            out |= {formatter[unit](value), fmt.pourcent(abs(value)) if unit.startswith("%") else ""}
        if reference is None:
            continue
        if indicateur.startswith("ecart"):                       # the reference territory's share
            out.add(fmt.pourcent(reference))
        elif indicateur.startswith("rang"):                      # the number of peers
            out.add(fmt.entier(reference))
        else:                                                    # the previous millésime's value
            out.add(fmt.millions_euros(reference) if mesure == "remuneration_brute" else fmt.entier(reference))
    return {normalised(v) for v in out}


def test_map_page_has_a_map_with_its_alternative_text(built):
    path = pdf_path(built)
    text = section(path, "6 L’ESS dans les communes")
    with pdfplumber.open(path) as document:
        page = document.pages[PAGES["6 L’ESS dans les communes"]]
        assert len(page.curves) + len(page.rects) + len(page.lines) > 50     # the SVG map, drawn as vectors
    # neither commune publishes its ESS: Saint-Lô's ESS is its associations (singleton rule above),
    # Coutances' hors ESS is one entrepreneur (A) — both are hatched, and no sentence counts them
    assert "Les communes hachurées sont couvertes par le secret statistique" in text
    assert "dont la part est publiée" not in text
    assert "Fond de carte : IGN Admin Express" in text
    alts = []
    collect_alt_texts(pypdf.PdfReader(path).trailer["/Root"]["/StructTreeRoot"], alts, set())
    assert any(alt.startswith("Carte des communes du territoire") for alt in alts)
    assert any(alt.startswith("Graphique en barres") for alt in alts)


def collect_alt_texts(node, out: list, seen: set) -> None:
    node = node.get_object() if hasattr(node, "get_object") else node
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, dict):
        if "/Alt" in node:
            out.append(str(node["/Alt"]))
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
            collect_alt_texts(kid, out, seen)


def test_evolution_since_the_previous_millesime(built):
    text = section(pdf_path(built), "8 Évolution")
    change = derived(built, "evolution_pct", reference="millesime 2017")
    absolute = derived(built, "evolution_absolue", reference="millesime 2017")
    private = derived(built, "evolution_pct", champ="prive_hors_ess", reference="millesime 2017")
    expected = (f"Entre 2017 et 2018, l’emploi salarié de l’ESS a progressé de {fmt.pourcent(change)} "
                f"({fmt.entier_signe(absolute)} postes).")
    assert normalised(expected) in text
    assert "a progressé de 13,2 % (+16 postes)." in text        # by hand: 137 − 121 = 16, 16 / 121
    assert private is None                                        # privé hors ESS secret both years: no comparison
    assert "Associations s s s s s s s" in text     # 2017: 2 enterprises (A); 2018: singleton rule (D)
    first = section(pdf_path(built, 2017), "8 Évolution")
    assert "Le millésime 2017 est le premier de la série publiée" in first


def test_profile_page_says_why_without_job_data(built):
    text = section(pdf_path(built), "5 Profil des salariés")
    assert "Le millésime 2018 a été traité sans le fichier des postes" in text
    assert "Les femmes" not in text
    wage = cell(built, "ess", "remuneration_brute") / cell(built, "ess", "etp")
    assert f"s’élève à {normalised(fmt.euros(wage))} dans l’ESS" in text


# hand-written job cells for the pays (as the job file would give them), champ → dimension → modalité → postes;
# None = secret. ESS: 137 posts; privé hors ESS: 63, its 50-54 cell secret; public: secret everywhere.
JOBS = {
    "ess": {"sexe": {"1": 37, "2": 100}, "age": {"<30": 20, "30-39": 30, "40-49": 37, "50-54": 25, "55+": 25},
            "temps_travail": {"complet": 90, "partiel_autres": 47}, "contrat": {"CDI": 110, "CDD": 20, "autres": 7},
            "csp": {"cadres": 15, "prof_intermediaires": 30, "employes": 80, "ouvriers": 12}},
    "prive_hors_ess": {"sexe": {"1": 40, "2": 23}, "age": {"<30": 15, "30-39": 20, "40-49": 8, "50-54": None,
                                                           "55+": 10},
                       "temps_travail": {"complet": 50, "partiel_autres": 13},
                       "contrat": {"CDI": 50, "CDD": 10, "autres": 3},
                       "csp": {"cadres": 5, "prof_intermediaires": 10, "employes": 30, "ouvriers": 18}},
}


def add_cell(connection, champ, dimension, modalite, measures, secret):
    """A cell of the test territory, given to the published layer as oress protect does: cell and status."""
    connection.execute("insert into pub_cellules select 2018, 'pays', 'centre-test', 'Centre Manche d''essai', ?, ?, "
                       "?, ?, ?, ?, ?, max(ordre) + 1 from pub_cellules", [champ, dimension, modalite, *measures])
    connection.execute("insert into pub_secret values (2018, 'pays', 'centre-test', ?, ?, ?, ?)",
                       [champ, dimension, modalite, secret])


def test_profile_page_with_job_data(built, tmp_path):
    warehouse = tmp_path / "oress.duckdb"
    shutil.copyfile(built.warehouse, warehouse)
    with duckdb.connect(str(warehouse)) as connection:
        for champ, dimensions in JOBS.items():
            for dimension, cells in dimensions.items():
                for modalite, postes in cells.items():
                    secret = postes is None
                    add_cell(connection, champ, dimension, modalite,
                             [None if secret else 1, postes, postes, None if secret else 1000.0 * postes],
                             "A" if secret else "")
        for dimension in ("sexe", "age", "temps_travail", "contrat", "csp"):
            for (modalite,) in connection.execute("select modalite from int_modalites where dimension = ?",
                                                  [dimension]).fetchall():
                add_cell(connection, "public", dimension, modalite, [None] * 4, "A")
        # as a publication where privé hors ESS is published (in the fixture it hides the public sector)
        where = ("where millesime = 2018 and code = 'centre-test' and champ = 'prive_hors_ess' "
                 "and dimension = 'ensemble'")
        connection.execute("update pub_cellules set etablissements = 4, postes = 63, etp = 56, "
                           f"remuneration_brute = 1590000 {where}")
        connection.execute(f"update pub_secret set secret = '' {where}")
        run_models(connection, models(("published",)))
    spec = replace(built, warehouse=warehouse, reports_dir=tmp_path / "reports", millesimes=(2018,))
    pipeline.report(spec)
    assert len(pypdf.PdfReader(pdf_path(spec)).pages) == 10
    text = section(pdf_path(spec), "5 Profil des salariés")
    assert "sans le fichier des postes" not in text
    assert "Les femmes occupent 73,0 % des postes de l’ESS, contre 36,5 % dans le privé hors ESS." in text
    assert ("Les salariés de 50 ans ou plus occupent 36,5 % des postes de l’ESS, "
            "dont 18,2 % pour les 55 ans ou plus.") in text
    assert "50 ans ou plus 36,5 % s s" in text          # privé: 50-54 secret, so no 50+ share
    assert "dont 55 ans ou plus 18,2 % 15,9 % s" in text
    assert "Contrats à durée déterminée (CDD) 14,6 % 15,9 % s" in text
    assert "Le temps partiel concerne 34,3 % des postes de l’ESS, contre 20,6 % dans le privé hors ESS." in text
    assert "Non représentés sur le graphique : Privé hors ESS (« 50 ans ou plus ») et Public." in text


def test_rendering_again_in_process_is_byte_identical_to_the_pool(built):
    first = pdf_path(built).read_bytes()            # rendered by a pool of two workers (the fixture)
    pipeline.report(replace(built, millesimes=(2018,)), workers=1)
    assert pdf_path(built).read_bytes() == first


def test_epci_panoramas_when_the_spec_asks(built):
    spec = replace(built, panoramas=("pays", "epci"), millesimes=(2018,))
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        jobs = report.jobs(connection, spec)
        (count,) = connection.execute("select count(distinct epci) from ref_communes where reg = '28'").fetchone()
    assert len(jobs) == 1 + count
    assert {j.out_file.name for j in jobs} >= {"panorama_pays_centre-test.pdf", "panorama_epci_200067023.pdf"}
    pipeline.report(spec, territoire="200067023")
    path = pdf_path(spec, niveau="epci", code="200067023")
    assert 6 <= len(pypdf.PdfReader(path).pages) <= 10
    assert "CC Coutances Mer et Bocage" in page_text(path, 0, path.stat().st_mtime)
    # an EPCI panorama lists its communes, not an EPCI table; its figures are the EPCI's cells
    assert "Intercommunalités (EPCI)" not in section(path, "7 Communes et intercommunalités")
    postes = fmt.entier(cell(spec, "ess", "postes", code="200067023"))
    assert f"{postes} postes salariés" in section(path, "1 Chiffres clés")
    with pytest.raises(ValueError, match="aucun panorama"):
        pipeline.report(spec, territoire="200000000")
