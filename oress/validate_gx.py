"""One ephemeral Great Expectations context: a Check's suite validated on pandas frames, each result read
into an Outcome (a crashed metric is an error, never a pass or a fail), and the Data Docs built from them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oress.contracts import CRITICAL, Check


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
