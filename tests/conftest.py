"""Shared helpers: a run spec written into a temporary folder around hand-written fixture files."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

DATA = Path(__file__).parent / "data"


def write_spec(folder: Path, body: str = "", millesimes: str = "[2018]") -> Path:
    """A spec whose raw_dir, warehouse and reports live under `folder`."""
    path = folder / "run.toml"
    path.write_text(textwrap.dedent(f"""\
        raw_dir = "raw"
        warehouse = "warehouse/oress.duckdb"
        reports_dir = "reports"
        millesimes = {millesimes}
        region = "28"
        date_edition = 2026-11-22
        """) + textwrap.dedent(body), encoding="utf-8")
    return path


def place_raw(folder: Path, millesime: int, source: Path, name: str = "etablissements.csv") -> Path:
    target = folder / "raw" / str(millesime) / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target
