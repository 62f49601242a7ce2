"""The steps of a run from the tables INSEE delivers (spec key `livraison_insee`) instead of the raw extracts."""
from __future__ import annotations

from oress.config import RunSpec
from oress.pipeline_base import require_tables, say, shown
from oress.pipeline_publish import report
from oress.warehouse import building, models, reading, run_models


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
        require_tables(connection, spec, "ref_regions", "ref_territoires_membres", "ref_publication")
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


def report_livraison(spec: RunSpec) -> None:
    """Panoramas of the territories the delivery covers (the others are listed, not drawn as 0)."""
    from dataclasses import replace

    with reading(spec.warehouse) as connection:
        built = {r[0] for r in connection.execute("select distinct code from pub_indicateurs").fetchall()}
    for territory in spec.territoires:
        if territory.code not in built:
            say(f"  {territory.code} : non publié (voir qualite/livraison.json)")
    report(replace(spec, territoires=tuple(t for t in spec.territoires if t.code in built)))
