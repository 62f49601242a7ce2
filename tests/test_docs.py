"""The README and the Makefile name every CLI verb, so the docs cannot drift from the code."""
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


# build is the list of the others (oress.pipeline)
NO_MODULE = {"build"}
SQL_LAYERS = {"staging", "intermediate", "marts", "published", "checks", "macros"}


def test_a_step_has_one_name():
    """The CLI verb (= the Make target, above) runs the step of oress.pipeline of the same name; the module
    and the SQL folder of a step carry that name too (SQL folders otherwise name a layer)."""
    cli = (ROOT / "oress" / "cli.py").read_text(encoding="utf-8")
    for verb in verbs():
        assert f'_run("{verb}", ' in cli, f"`oress {verb}` does not run the step {verb}"
        assert callable(pipeline.step(verb)), f"oress.pipeline has no step `{verb}`"
        if verb not in NO_MODULE:
            places = [ROOT / "oress" / f"{verb}.py", ROOT / "oress" / "publish" / f"{verb}.py", ROOT / "oress" / verb]
            assert any(place.exists() for place in places), f"no module named after the step `{verb}`"
    for folder in (ROOT / "sql").iterdir():
        assert folder.name in SQL_LAYERS | set(verbs()), f"sql/{folder.name} names neither a layer nor a step"
