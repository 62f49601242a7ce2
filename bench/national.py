"""National benchmark: a France-size demo (every région, one millésime) through ingest, validate and
transform; prints one row per step (seconds, peak RSS) and the ratio to DuckDB's bare scan of the
raw files, and appends the table to bench/RESULTS.md with the machine and the date.

Usage: python bench/national.py [--steps reference,ingest,transform,validate] [--keep DIR]
(never part of the test suite; needs ≈ 10 GB of free disk in the temporary folder)
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import duckdb

from bench_ingest import bare_read_seconds, lines   # bench/ is on the path when run as a script
from oress import pipeline
from oress.config import load_spec

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def peak_mib() -> float:
    """Peak resident memory of this process and of its finished children (MiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, {memory:.0f} GiB, " \
           f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", default="reference,ingest,transform,validate")
    parser.add_argument("--keep", type=Path, help="dossier à conserver (sinon un dossier temporaire effacé)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="oress-national-"))
    spec = load_spec(ROOT / "pipelines" / "demo.toml")
    spec = replace(spec, raw_dir=folder / "raw", warehouse=folder / "oress.duckdb", reports_dir=folder / "reports")
    rows: list[tuple[str, float, float]] = []
    start = time.perf_counter()
    pipeline.demo(spec, france=True)
    rows.append(("demo --scale france", time.perf_counter() - start, peak_mib()))
    millesimes = tuple(sorted(int(p.name) for p in spec.raw_dir.iterdir() if p.name.isdigit()))
    spec = replace(spec, millesimes=millesimes)
    raw_files = sorted(spec.raw_dir.rglob("*.csv"))
    floor, raw_lines = bare_read_seconds(raw_files), sum(lines(path) for path in raw_files)
    print(f"== lecture brute : {floor:.1f} s pour {raw_lines} lignes", flush=True)
    steps = {step.__name__: step for step in pipeline.STEPS}
    for name in args.steps.split(","):
        start = time.perf_counter()
        steps[name](spec)
        rows.append((name, time.perf_counter() - start, peak_mib()))
        print(f"== {name}: {rows[-1][1]:.1f} s, pic {rows[-1][2]:.0f} MiB", flush=True)
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        etablissements, = connection.execute("select count(*) from stg_etablissements").fetchone()
        postes, = connection.execute("select count(*) from stg_postes").fetchone()
        cells, = connection.execute("select count(*) from mart_cellules").fetchone() \
            if "transform" in args.steps else (0,)
    seconds = dict((label, s) for label, s, _ in rows)
    pipeline_seconds = seconds.get("ingest", 0) + seconds.get("transform", 0)
    table = [f"\n## Nationale, {dt.date.today().isoformat()} — {machine()}\n",
             f"{etablissements} établissements, {postes} lignes de postes, millésime(s) "
             f"{', '.join(map(str, millesimes))} ; {raw_lines} lignes brutes ; {cells} cellules dans mart_cellules.\n",
             "| étape | secondes | pic mémoire (MiB) |", "|---|---:|---:|"]
    table += [f"| {label} | {s:.1f} | {m:.0f} |" for label, s, m in rows]
    table += [f"| lecture brute DuckDB des fichiers (plancher) | {floor:.1f} | |", "",
              f"(ingest + transform) / lecture brute = {pipeline_seconds / floor:.1f}\n"]
    text = "\n".join(table)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
