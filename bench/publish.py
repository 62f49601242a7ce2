"""Time the publications on an existing warehouse (run `oress demo && oress build` first); print a table.

For the demo spec's custom territories and for every EPCI of the région: wall time with a pool of N
workers (default: one per core), seconds per panorama as measured inside the workers, panoramas per
minute, page counts and PDF sizes; then the chiffres clés. PDFs go to a temporary folder.

Usage: python bench/publish.py [--spec pipelines/demo.toml] [--workers N] [--epci-millesimes 2018]
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from oress.config import load_spec
from oress.publish import keyfigures_pdf, report
from oress.warehouse import reading

ROOT = Path(__file__).resolve().parent.parent


def pages(path: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(path).pages)


def render(label: str, spec, workers: int) -> None:
    with reading(spec.warehouse) as connection:
        jobs = report.jobs(connection, spec)
    seconds: list[float] = []
    start = time.perf_counter()
    report.render(spec, jobs, workers, on_pdf=lambda done, total, rendered: seconds.append(rendered.seconds))
    wall = time.perf_counter() - start
    sizes = [j.out_file.stat().st_size / 1024 for j in jobs]
    counts = sorted({pages(j.out_file) for j in jobs})
    print(f"{label:<34} {len(jobs):>4} PDF  {workers} worker(s)  wall {wall:6.1f} s  "
          f"{60 * len(jobs) / wall:5.1f} PDF/min  in-worker {statistics.mean(seconds):.2f} s/PDF "
          f"(min {min(seconds):.2f}, max {max(seconds):.2f})  size {statistics.mean(sizes):.0f} kB "
          f"(max {max(sizes):.0f})  pages {counts}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", default=str(ROOT / "pipelines" / "demo.toml"))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--epci-millesimes", type=int, nargs="*", default=None,
                        help="millésimes of the EPCI run (default: the spec's)")
    args = parser.parse_args()
    spec = load_spec(args.spec)
    with tempfile.TemporaryDirectory() as folder:
        out = replace(spec, reports_dir=Path(folder))
        print(f"{os.cpu_count()} cores; warehouse {spec.warehouse}")
        render("custom territories (1 worker)", replace(out, millesimes=spec.millesimes[-1:]), 1)
        render("custom territories", out, args.workers)
        epci = replace(out, panoramas=("epci",), millesimes=tuple(args.epci_millesimes or spec.millesimes))
        render("every EPCI of the région", epci, args.workers)
        start = time.perf_counter()
        with reading(spec.warehouse) as connection:
            written = keyfigures_pdf.write_all(connection, out)
        wall = time.perf_counter() - start
        print(f"{'chiffres clés':<34} {len(written):>4} PDF  1 worker(s)  wall {wall:6.1f} s  size "
              f"{statistics.mean(p.stat().st_size / 1024 for p in written):.0f} kB  "
              f"pages {sorted({pages(p) for p in written})}")


if __name__ == "__main__":
    main()
