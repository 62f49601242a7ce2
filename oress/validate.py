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
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

CRITICAL, WARNING = "critique", "avertissement"
CHUNK_ROWS = 1_000_000
# Plausibility bounds: values beyond them are possible but suspicious, so they are warnings, never rejections.
ETP_PER_POST, ETP_SLACK = 1.5, 1.0
# Gross annual wage per ETP of an establishment: the full-time SMIC was ~17 800 € in 2017-2018 and an
# apprentice earns from 27 % of it; an average below 7 000 € or above 250 000 € per ETP is a unit error.
WAGE_PER_ETP = (7_000, 250_000)
WAGE_PER_ETP_JOB = (3_000, 500_000)      # one job varies more than an establishment's average
# Identities between the job file and the establishment file: sums may differ by rounding only.
ETP_TOLERANCE = (0.05, 0.01)             # absolute, relative
WAGE_TOLERANCE = (10.0, 0.01)
MIN_ETP_FOR_WAGE = 0.1                   # below, a wage per ETP says nothing
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


@dataclass(frozen=True)
class Check:
    """One GX suite over the rows a DuckDB query returns for a millésime (`?` = millésime)."""
    table: str
    query: str
    key: str                                     # chunks split on hash(key); examples name it
    expectations: Callable                       # gxe module → list of expectations (meta: severite, libelle)
    examples_with: tuple[str, ...] = ()          # more columns shown beside a failing value
    applies: str | None = None                   # a query returning a count; 0 → "sans_objet"


def _meta(severite: str, libelle: str) -> dict:
    return {"severite": severite, "libelle": libelle}


def _etablissements(gxe) -> list:
    c, w = CRITICAL, WARNING
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="siret", meta=_meta(c, "siret renseigné")),
        gxe.ExpectColumnValuesToBeUnique(column="siret", meta=_meta(c, "un seul établissement par siret")),
        gxe.ExpectColumnValuesToMatchRegex(column="siret", regex=r"^\d{14}$", meta=_meta(c, "siret à 14 chiffres")),
        gxe.ExpectColumnValuesToMatchRegex(column="depcom", regex=r"^(?:\d{5}|2[AB]\d{3})$",
                                           meta=_meta(c, "commune du COG de référence")),
        gxe.ExpectColumnValuesToMatchRegex(column="apet", regex=r"^\d{4}[A-Z]$", meta=_meta(c, "APE sans point")),
        gxe.ExpectColumnValuesToMatchRegex(column="cj", regex=r"^\d{4}$", meta=_meta(c, "catégorie juridique à 4 "
                                                                                         "chiffres")),
        gxe.ExpectColumnValuesToBeBetween(column="postes", min_value=0, meta=_meta(c, "postes positifs")),
        gxe.ExpectColumnValuesToBeBetween(column="etp", min_value=0, meta=_meta(c, "ETP positifs")),
        gxe.ExpectColumnValuesToBeBetween(column="remuneration_brute", min_value=0,
                                          meta=_meta(c, "rémunérations positives")),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="etp_plafond", column_B="etp", or_equal=True,
            meta=_meta(w, f"ETP au plus postes × {ETP_PER_POST:g} + {ETP_SLACK:g}".replace(".", ","))),
        gxe.ExpectColumnValuesToBeBetween(
            column="salaire_etp", min_value=WAGE_PER_ETP[0], max_value=WAGE_PER_ETP[1],
            meta=_meta(w, f"rémunération par ETP entre {WAGE_PER_ETP[0]:,} et {WAGE_PER_ETP[1]:,} €"
                          .replace(",", " "))),
        gxe.ExpectColumnValuesToBeInSet(column="ess_sirene", value_set=["O", "N"],
                                        meta=_meta(w, "drapeau ESS de SIRENE O, N ou vide")),
    ]


def _postes(gxe) -> list:
    c, w = CRITICAL, WARNING
    return [
        gxe.ExpectColumnValuesToMatchRegex(column="siret", regex=r"^\d{14}$", meta=_meta(c, "siret à 14 chiffres")),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["fichier", "ligne"],
                                            meta=_meta(c, "une ligne de fichier = un poste")),
        gxe.ExpectColumnValuesToBeInSet(column="sexe", value_set=["1", "2"], meta=_meta(c, "sexe 1 ou 2")),
        gxe.ExpectColumnValuesToBeBetween(column="age", min_value=14, max_value=80,
                                          meta=_meta(c, "âge de 14 à 80 ans")),
        gxe.ExpectColumnValuesToBeInSet(column="contrat", value_set=["CDI", "CDD", "APP", "INT", "AUT"],
                                        meta=_meta(c, "contrat CDI, CDD, APP, INT ou AUT")),
        gxe.ExpectColumnValuesToBeInSet(column="present_3112", value_set=[0, 1],
                                        meta=_meta(c, "présence au 31/12 : 0 ou 1")),
        gxe.ExpectColumnValuesToBeBetween(column="etp", min_value=0, meta=_meta(c, "ETP positifs")),
        gxe.ExpectColumnValuesToBeBetween(column="remuneration_brute", min_value=0,
                                          meta=_meta(c, "rémunérations positives")),
        gxe.ExpectColumnValuesToBeInSet(column="temps_travail", value_set=["C", "P"],
                                        meta=_meta(w, "temps de travail C ou P (autres codes : « autres »)")),
        gxe.ExpectColumnValuesToMatchRegex(column="pcs", regex=r"^[1-6]\d{2}[A-Z]$",
                                           meta=_meta(w, "PCS-ESE à 4 caractères")),
        gxe.ExpectColumnValuesToBeBetween(column="etp", max_value=ETP_PER_POST,
                                          meta=_meta(w, "un poste au plus 1,5 ETP")),
        gxe.ExpectColumnValuesToBeBetween(
            column="salaire_etp", min_value=WAGE_PER_ETP_JOB[0], max_value=WAGE_PER_ETP_JOB[1],
            meta=_meta(w, f"rémunération par ETP du poste entre {WAGE_PER_ETP_JOB[0]:,} et "
                          f"{WAGE_PER_ETP_JOB[1]:,} €".replace(",", " "))),
    ]


def _identities(gxe) -> list:
    c, w = CRITICAL, WARNING
    return [
        gxe.ExpectColumnPairValuesToBeEqual(
            column_A="postes", column_B="postes_3112", ignore_row_if="either_value_is_missing",
            meta=_meta(c, "postes de l'établissement = postes présents au 31/12 du fichier postes")),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="tolerance_etp", column_B="ecart_etp", or_equal=True, ignore_row_if="either_value_is_missing",
            meta=_meta(c, "ETP de l'établissement = somme des ETP de ses postes (± arrondis)")),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="tolerance_remuneration", column_B="ecart_remuneration", or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=_meta(c, "rémunération de l'établissement = somme de celles de ses postes (± arrondis)")),
        gxe.ExpectColumnValuesToBeInSet(
            column="postes_rejetes", value_set=[False],
            meta=_meta(w, "établissements dont des postes ont été rejetés : identités non vérifiées")),
    ]


def _sirene(gxe) -> list:
    c, w = CRITICAL, WARNING
    return [
        gxe.ExpectColumnValuesToBeUnique(column="siret", meta=_meta(c, "un seul établissement par siret")),
        gxe.ExpectColumnValuesToMatchRegex(column="siret", regex=r"^\d{14}$", meta=_meta(c, "siret à 14 chiffres")),
        gxe.ExpectColumnValuesToMatchRegex(column="depcom", regex=r"^(?:\d{5}|2[AB]\d{3})$",
                                           meta=_meta(c, "commune du COG de référence")),
        gxe.ExpectColumnValuesToMatchRegex(column="cj", regex=r"^\d{4}$", meta=_meta(c, "catégorie juridique à 4 "
                                                                                         "chiffres")),
        gxe.ExpectColumnValuesToNotBeNull(column="taille", meta=_meta(c, "tranche d'effectifs connue")),
        gxe.ExpectColumnValuesToBeInSet(column="ess_sirene", value_set=["O", "N"],
                                        meta=_meta(w, "drapeau ESS de SIRENE O, N ou vide")),
    ]


ETABLISSEMENTS = Check("stg_etablissements", f"""
    select siret, depcom, apet, cj, postes, etp, remuneration_brute, ess_sirene,
           postes * {ETP_PER_POST} + {ETP_SLACK} as etp_plafond,
           case when etp >= {MIN_ETP_FOR_WAGE} then remuneration_brute / etp end as salaire_etp
    from stg_etablissements where motif is null and millesime = ?""", "siret", _etablissements,
                       ("postes", "etp", "remuneration_brute"))
POSTES = Check("stg_postes", f"""
    select fichier, ligne, siret, sexe, age, pcs, temps_travail, contrat, etp, remuneration_brute, present_3112,
           case when etp >= {MIN_ETP_FOR_WAGE} then remuneration_brute / etp end as salaire_etp
    from stg_postes where motif is null and millesime = ?""", "siret", _postes, ("ligne",),
               applies="select count(*) from raw_postes where millesime = ?")
IDENTITES = Check("identites_postes_etablissements", f"""
    with postes as (
        select siret, count(*) filter (where present_3112 = 1) as postes_3112, sum(etp) as etp_postes,
               sum(remuneration_brute) as remuneration_postes
        from stg_postes where motif is null and millesime = $1 group by siret),
    rejetes as (select distinct siret from stg_postes where motif is not null and millesime = $1)
    select e.siret, e.postes, e.etp, e.remuneration_brute, r.siret is not null as postes_rejetes,
           case when r.siret is null then coalesce(p.postes_3112, 0) end as postes_3112,
           round(coalesce(p.etp_postes, 0), 6) as etp_postes,
           round(coalesce(p.remuneration_postes, 0), 2) as remuneration_postes,
           case when r.siret is null then round(abs(coalesce(p.etp_postes, 0) - e.etp), 6) end as ecart_etp,
           round({ETP_TOLERANCE[0]} + {ETP_TOLERANCE[1]} * e.etp, 6) as tolerance_etp,
           case when r.siret is null then round(abs(coalesce(p.remuneration_postes, 0) - e.remuneration_brute), 2)
           end as ecart_remuneration,
           round({WAGE_TOLERANCE[0]} + {WAGE_TOLERANCE[1]} * e.remuneration_brute, 2) as tolerance_remuneration
    from stg_etablissements e left join postes p using (siret) left join rejetes r using (siret)
    where e.motif is null and e.millesime = $1""", "siret", _identities,
                  ("postes", "postes_3112", "etp", "etp_postes", "remuneration_brute", "remuneration_postes"),
                  applies="select count(*) from raw_postes where millesime = ?")
SIRENE = Check("stg_sirene", """
    select siret, depcom, apet, cj, tranche_effectifs, taille, ess_sirene
    from stg_sirene where motif is null and actif and millesime = ?""", "siret", _sirene, ("tranche_effectifs",),
               applies="select count(*) from raw_sirene_etablissements where millesime = ?")
CHECKS = (ETABLISSEMENTS, POSTES, IDENTITES, SIRENE)
# Column name → type the integrator relies on (stg_* may gain columns, never lose or retype these).
SCHEMAS = {
    "stg_etablissements": {"millesime": "INTEGER", "fichier": "VARCHAR", "ligne": "BIGINT", "siret": "VARCHAR",
                           "siren": "VARCHAR", "depcom": "VARCHAR", "apet": "VARCHAR", "cj": "VARCHAR",
                           "postes": "BIGINT", "etp": "DOUBLE", "remuneration_brute": "DOUBLE",
                           "denomination": "VARCHAR", "ess_sirene": "VARCHAR", "contenu": "VARCHAR",
                           "motif": "VARCHAR"},
    "stg_postes": {"millesime": "INTEGER", "fichier": "VARCHAR", "ligne": "BIGINT", "siret": "VARCHAR",
                   "sexe": "VARCHAR", "age": "INTEGER", "pcs": "VARCHAR", "temps_travail": "VARCHAR",
                   "contrat": "VARCHAR", "etp": "DOUBLE", "remuneration_brute": "DOUBLE", "present_3112": "INTEGER",
                   "contenu": "VARCHAR", "motif": "VARCHAR"},
}


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
        import great_expectations.expectations as gxe

        if name not in self.definitions:
            batch = self.source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("lot")
            suite = self.context.suites.add(self.gx.ExpectationSuite(name=name))
            for expectation in check.expectations(gxe):
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
