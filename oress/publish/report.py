"""Panorama PDFs, one per custom territory: published cells → jinja2 → HTML → WeasyPrint."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from oress.config import TEMPLATES_DIR, RunSpec
from oress.files import write_atomically
from oress.publish import formatting as fmt
from oress.publish.derived import weights

CHAMP_ROWS = (  # (champ, css class) in the order of the table
    ("ess", "ess"), ("association", "famille"), ("cooperative", "famille"), ("mutuelle", "famille"),
    ("fondation", "famille"), ("public", ""), ("prive_hors_ess", ""), ("ensemble", "total"),
)
SOURCE = "extraits d’établissements employeurs (démonstration ou Insee), traitement oress"


def territory_cells(connection, millesime: int, niveau: str, code: str) -> dict[str, dict]:
    """Published ensemble cells of one territory, keyed by champ."""
    frame = connection.execute("""
        select p.champ, c.libelle as champ_libelle, p.etablissements, p.postes, p.etp, p.remuneration_brute, p.secret
        from pub_indicateurs p join ref_champs c using (champ)
        where millesime = ? and niveau = ? and code = ? and dimension = 'ensemble'
    """, [millesime, niveau, code]).df()
    cells = {row["champ"]: row for row in frame.to_dict("records")}
    if cells:
        return cells
    # A territory without any employer in the data: its cells are true zeros, not secrets.
    labels = connection.execute("select champ, libelle from ref_champs").fetchall()
    return {champ: {"champ": champ, "champ_libelle": label, "etablissements": 0, "postes": 0, "etp": 0.0,
                    "remuneration_brute": 0.0, "secret": ""} for champ, label in labels}


def comparison_territories(connection, spec: RunSpec, codes: list[str]) -> list[tuple[str, str]]:
    """(niveau, code) of the départements touched by the territory, then the région."""
    rows = connection.execute("""
        select distinct 'departement', c.dep from ref_communes c where c.depcom in (select unnest(?)) order by 2
    """, [codes]).fetchall()
    return rows + [("region", spec.region)]


def sentences(own: dict, region: dict, region_name: str) -> list[str]:
    """French sentences stating the main facts, only from published values."""
    out = []
    if own["part_emploi_total"] is not None:
        text = (f"L’économie sociale et solidaire représente {fmt.pourcentage(own['part_emploi_total'])} "
                f"de l’emploi salarié du territoire")
        if region["part_emploi_total"] is not None:
            text += f", contre {fmt.pourcentage(region['part_emploi_total'])} en moyenne régionale ({region_name})"
        out.append(text + ".")
    if own["part_emploi_prive"] is not None:
        out.append(f"Dans le seul secteur privé, sa part atteint {fmt.pourcentage(own['part_emploi_prive'])}.")
    return out


def context(connection, spec: RunSpec, millesime: int, territory, edition: dt.date) -> dict:
    cells = territory_cells(connection, millesime, territory.niveau, territory.code)
    codes = [r[0] for r in connection.execute(
        "select depcom from ref_territoire_commune where niveau = ? and code = ?",
        [territory.niveau, territory.code]).fetchall()]
    ess = cells["ess"]
    own = weights(cells)
    references = [{"libelle": territory.libelle, **{k: fmt.pourcentage(v) for k, v in own.items()}}]
    region_weights, region_name = {"part_emploi_total": None}, ""
    for niveau, code in comparison_territories(connection, spec, codes):
        other = territory_cells(connection, millesime, niveau, code)
        label = connection.execute("select any_value(libelle) from ref_territoire_commune where niveau = ? and code = ?",
                                   [niveau, code]).fetchone()[0]
        values = weights(other)
        references.append({"libelle": label, **{k: fmt.pourcentage(v) for k, v in values.items()}})
        if niveau == "region":
            region_weights, region_name = values, label
    meta = connection.execute("select perimetre, cog from ref_meta").fetchone()
    return {
        "titre": f"L’ESS dans le territoire {territory.libelle} — {millesime}",
        "observatoire": spec.observatoire, "territoire": territory, "millesime": millesime,
        "date_edition": edition.strftime("%d/%m/%Y"), "date_edition_iso": edition.isoformat(),
        "cartes": [
            {"valeur": fmt.entier(ess["etablissements"]), "libelle": "établissements employeurs de l’ESS"},
            {"valeur": fmt.entier(ess["postes"]), "libelle": "postes salariés au 31 décembre"},
            {"valeur": fmt.entier(ess["etp"]), "libelle": "équivalents temps plein"},
            {"valeur": fmt.millions_euros(ess["remuneration_brute"]), "libelle": "de rémunérations brutes"},
        ],
        "phrases": sentences(own, region_weights, region_name),
        "lignes": [{"libelle": cells[c]["champ_libelle"], "classe": cls,
                    "etablissements": fmt.entier(cells[c]["etablissements"]), "postes": fmt.entier(cells[c]["postes"]),
                    "etp": fmt.entier(cells[c]["etp"]), "remuneration": fmt.millions_euros(cells[c]["remuneration_brute"])}
                   for c, cls in CHAMP_ROWS],
        "references": references,
        "source": SOURCE, "perimetre": f"{meta[0].upper()} (ESS France / Insee)", "cog": meta[1],
        "nb_communes": fmt.entier(len(codes)),
        "seuil_dominance": fmt.pourcentage(spec.secret.dominance_seuil, 0),
        "avertissement_secret": "Secret secondaire non encore appliqué : règles primaires seulement.",
    }


def render_pdf(html: str, out_file: Path) -> None:
    """Render with the shipped fonts; write aside then rename."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(filename=str(TEMPLATES_DIR / "panorama.css"), font_config=fonts)
    document = HTML(string=html, base_url=str(TEMPLATES_DIR))
    write_atomically(out_file, lambda aside: document.write_pdf(
        aside, stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1", uncompressed_pdf=False))


def edition_date(spec: RunSpec) -> dt.date:
    """The spec's date_edition, else today: PDFs are byte-identical for the same data and date."""
    return spec.date_edition or dt.date.today()


def run(connection, spec: RunSpec, millesime: int, on_pdf=None) -> list[Path]:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["j2", "html"]))
    template = env.get_template("panorama.html.j2")
    edition = edition_date(spec)
    written = []
    for territory in spec.territoires:
        out_file = spec.reports_for(millesime) / "panoramas" / f"panorama_{territory.niveau}_{territory.code}.pdf"
        render_pdf(template.render(**context(connection, spec, millesime, territory, edition)), out_file)
        written.append(out_file)
        if on_pdf:
            on_pdf(out_file)
    return written
