"""Panorama PDFs: one per territory and millésime, rendered by a pool of worker processes.

Each worker opens the warehouse read-only once, keeps its fonts, templates, commune geometries and
level-wide figures (communes, EPCI, région) in memory, and renders many PDFs: imports and geometry
decoding are paid once per worker, not once per PDF. The jobs are listed in report_jobs, a worker's
session and a panorama's context are in report_session. The step (`run`) chooses the jobs (from INSEE's
delivered tables, only the territories they cover) and renders them (`render`).
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

from oress.config import RunSpec, edition_date
from oress.pipeline_base import require_tables, say, shown
from oress.publish.report_jobs import EXTRA_LEVELS, LEVEL_NAMES, PAGES, Job, jobs, out_file
from oress.publish.report_session import Session
from oress.warehouse import reading

__all__ = ["EXTRA_LEVELS", "LEVEL_NAMES", "PAGES", "Job", "Rendered", "Session", "default_workers", "jobs",
           "out_file", "render", "run"]

_session: Session | None = None


def _start_worker(spec: RunSpec, edition: dt.date) -> None:
    global _session
    _session = Session(spec, edition)


@dataclass(frozen=True)
class Rendered:
    path: Path
    seconds: float
    pages: int
    expected: int = PAGES

    def describe(self, path: str | None = None) -> str:
        """`path (2.1 s)` (path: how to show it, the file's own by default), with a warning when a section
        overflowed onto an extra page."""
        text = f"{path or self.path} ({self.seconds:.1f} s)"
        if self.pages != self.expected:
            text += f" — attention : {self.pages} pages au lieu de {self.expected}, une section déborde"
        return text


def _render(job: Job) -> Rendered:
    start = time.perf_counter()
    pages, expected = _session.render(job)
    return Rendered(job.out_file, time.perf_counter() - start, pages, expected)


def default_workers(count: int) -> int:
    return max(1, min(count, os.cpu_count() or 1))


def render(spec: RunSpec, chosen: list[Job], workers: int | None = None, on_pdf=None) -> list[Path]:
    """Render every job; `on_pdf(done, total, rendered)` after each.

    A worker pays ~1.5 s of imports and geometry loading before its first PDF: the pool is used only when
    each worker gets at least two PDFs (or when `workers` is given), otherwise this process renders them."""
    edition = edition_date(spec)
    if workers is None:
        workers = default_workers(len(chosen) // 2)
    workers = max(1, min(workers, len(chosen)))
    done: list[Path] = []
    if workers == 1:
        _start_worker(spec, edition)
        try:
            for job in chosen:
                rendered = _render(job)
                done.append(rendered.path)
                if on_pdf:
                    on_pdf(len(done), len(chosen), rendered)
        finally:
            _session.connection.close()
        return done
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # forkserver: workers fork from a clean server process (no inherited DuckDB threads); the server imports
    # the rendering stack once, so workers start warm
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["oress.publish.report", "oress.publish.pdf", "weasyprint", "matplotlib.pyplot"])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(spec, edition)) as pool:
        futures = [pool.submit(_render, job) for job in chosen]
        for future in as_completed(futures):
            rendered = future.result()
            done.append(rendered.path)
            if on_pdf:
                on_pdf(len(done), len(chosen), rendered)
    return done


def run(spec: RunSpec, territoire: str | None = None, workers: int | None = None) -> None:
    """The panorama of every territory of the spec (or of `territoire`) and millésime; from INSEE's delivered
    tables, those the delivery covers (the others are listed, not drawn as 0)."""
    from dataclasses import replace

    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "pub_indicateurs", "pub_derives")
        if spec.livraison_insee is not None:
            published = set(connection.execute(
                "select distinct millesime, niveau, code from pub_indicateurs").fetchall())
            built = {code for _, _, code in published}
            for territory in spec.territoires:
                if territory.code not in built:
                    say(f"  {territory.code} : non publié (voir qualite/livraison.json)")
            spec = replace(spec, territoires=tuple(t for t in spec.territoires if t.code in built))
        chosen = jobs(connection, spec, territoire)
        if spec.livraison_insee is not None:   # a territory the delivery lacks (a CC in BTS's Tab_1) is no zero
            missing = [j for j in chosen if (j.millesime, j.niveau, j.code) not in published]
            chosen = [j for j in chosen if (j.millesime, j.niveau, j.code) in published]
            for millesime in sorted({j.millesime for j in missing}):
                names = [j.code for j in missing if j.millesime == millesime]
                say(f"  {millesime} : {len(names)} territoire(s) absent(s) des tableaux livrés, sans panorama : "
                    f"{', '.join(names[:8])}{' …' if len(names) > 8 else ''}")
    if not chosen:
        say("  aucun panorama à écrire (clé panoramas de la spec)")
    width = len(str(len(chosen)))
    render(spec, chosen, workers, on_pdf=lambda done, total, rendered: say(
        f"  [{done:>{width}}/{total}] {rendered.describe(shown(spec, rendered.path))}"))
