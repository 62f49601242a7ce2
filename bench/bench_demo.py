"""Demo generation speed: seconds per millésime and rows written per second at the given scales (and
France-size with --france), plus byte-identity of two runs with the same seed.

Usage: python bench/bench_demo.py [--scales 1 10] [--france]   (never part of the test suite)
"""
from __future__ import annotations

import argparse
import hashlib
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from oress import demo
from oress.config import load_spec

ROOT = Path(__file__).resolve().parent.parent


def _lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 24), b"")) - 1


def measure(spec, scale: float, france: bool) -> tuple[dict, dict]:
    """Time each millésime (establishments + jobs written); return seconds and file digests."""
    seconds, digests, rows = {}, {}, {}
    start = time.perf_counter()
    paths = demo.generate(spec, scale=scale, france=france)
    for path in paths:
        if path.name == "postes.csv":
            millesime = int(path.parent.name)
            seconds[millesime] = time.perf_counter() - start
            rows[millesime] = _lines(path) + _lines(path.with_name("etablissements.csv"))
            start = time.perf_counter()
        digests[path.relative_to(spec.raw_dir).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    for millesime, elapsed in seconds.items():
        establishments = _lines(spec.raw_dir / str(millesime) / "etablissements.csv")
        print(f"  {millesime} : {elapsed:6.1f} s, {establishments:>10,} établissements, "
              f"{rows[millesime] - establishments:>11,} postes, {rows[millesime] / elapsed:>12,.0f} lignes/s"
              .replace(",", " "))
    return seconds, digests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=float, nargs="*", default=[1.0])
    parser.add_argument("--france", action="store_true", help="toutes les régions, dernier millésime")
    args = parser.parse_args()
    spec = load_spec(ROOT / "pipelines" / "demo.toml")
    runs = [(scale, False) for scale in args.scales] + ([(1.0, True)] if args.france else [])
    with tempfile.TemporaryDirectory() as folder:
        for scale, france in runs:
            print(f"échelle {'france' if france else scale:g}" if not france else "échelle france")
            first = replace(spec, raw_dir=Path(folder) / "a")
            _, digests = measure(first, scale, france)
            if scale == 1.0 and not france:
                second = replace(spec, raw_dir=Path(folder) / "b")
                _, again = measure(second, scale, france)
                print(f"  même graine, mêmes octets : {'oui' if digests == again else 'NON'}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"mémoire maximale : {peak:,.0f} Mo".replace(",", " "))


if __name__ == "__main__":
    main()
