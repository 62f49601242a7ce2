"""Great Expectations suites on the staging tables plus sql/checks, gated by severity in our own code."""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass
from pathlib import Path

CRITICAL, WARNING = "critique", "avertissement"


class ValidationFailed(RuntimeError):
    """A critical expectation failed, or an expectation crashed."""


@dataclass(frozen=True)
class Outcome:
    table: str
    controle: str
    severite: str
    statut: str          # "succes", "echec" or "erreur" (the check itself crashed)
    detail: str
    exemples: list


def _suite_etablissements(gx, gxe):
    suite = gx.ExpectationSuite(name="stg_etablissements")
    critical, warning = {"severite": CRITICAL}, {"severite": WARNING}
    for expectation in (
        gxe.ExpectColumnValuesToNotBeNull(column="siret", meta=critical),
        gxe.ExpectColumnValuesToBeUnique(column="siret", meta=critical),
        gxe.ExpectColumnValuesToMatchRegex(column="siret", regex=r"^\d{14}$", meta=critical),
        gxe.ExpectColumnValuesToMatchRegex(column="depcom", regex=r"^(\d{5}|2[AB]\d{3})$", meta=critical),
        gxe.ExpectColumnValuesToMatchRegex(column="apet", regex=r"^\d{4}[A-Z]$", meta=critical),
        gxe.ExpectColumnValuesToMatchRegex(column="cj", regex=r"^\d{4}$", meta=critical),
        gxe.ExpectColumnValuesToBeBetween(column="postes", min_value=0, meta=critical),
        gxe.ExpectColumnValuesToBeBetween(column="etp", min_value=0, meta=critical),
        gxe.ExpectColumnValuesToBeBetween(column="remuneration_brute", min_value=0, meta=critical),
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(column_A="etp_plafond", column_B="etp", or_equal=True,
                                                    meta=warning),
        gxe.ExpectColumnValuesToBeInSet(column="ess_sirene", value_set=["O", "N"], meta=warning),
    ):
        suite.add_expectation(expectation)
    return suite


def crashed(exception_info) -> str | None:
    """The error message when GX could not compute a metric (never read that as pass or fail)."""
    if not isinstance(exception_info, dict):
        return None
    entries = exception_info.values() if "raised_exception" not in exception_info else [exception_info]
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return entry.get("exception_message") or "erreur inconnue"
    return None


def run_gx(frame, suite_factory=_suite_etablissements) -> list[Outcome]:
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (context.data_sources.add_pandas("oress").add_dataframe_asset("staging")
             .add_batch_definition_whole_dataframe("tout").get_batch(batch_parameters={"dataframe": frame}))
    suite = context.suites.add(suite_factory(gx, gxe))
    result = batch.validate(suite, result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5})
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        error = crashed(item.exception_info)
        column = config.kwargs.get("column") or f"{config.kwargs.get('column_A')} / {config.kwargs.get('column_B')}"
        examples = [str(v) for v in (item.result or {}).get("partial_unexpected_list", [])][:5]
        outcomes.append(Outcome(
            table=suite.name, controle=f"{config.type} ({column})", severite=config.meta.get("severite", CRITICAL),
            statut="erreur" if error else ("succes" if item.success else "echec"),
            detail=error or f"{(item.result or {}).get('unexpected_count', 0)} valeur(s) en écart",
            exemples=examples))
    return outcomes


def run_sql_checks(connection) -> list[Outcome]:
    from oress.warehouse import run_checks

    return [Outcome("marts", name, CRITICAL, "succes" if count == 0 else "echec", f"{count} ligne(s) en écart", [])
            for name, count in run_checks(connection).items()]


def staging_frame(connection, millesime: int):
    # ETP above postes × 1.5 + 1 is implausible (warning): the ceiling is computed here, compared by GX.
    return connection.execute("""
        select siret, depcom, apet, cj, postes, etp, remuneration_brute, ess_sirene,
               postes * 1.5 + 1 as etp_plafond
        from stg_etablissements where motif is null and millesime = ?
    """, [millesime]).df()


def gate(outcomes: list[Outcome]) -> None:
    errors = [o for o in outcomes if o.statut == "erreur"]
    if errors:
        raise ValidationFailed(f"contrôle en erreur (ni réussi ni échoué) : {errors[0].controle} : {errors[0].detail}")
    failed = [o for o in outcomes if o.statut == "echec" and o.severite == CRITICAL]
    if failed:
        raise ValidationFailed(f"contrôle critique en échec : {failed[0].controle} : {failed[0].detail} "
                               f"(exemples : {', '.join(failed[0].exemples) or '—'})")


def write_report(outcomes: list[Outcome], out_dir: Path, millesime: int) -> None:
    from oress.files import write_atomically, write_json

    write_json(out_dir / "validation.json", {"millesime": millesime, "controles": [asdict(o) for o in outcomes]})
    rows = "\n".join(
        f"<tr class='{o.statut}'><td>{html.escape(o.table)}</td><td>{html.escape(o.controle)}</td>"
        f"<td>{o.severite}</td><td>{o.statut}</td><td>{html.escape(o.detail)}</td>"
        f"<td>{html.escape(', '.join(o.exemples))}</td></tr>" for o in outcomes)
    page = (f"<!DOCTYPE html><html lang='fr'><meta charset='utf-8'><title>Validation {millesime}</title>"
            "<style>body{font-family:sans-serif}td{padding:2px 8px;border-bottom:1px solid #ccc}"
            ".echec{background:#fde2e1}.erreur{background:#f9c0bd}</style>"
            f"<h1>Contrôles de validation — millésime {millesime}</h1><table><tr><th>Table</th><th>Contrôle</th>"
            f"<th>Sévérité</th><th>Statut</th><th>Détail</th><th>Exemples</th></tr>{rows}</table></html>\n")
    write_atomically(out_dir / "validation.html", lambda aside: aside.write_text(page, encoding="utf-8"))
