"""The steps of a run, each reading the spec and the warehouse; `build` chains them."""
from __future__ import annotations

from contextlib import contextmanager

from oress.config import RunSpec, edition_date
from oress.ingest_inputs import require_raw_files
from oress.warehouse import building, models, reading, run_models


def console():
    from rich.console import Console

    # soft_wrap: a log read from a file keeps one line per message (no 80-column wrapping off a terminal)
    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(message: str) -> None:
    console().print(message)


def shown(spec: RunSpec, path) -> str:
    """A report's path within the reports tree: a build writes an aside copy of the tree, whose name the
    reader never sees."""
    return str(path.relative_to(spec.reports_dir)) if path.is_relative_to(spec.reports_dir) else str(path)


def demo(spec: RunSpec, seed: int = 2018, scale: float = 1.0, france: bool = False) -> None:
    from oress import demo as generator

    for path in generator.run(spec, seed=seed, scale=scale, france=france):
        say(f"  données de démonstration : {path}")


def reference(spec: RunSpec, refresh: bool = False) -> None:
    from oress.reference import load_reference
    from oress.reference import refresh as refresh_csvs

    if refresh:
        say(f"  extraction depuis les paquets : {refresh_csvs()}")
    with building(spec.warehouse) as connection:
        counts = load_reference(connection, spec)
    say(f"  {len(counts)} tables ref_* ; {counts['ref_communes']} communes ; "
        f"{counts['ref_territoire_commune']} lignes territoire → commune")


def _require_tables(connection, spec: RunSpec, *tables: str) -> None:
    present = {row[0] for row in connection.execute("select table_name from information_schema.tables").fetchall()}
    missing = [t for t in tables if t not in present]
    if missing:
        raise RuntimeError(f"{spec.warehouse}: table {missing[0]} absente ; lancer les étapes précédentes "
                           "(`oress build --spec …` les enchaîne)")


def ingest(spec: RunSpec) -> None:
    from oress import ingest as reader
    from oress import validate as checks
    from oress.files import write_json
    from oress.manifest import record_inputs
    from oress.sources import load_flavours

    require_raw_files(spec)
    flavours = load_flavours()
    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "ref_communes", "ref_naf_secteurs", "ref_contrats", "ref_sirene_tranches")
        reader.create_raw_tables(connection, flavours)
        for millesime in spec.millesimes:
            for nature, path in reader.inputs(spec.raw_dir / str(millesime), flavours):
                match = reader.load_file(connection, path, nature, millesime, flavours, spec.warehouse.parent)
                say(f"  lecture de {path} ({nature}, format {match.flavour.name})")
                if nature == "trimestres_communes":
                    say("  fichier URSSAF agrégé commune × APE reconnu : sans siret ni catégorie juridique, l'ESS "
                        "n'y est pas repérable ; il sert seulement de dénominateur (emploi privé total)")
        record_inputs(connection, spec)
        reader.define_macros(connection)
        run_models(connection, models(("staging",)))
        reader.collect_rejects(connection)
        files = reader.reconcile(connection)
        contracts = {m: checks.staging_outcomes(connection, m) for m in spec.millesimes}
    for millesime in spec.millesimes:
        mine = [f for f in files if f["millesime"] == millesime]
        write_json(spec.reports_for(millesime) / "qualite" / "ingestion.json", {"fichiers": mine})
        for f in mine:
            say(f"  {millesime} {f['nature']} : {f['lus']} lignes lues = {f['charges']} chargées "
                f"+ {f['rejetes']} rejetées")
    for millesime, outcomes in contracts.items():   # the staging contracts: a critical failure stops here
        say(f"  {millesime} : contrats de staging, {sum(o.statut in ('echec', 'erreur') for o in outcomes)} "
            f"en écart sur {len(outcomes)}")
        checks.gate(outcomes)


def transform(spec: RunSpec) -> None:
    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "stg_etablissements")
        run_models(connection, models(("intermediate", "marts")), on_model=lambda name: say(f"  modèle {name}"))


def validate(spec: RunSpec) -> None:
    from oress import validate as checks
    from oress.validate_report import rejection_summary, write_report

    outcomes_by_year = {}
    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "stg_etablissements", "stg_postes", "mart_cellules")
        sql_outcomes = checks.run_sql_checks(connection)
        for millesime in spec.millesimes:
            out_dir = spec.reports_for(millesime) / "qualite"
            outcomes = checks.run_millesime(connection, millesime, out_dir) + sql_outcomes
            write_report(outcomes, out_dir, millesime, rejection_summary(connection, millesime))
            outcomes_by_year[millesime] = outcomes
            failed = sum(o.statut in ("echec", "erreur") for o in outcomes)
            say(f"  {millesime} : {len(outcomes)} contrôles, {failed} en écart ; "
                f"{shown(spec, out_dir)}/validation.html")
    for outcomes in outcomes_by_year.values():
        checks.gate(outcomes)


def protect(spec: RunSpec) -> None:
    from oress.protect import build_published, status_counts
    from oress.secrecy import write_audit_report
    from oress.warehouse import run_checks

    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "mart_cellules", "int_modalites", "ref_territoire_commune")
        with secrecy_progress() as on_round:
            protections = build_published(connection, spec.secret, log=lambda line: say(f"  {line}"),
                                          on_round=on_round)
        say(f"  cellules par statut de secret : {status_counts(protections)}")
        # sql/protect hands the mart's cells to the published layer, which applies pub_secret
        run_models(connection, models(("protect", "published")), on_model=lambda name: say(f"  modèle {name}"))
        failed = {name: n for name, n in run_checks(connection, folder="checks/published").items() if n}
        if failed:
            raise RuntimeError(f"{spec.warehouse}: contrôle(s) du secret en échec, rien n'est publié : {failed}")
    for millesime, protection in protections.items():
        paths = write_audit_report(protection.audit, spec.reports_for(millesime) / "qualite")
        say(f"  {millesime} : audit du secret réussi ({len(protection.audit.intervals)} intervalles) → "
            f"{shown(spec, paths[-1])}")


@contextmanager
def secrecy_progress():
    """A live bar per millésime while the audit rounds of `oress protect` run (on a terminal): the
    intervals still too narrow after each round, against those of the first round."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    out = console()
    if not out.is_terminal:
        yield None
        return
    bars = Progress(TextColumn("  {task.description}"), BarColumn(), TextColumn("{task.fields[state]}"),
                    TimeElapsedColumn(), console=out, transient=False)
    tasks: dict[int, int] = {}

    def on_round(millesime: int, row: dict) -> None:
        if millesime not in tasks:
            tasks[millesime] = bars.add_task(f"secret {millesime}", total=max(row["failures"], 1), state="")
        task = tasks[millesime]
        first = bars.tasks[task].total
        bars.update(task, completed=first - min(row["failures"], first),
                    state=f"tour {row['round']} : {row['failures']} intervalles trop étroits, "
                          f"{row['secondaries']} secondaires")

    with bars:
        yield on_round


def audit(spec: RunSpec) -> None:
    """Re-run the attacker audit on every written indicateurs.parquet; fail if any primary can be narrowed."""
    from oress.protect import audit_publication
    from oress.secrecy import SecrecyError, write_audit_report

    failures = []
    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "mart_cellules", "int_modalites", "ref_territoire_commune")
        for millesime in spec.millesimes:
            parquet = spec.reports_for(millesime) / "chiffres-cles" / "indicateurs.parquet"
            result = audit_publication(connection, parquet, millesime, spec.secret)
            paths = write_audit_report(result, spec.reports_for(millesime) / "qualite")
            failing = int((~result.intervals["ok"]).sum())
            say(f"  {millesime} : {len(result.intervals)} intervalles, {failing} trop étroits → "
                f"{shown(spec, paths[-1])}")
            if failing:
                failures.append(f"{millesime} ({failing} intervalles)")
    if failures:
        raise SecrecyError(f"audit du secret en échec : {', '.join(failures)} ; voir qualite/audit_secret.html")


def conjoncture(spec: RunSpec) -> None:
    """Quarterly (URSSAF-like) cells: secrecy, derived changes, files and notes de conjoncture; skipped
    when the run has no quarterly extract."""
    from oress import trimestres
    from oress.publish import conjoncture as notes
    from oress.warehouse import run_checks

    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "mart_trimestres")
        if not connection.execute("select count(*) from mart_trimestres").fetchone()[0]:
            say("  aucun extrait trimestriel (trimestres.csv) : pas de note de conjoncture")
            return
        say(f"  cellules trimestrielles par statut de secret : {trimestres.build_published(connection, spec.secret)}")
        run_models(connection, models(("conjoncture",)), on_model=lambda name: say(f"  modèle {name}"))
        failed = {name: n for name, n in run_checks(connection, folder="checks/conjoncture").items() if n}
        if failed:
            raise RuntimeError(f"{spec.warehouse}: contrôle(s) du secret trimestriel en échec, rien n'est publié : "
                               f"{failed}")
    with reading(spec.warehouse) as connection:
        for path in notes.write_all(connection, spec):
            say(f"  {shown(spec, path)}")


def livraison(spec: RunSpec) -> None:
    """INSEE's delivered tables (already protected) → their cells and statuses (pub_cellules, pub_secret), then
    the published models (pub_indicateurs first) and checks."""
    from oress import livraison as reader
    from oress.config import SpecError
    from oress.files import write_json
    from oress.manifest import record_inputs
    from oress.warehouse import run_checks

    if spec.livraison_insee is None:
        raise SpecError(f"{spec.path}: clé 'livraison_insee' absente (dossier des tableaux livrés par l'INSEE)")
    with building(spec.warehouse) as connection:
        _require_tables(connection, spec, "ref_regions", "ref_territoires_membres", "ref_publication")
        reader.create_tables(connection)
        record_inputs(connection, spec, spec.livraison_insee)
        connection.execute("create or replace table liv_parametres as select ? as region", [spec.region])
        for millesime in spec.millesimes:
            folder = spec.livraison_insee / str(millesime)
            say(f"  {millesime} : {', '.join(reader.load_folder(connection, folder, millesime))} ({folder})")
        say(f"  série par millésime : {reader.record_series(connection)}")
        run_models(connection, models(("livraison",)), on_model=lambda name: say(f"  modèle {name}"))
        run_models(connection, {"int_modalites": models(("intermediate",))["int_modalites"]})
        statuses = connection.execute("select secret, count(*) from pub_secret group by 1 order by 1").fetchall()
        say(f"  cellules par statut de secret : {dict((s or 'publie', n) for s, n in statuses)}")
        run_models(connection, models(("published",)), on_model=lambda name: say(f"  modèle {name}"))
        checks = {**run_checks(connection, folder="checks/published"),
                  **run_checks(connection, folder="checks/livraison")}
        failed = {name: n for name, n in checks.items() if n}
        if failed:
            raise RuntimeError(f"{spec.warehouse}: contrôle(s) du secret en échec, rien n'est publié : {failed}")
        reports = {m: reader.quality(connection, m) for m in spec.millesimes}
    for millesime, report_ in reports.items():
        path = spec.reports_for(millesime) / "qualite" / "livraison.json"
        write_json(path, report_)
        write_json(path.with_name("ingestion.json"), {"fichiers": [
            {"fichier": f["fichier"], "millesime": millesime, "lus": f["lus"], "charges": f["retenues"],
             "rejetes": f["ecartees"]} for f in report_["fichiers"]]})
        say(f"  {millesime} : {len(report_['doublons_discordants'])} doublon(s) discordant(s), "
            f"{len(report_['valeurs_approximatives'])} valeur(s) approximative(s) → {shown(spec, path)}")


def keyfigures(spec: RunSpec) -> None:
    from oress.files import replacing_directory, write_json
    from oress.manifest import build_manifest
    from oress.publish import keyfigures_pdf
    from oress.publish.keyfigures import derived_indicators, published_cells, write_files

    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "pub_indicateurs", "pub_derives", "meta_entrees")
        perimetre, cog = connection.execute("select perimetre, cog from ref_meta").fetchone()
        for millesime in spec.millesimes:
            cells, derived = published_cells(connection, millesime), derived_indicators(connection, millesime)
            out_dir = spec.reports_for(millesime) / "chiffres-cles"
            secret = ("secret appliqué par l'INSEE à la source (S) ; tableaux livrés" if spec.livraison_insee
                      else "règles primaires (A, B) et secret secondaire (D) ; audit de l'attaquant réussi")
            with replacing_directory(out_dir) as fresh:
                write_files(cells, derived, fresh, {
                    "perimetre": perimetre, "cog": cog, "millesime": str(millesime), "secret": secret})
                write_json(fresh / "manifeste.json", build_manifest(connection, spec, millesime))
            say(f"  {shown(spec, out_dir)}/indicateurs.parquet : {len(cells)} cellules, "
                f"{len(derived)} indicateurs dérivés")
        keyfigures_pdf.write_all(connection, spec, on_pdf=lambda path: say(f"  {shown(spec, path)}"))


def report(spec: RunSpec, territoire: str | None = None, workers: int | None = None) -> None:
    from oress.publish import report as panorama

    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "pub_indicateurs", "pub_derives")
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
    panorama.run(spec, chosen, workers, on_pdf=lambda done, total, rendered: say(
        f"  [{done:>{width}}/{total}] {rendered.describe(shown(spec, rendered.path))}"))


def report_livraison(spec: RunSpec) -> None:
    """Panoramas of the territories the delivery covers (the others are listed, not drawn as 0)."""
    from dataclasses import replace

    with reading(spec.warehouse) as connection:
        built = {r[0] for r in connection.execute("select distinct code from pub_indicateurs").fetchall()}
    for territory in spec.territoires:
        if territory.code not in built:
            say(f"  {territory.code} : non publié (voir qualite/livraison.json)")
    report(replace(spec, territoires=tuple(t for t in spec.territoires if t.code in built)))


def site(spec: RunSpec) -> None:
    """The static website under <reports_dir>/site/, from the published cells of the last millésime; built
    aside and swapped in whole."""
    from oress.files import replacing_directory
    from oress.site.build import write_site

    target = spec.reports_dir / "site"
    with reading(spec.warehouse) as connection:
        _require_tables(connection, spec, "pub_indicateurs", "pub_derives")
        with replacing_directory(target) as fresh:
            write_site(connection, spec, fresh, edition_date(spec))
            files = [path for path in fresh.rglob("*") if path.is_file()]
            pages, size = sum(path.suffix == ".html" for path in files), sum(p.stat().st_size for p in files)
    say(f"  {pages} pages, {len(files)} fichiers ({size / 1e6:.0f} Mo) → "
        f"{shown(spec, target)}/index.html")


STEPS = (reference, ingest, transform, validate, protect, conjoncture, keyfigures, report, site)
LIVRAISON_STEPS = (reference, livraison, keyfigures, report_livraison, site)


def build(spec: RunSpec) -> None:
    """Every step in order, from INSEE's tables when `livraison_insee` is set; one transaction: every input is
    checked before anything is written, then the steps run on one aside copy of the warehouse and of the
    reports tree, swapped in only when every step succeeded (a failure leaves both as they were)."""
    from dataclasses import replace

    from oress.files import replacing_tree
    from oress.ingest_inputs import check_inputs
    from oress.warehouse import transaction

    check_inputs(spec)
    with transaction(spec.warehouse) as warehouse, replacing_tree(spec.reports_dir) as reports:
        aside = replace(spec, warehouse=warehouse, reports_dir=reports)
        for step in LIVRAISON_STEPS if spec.livraison_insee else STEPS:
            say(f"[bold]{step.__name__}[/bold]")
            step(aside)
    say(f"rapports sous {spec.reports_dir} ; entrepôt {spec.warehouse}")
