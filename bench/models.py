"""Time each SQL model of the warehouse one by one, in dependency order; print a table (seconds, rows).

Rebuilds the models in place on an existing, ingested warehouse (e.g. `bench/national.py --keep DIR`):
run it on a copy you can afford to rewrite. Never part of the test suite.

Usage: python bench/models.py WAREHOUSE [--layers staging,intermediate,marts] [--only model,model]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oress.ingest import define_macros  # noqa: E402
from oress.warehouse import connect, models, run_models  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--layers", default="staging,intermediate,marts")
    parser.add_argument("--only", default="", help="modèles à chronométrer (par défaut : tous)")
    args = parser.parse_args()
    connection = connect(args.warehouse)
    define_macros(connection)
    sources = models(tuple(args.layers.split(",")))
    only = set(filter(None, args.only.split(",")))
    chosen = {name: sql for name, sql in sources.items() if not only or name in only}
    starts: list[tuple[str, float]] = []
    run_models(connection, chosen, on_model=lambda name: starts.append((name, time.perf_counter())))
    ends = [start for _, start in starts[1:]] + [time.perf_counter()]
    print("| modèle | secondes | lignes |\n|---|---:|---:|")
    for (name, start), end in zip(starts, ends):
        (rows,) = connection.execute(f"select count(*) from {name}").fetchone()
        print(f"| {name} | {end - start:.1f} | {rows} |")

if __name__ == "__main__":
    main()
