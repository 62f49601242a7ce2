"""Panorama PDFs: one per territory and millésime, rendered by a pool of worker processes.

Each worker opens the warehouse read-only once, keeps its fonts, templates, commune geometries and
level-wide figures (communes, EPCI, région) in memory, and renders many PDFs: imports and geometry
decoding are paid once per worker, not once per PDF.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path

from oress.config import RunSpec, edition_date
from oress.publish import conjoncture, panorama
from oress.publish import facts as published
from oress.publish import formatting as fmt

EXTRA_LEVELS = ("epci", "departement")   # standard levels a spec may ask panoramas for
PAGES = 10                               # a panorama's pages: one per section and the cover
LEVEL_NAMES = {"epci": "Intercommunalité (EPCI)", "departement": "Département", "pays": "Pays"}


@dataclass(frozen=True)
class Job:
    millesime: int
    niveau: str
    code: str
    libelle: str
    out_file: Path


def out_file(spec: RunSpec, millesime: int, niveau: str, code: str) -> Path:
    return spec.reports_for(millesime) / "panoramas" / f"panorama_{niveau}_{code}.pdf"


def jobs(connection, spec: RunSpec, territoire: str | None = None) -> list[Job]:
    """Every panorama the spec asks for, or the one of code `territoire`."""
    territories = [(t.niveau, t.code, t.libelle) for t in spec.territoires if t.niveau in spec.panorama_levels]
    for niveau in (lv for lv in EXTRA_LEVELS if lv in spec.panorama_levels):
        territories += connection.execute("""
            select distinct t.niveau, t.code, t.libelle from ref_territoire_commune t join ref_communes c using (depcom)
            where t.niveau = ? and c.reg = ? order by t.code""", [niveau, spec.region]).fetchall()
    if territoire is not None:
        territories = [t for t in territories if t[1] == territoire]
        if not territories:
            custom = [t for t in spec.territoires if t.code == territoire]
            hint = (f" (son niveau {custom[0].niveau!r} n'est pas dans 'panoramas')" if custom else "")
            raise ValueError(f"{spec.path}: aucun panorama pour le territoire {territoire!r}{hint}")
    return [Job(m, niveau, code, libelle, out_file(spec, m, niveau, code))
            for m in spec.millesimes for niveau, code, libelle in territories]


class Session:
    """What one process needs to render panoramas: connection, renderer, caches."""

    def __init__(self, spec: RunSpec, edition: dt.date):
        from oress.publish.pdf import Renderer
        from oress.warehouse import reading

        self.spec, self.edition = spec, edition
        self.connection = reading(spec.warehouse)
        self.renderer = Renderer()
        self._cache: dict = {}

    def cached(self, key, build):
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def query(self, sql: str, params=()) -> list[tuple]:
        return self.connection.execute(sql, list(params)).fetchall()

    @property
    def map_data(self):
        def build():
            from oress.publish.maps import MapData

            present = self.query("select count(*) from information_schema.tables "
                                 "where table_name = 'ref_communes_geometrie'")[0][0]
            return MapData(self.connection, self.spec.region) if present else None
        return self.cached("map_data", build)

    def level(self, millesime: int, niveau: str) -> dict[str, published.Facts]:
        return self.cached((niveau, millesime), lambda: panorama.load_level(self.connection, millesime, niveau))

    def region(self, millesime: int) -> published.Facts | None:
        return self.cached(("region", millesime), lambda: published.load_facts(
            self.connection, millesime, "region", [self.spec.region]).get(self.spec.region))

    def render(self, job: Job) -> tuple[int, int]:
        """(pages written, pages expected: one more with the conjoncture section)."""
        context = self.context(job)
        return self.renderer.pdf("panorama.html.j2", context, job.out_file), PAGES + bool(context["conjoncture"])

    def context(self, job: Job) -> dict:
        from oress.publish import maps

        spec, m = self.spec, job.millesime
        facts = published.territory_facts(self.connection, m, job.niveau, job.code, job.libelle)
        labels = {ref: published.reference_label(self.connection, ref) for ref in facts.references()}
        communes = self.query("""
            select t.depcom, c.libelle, coalesce(try_cast(c.population as bigint), 0), coalesce(c.epci, '')
            from ref_territoire_commune t join ref_communes c using (depcom)
            where t.niveau = ? and t.code = ? order by t.depcom""", [job.niveau, job.code])
        codes = [c[0] for c in communes]
        epci = self.query("""
            select c.epci, any_value(e.libelle),
                   count(*) filter (where c.depcom not in (select unnest(?))) > 0
            from ref_communes c join ref_epci e using (epci)
            where c.epci in (select distinct epci from ref_communes where depcom in (select unnest(?)))
            group by c.epci order by 2""", [codes, codes])
        previous = facts.previous_millesime()
        previous_facts = (published.load_facts(self.connection, previous, job.niveau, [job.code],
                                               dimensions=("ensemble",)).get(job.code)
                          if previous else None)
        has_jobs = self.cached(("jobs", m), lambda: published.has_job_data(self.connection, m))
        modalities = self.cached("secteurs", lambda: [
            {"modalite": r[0], "libelle": r[1], "parent": r[2]} for r in self.query(
                "select modalite, libelle, parent from int_modalites where dimension = 'secteur' order by ordre")])
        statuses = self.cached(("statuts", m), lambda: panorama.map_statuses(self.level(m, "commune")))
        region = self.region(m)
        region_label = published.reference_label(self.connection, f"region {spec.region}")
        source = self.source_line(m)
        map_data = self.map_data
        titre = f"L’économie sociale et solidaire — {job.libelle} — {m}"
        context = {
            "titre": titre, "observatoire": spec.observatoire, "libelle": job.libelle, "millesime": m,
            "niveau": LEVEL_NAMES.get(job.niveau, job.niveau.capitalize()),
            "date_edition": fmt.date_longue(self.edition), "date_edition_iso": self.edition.isoformat(),
            "locator": maps.locator_map(map_data, codes) if map_data is not None else None,
            "chiffres": panorama.key_figures_page(facts, labels, job.libelle),
            "familles": panorama.families_page(facts, labels),
            "secteurs": panorama.sectors_page(facts, region, modalities, region_label=region_label),
            "tailles": panorama.sizes_page(facts),
            "profil": panorama.profile_page(facts, has_jobs, m, delivered=spec.livraison_insee is not None),
            "carte": panorama.map_page(map_data, codes, statuses, source),
            "composition": panorama.composition_page(job.niveau, communes, self.level(m, "commune"),
                                                     [(e[0], e[1], bool(e[2])) for e in epci],
                                                     self.level(m, "epci")),
            "evolution": panorama.evolution_page(facts, previous_facts, self.sources()),
            "methode": self.method(job, facts, labels),
            "source": source,
            "conjoncture": self.cached(("conjoncture", job.niveau, job.code), lambda: conjoncture.panorama_section(
                self.connection, job.niveau, job.code)),
        }
        return {key: panorama.page(**value) if key in panorama.PAGES else value for key, value in context.items()}

    def sources(self) -> dict[int, str]:
        def build():
            rows = self.query("select millesime_min, millesime_max, source from ref_sources_millesimes")
            return {m: source for m in range(1990, 2100) for lo, hi, source in rows if int(lo) <= m <= int(hi)}
        return self.cached("sources", build)

    def source_line(self, millesime: int) -> str:
        series = self.sources().get(millesime, "")
        return (f"Source : extraits d’établissements employeurs, série {series}, millésime {millesime} "
                f"(situation au 31 décembre {millesime}) ; traitement : {self.spec.observatoire}.")

    def method(self, job: Job, facts: published.Facts, labels: dict[str, str]) -> dict:
        spec, m = self.spec, job.millesime
        perimetre, cog = self.query("select perimetre, cog from ref_meta")[0]
        notes = self.query("select source, note from ref_sources_millesimes where ? between "
                           "cast(millesime_min as integer) and cast(millesime_max as integer)", [m])
        national = self.query("select distinct source from ref_references_nationales where cast(millesime as "
                              "integer) = ?", [m])
        has_secondary = self.query("select count(*) from pub_indicateurs where millesime = ? and secret = 'D'",
                                   [m])[0][0] > 0
        rules = spec.secret
        dominance = ("au moins" if rules.dominance_inclusive else "plus de") + " " + fmt.pourcentage(
            rules.dominance_seuil, 0)
        return {
            "source_donnees": (f"{notes[0][0]} — {notes[0][1]}" if notes else "non renseignée"),
            "reference_nationale": national[0][0] if national else "aucune référence nationale pour ce millésime",
            "perimetre": perimetre.upper(), "cog": cog, "composition": self.composition(job),
            "references": [labels[r] + (" (département regroupant la plus grande part de la population du "
                                        "territoire)" if r.startswith("departement") else "")
                           for r in facts.references()],
            "frequence": rules.frequence_min, "dominance": dominance, "secondaire": has_secondary,
        }

    def composition(self, job: Job) -> str:
        territory = next((t for t in self.spec.territoires if (t.niveau, t.code) == (job.niveau, job.code)), None)
        if territory is None:
            return f"{LEVEL_NAMES.get(job.niveau, job.niveau)} {job.libelle} (code {job.code}), dans ses limites " \
                   "du code officiel géographique."

        def names(table: str, column: str, codes) -> str:
            rows = self.query(f"select libelle from {table} where {column} in (select unnest(?)) order by libelle",
                              [list(codes)])
            return ", ".join(r[0] for r in rows)
        parts = []
        if territory.epci:
            parts.append("EPCI : " + names("ref_epci", "epci", territory.epci))
        if territory.communes:
            parts.append("communes : " + names("ref_communes", "depcom", territory.communes))
        if territory.departements:
            parts.append("départements : " + names("ref_departements", "dep", territory.departements))
        text = " ; ".join(parts)
        if territory.sauf_communes:
            text += " ; sauf les communes : " + names("ref_communes", "depcom", territory.sauf_communes)
        return text + "."


# --- the pool ------------------------------------------------------------------------------------
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


def run(spec: RunSpec, chosen: list[Job], workers: int | None = None, on_pdf=None) -> list[Path]:
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
