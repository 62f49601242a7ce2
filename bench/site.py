"""Time `oress site` on an existing warehouse (run `make` first); print the figures.

Runs the step as the CLI does (`python -m oress site`, a fresh process: imports included) into a
temporary reports folder holding links to the real chiffres-cles files and panoramas, twice, and prints:
wall time of each build, pages and files, the weight of a typical territory page (median HTML, with its
inline map; the shared CSS and scripts counted apart), and whether the two builds are byte-identical.
The spec gets a date_edition if it has none (otherwise the pages carry today's date).

Usage: python bench/site.py [--spec pipelines/demo.toml]
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from oress.config import load_spec

ROOT = Path(__file__).resolve().parent.parent


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def temporary_spec(spec_path: Path, folder: Path) -> Path:
    """The spec with absolute paths, reports_dir in `folder` (linked to the real millésime folders) and a
    date_edition."""
    spec = load_spec(spec_path)
    reports = folder / "reports"
    reports.mkdir()
    for millesime in spec.millesimes:
        (reports / str(millesime)).symlink_to(spec.reports_for(millesime))
    text = spec_path.read_text(encoding="utf-8")
    paths = ("raw_dir", "warehouse", "reports_dir", "date_edition")
    lines = [line for line in text.splitlines() if line.split("=")[0].strip() not in paths]
    head = [f'raw_dir = "{spec.raw_dir}"', f'warehouse = "{spec.warehouse}"', f'reports_dir = "{reports}"',
            f"date_edition = {(spec.date_edition or dt.date(2026, 12, 1)).isoformat()}"]
    target = folder / "spec.toml"
    target.write_text("\n".join(head + lines) + "\n", encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", default=str(ROOT / "pipelines" / "demo.toml"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        spec = temporary_spec(Path(args.spec).resolve(), Path(folder))
        site = Path(folder) / "reports" / "site"
        print(f"{os.cpu_count()} cores; spec {args.spec}")
        digests = []
        for run in (1, 2):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "oress", "site", "--spec", str(spec)], check=True, cwd=ROOT,
                           stderr=subprocess.DEVNULL)
            print(f"build {run}: {time.perf_counter() - start:.1f} s (wall, imports included)")
            digests.append(digest(site))
        files = [p for p in site.rglob("*") if p.is_file()]
        pages = sorted(p for p in site.glob("*/*.html") if p.parent.name != "donnees")
        sizes = sorted(p.stat().st_size / 1000 for p in pages)
        shared = sum(p.stat().st_size for p in (site / "static").glob("site.css")) / 1000
        print(f"{len(pages)} territory pages, {sum(p.suffix == '.html' for p in files)} HTML pages, "
              f"{len(files)} files, "
              f"{sum(p.stat().st_size for p in files) / 1e6:.0f} MB")
        print(f"territory page HTML: median {statistics.median(sizes):.0f} kB, min {sizes[0]:.0f}, max {sizes[-1]:.0f} "
              f"(+ site.css {shared:.0f} kB); index {(site / 'index.html').stat().st_size / 1000:.0f} kB "
              f"+ communes.js {(site / 'static' / 'communes.js').stat().st_size / 1000:.0f} kB")
        print("two builds byte-identical:", digests[0] == digests[1])


if __name__ == "__main__":
    main()
