"""The CRESS chiffres clés: the région's publication, one 4-page PDF per millésime, from published figures only.

Page 1 key figures and families, page 2 sectors (typologie B) and sizes, page 3 the départements side by
side and the map by EPCI, page 4 every EPCI and the method notes.
"""
from __future__ import annotations

import math
from pathlib import Path

from oress.config import RunSpec, edition_date
from oress.publish import charts, panorama, phrases
from oress.publish import facts as published
from oress.publish import formatting as fmt
from oress.publish.panorama import Table, row
from oress.publish.publication_notes import definitions, edition_dates, method_notes, source_line

PAGES = 4


def out_file(spec: RunSpec, millesime: int) -> Path:
    return spec.reports_for(millesime) / "chiffres-cles" / f"chiffres-cles_{spec.region}.pdf"


def write_all(connection, spec: RunSpec, on_pdf=None) -> list[Path]:
    """One PDF per millésime of the spec, next to indicateurs.parquet; `on_pdf(path, note)` after each (note:
    pdf.page_count_note, a warning when the layout did not hold its PAGES)."""
    from oress.publish.map_geometry import region_map_data
    from oress.publish.pdf import Renderer, page_count_note

    renderer = Renderer()
    map_data = region_map_data(connection, spec.region)
    written = []
    for millesime in spec.millesimes:
        context = KeyFigures(connection, spec, millesime, map_data).context(edition_date(spec))
        path = out_file(spec, millesime)
        pages = renderer.pdf("chiffres_cles.html.j2", context, path)
        written.append(path)
        if on_pdf:
            on_pdf(path, page_count_note(pages, PAGES))
    return written


class KeyFigures:
    def __init__(self, connection, spec: RunSpec, millesime: int, map_data):
        self.connection, self.spec, self.millesime, self.map_data = connection, spec, millesime, map_data
        self.region = published.territory_facts(connection, millesime, "region", spec.region,
                                                published.reference_label(connection, f"region {spec.region}"))

    def query(self, sql: str, params=()) -> list[tuple]:
        return self.connection.execute(sql, list(params)).fetchall()

    def context(self, edition) -> dict:
        region, m = self.region, self.millesime
        labels = {ref: published.reference_label(self.connection, ref) for ref in region.references()}
        source = self.query("select source from ref_sources_millesimes where ? between cast(millesime_min as "
                            "integer) and cast(millesime_max as integer)", [m])
        return {
            "titre": f"Chiffres clés de l’économie sociale et solidaire — {region.libelle} — {m}",
            "observatoire": self.spec.observatoire, "libelle": region.libelle, "millesime": m,
            **edition_dates(edition),
            "chiffres": panorama.page(**self.key_figures(labels)),
            "secteurs": panorama.page(**self.sectors()),
            "departements": panorama.page(**self.departements()),
            "epci": panorama.page(**self.epci()),
            "methode": self.method(),
            "source": source_line(source[0][0] if source else "", m, self.spec.observatoire),
        }

    # --- page 1 ---------------------------------------------------------------------------------
    def key_figures(self, labels: dict[str, str]) -> dict:
        region = self.region
        page = panorama.key_figures_page(region, labels, region.libelle)
        previous = region.previous_millesime()
        sentences = [s for s in (phrases.overview(region, self.millesime), phrases.weight(region, labels),
                                 phrases.private_weight(region, labels)) if s]
        if previous:
            sentences += phrases.evolution(region, previous)
        sentences += phrases.families(region)[:1]
        if any(region.has_dimension(d) for d in ("sexe", "age")):   # job profile (postes file, or INSEE's BTS)
            sentences += phrases.profile(region, True)[:2]
        champ_rows = []
        for champ, classe in panorama.champ_rows(region):
            change = region.evolution("evolution_pct", champ)
            champ_rows.append(row(panorama.champ_label(region, champ), [
                region.cell(champ, "etablissements").shown(fmt.entier), region.cell(champ, "postes").shown(fmt.entier),
                region.cell(champ, "etp").shown(fmt.entier),
                region.cell(champ, "remuneration_brute").shown(fmt.millions_euros),
                "" if champ == "ensemble" else region.get("part_dans_ensemble", champ).shown(fmt.pourcent),
                "" if champ == "ensemble" else (region.reference_value("part_dans_ensemble", champ,
                                                                       published.FRANCE_REFERENCE)
                                                .shown(fmt.pourcent)),
                change[0].shown(fmt.evolution_pct) if change and not change[2] else fmt.NOT_APPLICABLE,
            ], classe))
        headers = ("Champ", "Établissements", "Postes au 31/12", "ETP", "Rémunérations brutes", region.libelle,
                   "France", f"Évolution des postes depuis {previous}" if previous else "Évolution des postes")
        share = definitions("part_dans_ensemble")
        groups = (("", 5), (share[0][0], 2), ("", 1))
        return {"cartes": page["cartes"], "phrases": sentences, "definition": share,
                "tableau": Table(headers, tuple(champ_rows), groups=groups)}

    # --- page 2 ---------------------------------------------------------------------------------
    def sectors(self) -> dict:
        modalities = [{"modalite": r[0], "libelle": r[1], "parent": r[2]} for r in self.query(
            "select modalite, libelle, parent from int_modalites where dimension = 'secteur_b' order by ordre")]
        dimension = self.sector_dimension
        if dimension == "secteur":
            modalities = [{"modalite": r[0], "libelle": r[1], "parent": r[2]} for r in self.query(
                "select modalite, libelle, parent from int_modalites where dimension = 'secteur' order by ordre")]
        tops = [m for m in modalities if not m["parent"]]
        ordered = []
        for top in tops:
            ordered.append(top)
            ordered += [m for m in modalities if m["parent"] == top["modalite"]]
        region = self.region
        rows = [row(m["libelle"], [
            region.cell("ess", "etablissements", dimension, m["modalite"]).shown(fmt.entier),
            region.cell("ess", "postes", dimension, m["modalite"]).shown(fmt.entier),
            region.get("repartition", "ess", "postes", dimension, m["modalite"]).shown(fmt.pourcent),
            region.get("part_dans_ensemble", "ess", "postes", dimension, m["modalite"]).shown(fmt.pourcent),
            region.get("salaire_moyen_etp", "ess", "remuneration_brute", dimension, m["modalite"]).shown(fmt.euros),
        ], "detail" if m["parent"] else "") for m in ordered]
        postes = [region.cell("ess", "postes", dimension, t["modalite"]) for t in tops]
        weights = [region.get("part_dans_ensemble", "ess", "postes", dimension, t["modalite"]) for t in tops]
        chart = charts.sector_panels([t["libelle"] for t in tops], [p.value for p in postes],
                                     [w.value for w in weights], [None] * len(tops), "", fmt.entier, fmt.pourcent,
                                     own_label=region.libelle, row_mm=4.2)
        sizes = panorama.sizes_page(region)
        secret = [t["libelle"] for t, p, w in zip(tops, postes, weights) if p.secret or w.secret]
        return {"tableau": Table(("Secteur d’activité (typologie B)", "Établissements de l’ESS", "Postes de l’ESS",
                                  "Répartition des postes de l’ESS", "Poids de l’ESS dans le secteur",
                                  "Salaire moyen par ETP dans l’ESS"), tuple(rows)),
                "graphique": chart, "phrases": phrases.sectors(region, [(t["modalite"], t["libelle"]) for t in tops],
                                                               dimension),
                "alt": "Graphique en deux volets : postes salariés de l’ESS par secteur d’activité, et poids de "
                       "l’ESS dans l’emploi salarié de chaque secteur.",
                "note": panorama.secret_note(secret), "tailles": sizes["tableau"]}

    # --- page 3 ---------------------------------------------------------------------------------
    def departements(self) -> dict:
        codes = [r[0] for r in self.query("select dep from ref_departements where reg = ? order by dep",
                                          [self.spec.region])]
        facts = published.load_facts(self.connection, self.millesime, "departement", codes, dimensions=("ensemble",))
        rows, series_total, series_private, names = [], [], [], []
        for code in codes + [None]:
            f = facts.get(code) if code else self.region
            if f is None:
                continue
            change = f.evolution("evolution_pct", "ess")
            rows.append(row(f.libelle if code else f"{f.libelle} (région)", [
                f.cell("ess", "etablissements").shown(fmt.entier), f.cell("ess", "postes").shown(fmt.entier),
                f.get("part_dans_ensemble", "ess").shown(fmt.pourcent),
                f.get("part_dans_prive", "ess").shown(fmt.pourcent),
                f.get("salaire_moyen_etp", "ess", "remuneration_brute").shown(fmt.euros),
                change[0].shown(fmt.evolution_pct) if change and not change[2] else fmt.NOT_APPLICABLE,
            ], "total" if code is None else ""))
            names.append(f.libelle)
            series_total.append(f.get("part_dans_ensemble", "ess").value)
            series_private.append(f.get("part_dans_prive", "ess").value)
        chart = charts.grouped_bars(names, [charts.Series("Part de l’emploi total", tuple(series_total), charts.ESS),
                                            charts.Series("Part de l’emploi privé", tuple(series_private),
                                                          "#8cc5c0")], fmt.pourcent, bar_mm=2.5)
        page = {"tableau": Table(("Département", "Établissements de l’ESS", "Postes de l’ESS",
                                  "Part de l’emploi total", "Part de l’emploi privé", "Salaire moyen par ETP",
                                  "Évolution des postes de l’ESS"), tuple(rows)),
                "graphique": chart,
                "alt": "Graphique en barres : part de l’ESS dans l’emploi total et dans l’emploi privé, par "
                       "département et pour la région.", "carte": None}
        if self.map_data is not None:
            from oress.publish.maps import epci_map

            statuses = panorama.map_statuses(panorama.load_level(self.connection, self.millesime, "epci"))
            page["carte"] = epci_map(self.map_data, statuses, height_mm=118)
            page["alt_carte"] = ("Carte des EPCI de la région, colorés selon la part de l’ESS dans l’emploi salarié ; "
                                 "les EPCI couverts par le secret statistique sont hachurés en gris.")
        return page

    # --- page 4 ---------------------------------------------------------------------------------
    def epci(self) -> dict:
        epci = self.query("""
            select c.epci, any_value(e.libelle), arg_max(c.dep, coalesce(try_cast(c.population as bigint), 0)),
                   bool_or(c.reg <> ?)
            from ref_communes c join ref_epci e using (epci)
            where c.epci in (select epci from ref_communes where reg = ?)
            group by c.epci order by 3, 2""", [self.spec.region, self.spec.region])
        facts = panorama.load_level(self.connection, self.millesime, "epci")
        cells = []
        # from INSEE's tables, an EPCI without cells is one the delivery lacks (BTS: CA, CU, métropoles only)
        absent = fmt.NOT_APPLICABLE if self.spec.livraison_insee is not None else "0"
        for code, label, dep, partial in epci:
            f = facts.get(code)
            cells.append({"libelle": label + (" *" if partial else ""), "dep": dep,
                          "postes": f.cell("ess", "postes").shown(fmt.entier) if f else absent,
                          "part": f.get("part_dans_ensemble", "ess").shown(fmt.pourcent) if f else fmt.NOT_APPLICABLE})
        half = math.ceil(len(cells) / 2)
        blank = {"libelle": "", "dep": "", "postes": "", "part": ""}
        grid = [[cells[i], cells[half + i] if half + i < len(cells) else blank] for i in range(half)]
        return {"grille": grid, "partiel": any(e[3] for e in epci)}

    @property
    def sector_dimension(self) -> str:
        """Typologie B when the région has it, else A."""
        return "secteur_b" if self.region.has_dimension("secteur_b") else "secteur"

    def method(self) -> dict:
        return {**method_notes(self.connection, self.spec, self.millesime, "aucune pour ce millésime"),
                "definitions": definitions("etablissements", "postes", "etp", "remuneration_brute",
                                           "part_dans_ensemble", "part_dans_prive", self.sector_dimension,
                                           "evolution")}
