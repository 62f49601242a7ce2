"""The method text is written once (oress/templates/_methode.html.j2, data/reference/definitions.csv) and read
back, word for word, from the panorama's and the chiffres clés' PDF and the site's method page (run:
tests/conftest.py::publish_run); the site's method page in tests/test_site.py, the note de conjoncture's in
tests/test_conjoncture.py.
"""
import html
import re

import pypdf
import pytest

from oress.publish import formatting as fmt
from oress.publish import keyfigures_pdf
from oress.publish.pdf import Renderer
from oress.publish.publication_notes import TERMS, definitions, method_notes
from oress.warehouse import reading
from tests.test_publish_panorama import pdf_path


def normalised(text: str) -> str:
    return " ".join(text.replace(fmt.NNBSP, " ").replace(fmt.NBSP, " ").split())


def shared():
    """The macros of _methode.html.j2."""
    return Renderer().environment.get_template("_methode.html.j2").module


def said(markup) -> str:
    """A macro's text as a reader sees it: tags dropped, entities read."""
    return normalised(html.unescape(re.sub(r"<[^>]+>", " ", str(markup))))


def pdf_text(path) -> str:
    """The PDF's text in reading order (pypdf follows the content stream: a table's term, then its definition)."""
    return normalised(" ".join(page.extract_text() for page in pypdf.PdfReader(path).pages))


@pytest.fixture(scope="module")
def notes(publish_run) -> dict:
    with reading(publish_run.warehouse) as connection:
        return {"annual": method_notes(connection, publish_run, 2018, ""),
                "chiffres_cles": keyfigures_pdf.KeyFigures(connection, publish_run, 2018, None).method()}


def common(texte, notes: dict) -> list[str]:
    """What every annual publication says of its perimeter, national reference and secrecy."""
    return [said(texte.perimetre(notes["perimetre"])), said(texte.reference_nationale(notes["reference_nationale"])),
            said(texte.geographie(notes["cog"])), said(texte.secret(notes)), said(texte.legende())[:-1]]


def test_the_panorama_prints_the_shared_method_and_definitions(publish_run, notes):
    texte, text = shared(), pdf_text(pdf_path(publish_run))
    expected = common(texte, notes["annual"]) + [
        said(texte.legende()) + " Méthode et définitions en dernière page.",          # the cover
        said(texte.valeurs_secretes("communes hachurées")),
        *(normalised(f"{term} {definition}") for term, definition in definitions(*TERMS))]
    assert notes["annual"]["secondaire"] and "statut D" in expected[3]
    for sentence in expected:
        assert sentence in text


def test_the_chiffres_cles_print_the_same_text_in_their_short_method(publish_run, notes):
    texte, text = shared(), pdf_text(keyfigures_pdf.out_file(publish_run, 2018))
    terms = notes["chiffres_cles"]["definitions"]
    assert terms == definitions("etablissements", "postes", "etp", "remuneration_brute", "part_dans_ensemble",
                                "part_dans_prive", "secteur_b", "evolution")      # the région's typologie B
    for sentence in common(texte, notes["annual"]) + [said(texte.valeurs_secretes("EPCI hachurés")),
                                                      said(texte.definitions_texte(terms))]:
        assert sentence in text
    # the first page's table note defines the share as the method does
    assert said(texte.definitions_texte(terms[4:5])) + " France : référence nationale publiée" in text



def test_every_defined_term_is_a_code_of_the_product_once():
    """definitions.csv names the measures, the shares (ref_indicateurs), the breakdowns (ref_dimensions) and
    the derived figures by their codes: one term and one definition per code."""
    import csv

    from oress import classifications
    from oress.publish.keyfigures import COLUMNS
    from oress.publish.publication_notes import DEFINITIONS_FILE

    with DEFINITIONS_FILE.open(encoding="utf-8", newline="") as handle:
        codes = [r["code"] for r in csv.DictReader(handle, delimiter=";")]
    ours = classifications.versioned()
    known = ({*COLUMNS, "salaire_moyen_etp", "ecart", "rang", "evolution"} | {s.code for s in ours.shares}
             | {d.code for d in ours.dimensions})
    assert len(codes) == len(set(codes)) and set(codes) <= known
    assert set(TERMS) <= set(codes) and {"secteur_b"} <= set(codes)
