"""What one process needs to render panoramas: the warehouse connection, the renderer, and caches of what many
panoramas share (commune geometries, level-wide figures, sources); and the context of one panorama."""
from __future__ import annotations

import datetime as dt

from oress.config import RunSpec
from oress.publish import conjoncture, panorama
from oress.publish import facts as published
from oress.publish.publication_notes import TERMS, definitions, edition_dates, method_notes, source_line
from oress.publish.report_jobs import LEVEL_NAMES, PAGES, Job


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
            from oress.publish.map_geometry import region_map_data

            return region_map_data(self.connection, self.spec.region)
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
        communes = self.communes(job)
        codes = [c[0] for c in communes]
        has_jobs = self.cached(("jobs", m), lambda: published.has_job_data(self.connection, m))
        statuses = self.cached(("statuts", m), lambda: panorama.map_statuses(self.level(m, "commune")))
        region_label = published.reference_label(self.connection, f"region {spec.region}")
        source = self.source_line(m)
        map_data = self.map_data
        context = {
            "titre": f"L’économie sociale et solidaire — {job.libelle} — {m}", "observatoire": spec.observatoire,
            "libelle": job.libelle, "millesime": m, "niveau": LEVEL_NAMES.get(job.niveau, job.niveau.capitalize()),
            **edition_dates(self.edition),
            "locator": maps.locator_map(map_data, codes) if map_data is not None else None,
            "chiffres": panorama.key_figures_page(facts, labels, job.libelle),
            "familles": panorama.families_page(facts, labels),
            "secteurs": panorama.sectors_page(facts, self.region(m), self.sector_modalities(),
                                              region_label=region_label),
            "tailles": panorama.sizes_page(facts),
            "profil": panorama.profile_page(facts, has_jobs, m, delivered=spec.livraison_insee is not None),
            "carte": panorama.map_page(map_data, codes, statuses, source),
            "composition": panorama.composition_page(job.niveau, communes, self.level(m, "commune"),
                                                     self.epci_of(codes), self.level(m, "epci")),
            "evolution": panorama.evolution_page(facts, self.previous_facts(job, facts), self.sources()),
            "methode": self.method(job, facts, labels),
            "source": source,
            "conjoncture": self.cached(("conjoncture", job.niveau, job.code), lambda: conjoncture.panorama_section(
                self.connection, job.niveau, job.code)),
        }
        return {key: panorama.page(**value) if key in panorama.PAGES else value for key, value in context.items()}

    def communes(self, job: Job) -> list[tuple]:
        """(code, name, population, EPCI) of the territory's communes."""
        return self.query("""
            select t.depcom, c.libelle, coalesce(try_cast(c.population as bigint), 0), coalesce(c.epci, '')
            from ref_territoire_commune t join ref_communes c using (depcom)
            where t.niveau = ? and t.code = ? order by t.depcom""", [job.niveau, job.code])

    def epci_of(self, codes: list[str]) -> list[tuple[str, str, bool]]:
        """(code, name, whether it reaches beyond the territory) of the EPCI the communes `codes` belong to."""
        epci = self.query("""
            select c.epci, any_value(e.libelle),
                   count(*) filter (where c.depcom not in (select unnest(?))) > 0
            from ref_communes c join ref_epci e using (epci)
            where c.epci in (select distinct epci from ref_communes where depcom in (select unnest(?)))
            group by c.epci order by 2""", [codes, codes])
        return [(e[0], e[1], bool(e[2])) for e in epci]

    def previous_facts(self, job: Job, facts: published.Facts) -> published.Facts | None:
        """The territory's ensemble figures of the previous millésime, when there is one."""
        previous = facts.previous_millesime()
        return (published.load_facts(self.connection, previous, job.niveau, [job.code],
                                     dimensions=("ensemble",)).get(job.code)
                if previous else None)

    def sector_modalities(self) -> list[dict]:
        return self.cached("secteurs", lambda: [
            {"modalite": r[0], "libelle": r[1], "parent": r[2]} for r in self.query(
                "select modalite, libelle, parent from int_modalites where dimension = 'secteur' order by ordre")])

    def sources(self) -> dict[int, str]:
        def build():
            rows = self.query("select millesime_min, millesime_max, source from ref_sources_millesimes")
            return {m: source for m in range(1990, 2100) for lo, hi, source in rows if int(lo) <= m <= int(hi)}
        return self.cached("sources", build)

    def source_line(self, millesime: int) -> str:
        return source_line(self.sources().get(millesime, ""), millesime, self.spec.observatoire)

    def method(self, job: Job, facts: published.Facts, labels: dict[str, str]) -> dict:
        notes = self.query("select source, note from ref_sources_millesimes where ? between "
                           "cast(millesime_min as integer) and cast(millesime_max as integer)", [job.millesime])
        return {
            "series": notes,
            **method_notes(self.connection, self.spec, job.millesime, "aucune référence nationale pour ce millésime"),
            "definitions": definitions(*TERMS),
            "composition": self.composition(job),
            "references": [labels[r] + (" (département regroupant la plus grande part de la population du "
                                        "territoire)" if r.startswith("departement") else "")
                           for r in facts.references()],
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
