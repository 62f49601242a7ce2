"""National benchmark: a France-size demo (every région, one millésime) through the steps of `oress build`;
prints one row per step (seconds, the step's own peak memory) and the ratio of ingest + transform to
DuckDB's bare scan of the raw files, and appends the table to bench/RESULTS.md with the machine and date.

Each step runs as its own `oress <step>` process, as an analyst runs it, so the peak memory is that
step's (os.wait4), not the largest so far. The national spec is the demo's (Normandie's pays) with
`panoramas = ["epci"]`: `report` renders one panorama per EPCI of France.

Usage: python bench/national.py [--steps reference,ingest,transform,validate,protect,keyfigures,report]
                                [--keep DIR] [--reuse]
--keep DIR keeps the data and the warehouse in DIR; --reuse skips the generation when DIR/raw exists.
(never part of the test suite; needs ≈ 15 GB of free disk)
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from bench_ingest import bare_read_seconds, lines  # bench/ is on the path when run as a script

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
STEPS = "reference,ingest,transform,validate,protect,keyfigures,report"


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, {memory:.0f} GiB, " \
           f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"


def national_spec(folder: Path) -> Path:
    """The demo spec with its folders moved to `folder`, one millésime and a panorama per EPCI."""
    text = (ROOT / "pipelines" / "demo.toml").read_text(encoding="utf-8")
    header = {"raw_dir": folder / "raw", "warehouse": folder / "oress.duckdb", "reports_dir": folder / "reports"}
    kept = [line for line in text.splitlines()
            if line.split("=")[0].strip() not in (*header, "millesimes", "panoramas")]
    first_table = next(i for i, line in enumerate(kept) if line.startswith("["))
    settings = [f'{key} = "{value}"' for key, value in header.items()] + ["millesimes = [2018]",
                                                                          'panoramas = ["epci"]']
    path = folder / "national.toml"
    path.write_text("\n".join(kept[:first_table] + settings + [""] + kept[first_table:]) + "\n", encoding="utf-8")
    return path


def run_step(step: str, spec: Path, *options: str) -> tuple[float, float]:
    """Run `oress <step>`; its wall-clock seconds and its peak resident memory (MiB)."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "oress", step, "--spec", str(spec), *options], cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"oress {step} a échoué (code {os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", default=STEPS)
    parser.add_argument("--keep", type=Path, help="dossier à conserver (sinon un dossier temporaire effacé)")
    parser.add_argument("--reuse", action="store_true", help="reprendre les données déjà générées dans --keep")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="oress-national-"))
    folder.mkdir(parents=True, exist_ok=True)
    spec = national_spec(folder)
    rows: list[tuple[str, float, float]] = []
    if not (args.reuse and (folder / "raw" / "2018").exists()):
        rows.append(("demo --scale france", *run_step("demo", spec, "--scale", "france")))
    raw_files = sorted((folder / "raw").rglob("*.csv"))
    floor, raw_lines = bare_read_seconds(raw_files), sum(lines(path) for path in raw_files)
    print(f"== lecture brute : {floor:.1f} s pour {raw_lines} lignes", flush=True)
    for step in args.steps.split(","):
        rows.append((step, *run_step(step, spec)))
        print(f"== {step}: {rows[-1][1]:.1f} s, pic {rows[-1][2]:.0f} MiB", flush=True)
    with duckdb.connect(str(folder / "oress.duckdb"), read_only=True) as connection:
        def count(sql: str) -> int:
            try:
                return connection.execute(sql).fetchone()[0]
            except duckdb.CatalogException:
                return 0
        etablissements = count("select count(*) from stg_etablissements")
        postes = count("select count(*) from stg_postes")
        cells, epci = count("select count(*) from mart_cellules"), count(
            "select count(distinct code) from mart_cellules where niveau = 'epci'")
        secret = count("select count(*) from pub_indicateurs where secret <> ''")
    seconds = dict((label, s) for label, s, _ in rows)
    table = [f"\n## Nationale, {dt.date.today().isoformat()} — {machine()}\n",
             f"`bench/national.py --steps {args.steps}` : {etablissements} lignes d'établissements, {postes} lignes "
             f"de postes, millésime 2018 ; {raw_lines} lignes brutes ; {cells} cellules dans mart_cellules "
             f"({epci} EPCI) ; {secret} cellules masquées. Chaque étape est un processus `oress` ; pic mémoire = "
             "son RSS maximal.\n",
             "| étape | secondes | pic mémoire (MiB) |", "|---|---:|---:|"]
    table += [f"| {label} | {s:.1f} | {m:.0f} |" for label, s, m in rows]
    table += [f"| lecture brute DuckDB des fichiers (plancher) | {floor:.1f} | |", ""]
    if "ingest" in seconds and "transform" in seconds:
        both = seconds["ingest"] + seconds["transform"]
        table.append(f"(ingest + transform) / lecture brute = {both / floor:.1f} ; ingest + transform + validate = "
                     f"{both + seconds.get('validate', 0):.0f} s\n")
    text = "\n".join(table)
    print(text)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(text + "\n")
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
