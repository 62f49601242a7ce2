"""The région's chiffres clés PDF read back (run: tests/conftest.py::publish_run; all its establishments
are in the Manche, so the région's figures are the pays' ones: ESS 137 posts of 300)."""
from dataclasses import replace

import duckdb
import pdfplumber
import pypdf

from oress import pipeline
from oress.publish import formatting as fmt
from oress.publish import keyfigures_pdf
from oress.warehouse import reading


def normalised(text: str) -> str:
    return " ".join(text.replace(fmt.NNBSP, " ").replace(fmt.NBSP, " ").split())


def region(spec, champ, measure, millesime=2018):
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        return connection.execute(f"select {measure} from pub_indicateurs where millesime = ? and niveau = 'region' "
                                  "and champ = ? and dimension = 'ensemble'", [millesime, champ]).fetchone()[0]


def derived(spec, indicateur, reference=None, niveau="region", code="28", column="valeur"):
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        return connection.execute(f"select {column} from pub_derives where millesime = 2018 and niveau = ? and "
                                  "code = ? and champ = 'ess' and dimension = 'ensemble' and indicateur = ? and "
                                  "mesure = 'postes' and reference is not distinct from ?",
                                  [niveau, code, indicateur, reference]).fetchone()[0]


def test_one_pdf_per_millesime_next_to_the_files(publish_run):
    for millesime in (2017, 2018):
        folder = publish_run.reports_for(millesime) / "chiffres-cles"
        names = {p.name for p in folder.iterdir()}
        assert {"indicateurs.parquet", "indicateurs.csv", "chiffres-cles.xlsx", "chiffres-cles_28.pdf"} <= names
        reader = pypdf.PdfReader(folder / "chiffres-cles_28.pdf")
        assert 2 <= len(reader.pages) <= 4
        assert reader.metadata.title == f"Chiffres clés de l’économie sociale et solidaire — Normandie — {millesime}"
        assert reader.trailer["/Root"]["/Lang"] == "fr"


def test_key_figures_departements_and_secrecy(publish_run):
    path = keyfigures_pdf.out_file(publish_run, 2018)
    with pdfplumber.open(path) as document:
        first, departements = (normalised(document.pages[i].extract_text()) for i in (0, 2))
        assert len(document.pages[2].curves) + len(document.pages[2].rects) > 50     # the EPCI map
    figures = (fmt.entier(region(publish_run, "ess", "etablissements")),
               fmt.entier(region(publish_run, "ess", "postes")))
    assert (f"l’économie sociale et solidaire (ESS) compte {figures[0]} établissements employeurs et "
            f"{figures[1]} postes salariés dans la région") in first
    france = derived(publish_run, "ecart_part_dans_ensemble", "france (référence nationale FLORES)",
                     column="valeur_reference")
    share = derived(publish_run, "part_dans_ensemble")
    assert normalised(f"L’ESS représente {fmt.pourcent(share)} de l’emploi salarié de la région, contre "
                      f"{fmt.pourcent(france)} en France.") in first
    assert "représente 45,7 %" in first                                   # 137 / 300, by hand
    assert "Coopératives s s s s s" in first and "Public s s s s s" in first
    manche = (f"Manche {fmt.entier(6)} {fmt.entier(137)} "
              f"{fmt.pourcent(derived(publish_run, 'part_dans_ensemble', niveau='departement', code='50'))} s")
    assert normalised(manche) in departements
    assert "Manche 6 137 45,7 % s" in departements      # privé hors ESS secret (D): no share of private employment


def test_rendering_again_is_byte_identical(publish_run):
    path = keyfigures_pdf.out_file(publish_run, 2018)
    first = path.read_bytes()
    with reading(publish_run.warehouse) as connection:
        keyfigures_pdf.write_all(connection, replace(publish_run, millesimes=(2018,)))
    assert path.read_bytes() == first


def test_a_chiffres_cles_whose_layout_overflows_is_written_and_named_with_a_warning(publish_run, tmp_path,
                                                                                    monkeypatch, capsys):
    """A PDF that did not keep the pages its layout is drawn for is still written, and the step prints its path
    with the page count (the warning used to be passed where a path was expected, and the step stopped)."""
    monkeypatch.setattr(keyfigures_pdf, "PAGES", 3)
    spec = replace(publish_run, reports_dir=tmp_path / "rapports", millesimes=(2018,))
    pipeline.keyfigures(spec)
    path = keyfigures_pdf.out_file(spec, 2018)
    assert len(pypdf.PdfReader(path).pages) == 4
    assert f"{path.name} — attention : 4 pages au lieu de 3" in capsys.readouterr().err
