"""The observatory website in a real headless Chromium (Debian's chromium and chromium-driver, through
selenium): every page loads from file:// with no console error and no request outside the site, the
commune search leads to the EPCI page, the key figures read from the pages equal pub_indicateurs, no
secret value appears, and axe-core (npm, node_modules/) finds no serious or critical violation.

Run: tests/conftest.py::publish_run (the slice's 2018 and a hand-written 2017, one pays `centre-test` over
both EPCI of the fixture, secrecy applied: its coopérative, mutuelle and public sector are secret); the
site is built once for the module and one browser session drives every test.
"""
import hashlib
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from oress import pipeline
from oress.config import PROJECT_DIR
from oress.publish import formatting as fmt
from tests.conftest import visit
from tests.test_publish_panorama import hidden_strings, normalised, visible_strings

AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
PAGE_BUDGET = 300_000          # bytes of HTML per territory page (its inline map included)


@pytest.fixture(scope="module")
def site(publish_run) -> Path:
    pipeline.site(publish_run)
    return publish_run.reports_dir / "site"


def territory_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.glob("*/*.html") if p.parent.name not in ("donnees", "static"))


def published(spec, sql: str, params=()):
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchall()


def test_every_page_loads_offline_without_error_or_outside_request(site, browser, publish_run):
    territories = {(n, c) for n, c in published(publish_run, "select distinct niveau, code from pub_indicateurs "
                                                            "where millesime = 2018 and niveau <> 'commune'")}
    pages = territory_pages(site)
    assert {(p.parent.name, p.stem) for p in pages} == territories
    assert {"region", "departement", "epci", "pays", "france"} <= {n for n, _ in territories}
    for page in [site / "index.html", site / "methode.html", site / "donnees" / "index.html", *pages]:
        urls, console = visit(browser, page)
        assert urls and urls[0] == page.as_uri()
        outside = [u for u in urls if not (u.startswith(site.as_uri() + "/") or u.startswith("data:"))]
        assert not outside, f"{page.name}: {outside}"
        errors = [m for m in console if m["level"] in ("SEVERE", "WARNING")]
        assert not errors, f"{page.name}: {errors}"
        assert browser.find_element("css selector", "html").get_attribute("lang") == "fr"
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), page.name   # nothing from outside
        if page in pages:
            assert len(html.encode()) < PAGE_BUDGET, f"{page.name}: {len(html.encode())} octets"
            # a map has a title and a description, and a table follows it in its section
            maps = browser.find_elements("css selector", "svg.carte")
            assert maps, page.name
            for svg in maps:
                assert svg.find_element("css selector", "title").get_attribute("textContent")
                assert svg.find_elements("xpath", "ancestor::section//table"), page.name
            for link in browser.find_elements("css selector", ".telechargements a"):
                assert (page.parent / link.get_attribute("href").rsplit("/", 1)[1]).is_file()


def test_search_finds_a_commune_and_leads_to_its_epci(site, browser, publish_run):
    from selenium.webdriver.common.keys import Keys

    (name, epci, epci_name), = published(publish_run, """
        select c.libelle, t.code, t.libelle from ref_communes c join ref_territoire_commune t using (depcom)
        where c.depcom = '50502' and t.niveau = 'epci'""")
    browser.get((site / "index.html").as_uri())
    field = browser.find_element("id", "commune")
    field.send_keys(name.upper().replace("Ô", "O"))           # case and accents do not matter
    field.send_keys(Keys.ENTER)
    result = browser.find_element("id", "recherche-resultat")
    assert f"{name} (50502)" in result.text
    targets = {a.text: a.get_attribute("href") for a in result.find_elements("css selector", "a")}
    assert {epci_name, "Centre Manche d'essai", "Manche"} <= set(targets)
    result.find_element("link text", epci_name).click()
    assert browser.current_url.endswith(f"/epci/{epci}.html")
    assert epci_name in browser.find_element("css selector", "h1").text


def test_key_figures_on_every_page_are_the_published_cells(site, browser, publish_run):
    formatters = {"etablissements": fmt.entier, "postes": fmt.entier, "etp": fmt.entier,
                  "remuneration_brute": fmt.millions_euros}
    checked = 0
    for page in territory_pages(site):
        browser.get(page.as_uri())
        shown = {e.get_attribute("data-mesure"): normalised(e.text)
                 for e in browser.find_elements("css selector", "[data-mesure]")}
        assert set(shown) == set(formatters), page.name
        (cell,) = published(publish_run, """
            select etablissements, postes, etp, remuneration_brute, secret from pub_indicateurs
            where millesime = 2018 and niveau = ? and code = ? and champ = 'ess' and dimension = 'ensemble'""",
                            [page.parent.name, page.stem])
        for measure, value in zip(formatters, cell[:4]):
            expected = fmt.SECRET if cell[4] else normalised(formatters[measure](value))
            assert shown[measure] == expected, (page.name, measure)
            checked += 1
    assert checked >= 4 * 5


def test_secret_cells_show_s_and_their_values_appear_nowhere(site, browser, publish_run):
    page = site / "pays" / "centre-test.html"
    browser.get(page.as_uri())
    families = browser.find_element("id", "tableau-familles")
    for row in ("Coopératives", "Mutuelles", "Public"):
        cells = families.find_element("xpath", f".//tr[th[normalize-space()='{row}']]").find_elements("tag name", "td")
        assert [c.text for c in cells[:4]] == ["s"] * 4, row
    note = families.find_element("xpath", "ancestor::div[1]/following-sibling::p[1]")
    assert "secret statistique" in note.text
    hidden = hidden_strings(publish_run) - visible_strings(publish_run)
    assert {"30", "100", "21,9 %", "33,3 %"} <= hidden
    # the map legend's class bounds (5, 10, 15, 25, 40 %) are not data: read the page without them
    text = normalised(browser.execute_script(
        "const copy = document.body.cloneNode(true); copy.querySelectorAll('.legende').forEach(e => e.remove());"
        "document.documentElement.appendChild(copy); const text = copy.innerText; copy.remove(); return text;"))
    assert "Coopératives" in text
    text = re.sub(r"Les \d+ communes du territoire", "", text)         # a count of communes, not data
    for value in sorted(hidden):
        assert not re.search(rf"(?<![\d,]){re.escape(value)}(?![\d,])", text), value


def test_axe_core_finds_no_serious_or_critical_violation(site, browser):
    assert AXE.is_file(), "axe-core manque : lancer `make npm` (npm ci)"
    source = AXE.read_text(encoding="utf-8")
    pages = [site / "index.html", site / "methode.html", site / "donnees" / "index.html",
             *territory_pages(site)]
    for page in pages:
        browser.get(page.as_uri())
        browser.execute_script(source)                 # into the test page only, never into the site
        result = browser.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                                "best-practice"]}})
               .then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length, v.help])));""")
        serious = [v for v in result if v[1] in ("serious", "critical")]
        assert not serious, f"{page.relative_to(site)}: {serious}"


def test_data_page_metadata_and_a_second_build_is_byte_identical(site, publish_run, tmp_path):
    text = (site / "donnees" / "metadonnees.jsonld").read_text(encoding="utf-8")
    metadata = json.loads(text)
    assert "Dataset" in metadata["@type"] and metadata["inLanguage"] == "fr"
    files = {d["contentUrl"]: d for d in metadata["distribution"]}
    assert {"2018/indicateurs.csv", "2017/indicateurs.parquet"} <= set(files)
    for url, entry in files.items():
        assert (site / "donnees" / url).stat().st_size == entry["dcat:byteSize"]
    page = (site / "donnees" / "index.html").read_text(encoding="utf-8")
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert json.loads(embedded.replace("<\\/", "</")) == metadata

    def digest(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(folder.rglob("*")) if p.is_file()}
    first = digest(site)
    shutil.copytree(site, tmp_path / "avant")
    pipeline.site(publish_run)
    assert digest(site) == first


def test_the_secrecy_audit_report_renders_offline(publish_run, browser):
    page = publish_run.reports_for(2018) / "qualite" / "audit_secret.html"
    urls, console = visit(browser, page)
    assert urls == [page.as_uri()] and not console
    assert browser.execute_script("return document.styleSheets.length") >= 1      # its own inline style


def test_the_method_page_says_what_the_pdfs_say(site, publish_run):
    """The same macros of _methode.html.j2 and terms of definitions.csv as the PDFs (tests/test_publish_method.py)."""
    from oress.publish.publication_notes import TERMS, definitions, method_notes
    from oress.warehouse import reading
    from tests.test_publish_method import common, said, shared

    with reading(publish_run.warehouse) as connection:
        notes = method_notes(connection, publish_run, 2018, "")
    page = said((site / "methode.html").read_text(encoding="utf-8"))
    texte = shared()
    expected = common(texte, notes) + [said(texte.legende("rapport dont le dénominateur est nul")),
                                       said(texte.valeurs_secretes("communes hachurées")),
                                       *(normalised(f"{term} {text}") for term, text in definitions(*TERMS))]
    for sentence in expected:
        assert sentence in page
