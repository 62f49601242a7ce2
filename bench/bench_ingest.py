"""Ingestion throughput and validation time on the demo at several scales, against DuckDB's bare read_csv of
the same files. When the demo has no postes file, one consistent with the establishments is generated here
(identities hold: present jobs = postes, sums of ETP and wages = the establishment's).

Usage: python bench/bench_ingest.py [--scales 1 10]   (never part of the test suite)
"""
from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from oress import pipeline
from oress.config import load_spec

ROOT = Path(__file__).resolve().parent.parent

# One job per post at 31/12 plus 20 % of jobs ended during the year; attributes drawn per job.
POSTES_SQL = """
copy (
    with etablissements as (
        select siret, cast(postes as integer) as postes, cast(etp as double) as etp,
               cast(remuneration_brute as double) as remuneration_brute
        from read_csv(?, delim=';', header=true, all_varchar=true)
        where regexp_full_match(siret, '[0-9]{14}') and try_cast(postes as integer) >= 0
    ),
    sized as (
        select *, case when postes = 0 and etp = 0 then 0 else greatest(postes + postes // 5, 1) end as emplois
        from etablissements
    ),
    jobs as (
        select s.*, j.n, cast(hash(s.siret, j.n) % 1000000007 as bigint) as h
        from sized s, lateral (select unnest(range(s.emplois)) as n) j
    )
    select siret,
           case when h % 100 < 48 then '1' else '2' end as sexe,
           18 + (h // 7) % 47 as age,
           ['526A', '434G', '525D', '554A', '372A', '463A', '622A', '673C'][1 + (h // 11) % 8] as pcs,
           case when (h // 13) % 100 < 70 then 'C' else 'P' end as temps_travail,
           ['CDI', 'CDI', 'CDI', 'CDI', 'CDD', 'CDD', 'APP', 'INT', 'AUT', 'CDI'][1 + (h // 17) % 10] as contrat,
           case when n < emplois - 1 then round(etp / emplois, 4)
                else round(etp - (emplois - 1) * round(etp / emplois, 4), 4) end as etp,
           case when n < emplois - 1 then round(remuneration_brute / emplois, 2)
                else round(remuneration_brute - (emplois - 1) * round(remuneration_brute / emplois, 2), 2)
           end as remuneration_brute,
           case when n < postes then 1 else 0 end as present_3112
    from jobs
) to ? (format csv, delimiter ';', header true)
"""


def write_postes(folder: Path) -> Path:
    import duckdb

    target = folder / "postes.csv"
    with duckdb.connect() as connection:
        connection.execute(POSTES_SQL, [str(folder / "etablissements.csv"), str(target)])
    return target


def lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 24), b"")) - 1


def bare_read_seconds(paths: list[Path], into: Path | None = None) -> float:
    """DuckDB's bare read of the raw files (sniffed, all text): a scan, or a copy into a table of a DuckDB
    file (`into`), the floor for an ingestion that keeps every line."""
    import duckdb

    start = time.perf_counter()
    with duckdb.connect(str(into) if into else ":memory:") as connection:
        for i, path in enumerate(paths):
            if into:
                connection.execute(f"create table t{i} as select * from read_csv(?, all_varchar=true)", [str(path)])
            else:
                connection.execute("select count(*) from read_csv(?, all_varchar=true)", [str(path)]).fetchall()
        if into:
            connection.execute("checkpoint")
    return time.perf_counter() - start


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def bench(scale: float) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="oress-bench-ingest-"))
    try:
        spec = load_spec(ROOT / "pipelines" / "demo.toml")
        spec = replace(spec, raw_dir=folder / "raw", warehouse=folder / "oress.duckdb",
                       reports_dir=folder / "reports", territoires=spec.territoires[:2])
        pipeline.demo(spec, scale=scale)
        generated = 0
        for millesime in spec.millesimes:
            year = spec.raw_dir / str(millesime)
            if not any(year.glob("postes.*")):
                write_postes(year)
                generated += 1
        raw = sorted(spec.raw_dir.glob("*/*.csv"))
        rows = {name: sum(lines(p) for p in raw if p.stem == name) for name in ("etablissements", "postes")}
        pipeline.reference(spec)
        seconds = {"ingest": timed(lambda: pipeline.ingest(spec))}
        seconds["transform"] = timed(lambda: pipeline.transform(spec))
        seconds["validate"] = timed(lambda: pipeline.validate(spec))
        seconds["bare read_csv"] = bare_read_seconds(raw)
        seconds["read_csv into table"] = bare_read_seconds(raw, folder / "bare.duckdb")
        size = sum(p.stat().st_size for p in raw) / 1e6
        return {"scale": scale, "rows": rows, "mb": size, "seconds": seconds, "generated": generated}
    finally:
        shutil.rmtree(folder)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 10.0])
    args = parser.parse_args()
    results = [bench(scale) for scale in args.scales]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{'scale':>6} {'etab lines':>11} {'job lines':>10} {'MB':>7} {'ingest s':>9} {'lines/s':>10} "
          f"{'scan s':>7} {'copy s':>7} {'ingest/copy':>11} {'validate s':>10} {'transform s':>11}")
    for r in results:
        s, total = r["seconds"], sum(r["rows"].values())
        print(f"{r['scale']:>6g} {r['rows']['etablissements']:>11,} {r['rows']['postes']:>10,} {r['mb']:>7.1f} "
              f"{s['ingest']:>9.2f} {total / s['ingest']:>10,.0f} {s['bare read_csv']:>7.2f} "
              f"{s['read_csv into table']:>7.2f} {s['ingest'] / s['read_csv into table']:>11.1f} "
              f"{s['validate']:>10.2f} {s['transform']:>11.2f}")
    print("scan = DuckDB read_csv(all_varchar) count(*); copy = the same into tables of a DuckDB file")
    print(f"postes files generated by this bench (demo had none): {sum(r['generated'] for r in results)}; "
          f"peak RSS {peak:.0f} MiB; ingest = read + type + stage + reject + reconcile, into a DuckDB file")


if __name__ == "__main__":
    main()
