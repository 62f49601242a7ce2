"""HTML (jinja2) → PDF (WeasyPrint) with the shipped fonts, tagged (PDF/UA-1), byte-for-byte reproducible.

Reproducibility: dates come from the `dcterms.created/modified` metas (the edition date, not the clock),
charts and maps are SVG with a fixed hash salt and no date; the same input gives the same bytes.
"""
from __future__ import annotations

from pathlib import Path

from oress.config import TEMPLATES_DIR
from oress.files import write_atomically

STYLESHEET = TEMPLATES_DIR / "publication.css"


class Renderer:
    """One jinja2 environment and one font configuration, reused for every PDF of a process."""

    def __init__(self):
        from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR), undefined=StrictUndefined,
                                       autoescape=select_autoescape(["j2", "html"]), trim_blocks=True,
                                       lstrip_blocks=True)
        self.fonts = FontConfiguration()
        # the same FontConfiguration goes to CSS() and to write_pdf, or @font-face is silently ignored
        self.css = CSS(filename=str(STYLESHEET), font_config=self.fonts)

    def html(self, template: str, context: dict) -> str:
        return self.environment.get_template(template).render(**context)

    def pdf(self, template: str, context: dict, out_file: Path) -> int:
        """Write the PDF; return its number of pages (callers check the layout held)."""
        from weasyprint import HTML

        options = {"pdf_variant": "pdf/ua-1", "uncompressed_pdf": False}
        document = HTML(string=self.html(template, context), base_url=str(TEMPLATES_DIR)).render(
            stylesheets=[self.css], font_config=self.fonts, **options)
        write_atomically(out_file, lambda aside: document.write_pdf(aside, **options))
        return len(document.pages)


def page_count_note(pages: int, expected: int) -> str:
    """'' when a PDF has the pages its layout is drawn for, else the warning a step prints after its path."""
    return "" if pages == expected else f" — attention : {pages} pages au lieu de {expected}"
