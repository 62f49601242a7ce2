"""The observatory website (`oress site`): static pages built from the published cells (build.py writes them,
pages.py, geometry.py and catalogue.py make their parts); the step (`run`) builds the site aside and swaps it in."""
from __future__ import annotations

from oress.config import RunSpec, edition_date
from oress.pipeline_base import require_tables, say, shown


def run(spec: RunSpec) -> None:
    """The static website under <reports_dir>/site/, from the published cells of the last millésime; built
    aside and swapped in whole."""
    from oress.files import replacing_directory
    from oress.site.build import write_site
    from oress.warehouse import reading

    target = spec.reports_dir / "site"
    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "pub_indicateurs", "pub_derives")
        with replacing_directory(target) as fresh:
            write_site(connection, spec, fresh, edition_date(spec))
            files = [path for path in fresh.rglob("*") if path.is_file()]
            pages, size = sum(path.suffix == ".html" for path in files), sum(p.stat().st_size for p in files)
    say(f"  {pages} pages, {len(files)} fichiers ({size / 1e6:.0f} Mo) → "
        f"{shown(spec, target)}/index.html")
