"""Great Expectations suites on the staging tables plus sql/checks, gated by severity in our own code.

GX validates pandas frames (Arrow dtypes) pulled from DuckDB by chunks of at most CHUNK_ROWS rows, split on
a hash of the key so that per-key expectations (uniqueness) stay exact; the per-siret accounting identities
between postes and etablissements are computed in DuckDB first. A national file is never held in pandas at
once. Results: validation.json, an offline validation.html and GX Data Docs (gx/index.html) per millésime.
"""
from __future__ import annotations

import html
import math
import shutil
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from oress.contracts import CRITICAL, Check, read_contracts

CHUNK_ROWS = 1_000_000
# Checked in this order; each read from its contract beside the staging models (sql/staging/*.contract.toml).
CONTRACTS = ("stg_etablissements", "stg_postes", "identites_postes_etablissements", "stg_sirene")
CHECKS = read_contracts(CONTRACTS)
ETABLISSEMENTS, POSTES, IDENTITES, SIRENE = CHECKS
# Column name → type the integrator relies on, per staging table (from the contracts' [colonnes]).
SCHEMAS = {check.table: check.columns for check in CHECKS if check.columns}
STATUSES = ("succes", "echec", "erreur", "sans_objet")


class ValidationFailed(RuntimeError):
    """A critical expectation failed, or an expectation crashed."""


@dataclass(frozen=True)
class Outcome:
    table: str
    controle: str
    severite: str
    statut: str          # "succes", "echec", "erreur" (the check itself crashed) or "sans_objet"
    detail: str
    exemples: list
    libelle: str = ""
    lignes: int = 0
    ecarts: int = 0


def crashed(exception_info) -> str | None:
    """The error message when GX could not compute a metric (never read that as pass or fail)."""
    if not isinstance(exception_info, dict):
        return None
    entries = exception_info.values() if "raised_exception" not in exception_info else [exception_info]
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return entry.get("exception_message") or "erreur inconnue"
    return None


def _column(kwargs: dict) -> str:
    if "column" in kwargs:
        return kwargs["column"]
    if "column_list" in kwargs:
        return ", ".join(kwargs["column_list"])
    return f"{kwargs.get('column_A')} / {kwargs.get('column_B')}"


def _value(value) -> str:
    return f"{value:.10g}" if isinstance(value, float) else str(value)


def _example(item: dict, key: str) -> str:
    rest = ", ".join(f"{k}={_value(v)}" for k, v in item.items() if k != key)
    return f"{key} {item[key]} : {rest}" if key in item else rest


def _examples(result: dict, key: str) -> list[str]:
    indexed = result.get("partial_unexpected_index_list") or []
    if indexed and isinstance(indexed[0], dict):
        return [_example(item, key) for item in indexed[:5]]
    return [_value(v) for v in result.get("partial_unexpected_list", [])][:5]


class Validator:
    """One ephemeral GX context: suites validated on frames, results kept for the Data Docs."""

    def __init__(self, docs_dir: Path | None = None):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self.docs_dir = docs_dir
        if docs_dir:
            self.context.add_data_docs_site("oress", {
                "class_name": "SiteBuilder", "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)}})
        self.source = self.context.data_sources.add_pandas("oress")
        self.definitions: dict[str, object] = {}

    def _definition(self, check: Check, name: str):
        if name not in self.definitions:
            batch = self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("lot")
            suite = self.context.suites.add(self.gx.ExpectationSuite(name=name))
            for expectation in check.gx_expectations():
                suite.add_expectation(expectation)
            self.definitions[name] = self.context.validation_definitions.add(
                self.gx.ValidationDefinition(name=name, data=batch, suite=suite))
        return self.definitions[name]

    def validate(self, check: Check, frame, name: str | None = None) -> list[Outcome]:
        """Outcomes in suite order for one frame."""
        definition = self._definition(check, name or check.table)
        columns = [c for c in (check.key, *check.examples_with) if c in frame.columns]
        result = definition.run(batch_parameters={"dataframe": frame}, result_format={
            "result_format": "SUMMARY", "partial_unexpected_count": 5, "unexpected_index_column_names": columns})
        order = {e.id: i for i, e in enumerate(definition.suite.expectations)}
        outcomes = []
        for item in sorted(result.results, key=lambda r: order.get(r.expectation_config.id, 0)):
            config, details = item.expectation_config, item.result or {}
            error = crashed(item.exception_info)
            outcomes.append(Outcome(
                table=check.table, controle=f"{config.type} ({_column(config.kwargs)})",
                severite=config.meta.get("severite", CRITICAL), libelle=config.meta.get("libelle", ""),
                statut="erreur" if error else ("succes" if item.success else "echec"),
                detail=error or "", exemples=[] if error else _examples(details, check.key),
                lignes=details.get("element_count", 0) or 0, ecarts=details.get("unexpected_count", 0) or 0))
        return outcomes

    def build_docs(self) -> None:
        if self.docs_dir:
            self.context.build_data_docs(site_names=["oress"])


def merge(chunks: list[list[Outcome]]) -> list[Outcome]:
    """One outcome per expectation over every chunk: counts added, the worst status kept, first examples."""
    merged: dict[tuple[str, str, str], Outcome] = {}
    for outcomes in chunks:
        for o in outcomes:
            # keyed by label too: two expectations of one kind on one column ("ETP positifs", critical, and
            # "un poste au plus 1,5 ETP", a warning) stay two outcomes with their own severity
            key = (o.table, o.controle, o.libelle)
            seen = merged.get(key)
            if seen is None:
                merged[key] = o
                continue
            statut = max(seen.statut, o.statut, key=("sans_objet", "succes", "echec", "erreur").index)
            merged[key] = replace(
                seen, statut=statut, detail=seen.detail or o.detail, exemples=(seen.exemples + o.exemples)[:5],
                lignes=seen.lignes + o.lignes, ecarts=seen.ecarts + o.ecarts)
    return [_described(o) for o in merged.values()]


def _described(o: Outcome) -> Outcome:
    if o.statut == "erreur":
        return o
    return replace(o, detail=f"{o.ecarts} valeur(s) en écart sur {o.lignes}" if o.lignes else
                   (o.detail or ("conforme" if o.statut == "succes" else "non conforme")))


def frames(connection, check: Check, millesime: int, chunk_rows: int = CHUNK_ROWS):
    """The check's rows as pandas frames (Arrow dtypes) of at most ~chunk_rows rows, split on hash(key), each
    sorted on all its columns."""
    import pandas as pd

    params = [millesime]
    [(rows,)] = connection.execute(f"select count(*) from ({check.query})", params).fetchall()
    chunks = max(1, math.ceil(rows / chunk_rows))
    for i in range(chunks):
        part = "" if chunks == 1 else f" where hash({check.key}) % {chunks} = {i}"
        # in a fixed order: the examples a failing expectation lists are its first rows, and a rebuilt
        # warehouse scans its tables in another order (two builds must write the same validation.json)
        query = f"select * from ({check.query}){part} order by all"
        arrow = connection.sql(query, params=params).to_arrow_table()
        yield _numpy_numbers(arrow.to_pandas(types_mapper=pd.ArrowDtype))


def _numpy_numbers(frame):
    """Numbers as numpy int64 / float64 (NULL → NaN): GX compares only those vectorised; on an Arrow or
    int32 column it calls Python once per value (45 s of a national validate)."""
    import pyarrow as pa

    for name, dtype in frame.dtypes.items():
        kind = getattr(dtype, "pyarrow_dtype", None)
        if kind is not None and pa.types.is_integer(kind):
            frame[name] = frame[name].astype("float64" if frame[name].hasnans else "int64")
        elif kind is not None and pa.types.is_floating(kind):
            frame[name] = frame[name].astype("float64")
    return frame


def run_check(connection, validator: Validator, check: Check, millesime: int,
              chunk_rows: int = CHUNK_ROWS) -> list[Outcome]:
    if check.applies:
        [(count,)] = connection.execute(check.applies, [millesime]).fetchall()
        if not count:
            return [Outcome(check.table, "suite entière", CRITICAL, "sans_objet",
                            "pas de fichier pour ce millésime : contrôles sans objet", [])]
    name = f"{check.table} {millesime}"
    return merge([validator.validate(check, frame, name) for frame in frames(connection, check, millesime,
                                                                             chunk_rows)])


def schema_outcomes(connection) -> list[Outcome]:
    """The staging tables keep the columns and types the later steps read."""
    outcomes = []
    for table, expected in SCHEMAS.items():
        found = {name: kind for name, kind, *_ in connection.execute(f"describe {table}").fetchall()}
        gaps = [f"{name} {kind} (trouvé : {found.get(name, 'absente')})" for name, kind in expected.items()
                if found.get(name) != kind]
        outcomes.append(Outcome(table, "schéma (colonnes et types)", CRITICAL, "echec" if gaps else "succes",
                                f"{len(gaps)} colonne(s) en écart" if gaps else "conforme", gaps[:5],
                                libelle="colonnes et types attendus par les étapes suivantes"))
    return outcomes


def run_gx(frame, check: Check = ETABLISSEMENTS) -> list[Outcome]:
    """GX on one in-memory frame (tests and small checks)."""
    return merge([Validator().validate(check, frame)])


def run_millesime(connection, millesime: int, out_dir: Path, chunk_rows: int = CHUNK_ROWS) -> list[Outcome]:
    """Every suite of a millésime; the GX Data Docs are built aside, made to render offline, and swapped into
    out_dir/gx."""
    from oress.offline import make_offline

    aside = out_dir / ".gx.building"
    shutil.rmtree(aside, ignore_errors=True)
    validator = Validator(aside)
    outcomes = schema_outcomes(connection)
    for check in CHECKS:
        outcomes += run_check(connection, validator, check, millesime, chunk_rows)
    validator.build_docs()
    if aside.exists():
        make_offline(aside)         # GX's pages load their CSS and scripts from CDNs: copies from npm instead
    _swap_dir(aside, out_dir / "gx")
    return outcomes


def staging_outcomes(connection, millesime: int, chunk_rows: int = CHUNK_ROWS) -> list[Outcome]:
    """The contracts of each staging table (schemas and their GX suites; the identities between the job and
    establishment files stay with `oress validate`), without Data Docs: the gate that ends `ingest`, so a
    critical failure stops before transform."""
    validator = Validator()
    outcomes = schema_outcomes(connection)
    for check in (c for c in CHECKS if c.table.startswith("stg_")):
        outcomes += run_check(connection, validator, check, millesime, chunk_rows)
    return outcomes


def _swap_dir(new: Path, target: Path) -> None:
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def run_sql_checks(connection) -> list[Outcome]:
    from oress.warehouse import check_description, check_examples, run_checks

    return [Outcome("marts", name, CRITICAL, "succes" if count == 0 else "echec", f"{count} ligne(s) en écart",
                    check_examples(connection, name) if count else [], libelle=check_description(name), ecarts=count)
            for name, count in run_checks(connection).items()]


def _named(o: Outcome) -> str:
    return f"{o.table} — {o.libelle + ' — ' if o.libelle else ''}{o.controle}"


def gate(outcomes: list[Outcome]) -> None:
    errors = [o for o in outcomes if o.statut == "erreur"]
    if errors:
        raise ValidationFailed(f"contrôle en erreur (ni réussi ni échoué) : {_named(errors[0])} : {errors[0].detail}")
    failed = [o for o in outcomes if o.statut == "echec" and o.severite == CRITICAL]
    if failed:
        others = f" ; {len(failed) - 1} autre(s) contrôle(s) critique(s) en échec" if len(failed) > 1 else ""
        raise ValidationFailed(f"contrôle critique en échec : {_named(failed[0])} : {failed[0].detail} "
                               f"(exemples : {'; '.join(failed[0].exemples) or '—'}){others} ; détail dans "
                               "qualite/validation.html")


def rejection_summary(connection, millesime: int) -> list[dict]:
    """Rejected lines per file and rule, with the first line numbers, so every defect can be looked up."""
    rows = connection.execute("""
        select fichier, trim(regexp_extract(motif, '^[^:(]*')) as regle, count(*) as lignes,
               list(ligne order by ligne)[1:5] as exemples
        from rejets where millesime = ? group by all order by fichier, lignes desc, regle
    """, [millesime]).fetchall()
    return [dict(zip(("fichier", "regle", "lignes", "exemples_lignes"), row)) for row in rows]


@dataclass
class _Page:
    millesime: int
    outcomes: list[Outcome]
    rejections: list[dict] = field(default_factory=list)

    def render(self) -> str:
        counts = {s: sum(o.statut == s for o in self.outcomes) for s in STATUSES}
        critical = sum(o.statut == "echec" and o.severite == CRITICAL for o in self.outcomes)
        rows = "\n".join(
            f"<tr class='{o.statut} {o.severite}'><td>{html.escape(o.table)}</td>"
            f"<td>{html.escape(o.libelle)}<div class='gx'>{html.escape(o.controle)}</div></td>"
            f"<td>{o.severite}</td><td>{o.statut.replace('_', ' ')}</td><td>{html.escape(o.detail)}</td>"
            f"<td>{'<br>'.join(html.escape(e) for e in o.exemples)}</td></tr>" for o in self.outcomes)
        rejected = "\n".join(
            f"<tr><td>{html.escape(Path(r['fichier']).name)}</td><td>{html.escape(r['regle'])}</td>"
            f"<td class='n'>{r['lignes']}</td><td>{', '.join(map(str, r['exemples_lignes']))}</td></tr>"
            for r in self.rejections) or "<tr><td colspan='4'>aucune ligne rejetée</td></tr>"
        return (
            f"<!DOCTYPE html><html lang='fr'><meta charset='utf-8'><title>Qualité {self.millesime}</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
            "td,th{padding:3px 8px;border-bottom:1px solid #ccc;vertical-align:top;text-align:left}"
            ".gx{color:#777;font-size:80%}.n{text-align:right}.echec.avertissement{background:#fff4cc}"
            ".echec.critique{background:#fde2e1}.erreur{background:#f9c0bd}.sans_objet{color:#777}</style>"
            f"<h1>Contrôles de qualité — millésime {self.millesime}</h1>"
            f"<p>{len(self.outcomes)} contrôles : {counts['succes']} réussis, {counts['echec']} en écart "
            f"(dont {critical} critiques), {counts['erreur']} en erreur, {counts['sans_objet']} sans objet. "
            "Un contrôle critique en écart ou en erreur arrête la chaîne ; un avertissement est à examiner. "
            "Détail Great Expectations : <a href='gx/index.html'>Data Docs</a> ; lignes lues, chargées et "
            "rejetées par fichier : ingestion.json.</p>"
            "<h2>Lignes rejetées à l'ingestion</h2><table><tr><th>Fichier</th><th>Règle</th><th>Lignes</th>"
            f"<th>Premières lignes</th></tr>{rejected}</table>"
            "<h2>Contrôles</h2><table><tr><th>Table</th><th>Contrôle</th><th>Sévérité</th><th>Statut</th>"
            f"<th>Détail</th><th>Exemples</th></tr>{rows}</table></html>\n")


def write_report(outcomes: list[Outcome], out_dir: Path, millesime: int, rejections: list[dict] = ()) -> None:
    from oress.files import write_atomically, write_json

    write_json(out_dir / "validation.json", {"millesime": millesime, "controles": [asdict(o) for o in outcomes],
                                             "rejets": list(rejections), "data_docs": "gx/index.html"})
    page = _Page(millesime, outcomes, list(rejections)).render()
    write_atomically(out_dir / "validation.html", lambda aside: aside.write_text(page, encoding="utf-8"))
