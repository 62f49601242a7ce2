"""The last failing bounds of a one-block publication repaired by the cuts' cheapest cells or by built moves, side by
side in one process: seconds, rounds, secondaries, the failing bounds of each round (bench/RESULTS.md, twelfth
session). The first variant (no moves: `rounds.MOVES_MAX_FAILURES` = 0) is the reference.

Usage: python bench/secrecy_moves.py [--spec pipelines/demo.toml] [--millesime 2018] [--moves 0 128]
(never part of the test suite; about three minutes a variant on the demo)
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oress.config import load_spec  # noqa: E402
from oress.protect import protect_millesime  # noqa: E402
from oress.secrecy import ATOM_LEVEL  # noqa: E402
from oress.warehouse import reading  # noqa: E402

rounds = importlib.import_module("oress.secrecy.rounds")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", default=str(ROOT / "pipelines" / "demo.toml"))
    parser.add_argument("--millesime", type=int, default=2018)
    parser.add_argument("--moves", type=int, nargs="+", default=[0, rounds.MOVES_MAX_FAILURES],
                        help="MOVES_MAX_FAILURES of each variant, the first one the reference")
    arguments = parser.parse_args()
    spec = load_spec(arguments.spec)
    reference = None
    with reading(spec.warehouse) as connection:
        for threshold in arguments.moves:
            rounds.MOVES_MAX_FAILURES = threshold
            start = time.perf_counter()
            _, protection = protect_millesime(connection, arguments.millesime, spec.secret)
            seconds = time.perf_counter() - start
            reference = reference or seconds
            played = protection.rounds
            published = protection.cells[protection.cells["niveau"] != ATOM_LEVEL]
            print(f"{arguments.millesime}, moves from {threshold} failing bounds: {seconds:.1f} s "
                  f"(ratio {seconds / reference:.2f}), {len(played)} rounds "
                  f"({int((played['mode'] == 'mouvements').sum())} of moves), "
                  f"{int((published['secret'] == 'D').sum())} secondaries, audit passed {protection.audit.passed}; "
                  f"failing bounds by round {played['failures'].tolist()}", flush=True)


if __name__ == "__main__":
    main()
