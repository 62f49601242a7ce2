"""The steps of a run, by name, and `build`, which chains them.

Each step is the `run(spec, …)` that ends the module named after it (MODULES): `oress <step>` runs it, and
`build` runs the steps of STEPS (of LIVRAISON_STEPS from INSEE's delivered tables) in that order. A step's
module is imported only when the step runs, so `oress ingest` never loads the PDF stack; what the steps
share (the console, report paths, the check of the earlier steps' tables) is in pipeline_base.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable

from oress.config import RunSpec
from oress.pipeline_base import say

# step → the module whose `run` it is
MODULES = {
    "demo": "oress.demo",
    "reference": "oress.reference",
    "ingest": "oress.ingest",
    "transform": "oress.transform",
    "validate": "oress.validate",
    "protect": "oress.protect",
    "audit": "oress.audit",
    "conjoncture": "oress.publish.conjoncture",
    "livraison": "oress.livraison",
    "keyfigures": "oress.publish.keyfigures",
    "report": "oress.publish.report",
    "site": "oress.site",
}
STEPS = ["reference", "ingest", "transform", "validate", "protect", "conjoncture", "keyfigures", "report", "site"]
LIVRAISON_STEPS = ["reference", "livraison", "keyfigures", "report", "site"]   # the tables INSEE delivers

__all__ = ["LIVRAISON_STEPS", "MODULES", "STEPS", "build", "step"]


def step(name: str) -> Callable[..., None]:
    """The step `name`: its module's `run`, or `build`."""
    if name == "build":
        return build
    if name not in MODULES:
        raise ValueError(f"étape inconnue : {name!r} (étapes : {', '.join([*MODULES, 'build'])})")
    return importlib.import_module(MODULES[name]).run


def __getattr__(name: str) -> Callable[..., None]:
    """`pipeline.ingest` is the step `ingest` (as the tests and benchmarks call them)."""
    if name in MODULES:
        return step(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        for name in LIVRAISON_STEPS if spec.livraison_insee else STEPS:
            say(f"[bold]{name}[/bold]")
            step(name)(aside)
    say(f"rapports sous {spec.reports_dir} ; entrepôt {spec.warehouse}")
