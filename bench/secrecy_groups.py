"""Why the secrecy audit does not grow linearly with the territory: the attacker solves one LP per
connected group of hidden cells (cells linked through equations with hidden cells), so its cost follows
the size of the largest group. This script takes the national warehouse's cells restricted to 1, 2, 4 …
régions and all of France, builds the first mask (one MILP per région, as `oress protect` does), and
prints the number of groups and the largest one per measure, with the seconds of a few attacker LPs on
that largest group.

Usage: python bench/secrecy_groups.py WAREHOUSE [--regions 94,24,27,28] [--sizes 1,2,4,all] [--lps 10]
(WAREHOUSE: a transformed national warehouse from `bench/national.py --keep DIR`; never in the tests)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from secrecy_scale import subset  # noqa: E402  (bench/ is on the path when run as a script)

from oress.config import SecretRules  # noqa: E402
from oress.protect import level_blocks, membership, modalities, true_cells  # noqa: E402
from oress.secrecy import MEASURES, build_equations  # noqa: E402
from oress.secrecy.attacker import _groups  # noqa: E402
from oress.secrecy.blocks import BlockModels  # noqa: E402
from oress.secrecy.cells import (  # noqa: E402
    canonical,
    empty_cells,
    headline_weight,
    measure_values,
    protection,
    suppression_cost,
)
from oress.secrecy.grouplp import GroupLP  # noqa: E402
from oress.secrecy.primary import primary_status  # noqa: E402


def first_mask(cells, equations, rules):
    """The per-région MILP mask, set up as `suppress` does before its first round."""
    values = measure_values(cells)
    empty = empty_cells(cells, values)
    primary = primary_status(cells, rules).to_numpy() != ""
    cost = suppression_cost(values, empty, headline_weight(cells, rules))
    problem = (values, ~empty, primary, cells["nb_unites"].to_numpy() == 1, cost, protection(values, rules))
    model = BlockModels(equations, problem, cells["bloc"].astype(str).to_numpy(), rules.regle_singletons, 1e-2, None)
    hidden, seconds = model.solve()
    return values, hidden, seconds


def groups(matrix, hidden):
    """The hidden cells, the equations linking them and their group labels, as the attacker forms them."""
    hidden_ids = np.flatnonzero(hidden)
    linked = matrix[:, hidden_ids].tocsr()
    linked = linked[np.flatnonzero(np.diff(linked.indptr) > 0)]
    return (hidden_ids, linked, *_groups(linked))


def largest_group_lps(matrix, values, hidden, count: int) -> tuple[int, int, float]:
    """Cells and equations of the largest group, and mean seconds of `count` attacker LPs on it."""
    hidden_ids, linked, row_labels, cell_labels = groups(matrix, hidden)
    biggest = np.bincount(cell_labels).argmax()
    members = np.flatnonzero(cell_labels == biggest)
    rows = np.flatnonzero(row_labels == biggest)
    block = linked[rows][:, members].tocsc()
    true = values[hidden_ids[members]]
    scale = max(1.0, float(true.max()))
    lp = GroupLP(block, block @ (true / scale))
    start = time.perf_counter()
    for column in np.linspace(0, len(members) - 1, count).astype(int):
        lp.solve(int(column), 1.0)
    return len(members), len(rows), (time.perf_counter() - start) / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--regions", default="94,24,27,28,53,52,44,32")
    parser.add_argument("--sizes", default="1,2,4,all")
    parser.add_argument("--lps", type=int, default=10)
    parser.add_argument("--millesime", type=int, default=2018)
    args = parser.parse_args()
    rules = SecretRules(frequence_min=3, dominance_seuil=0.85)
    with duckdb.connect(str(args.warehouse), read_only=True) as connection:
        cells, members, tree = true_cells(connection, args.millesime), membership(connection), modalities(connection)
    regions = args.regions.split(",")
    print("| régions | cellules | masquées | MILP (s) | groupes (postes) | plus grand groupe : cellules | équations "
          "| s par LP |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        chosen, geography = (cells, members) if size == "all" else subset(cells, members, regions[:int(size)])
        chosen = canonical(chosen.assign(bloc=level_blocks(chosen, geography)),
                           required=(*MEASURES, "nb_unites"))
        equations = build_equations(chosen.drop(columns="bloc"), geography, tree)
        values, hidden, milp = first_mask(chosen, equations, rules)
        postes = MEASURES.index("postes")
        matrix = equations.matrix()[equations.holds()[:, postes]]
        _, _, _, labels = groups(matrix, hidden)
        cells_in, rows_in, per_lp = largest_group_lps(matrix, values[:, postes], hidden, args.lps)
        print(f"| {size} | {len(chosen)} | {int(hidden.sum())} | {milp:.0f} | {labels.max() + 1} | {cells_in} "
              f"| {rows_in} | {per_lp:.3f} |", flush=True)


if __name__ == "__main__":
    main()
