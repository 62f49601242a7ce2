"""Time demo generation and each step of `oress build` on a scaled demo; print a table with ratios.

Usage: python bench/run.py [--scale S]   (never part of the test suite)
"""
from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from oress import pipeline
from oress.config import load_spec

ROOT = Path(__file__).resolve().parent.parent


def timed(label: str, function, results: list) -> None:
    start = time.perf_counter()
    function()
    results.append((label, time.perf_counter() - start))


def bare_scan_seconds(spec) -> float:
    """DuckDB's bare read of the raw files: the physical floor for ingestion."""
    import duckdb

    start = time.perf_counter()
    with duckdb.connect() as connection:
        for millesime in spec.millesimes:
            path = spec.raw_dir / str(millesime) / "etablissements.csv"
            connection.execute("select count(*) from read_csv(?, all_varchar=true)", [str(path)]).fetchone()
    return time.perf_counter() - start


def staging_scan_seconds(spec) -> float:
    """A bare DuckDB scan of the staging tables the transform reads: its physical floor."""
    import duckdb

    start = time.perf_counter()
    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        connection.execute("select count(*), sum(postes), sum(etp), sum(remuneration_brute), "
                           "count(distinct siren) from stg_etablissements").fetchone()
    return time.perf_counter() - start


def cell_counts(spec) -> str:
    import duckdb

    with duckdb.connect(str(spec.warehouse), read_only=True) as connection:
        cells, = connection.execute("select count(*) from mart_cellules").fetchone()
        derived, = connection.execute("select count(*) from pub_derives").fetchone()
    return f"{cells} cells in mart_cellules, {derived} rows in pub_derives"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="oress-bench-"))
    spec = load_spec(ROOT / "pipelines" / "demo.toml")
    spec = replace(spec, raw_dir=folder / "raw", warehouse=folder / "oress.duckdb", reports_dir=folder / "reports")
    results: list[tuple[str, float]] = []
    timed("demo", lambda: pipeline.demo(spec, scale=args.scale), results)
    for name in pipeline.STEPS:
        timed(name, lambda name=name: pipeline.step(name)(spec), results)
    floor = bare_scan_seconds(spec)
    rows = sum(1 for m in spec.millesimes for _ in open(spec.raw_dir / str(m) / "etablissements.csv")) - 2
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nscale {args.scale}: {rows} establishment lines, {len(spec.millesimes)} millésimes, "
          f"{len(spec.territoires)} custom territories; peak RSS {peak:.0f} MiB")
    print(f"{'step':<12}{'seconds':>10}")
    for label, seconds in results:
        print(f"{label:<12}{seconds:>10.2f}")
    ingest, transform = dict(results)["ingest"], dict(results)["transform"]
    print(f"bare DuckDB scan of the raw files: {floor:.2f} s; ingest / scan = {ingest / floor:.1f}; "
          f"ingest throughput {rows / ingest:,.0f} lines/s")
    staging = staging_scan_seconds(spec)
    print(f"bare DuckDB scan of the staging table: {staging:.3f} s; transform / scan = {transform / staging:.0f}; "
          f"{cell_counts(spec)}")
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
