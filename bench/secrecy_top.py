"""The top of a national publication (France, the régions' own cells) attacked on a saved mask, with and without
the wide neighbourhoods, in the same process: failing bounds and seconds of each, and their ratio — the figures of
bench/RESULTS.md's ninth session.

Usage: python bench/secrecy_top.py --spec /path/national.toml --mask DIR/masque_13.npy [--millesime 2018]
(a kept national warehouse of `bench/national.py --keep DIR`, a mask saved by `bench/secrecy_parts.py --masks`;
never part of the test suite; a few minutes on 2 cores)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.secrecy_settle import national_cells  # noqa: E402
from oress.config import load_spec  # noqa: E402
from oress.secrecy import attacker  # noqa: E402
from oress.secrecy.cells import measure_values, protection  # noqa: E402
from oress.secrecy.primary import primary_status  # noqa: E402

POSTES = 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--mask", type=Path, required=True)
    parser.add_argument("--millesime", type=int, default=2018)
    arguments = parser.parse_args()
    spec = load_spec(arguments.spec)
    cells, equations = national_cells(spec, arguments.millesime)
    top = cells["bloc_audit"].fillna("").to_numpy() == ""
    values = measure_values(cells, equations.measures)
    hidden = np.load(arguments.mask)
    targets = np.flatnonzero((primary_status(cells, spec.secret).to_numpy() != "") & top & hidden)
    need_down, need_up = protection(values, spec.secret, equations.measures)
    matrix = equations.matrix()[equations.holds()[:, POSTES]].tocsr()
    print(f"top: {len(targets)} hidden primaries (postes), {int(hidden.sum())} hidden cells")
    seconds = {}
    for name, pending in (("4-equation neighbourhoods", 0), ("wide neighbourhoods", len(targets))):
        attacker.WIDE_MAX_PENDING = pending
        start = time.perf_counter()
        result = attacker.attack(matrix, values[:, POSTES], hidden, targets, need_down[targets, POSTES],
                                 need_up[targets, POSTES], exact=False, hideable=~hidden)
        seconds[name] = time.perf_counter() - start
        print(f"{name}: {int((~result.ok).sum())} failing, {seconds[name]:.1f} s, {result.lp_count} LP, "
              f"{result.local_cuts} cuts", flush=True)
    print(f"time ratio wide / 4-equation: {seconds['wide neighbourhoods'] / seconds['4-equation neighbourhoods']:.2f}")


if __name__ == "__main__":
    main()
