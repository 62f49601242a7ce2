"""The README and the Makefile name every CLI verb, so the docs cannot drift from the code."""
import re
from pathlib import Path

from typer.main import get_command

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
