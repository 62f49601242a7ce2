"""The observatory's static website: one page per published territory, the index with its maps and search,
the data and method pages. Built from pub_indicateurs and pub_derives only (through oress.publish.facts),
for the spec's last millésime, written into a fresh folder the caller swaps in.

Output is deterministic: territories, communes and files in sorted order, no date but the spec's
date_edition (else today's, as for the PDFs), so the same inputs give byte-identical files.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from oress.config import TEMPLATES_DIR, RunSpec
from oress.publish import facts as published
from oress.publish import formatting as fmt
from oress.publish.panorama import load_level, map_statuses
from oress.publish.publication_notes import source_line
from oress.site import catalogue, geometry, pages
from oress.site.search import LEVEL_ORDER, fold, search_index

LEVEL_NAMES = {"france": "France", "region": "Région", "departement": "Département", "epci": "Intercommunalité (EPCI)"}
STATIC = ("site.css", "recherche.js")


@dataclass
class Territory:
    niveau: str
    code: str
    libelle: str
    communes: list[tuple[str, str]] = field(default_factory=list)    # (code, libellé), by name

    @property
    def href(self) -> str:
        return f"{self.niveau}/{self.code}.html"

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.niveau, self.niveau.capitalize())


class Site:
    """What every page needs: the connection, the spec, the millésime, published figures by level, shapes."""

    def __init__(self, connection, spec: RunSpec, edition):
        self.connection, self.spec, self.edition = connection, spec, edition
        self.millesime = spec.millesimes[-1]
        self.territories = self._territories()
        self.facts: dict[str, dict[str, published.Facts]] = {
            niveau: published.load_facts(connection, self.millesime, niveau)
            for niveau in sorted({t.niveau for t in self.territories})}
        self.communes = load_level(connection, self.millesime, "commune")
        geometries = self.query("select count(*) from information_schema.tables "
                                "where table_name = 'ref_communes_geometrie'")[0][0]
        self.shapes = geometry.RegionShapes(connection, spec.region) if geometries else None   # no maps
        self.modalities = self._modalities()
        self.environment = _environment()
        self.cache: dict = {}

    def query(self, sql: str, params=()) -> list[tuple]:
        return self.connection.execute(sql, list(params)).fetchall()

    def _territories(self) -> list[Territory]:
        rows = self.query("""select distinct niveau, code, libelle from pub_indicateurs
                             where millesime = ? and niveau <> 'commune'""", [self.millesime])
        members: dict[tuple[str, str], list] = {}
        for niveau, code, depcom, libelle in self.query("""
                select t.niveau, t.code, t.depcom, c.libelle from ref_territoire_commune t
                join ref_communes c using (depcom)
                where (t.niveau, t.code) in (select distinct niveau, code from pub_indicateurs where millesime = ?)
                  and t.niveau not in ('commune', 'france')
                order by t.niveau, t.code, t.depcom""", [self.millesime]):
            members.setdefault((niveau, code), []).append((depcom, libelle))
        territories = [Territory(n, c, lib, sorted(members.get((n, c), []), key=lambda m: (fold(m[1]), m[0])))
                       for n, c, lib in rows]
        return sorted(territories, key=lambda t: (LEVEL_ORDER.get(t.niveau, 2), t.niveau, t.code))

    def _modalities(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for dimension, modalite, libelle, parent in self.query(
                "select dimension, modalite, libelle, parent from int_modalites order by dimension, ordre"):
            out.setdefault(dimension, []).append({"modalite": modalite, "libelle": libelle, "parent": parent})
        return out

    def reference_links(self, base: str) -> dict[str, str]:
        """'departement 50' → its page, for the rows of the comparison tables."""
        links = {f"{t.niveau} {t.code}": base + t.href for t in self.territories if t.niveau != "france"}
        france = [t for t in self.territories if t.niveau == "france"]
        if france:
            links[published.FRANCE_REFERENCE] = base + france[-1].href
        return links

    def label(self, reference: str) -> str:
        return published.reference_label(self.connection, reference)

    def source_line(self) -> str:
        rows = self.query("select source from ref_sources_millesimes where ? between cast(millesime_min as integer) "
                          "and cast(millesime_max as integer)", [self.millesime])
        return source_line(rows[0][0] if rows else "", self.millesime, self.spec.observatoire)

    def common(self, base: str, title: str) -> dict:
        return {"base": base, "titre": title, "observatoire": self.spec.observatoire, "millesime": self.millesime,
                "date_edition": fmt.date_longue(self.edition), "source": self.source_line()}

    def render(self, template: str, target: Path, context: dict) -> Path:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.environment.get_template(template).render(**context), encoding="utf-8")
        return target


def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    # the site's templates, then the publications' shared ones (_methode.html.j2: the method text)
    environment = Environment(loader=FileSystemLoader([TEMPLATES_DIR / "site", TEMPLATES_DIR]),
                              undefined=StrictUndefined, autoescape=select_autoescape(["html", "j2"]),
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters["ko"] = lambda size: f"{fmt.entier(max(1, round(size / 1000)))}{fmt.NBSP}ko"
    return environment


def territory_page(site: Site, territory: Territory, out: Path) -> Path:
    facts = site.facts[territory.niveau].get(territory.code) or published.empty_facts(
        site.connection, site.millesime, territory.niveau, territory.code, territory.libelle)
    labels = {ref: site.label(ref) for ref in facts.references()}
    region = site.facts.get("region", {}).get(site.spec.region)
    region_label = site.label(f"region {site.spec.region}")
    base = "../"
    context = {
        **site.common(base, f"L’économie sociale et solidaire — {territory.libelle} — {site.millesime}"),
        "territoire": territory, "chiffres": pages.key_figures(facts, labels),
        "familles": pages.families(facts), "poids": pages.weight(facts, labels, site.reference_links(base)),
        "secteurs": pages.sectors(facts, region, site.modalities.get("secteur", []), region_label),
        "tailles": pages.sizes(facts), "profil": pages.profile(facts, site.modalities),
        "evolution": pages.evolution(facts), "carte": territory_map(site, territory, base),
        "communes": (pages.communes(territory.communes, site.communes, {})
                     if territory.niveau not in ("region", "france") else None),
        "zones": level_tables(site, base) if territory.niveau in ("region", "france") else [],
        "telechargements": catalogue.territory_files(site, territory, out),
    }
    return site.render("territoire.html.j2", out / territory.href, context)


def territory_map(site: Site, territory: Territory, base: str) -> dict | None:
    """The communes of the territory coloured by the ESS share; the région's EPCI for the région and France."""
    if site.shapes is None:
        return None
    if territory.niveau in ("region", "france"):
        return epci_map(site, base, f"carte-{territory.niveau}")
    codes = [c for c, _ in territory.communes]
    statuses = map_statuses({c: site.communes[c] for c in codes if c in site.communes})
    shapes = {c: site.shapes.geometries[site.shapes.index[c]] for c in codes if c in site.shapes.index}
    areas = [geometry.Area(code, f"{name} : {_share_text(statuses.get(code))}", statuses.get(
        code, geometry.Status("sans_emploi"))) for code, name in territory.communes]
    svg = geometry.svg_map(shapes, areas, f"Carte des communes — {territory.libelle}",
                           "Communes du territoire colorées selon la part de l’ESS dans l’emploi salarié ; hachurées "
                           "quand le secret statistique la couvre. Les valeurs sont dans le tableau des communes.",
                           "carte-communes")
    return {"svg": svg, "legende": geometry.legend(), "titre": "La part de l’ESS dans l’emploi salarié, par commune"}


def _share_text(status) -> str:
    if status is None or status.kind == "sans_emploi":
        return "aucun emploi salarié"
    if status.kind == "secret":
        return "secret statistique"
    return f"{fmt.pourcent(status.share)} de l’emploi salarié dans l’ESS"


def group_map(site: Site, niveau: str, base: str, ident: str, title: str) -> str:
    """The territories of one level (EPCI, pays) as linked shapes, coloured by their ESS share."""
    chosen = [t for t in site.territories if t.niveau == niveau]
    shapes = site.shapes.groups({t.code: [c for c, _ in t.communes] for t in chosen})
    statuses = map_statuses({t.code: site.facts[niveau][t.code] for t in chosen if t.code in site.facts[niveau]})
    # larger areas first, so that a pays nested in another stays on top and can be reached
    chosen = sorted(chosen, key=lambda t: (-shapes[t.code].area if t.code in shapes else 0, t.code))
    areas = [geometry.Area(t.code, f"{t.libelle} : {_share_text(statuses.get(t.code))}",
                           statuses.get(t.code, geometry.Status("sans_emploi")), base + t.href) for t in chosen]
    return geometry.svg_map(shapes, areas, title, "Chaque territoire mène à sa page ; les mêmes territoires et "
                            "leurs valeurs sont listés dans le tableau qui suit la carte.", ident,
                            coverage=niveau == "epci")


def epci_map(site: Site, base: str, ident: str) -> dict:
    return {"svg": group_map(site, "epci", base, ident, "Carte des intercommunalités (EPCI) de la région"),
            "legende": geometry.legend(), "titre": "La part de l’ESS dans l’emploi salarié, par EPCI"}


def level_tables(site: Site, base: str) -> list[dict]:
    """One table per level below the région (départements, custom niveaux, EPCI), each row a link."""
    tables = []
    for niveau in sorted({t.niveau for t in site.territories} - {"region", "france"},
                         key=lambda n: (LEVEL_ORDER.get(n, 2), n)):
        chosen = sorted((t for t in site.territories if t.niveau == niveau), key=lambda t: (fold(t.libelle), t.code))
        name = LEVEL_NAMES.get(niveau, niveau.capitalize())
        tables.append({"niveau": niveau, "titre": name, "tableau": pages.areas_table(
            f"Postes de l’ESS — {name}", name, [(t.libelle, base + t.href, site.facts[niveau].get(t.code))
                                               for t in chosen])})
    return tables


def index_page(site: Site, out: Path) -> Path:
    region = next((t for t in site.territories if t.niveau == "region"), None)
    facts = site.facts.get("region", {}).get(site.spec.region)
    labels = {ref: site.label(ref) for ref in facts.references()} if facts else {}
    custom = [n for n in site.spec.custom_levels if any(t.niveau == n for t in site.territories)]
    maps = [] if site.shapes is None else [epci_map(site, "", "carte-epci")] + [
        {"svg": group_map(site, n, "", f"carte-{n}", f"Carte des territoires de niveau {n}"),
         "legende": geometry.legend(), "titre": f"La part de l’ESS dans l’emploi salarié, par {n}"} for n in custom]
    context = {**site.common("", f"L’économie sociale et solidaire — {region.libelle if region else ''} — "
                                 f"{site.millesime}"),
               "region": region, "chiffres": pages.key_figures(facts, labels) if facts else None,
               "cartes": maps, "zones": level_tables(site, ""),
               "france": next((t for t in site.territories if t.niveau == "france"), None)}
    return site.render("index.html.j2", out / "index.html", context)


def write_site(connection, spec: RunSpec, out: Path, edition) -> list[Path]:
    """Every file of the site under `out` (an empty folder)."""
    site = Site(connection, spec, edition)
    written = [index_page(site, out), search_index(site, out)]
    for name in STATIC:
        target = out / "static" / name
        shutil.copyfile(TEMPLATES_DIR / "site" / name, target)
        written.append(target)
    for territory in site.territories:
        written.append(territory_page(site, territory, out))
    written += catalogue.write(site, out)
    return written
