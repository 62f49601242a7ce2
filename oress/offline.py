"""Great Expectations' Data Docs made to render offline: the stylesheets and scripts their pages load from
CDNs are copied from the npm packages `make npm` installs (package.json, node_modules/) into
<docs>/static/vendor/ and the pages point to them; GX's own images point to its static/images.
Any other outside resource left in a page (a GX upgrade adding a CDN) stops the step with its URL.
Links (<a href>) to GX's documentation are left as they are: they load nothing.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from oress.config import PROJECT_DIR

NODE_MODULES = PROJECT_DIR / "node_modules"
# CDN address in GX 1.24's templates → file of an npm package (package.json pins the versions)
CDN_FILES = {
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap/dist/js/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table/dist/bootstrap-table.min.css",  # noqa: E501 (one URL per line)
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table/dist/bootstrap-table.min.js",  # noqa: E501 (one URL per line)
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table/dist/extensions/filter-control/bootstrap-table-filter-control.min.js",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    # bootstrap 4.3.1 asks popper.js ^1.14.7 (npm refuses 1.12.9 beside it): same API
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.js/dist/umd/popper.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker/dist/css/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker/dist/js/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",  # noqa: E501 (one URL per line)
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "@forevolve/bootstrap-dark/dist/css/bootstrap-prefers-dark.css",
    "https://cdn.jsdelivr.net/npm/vega@5": "vega/build/vega.min.js",
    "https://cdn.jsdelivr.net/npm/vega-lite@5": "vega-lite/build/vega-lite.min.js",
    "https://cdn.jsdelivr.net/npm/vega-embed@6": "vega-embed/build/vega-embed.min.js",
}
FOLDERS = ("@fortawesome/fontawesome-free/webfonts",)     # what a copied stylesheet refers to (../webfonts/)
GX_ASSETS = re.compile(r"https://great-expectations-web-assets\.s3[^\"')]*/([\w.-]+\.(?:png|svg|gif))[^\"')]*")
OUTSIDE = re.compile(r"""<(?:link|script|img|iframe|source)\b[^>]*\b(?:href|src)\s*=\s*["']?(?:https?:)?//[^"'\s>]+""",
                     re.I)
SUBRESOURCE = re.compile(r"""\s(?:integrity|crossorigin)\s*=\s*["'][^"']*["']""")


def vendor(docs: Path, node_modules: Path = NODE_MODULES) -> Path:
    """Copy the npm files the pages need into <docs>/static/vendor/, keeping their package paths."""
    target = docs / "static" / "vendor"
    for relative in sorted(set(CDN_FILES.values())):
        source = node_modules / relative
        if not source.is_file():
            raise FileNotFoundError(f"{source}: fichier du paquet npm absent, nécessaire aux Data Docs hors ligne ; "
                                    "lancer `make npm` (npm ci)")
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / relative)
    for folder in FOLDERS:
        shutil.copytree(node_modules / folder, target / folder, dirs_exist_ok=True)
    return target


def _local_asset(docs: Path, prefix: str, match: re.Match) -> str:
    name = match.group(1)
    return f"{prefix}static/images/{name}" if (docs / "static" / "images" / name).is_file() else \
        f"{prefix}static/images/logo-long.png"


def rewrite(page: Path, docs: Path) -> None:
    """Point one page's CDN resources to static/vendor/ (relative to the page)."""
    prefix = os.path.relpath(docs, page.parent).replace(os.sep, "/") + "/"
    prefix = "" if prefix == "./" else prefix
    text = page.read_text(encoding="utf-8")
    for url, relative in CDN_FILES.items():
        for quote in ('"', "'"):
            text = re.sub(rf"<[^>]*{re.escape(quote + url + quote)}[^>]*>",
                          lambda tag: SUBRESOURCE.sub("", tag.group(0)).replace(
                              quote + url + quote, f"{quote}{prefix}static/vendor/{relative}{quote}"), text)  # noqa: B023 (run now)
    text = GX_ASSETS.sub(lambda m: _local_asset(docs, prefix, m), text)
    # GX writes ../../../static/ in pages four folders deep (their favicon is not found): the true depth
    text = re.sub(r"""((?:src|href)=["'])(?:\.\./)*static/""", lambda m: m.group(1) + prefix + "static/", text)
    left = OUTSIDE.findall(text)
    if left:
        raise RuntimeError(f"{page}: ressource extérieure non remplacée dans les Data Docs : {left[0]} "
                           "(ajouter son paquet npm à package.json et à oress/offline.py)")
    page.write_text(text, encoding="utf-8")


def make_offline(docs: Path, node_modules: Path = NODE_MODULES) -> list[Path]:
    """Every HTML page and stylesheet of a Data Docs folder, made to render with no network."""
    vendor(docs, node_modules)
    pages = sorted(docs.rglob("*.html"))
    for page in pages:
        rewrite(page, docs)
    for sheet in sorted((docs / "static" / "styles").glob("*.css")):
        sheet.write_text(GX_ASSETS.sub(lambda m: _local_asset(docs, "../../", m), sheet.read_text(encoding="utf-8")),
                         encoding="utf-8")
    return pages
