"""Shared helpers: a run spec written into a temporary folder around hand-written fixture files."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def write_spec(folder: Path, body: str = "", millesimes: str = "[2018]") -> Path:
    """A spec whose raw_dir, warehouse and reports live under `folder`."""
    path = folder / "run.toml"
    path.write_text(textwrap.dedent(f"""\
        raw_dir = "raw"
        warehouse = "warehouse/oress.duckdb"
        reports_dir = "reports"
        millesimes = {millesimes}
        region = "28"
        date_edition = 2026-11-22
        """) + textwrap.dedent(body), encoding="utf-8")
    return path


def place_raw(folder: Path, millesime: int, source: Path, name: str = "etablissements.csv") -> Path:
    target = folder / "raw" / str(millesime) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


@pytest.fixture(scope="session")
def reference_warehouse(tmp_path_factory) -> Path:
    """A warehouse holding only the reference tables, built once and copied by each test that ingests."""
    from oress import pipeline
    from oress.config import load_spec

    folder = tmp_path_factory.mktemp("reference")
    spec = load_spec(write_spec(folder))
    pipeline.reference(spec)
    return spec.warehouse


def prepared_run(folder: Path, reference: Path, files: dict[str, Path], millesime: int = 2018):
    """A spec under `folder` with a copy of the reference warehouse and the given raw files
    (name relative to the millésime folder → source file)."""
    from oress.config import load_spec

    folder.mkdir(parents=True, exist_ok=True)
    spec = load_spec(write_spec(folder, millesimes=f"[{millesime}]"))
    spec.warehouse.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(reference, spec.warehouse)
    for name, source in files.items():
        place_raw(folder, millesime, source, name)
    return spec


# Secrecy off (every cell published) and one pays of two communes: the specs of the tests that compare
# every cell with a hand-computed value (tests/test_indicators.py, tests/test_job_profile.py).
UNPROTECTED_PAYS_SPEC = """
[secret]
frequence_min = 1
dominance_seuil = 1.0
dominance_inclusive = false

[[territoires]]
code = "pays-test"
libelle = "Pays d'essai"
niveau = "pays"
communes = ["50502", "50147"]
"""


def published_cells(spec, millesime: int = 2018) -> dict:
    """indicateurs.parquet as (niveau, code, champ, dimension, modalite) → (the four measures, secret)."""
    import pandas as pd

    frame = pd.read_parquet(spec.reports_for(millesime) / "chiffres-cles" / "indicateurs.parquet")
    return {(r.niveau, r.code, r.champ, r.dimension, r.modalite): (r.etablissements, r.postes, r.etp,
                                                                    r.remuneration_brute, r.secret)
            for r in frame.itertuples()}


PUBLISH_SPEC = """
observatoire = "Observatoire d'essai de l'ESS"

[[territoires]]
code = "centre-test"
libelle = "Centre Manche d'essai"
niveau = "pays"
epci = ["200066389", "200067023"]

# Eleven establishments cannot carry a size breakdown: hors ESS 50-249 (the commune and the
# supermarché) could only be protected by hiding the ESS and ensemble totals of every level
# (tests/test_slice.py::test_a_size_breakdown_of_eleven_establishments_hides_the_totals shows it).
# The publication tests publish the other breakdowns.
[publication]
taille = []
"""


@pytest.fixture(scope="session")
def publish_run(tmp_path_factory):
    """The slice's 2018 and tests/data/publish's 2017 through every step but validation, panoramas rendered
    by a pool of two workers: the run the publication tests read (tests/test_publish_*.py)."""
    from oress import pipeline
    from oress.config import load_spec

    folder = tmp_path_factory.mktemp("publish")
    place_raw(folder, 2017, DATA / "publish" / "2017" / "etablissements.csv")
    place_raw(folder, 2018, DATA / "slice" / "2018" / "etablissements.csv")
    spec = load_spec(write_spec(folder, PUBLISH_SPEC, millesimes="[2017, 2018]"))
    for step in (pipeline.reference, pipeline.ingest, pipeline.transform, pipeline.protect, pipeline.keyfigures):
        step(spec)
    pipeline.report(spec, workers=2)
    return spec


CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium session (Debian's chromium and chromium-driver, through selenium) for every
    test that opens a page; it logs console messages and network requests."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), "chromium et chromium-driver manquent : lancer `make system`"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600",
                     "--disable-background-networking", "--lang=fr-FR"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    yield driver
    driver.quit()


def visit(browser, page: Path) -> tuple[list[str], list[dict]]:
    """Open a local page; (every URL it requested, its console messages)."""
    import json

    browser.get_log("performance")                      # drop what earlier pages logged
    browser.get_log("browser")
    browser.get(page.as_uri())
    urls = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls, browser.get_log("browser")
