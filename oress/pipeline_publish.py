"""The publishing steps: chiffres clés, panoramas and the static website, from the published cells."""
from __future__ import annotations

from oress.config import RunSpec, edition_date
from oress.pipeline_base import require_tables, say, shown
from oress.warehouse import reading


def keyfigures(spec: RunSpec) -> None:
    from oress.files import replacing_directory, write_json
    from oress.manifest import build_manifest
    from oress.publish import keyfigures_pdf
    from oress.publish.keyfigures import definitions, derived_indicators, published_cells, write_files

    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "pub_indicateurs", "pub_derives", "meta_entrees", "ref_indicateurs")
        perimetre, cog = connection.execute("select perimetre, cog from ref_meta").fetchone()
        terms = definitions(connection)
        for millesime in spec.millesimes:
            cells, derived = published_cells(connection, millesime), derived_indicators(connection, millesime)
            out_dir = spec.reports_for(millesime) / "chiffres-cles"
            secret = ("secret appliqué par l'INSEE à la source (S) ; tableaux livrés" if spec.livraison_insee
                      else "règles primaires (A, B) et secret secondaire (D) ; audit de l'attaquant réussi")
            with replacing_directory(out_dir) as fresh:
                write_files(cells, derived, fresh, {
                    "perimetre": perimetre, "cog": cog, "millesime": str(millesime), "secret": secret}, terms)
                write_json(fresh / "manifeste.json", build_manifest(connection, spec, millesime))
            say(f"  {shown(spec, out_dir)}/indicateurs.parquet : {len(cells)} cellules, "
                f"{len(derived)} indicateurs dérivés")
        keyfigures_pdf.write_all(connection, spec, on_pdf=lambda path: say(f"  {shown(spec, path)}"))


def report(spec: RunSpec, territoire: str | None = None, workers: int | None = None) -> None:
    from oress.publish import report as panorama

    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "pub_indicateurs", "pub_derives")
        chosen = panorama.jobs(connection, spec, territoire)
        if spec.livraison_insee is not None:   # a territory the delivery lacks (a CC in BTS's Tab_1) is no zero
            published = set(connection.execute(
                "select distinct millesime, niveau, code from pub_indicateurs").fetchall())
            missing = [j for j in chosen if (j.millesime, j.niveau, j.code) not in published]
            chosen = [j for j in chosen if (j.millesime, j.niveau, j.code) in published]
            for millesime in sorted({j.millesime for j in missing}):
                names = [j.code for j in missing if j.millesime == millesime]
                say(f"  {millesime} : {len(names)} territoire(s) absent(s) des tableaux livrés, sans panorama : "
                    f"{', '.join(names[:8])}{' …' if len(names) > 8 else ''}")
    if not chosen:
        say("  aucun panorama à écrire (clé panoramas de la spec)")
    width = len(str(len(chosen)))
    panorama.render(spec, chosen, workers, on_pdf=lambda done, total, rendered: say(
        f"  [{done:>{width}}/{total}] {rendered.describe(shown(spec, rendered.path))}"))


def site(spec: RunSpec) -> None:
    """The static website under <reports_dir>/site/, from the published cells of the last millésime; built
    aside and swapped in whole."""
    from oress.files import replacing_directory
    from oress.site.build import write_site

    target = spec.reports_dir / "site"
    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "pub_indicateurs", "pub_derives")
        with replacing_directory(target) as fresh:
            write_site(connection, spec, fresh, edition_date(spec))
            files = [path for path in fresh.rglob("*") if path.is_file()]
            pages, size = sum(path.suffix == ".html" for path in files), sum(p.stat().st_size for p in files)
    say(f"  {pages} pages, {len(files)} fichiers ({size / 1e6:.0f} Mo) → "
        f"{shown(spec, target)}/index.html")
