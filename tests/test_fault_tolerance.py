"""A run killed (SIGKILL) in the middle of a step leaves the previous warehouse and outputs byte-identical,
and the next run succeeds."""
import hashlib
import subprocess
import sys
import textwrap

import pytest

from oress import pipeline
from oress.config import load_spec
from tests.conftest import DATA, place_raw, write_spec

# step → code run in a child process before the step: it makes the step kill its own process midway (each
# replaces a function where the step's module looks it up)
KILLERS = {
    "ingest": """
        import oress.ingest as i
        def killer(connection, sources, on_model=None):      # raw tables loaded, staging not yet built
            os.kill(os.getpid(), signal.SIGKILL)
        i.run_models = killer
    """,
    "transform": """
        import oress.transform as t, oress.warehouse as w
        def killer(connection, sources, on_model=None):      # after the first model of the transform
            first = w.run_order(sources)[0]
            connection.execute(f"create or replace table {first} as {sources[first]}")
            os.kill(os.getpid(), signal.SIGKILL)
        t.run_models = killer
    """,
    "protect": """
        import oress.protect as pr
        real = pr.build_published
        def killer(connection, rules, log=None, on_round=None):   # pub_indicateurs rebuilt, not yet swapped in
            real(connection, rules, log, on_round)
            os.kill(os.getpid(), signal.SIGKILL)
        pr.build_published = killer
    """,
    "keyfigures": """
        import oress.publish.keyfigures as k
        def killer(*args):                                    # parquet and csv written, xlsx not
            os.kill(os.getpid(), signal.SIGKILL)
        k._write_xlsx = killer
    """,
}


def snapshot(spec) -> dict[str, str]:
    """The warehouse and every output file (hidden work-in-progress folders are not outputs)."""
    outputs = (p for p in spec.reports_dir.rglob("*")
               if p.is_file() and not any(part.startswith(".") for part in p.relative_to(spec.reports_dir).parts))
    files = [spec.warehouse, *sorted(outputs)]
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kill")
    place_raw(folder, 2018, DATA / "slice" / "2018" / "etablissements.csv")
    spec = load_spec(write_spec(folder, ""))
    for step in (pipeline.reference, pipeline.ingest, pipeline.transform, pipeline.protect, pipeline.keyfigures):
        step(spec)
    return spec


@pytest.mark.parametrize("step", list(KILLERS))
def test_killed_step_leaves_previous_outputs_and_next_run_succeeds(built, step):
    before = snapshot(built)
    code = "import os, signal\n" + textwrap.dedent(KILLERS[step]) + textwrap.dedent(f"""
        from oress import pipeline
        from oress.config import load_spec
        pipeline.{step}(load_spec({str(built.path)!r}))
    """)
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr
    assert snapshot(built) == before
    getattr(pipeline, step)(built)                             # the next run cleans up and succeeds
    leftovers = [p.name for p in built.warehouse.parent.iterdir() if ".building" in p.name]
    leftovers += [p.name for p in built.reports_dir.rglob(".*")]
    assert leftovers == []


def test_identical_inputs_give_identical_outputs_and_a_manifest(built):
    import json

    first = snapshot(built)
    for step in (pipeline.ingest, pipeline.transform, pipeline.protect, pipeline.keyfigures):
        step(built)
    second = snapshot(built)
    outputs = {k: v for k, v in first.items() if k != str(built.warehouse)}
    assert outputs == {k: v for k, v in second.items() if k != str(built.warehouse)}
    manifest = json.loads((built.reports_for(2018) / "chiffres-cles" / "manifeste.json").read_text())
    assert [e["fichier"].endswith("2018/etablissements.csv") for e in manifest["entrees"]] == [True]
    assert manifest["perimetre"] == "e12b" and manifest["secret"]["frequence_min"] == 3
    assert "perimetre_e12b.csv" in manifest["references"] and manifest["oress"]
