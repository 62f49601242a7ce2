"""How the secrecy step grows with the number of territories: the national warehouse's cells restricted to
1, 2, 4 … régions (every territory lying within them, France left out), protected as `oress protect` does
(one first MILP per région, then the global audit and repair rounds); prints cells, primaries,
seconds and seconds per 1 000 cells for each size. Linear growth = a constant last column.

Usage: python bench/secrecy_scale.py WAREHOUSE [--regions 94,24,27,53] [--sizes 1,2,4]
(WAREHOUSE: a transformed national warehouse, e.g. from `bench/national.py --keep DIR`; never in the tests)
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oress.config import SecretRules  # noqa: E402
from oress.protect import level_blocks, membership, modalities, true_cells  # noqa: E402
from oress.secrecy import MEASURES, build_equations, suppress  # noqa: E402


def subset(cells, members, regions: list[str]):
    blocks = level_blocks(cells, members)
    chosen = cells[blocks.isin(regions)].reset_index(drop=True)
    territories = chosen[["niveau", "code"]].drop_duplicates()
    return chosen, members.merge(territories, on=["niveau", "code"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--regions", default="94,24,27,28,53,52,44,32")
    parser.add_argument("--sizes", default="1,2,4")
    parser.add_argument("--millesime", type=int, default=2018)
    args = parser.parse_args()
    with duckdb.connect(str(args.warehouse), read_only=True) as connection:
        cells, members, tree = true_cells(connection, args.millesime), membership(connection), modalities(connection)
    regions = args.regions.split(",")
    rows = []
    for size in map(int, args.sizes.split(",")):
        chosen, geography = subset(cells, members, regions[:size])
        start = time.perf_counter()
        equations = build_equations(chosen, geography, tree)
        equations_seconds = time.perf_counter() - start
        blocked = chosen.assign(bloc=level_blocks(chosen, geography))
        protection = suppress(blocked, equations, SecretRules(frequence_min=3, dominance_seuil=0.85),
                              mip_rel_gap=1e-2, block_by="bloc", log=lambda line: print("   ", line, flush=True))
        seconds = time.perf_counter() - start
        audit = protection.rounds[[f"audit_{m}_seconds" for m in MEASURES]].sum().sum()
        status = protection.cells["secret"].value_counts().to_dict()
        rows.append((size, len(chosen), int(status.get("A", 0) + status.get("B", 0)), status.get("D", 0),
                     equations_seconds, protection.rounds["milp_seconds"].sum(), audit, seconds))
        print(f"== {size} région(s) {regions[:size]}: {len(chosen)} cellules, statuts {status}, {seconds:.0f} s, "
              f"pic {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)
    print("\n| régions | cellules | primaires | secondaires | équations (s) | MILP (s) | audits (s) | total (s) "
          "| s / 1 000 cellules |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, count, primaries, secondaries, eq, milp, audit, total in rows:
        print(f"| {size} | {count} | {primaries} | {secondaries} | {eq:.1f} | {milp:.1f} | {audit:.0f} | {total:.0f} "
              f"| {1000 * total / count:.2f} |")


if __name__ == "__main__":
    main()
