"""Real GX runs: a failing critical expectation stops the run, a crashed one is never read as pass or fail,
chunks give the same verdict as one frame, the postes/etablissements identities hold or name the siret."""
import json
from dataclasses import replace

import duckdb
import pandas as pd
import pytest

from oress import pipeline, validate
from tests.conftest import DATA, prepared_run

GOOD = pd.DataFrame({
    "siret": ["12345678901234", "12345678901235"], "depcom": ["50502", "2A004"], "apet": ["8810A", "9499Z"],
    "cj": ["9220", "5710"], "postes": [3, 0], "etp": [2.5, 0.4], "remuneration_brute": [60000.0, 8000.0],
    "ess_sirene": ["O", None], "etp_plafond": [5.5, 1.0], "salaire_etp": [24000.0, 20000.0],
})
FORMATS = DATA / "formats" / "pivot"


def test_clean_frame_passes():
    outcomes = validate.run_gx(GOOD)
    assert len(outcomes) == 12 and all(o.statut == "succes" for o in outcomes)
    validate.gate(outcomes)


def test_critical_failure_stops_with_examples():
    outcomes = validate.run_gx(GOOD.assign(postes=[3, -2]))
    failed = [o for o in outcomes if o.statut == "echec"]
    assert [o.controle for o in failed] == ["expect_column_values_to_be_between (postes)"]
    assert failed[0].ecarts == 1 and failed[0].exemples == [
        "siret 12345678901235 : postes=-2, etp=0.4, remuneration_brute=8000"]
    with pytest.raises(validate.ValidationFailed, match="postes.*12345678901235"):
        validate.gate(outcomes)


def test_warning_does_not_stop():
    outcomes = validate.run_gx(GOOD.assign(etp=[9.0, 0.4], salaire_etp=[6666.7, 20000.0]))
    assert [(o.libelle, o.severite) for o in outcomes if o.statut == "echec"] == [
        ("ETP au plus postes × 1,5 + 1", "avertissement"),
        ("rémunération par ETP entre 7 000 et 250 000 €", "avertissement")]
    validate.gate(outcomes)


def test_two_expectations_of_one_kind_keep_their_own_severity():
    """"ETP positifs" (critical) and "un poste au plus 1,5 ETP" (warning) are both between-expectations on
    etp: a job of 2 ETP fails the warning only, and does not stop the run."""
    jobs = pd.DataFrame({
        "fichier": ["postes.csv"] * 2, "ligne": [2, 3], "siret": ["12345678901234"] * 2, "sexe": ["1", "2"],
        "age": [30, 45], "pcs": ["526A", "431A"], "temps_travail": ["C", "P"], "contrat": ["CDI", "CDD"],
        "etp": [2.0, 0.5], "remuneration_brute": [50000.0, 10000.0], "present_3112": [1, 1],
        "salaire_etp": [25000.0, 20000.0]})
    outcomes = validate.run_gx(jobs, validate.POSTES)
    by_label = {o.libelle: o for o in outcomes}
    assert by_label["ETP positifs"].statut == "succes" and by_label["ETP positifs"].severite == "critique"
    assert by_label["un poste au plus 1,5 ETP"].statut == "echec"
    assert by_label["un poste au plus 1,5 ETP"].severite == "avertissement"
    assert by_label["un poste au plus 1,5 ETP"].ecarts == 1
    validate.gate(outcomes)


def test_crashed_metric_fails_loudly():
    broken = GOOD.drop(columns=["cj"])                              # the metric cannot be computed
    outcomes = validate.run_gx(broken)
    assert any(o.statut == "erreur" and "cj" in o.detail for o in outcomes)
    with pytest.raises(validate.ValidationFailed, match="en erreur"):
        validate.gate(outcomes)


def test_chunks_give_the_verdict_of_one_frame():
    with duckdb.connect() as connection:
        connection.execute("""create table stg_etablissements as
            select format('{:014d}', i % 40) as siret, '50502' as depcom, '8810A' as apet, '9220' as cj,
                   cast(i % 7 - 1 as bigint) as postes, 1.0 as etp, 30000.0 as remuneration_brute,
                   null::varchar as ess_sirene, null::varchar as motif, 2018 as millesime
            from range(50) t(i)""")                # 10 siret twice; i % 7 = 0 (8 rows): postes -1
        assert len(list(validate.frames(connection, validate.ETABLISSEMENTS, 2018, chunk_rows=7))) == 8
        validator = validate.Validator()
        whole = validate.run_check(connection, validator, validate.ETABLISSEMENTS, 2018)
        chunked = validate.run_check(connection, validator, validate.ETABLISSEMENTS, 2018, chunk_rows=7)
    strip = [(o.controle, o.statut, o.lignes, o.ecarts) for o in whole]
    assert strip == [(o.controle, o.statut, o.lignes, o.ecarts) for o in chunked]
    counts = {o.controle: o.ecarts for o in whole if o.statut == "echec"}
    assert counts == {"expect_column_values_to_be_unique (siret)": 20,
                      "expect_column_values_to_be_between (postes)": 8,
                      "expect_column_pair_values_a_to_be_greater_than_b (etp_plafond / etp)": 8}


def test_examples_do_not_depend_on_the_order_rows_were_stored():
    """The same 12 establishments stored in two orders (a rebuilt warehouse scans in another order): the
    examples of the failing expectation are the same five, the smallest sirets (rows are read sorted)."""
    outcomes = []
    for order in ("i", "-i"):
        with duckdb.connect() as connection:
            connection.execute(f"""create table stg_etablissements as
                select format('{{:014d}}', i) as siret, '50502' as depcom, '8810A' as apet, '9220' as cj,
                       cast(-1 as bigint) as postes, 1.0 as etp, 30000.0 as remuneration_brute,
                       null::varchar as ess_sirene, null::varchar as motif, 2018 as millesime
                from range(12) t(i) order by {order}""")      # every row: postes −1
            validator = validate.Validator()
            found = validate.run_check(connection, validator, validate.ETABLISSEMENTS, 2018)
            outcomes.append({o.controle: o.exemples for o in found if o.statut == "echec"})
    first, second = outcomes
    assert first == second
    assert [e.split(" :")[0] for e in first["expect_column_values_to_be_between (postes)"]] == [
        f"siret {i:014d}" for i in range(5)]


@pytest.fixture(scope="module")
def validated(tmp_path_factory, reference_warehouse):
    spec = prepared_run(tmp_path_factory.mktemp("valide"), reference_warehouse,
                        {"etablissements.csv": FORMATS / "etablissements.csv", "postes.csv": FORMATS / "postes.csv"})
    pipeline.ingest(spec)
    pipeline.transform(spec)
    pipeline.validate(spec)
    return spec


def test_consistent_files_pass_and_the_report_lists_every_expectation(validated):
    out = validated.reports_for(2018) / "qualite"
    report = json.loads((out / "validation.json").read_text(encoding="utf-8"))
    tables = {c["table"] for c in report["controles"]}
    assert tables == {"stg_etablissements", "stg_postes", "identites_postes_etablissements", "stg_sirene", "marts"}
    assert all(c["statut"] == "succes" for c in report["controles"] if c["table"] != "stg_sirene")
    assert [c["statut"] for c in report["controles"] if c["table"] == "stg_sirene"] == ["sans_objet"]
    identities = [c for c in report["controles"] if c["table"] == "identites_postes_etablissements"]
    assert [c["lignes"] for c in identities] == [6, 6, 6, 6]
    page = (out / "validation.html").read_text(encoding="utf-8")
    for control in report["controles"]:
        assert control["controle"] in page
    assert (out / "gx" / "index.html").is_file() and list((out / "gx" / "validations").rglob("*.html"))
    assert "postes de l&#x27;établissement = postes présents au 31/12" in page


def test_reports_render_styled_offline_in_a_browser(validated, browser):
    """GX's Data Docs get their CSS and scripts from npm copies (oress/offline.py), not from CDNs; the
    validation report is self-contained."""
    from tests.conftest import visit

    out = validated.reports_for(2018) / "qualite"
    pages = [out / "validation.html", out / "gx" / "index.html", *sorted((out / "gx").rglob("*/*.html"))[:2]]
    for page in pages:
        urls, console = visit(browser, page)
        outside = [u for u in urls if not (u.startswith("file://") or u.startswith("data:"))]
        assert not outside and not console, (page.name, outside, console)
        # a stylesheet or script that failed to load would be a console error; here its effect is checked
        assert browser.execute_script("return document.styleSheets.length") >= 1, page.name
        if "gx" in page.parts:
            sheets = browser.execute_script("return Array.from(document.styleSheets).map(s => s.href || '')")
            assert any("static/vendor/bootstrap/dist/css/bootstrap.min.css" in href for href in sheets), page.name
            assert "BlinkMacSystemFont" in browser.execute_script(      # bootstrap 4's font stack
                "return getComputedStyle(document.body).fontFamily"), page.name
            assert browser.execute_script("return typeof jQuery !== 'undefined' && !!jQuery.fn.bootstrapTable")


def test_broken_identity_fails_the_run_and_names_the_siret(tmp_path, reference_warehouse):
    broken = tmp_path / "postes.csv"
    lines = (FORMATS / "postes.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",0.5,", ",0.9,")                  # A: 2.9 ETP in its jobs, 2.5 declared
    lines[6] = lines[6][:-1] + "0"                                  # B: one post less at 31/12
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    spec = prepared_run(tmp_path / "run", reference_warehouse,
                        {"etablissements.csv": FORMATS / "etablissements.csv", "postes.csv": broken})
    pipeline.ingest(spec)
    pipeline.transform(spec)
    with pytest.raises(validate.ValidationFailed, match="postes présents") as error:
        pipeline.validate(spec)
    assert "44000000100014 : postes=2, postes_3112=1" in str(error.value)
    report = json.loads((spec.reports_for(2018) / "qualite" / "validation.json").read_text(encoding="utf-8"))
    failed = {c["libelle"]: c["exemples"] for c in report["controles"] if c["statut"] == "echec"}
    # the two broken identities, and the job modalities of the cells no longer add up to their totals
    assert set(failed) == {"postes de l'établissement = postes présents au 31/12 du fichier postes",
                           "ETP de l'établissement = somme des ETP de ses postes (± arrondis)",
                           "les modalités de chaque dimension s'additionnent au total de la cellule"}
    assert failed["ETP de l'établissement = somme des ETP de ses postes (± arrondis)"][0].startswith(
        "siret 77567227200011 : tolerance_etp=0.075, postes=3, postes_3112=3, etp=2.5, etp_postes=2.9")


def test_rejected_jobs_are_a_warning_and_missing_jobs_fail(tmp_path, reference_warehouse):
    spec = prepared_run(tmp_path, reference_warehouse, {"etablissements.csv": DATA / "defauts" / "etablissements.csv",
                                                        "postes.csv": DATA / "defauts" / "postes.csv"})
    pipeline.ingest(spec)
    pipeline.transform(spec)
    with pytest.raises(validate.ValidationFailed):
        pipeline.validate(spec)
    report = json.loads((spec.reports_for(2018) / "qualite" / "validation.json").read_text(encoding="utf-8"))
    failed = {c["libelle"]: (c["severite"], c["ecarts"]) for c in report["controles"] if c["statut"] == "echec"}
    assert failed["établissements dont des postes ont été rejetés : identités non vérifiées"] == ("avertissement", 1)
    # Comité and the two implausible establishments declare posts but have no job line
    assert failed["postes de l'établissement = postes présents au 31/12 du fichier postes"] == ("critique", 3)
    assert failed["ETP au plus postes × 1,5 + 1"] == ("avertissement", 1)
    assert failed["rémunération par ETP entre 7 000 et 250 000 €"] == ("avertissement", 1)
    assert {r["regle"]: r["lignes"] for r in report["rejets"] if r["fichier"].endswith("postes.csv")}[
        "âge hors de 14 à 80 ans"] == 1


def test_a_deliberately_broken_metric_fails_the_run(validated, monkeypatch):
    broken = replace(validate.ETABLISSEMENTS, query=validate.ETABLISSEMENTS.query.replace("cj,", ""))
    monkeypatch.setattr(validate, "CHECKS", (broken, *validate.CHECKS[1:]))
    with pytest.raises(validate.ValidationFailed, match="en erreur.*cj"):
        pipeline.validate(validated)


def test_schema_drift_is_a_critical_failure():
    with duckdb.connect() as connection:
        for table, columns in validate.SCHEMAS.items():
            typed = {**columns, "age": "VARCHAR"} if table == "stg_postes" else columns
            connection.execute(f"create table {table} ({', '.join(f'{c} {t}' for c, t in typed.items())})")
        outcomes = validate.schema_outcomes(connection)
    assert [(o.table, o.statut, o.exemples) for o in outcomes] == [
        ("stg_etablissements", "succes", []), ("stg_postes", "echec", ["age INTEGER (trouvé : VARCHAR)"])]
