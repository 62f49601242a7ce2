"""`oress build` is one transaction: inputs are checked before anything is written, every step runs on one
aside copy of the warehouse and of the reports tree, and both are swapped in only when every step succeeded."""
from __future__ import annotations

import hashlib

import pytest

from oress import pipeline, transform, validate
from oress.config import load_spec
from oress.sources import InputError
from tests.conftest import DATA, place_raw, write_spec

SLICE = DATA / "slice" / "2018" / "etablissements.csv"


def snapshot(spec) -> dict[str, str]:
    """Every file of the warehouse's folder and of the reports tree, hidden ones included, with its hash."""
    files = sorted(p for folder in (spec.warehouse.parent, spec.reports_dir) for p in folder.rglob("*")
                   if p.is_file() and not p.name.endswith(".lock"))
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def leftovers(spec) -> list[str]:
    siblings = [*spec.warehouse.parent.iterdir(), *spec.reports_dir.parent.iterdir()]
    return sorted(p.name for p in siblings if ".transaction" in p.name or ".tree" in p.name
                  or ".building" in p.name)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("transaction")
    place_raw(folder, 2018, SLICE)
    spec = load_spec(write_spec(folder, ""))
    pipeline.build(spec)
    return spec


def test_build_fails_at_ingest_before_writing_anything(built, tmp_path):
    raw = built.raw_dir / "2018" / "etablissements.csv"
    lines = SLICE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(";")
    cj = header.index("cj")
    without_cj = [";".join(v for i, v in enumerate(line.split(";")) if i != cj) for line in lines]
    before = snapshot(built)
    raw.write_text("\n".join(without_cj) + "\n", encoding="utf-8")
    try:
        with pytest.raises(InputError, match="cj"):
            pipeline.build(built)
    finally:
        raw.write_bytes(SLICE.read_bytes())
    assert snapshot(built) == before
    assert leftovers(built) == []


@pytest.mark.parametrize("target", ["oress.protect.build_published", "oress.publish.report.render"])
def test_build_failing_at_a_later_step_changes_nothing(built, monkeypatch, target):
    module, _, name = target.rpartition(".")

    def failing(*args, **kwargs):
        raise RuntimeError("panne injectée")

    monkeypatch.setattr(f"{module}.{name}", failing)
    before = snapshot(built)
    with pytest.raises(RuntimeError, match="panne injectée"):
        pipeline.build(built)
    assert snapshot(built) == before
    assert leftovers(built) == []


def test_build_failing_a_critical_check_at_validate_changes_nothing(built, monkeypatch):
    """The marts break their identities (every sector cell one poste more, written after transform's models):
    validate's SQL checks of the marts fail, the build stops, and the warehouse and reports are as they were."""
    models = transform.run_models

    def breaking_identities(connection, *args, **kwargs):
        models(connection, *args, **kwargs)
        connection.execute("update mart_cellules set postes = postes + 1 where dimension = 'secteur'")

    monkeypatch.setattr(transform, "run_models", breaking_identities)
    before = snapshot(built)
    with pytest.raises(validate.ValidationFailed, match="contrôle critique en échec : marts .* chk_champ_identites"):
        pipeline.build(built)
    assert snapshot(built) == before
    assert leftovers(built) == []


def test_next_build_removes_leftovers_of_a_killed_build(built):
    (built.warehouse.parent / f".{built.warehouse.name}.999999.transaction").write_bytes(b"half a warehouse")
    stale = built.reports_dir.parent / f".{built.reports_dir.name}.999999.tree"
    (stale / "2018").mkdir(parents=True)
    (stale / "2018" / "half.pdf").write_bytes(b"%PDF")
    before = snapshot(built)
    pipeline.build(built)
    assert leftovers(built) == []
    # same inputs, same outputs (the Great Expectations Data Docs carry the time of the run)
    outputs = {k: v for k, v in before.items()
               if not k.startswith(str(built.warehouse.parent)) and "/qualite/gx/" not in k}
    assert {k: v for k, v in snapshot(built).items() if k in outputs} == outputs


def test_build_messages_name_the_reports_as_the_reader_finds_them(built, capsys):
    pipeline.build(built)
    said = capsys.readouterr().err
    # every report path is shown within the reports tree, never under the aside copy the build wrote
    assert ".tree" not in said and ".transaction" not in said
    assert "→ 2018/qualite/audit_secret.html" in said and "→ site/index.html" in said
    assert "  2018/chiffres-cles/indicateurs.parquet" in said
    assert f"rapports sous {built.reports_dir}" in said
