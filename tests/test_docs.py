"""The README and the Makefile name every CLI verb, so the docs cannot drift from the code."""
import ast
import importlib
import re
from pathlib import Path

from typer.main import get_command

from oress import pipeline
from oress.cli import app

ROOT = Path(__file__).resolve().parent.parent


def verbs():
    return sorted(get_command(app).commands)


def test_cli_has_the_pipeline_verbs():
    assert set(verbs()) >= {"demo", "reference", "ingest", "transform", "validate", "protect", "keyfigures",
                            "report", "build"}


def test_every_verb_is_in_the_readme_and_the_makefile():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for verb in verbs():
        assert f"oress {verb}" in readme, f"README does not document `oress {verb}`"
        assert re.search(rf"^{verb}:", makefile, re.MULTILINE), f"Makefile has no `{verb}` target"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")


SQL_LAYERS = {"staging", "intermediate", "marts", "published", "checks", "macros"}
# the verbs outside `build`: the demo writes raw data, the audit replays the secrecy audit on written files
NOT_BUILT = {"demo", "audit"}


def _module_file(module: str) -> Path:
    path = ROOT.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _readme_table() -> list[str]:
    """The verbs in the order of the README's table of the steps."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `oress (\w+)` \|", readme, re.MULTILINE)


def test_a_step_has_one_name():
    """The CLI verb (= the Make target, above) runs the step of that name: the `run` that ends the module named
    after it (oress.pipeline.MODULES); `build` runs the others (but the demo and the audit) in the order of the
    README's table. The SQL folder of a step carries its name too (SQL folders otherwise name a layer)."""
    cli = (ROOT / "oress" / "cli.py").read_text(encoding="utf-8")
    steps = [verb for verb in verbs() if verb != "build"]
    assert sorted(pipeline.MODULES) == steps
    for verb in verbs():
        assert f'_run("{verb}", ' in cli, f"`oress {verb}` does not run the step {verb}"
    for verb in steps:
        module = pipeline.MODULES[verb]
        assert module.rpartition(".")[2] == verb, f"the step `{verb}` is in {module}, not named after it"
        last = ast.parse(_module_file(module).read_text(encoding="utf-8")).body[-1]
        assert isinstance(last, ast.FunctionDef) and last.name == "run", f"{module} does not end with `def run`"
        assert pipeline.step(verb) is importlib.import_module(module).run
    table = _readme_table()
    assert sorted(table) == verbs() and table[-1] == "build", "the README's table lists every verb once, build last"
    for chain in (pipeline.STEPS, pipeline.LIVRAISON_STEPS):
        assert chain == [verb for verb in table if verb in chain], f"{chain}: not in the README's order"
    assert {*pipeline.STEPS, *pipeline.LIVRAISON_STEPS} == set(steps) - NOT_BUILT
    for folder in (ROOT / "sql").iterdir():
        assert folder.name in SQL_LAYERS | set(verbs()), f"sql/{folder.name} names neither a layer nor a step"
