"""Secrecy on a run's warehouse, against `oress transform` timed in the same process: seconds per millésime,
rounds, LPs, secondaries, and the ratio issue «Secrecy engine v2» measures (protect ≤ 6 × transform on the demo).

The warehouse is transformed again (the reference), then the millésimes are protected as `oress protect` does
(a région's side by side, one process each), without writing pub_indicateurs; `--one-by-one` times each alone.
Usage:
    python bench/protect.py [--spec pipelines/demo.toml] [--millesime 2018] [--one-by-one] [--no-reference]
(never part of the test suite)
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oress import pipeline  # noqa: E402
from oress.config import load_spec  # noqa: E402
from oress.protect import protect_all, protect_publication, read_publication  # noqa: E402
from oress.secrecy import ATOM_LEVEL  # noqa: E402
from oress.warehouse import reading  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", default=str(ROOT / "pipelines" / "demo.toml"))
    parser.add_argument("--millesime", type=int, action="append", help="only these millésimes (repeatable)")
    parser.add_argument("--one-by-one", action="store_true",
                        help="each millésime alone, timed (oress protect runs a région's side by side)")
    parser.add_argument("--no-reference", action="store_true", help="skip the transform reference")
    arguments = parser.parse_args()
    spec = load_spec(arguments.spec)
    reference = None
    if not arguments.no_reference:
        start = time.perf_counter()
        pipeline.transform(spec)
        reference = time.perf_counter() - start
        print(f"transform (reference): {reference:.1f} s", flush=True)
    millesimes = arguments.millesime or spec.millesimes
    log = lambda line: print(f"  {line}", flush=True)  # noqa: E731
    total = 0.0
    if arguments.one_by_one:
        for millesime in millesimes:
            start = time.perf_counter()
            with reading(spec.warehouse) as connection:
                publication = read_publication(connection, millesime)
            _, protection = protect_publication(publication, spec.secret, log=log)
            seconds = time.perf_counter() - start
            total += seconds
            describe(millesime, protection, seconds)
    else:
        start = time.perf_counter()
        with reading(spec.warehouse) as connection:
            publications = [read_publication(connection, m) for m in millesimes]
        protections = protect_all(publications, spec.secret, log=log)
        total = time.perf_counter() - start
        for millesime, protection in protections.items():
            describe(millesime, protection)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    ratio = f", ratio to transform {total / reference:.1f}" if reference else ""
    how = "one by one" if arguments.one_by_one else "as oress protect runs them"
    print(f"protect, all millésimes ({how}): {total:.1f} s{ratio}; peak memory of this process {peak:.2f} GiB "
          "(worker processes not counted)")


def describe(millesime: int, protection, seconds: float | None = None) -> None:
    published = protection.cells[protection.cells["niveau"] != ATOM_LEVEL]
    rounds = protection.rounds
    timed = "" if seconds is None else f" {seconds:.1f} s,"
    print(f"{millesime}:{timed} {len(rounds)} rounds, {int(rounds['lps'].sum())} LP "
          f"({int(rounds['local_lps'].sum())} local), {len(published)} published cells, "
          f"{int((published['secret'] != '').sum() - (published['secret'] == 'D').sum())} primary, "
          f"{int((published['secret'] == 'D').sum())} secondary (D), audit passed: "
          f"{protection.audit.passed}", flush=True)


if __name__ == "__main__":
    main()
