"""What the site gives to download: each territory's cells (CSV, XLSX) and panorama PDF, the published
files of every millésime under donnees/ with their data dictionary and machine-readable metadata
(schema.org `Dataset` in JSON-LD, with the DCAT terms a portal harvests), and the method page."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from oress import classifications
from oress.publish import keyfigures
from oress.publish.publication_notes import TERMS, definitions, method_notes
from oress.publish.report_jobs import out_file as panorama_file

PUBLISHED_FILES = (   # file of reports/<millésime>/chiffres-cles, media type, what it is
    ("indicateurs.csv", "text/csv", "Cellules publiées (territoire × champ × dimension × modalité), secret appliqué"),
    ("indicateurs.parquet", "application/vnd.apache.parquet", "Les mêmes cellules au format Parquet"),
    ("indicateurs_derives.csv", "text/csv", "Indicateurs dérivés des cellules publiées : parts, écarts, rangs, "
                                            "évolutions"),
    ("indicateurs_derives.parquet", "application/vnd.apache.parquet", "Les mêmes indicateurs au format Parquet"),
    ("chiffres-cles.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
     "Classeur des chiffres clés : une feuille par thème, définitions et sources"),
)
COLUMN_DEFINITIONS = {
    "millesime": "Année des données (situation au 31 décembre)",
    "niveau": "Niveau géographique : france, region, departement, epci, commune ou niveau personnalisé (pays…)",
    "code": "Code du territoire (code officiel géographique, SIREN de l’EPCI, ou code du territoire personnalisé)",
    "libelle": "Nom du territoire",
    "champ": "ess, association, cooperative, mutuelle, fondation, public, prive_hors_ess ou ensemble",
    "dimension": "Ventilation",   # : ensemble and the breakdowns of ref_dimensions (column_definitions)
    "modalite": "Modalité de la ventilation (ensemble pour la dimension ensemble)",
    "etablissements": "Établissements employeurs (vide si secret)",
    "postes": "Postes salariés au 31 décembre (vide si secret)",
    "etp": "Équivalents temps plein sur l’année (vide si secret)",
    "remuneration_brute": "Rémunérations brutes annuelles, en euros (vide si secret)",
    "secret": "Statut de secret : vide (publié), A, B, D ou S",
}
CSV_NOTE = "séparateur point-virgule, virgule décimale, UTF-8"


def column_definitions(site) -> dict[str, str]:
    breakdowns = ("ensemble",) + classifications.read(site.connection).breakdowns
    return {**COLUMN_DEFINITIONS, "dimension": f"{COLUMN_DEFINITIONS['dimension']} : {', '.join(breakdowns)}"}


def _frames(site):
    """The millésime's published cells and computable derived figures of every territory but the communes,
    grouped by territory (read once)."""
    if "frames" not in site.cache:
        cells = keyfigures.published_cells(site.connection, site.millesime)
        derived = keyfigures.derived_indicators(site.connection, site.millesime)
        derived = derived[(derived["niveau"] != "commune") & (derived["dimension"] == "ensemble")
                          & derived["valeur"].notna()]
        site.cache["frames"] = ({k: g for k, g in cells.groupby(["niveau", "code"], sort=True)},
                                {k: g for k, g in derived.groupby(["niveau", "code"], sort=True)})
    return site.cache["frames"]


def _definitions(site) -> list[tuple[str, str]]:
    if "definitions" not in site.cache:
        site.cache["definitions"] = keyfigures.definitions(site.connection)
    return site.cache["definitions"]


def territory_files(site, territory, out: Path) -> list[dict]:
    """<niveau>/<code>.csv and .xlsx (the territory's cells), and its panorama PDF when `oress report` made one."""
    cells_by, derived_by = _frames(site)
    key = (territory.niveau, territory.code)
    cells = cells_by.get(key)
    if cells is None:
        return []
    folder = out / territory.niveau
    folder.mkdir(parents=True, exist_ok=True)
    columns = [c for c in (*keyfigures.COLUMNS, "approximatif") if c in cells.columns]
    csv = folder / f"{territory.code}.csv"
    cells[columns].to_csv(csv, sep=";", decimal=",", index=False, encoding="utf-8-sig", lineterminator="\n")
    xlsx = folder / f"{territory.code}.xlsx"
    write_xlsx(xlsx, cells, derived_by.get(key), f"{territory.libelle} ({territory.code})", site.millesime,
               _definitions(site))
    files = [{"href": csv.name, "libelle": f"Cellules publiées de {territory.libelle}", "format": "CSV",
              "detail": CSV_NOTE, "taille": csv.stat().st_size},
             {"href": xlsx.name, "libelle": f"Classeur des chiffres clés de {territory.libelle}", "format": "XLSX",
              "detail": "cellules, poids et évolutions, définitions", "taille": xlsx.stat().st_size}]
    pdf = panorama_file(site.spec, site.millesime, territory.niveau, territory.code)
    if pdf.is_file():
        shutil.copyfile(pdf, folder / pdf.name)
        files.append({"href": pdf.name, "libelle": f"Panorama de l’ESS — {territory.libelle}", "format": "PDF",
                      "detail": "10 pages", "taille": pdf.stat().st_size})
    return files


def write_xlsx(path: Path, cells, derived, territory: str, millesime: int, terms: list[tuple[str, str]]) -> None:
    """One territory's workbook: its cells, its derived overview, the definitions (`terms`). Written row by row with
    xlsxwriter (pandas' to_excel costs ten times more for a hundred small workbooks); the creation date is
    fixed (1 January after the millésime) so that the file is reproducible."""
    import datetime as dt

    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"nan_inf_to_errors": True})
    book.set_properties({"title": f"Chiffres clés de l'ESS — {territory}", "created": dt.datetime(millesime + 1, 1, 1)})
    bold = book.add_format({"bold": True})
    sheets = [("Cellules", cells, ("libelle", "libelle_champ", "dimension", "libelle_modalite", "etablissements",
                                   "postes", "etp", "remuneration_brute", "secret", "champ", "modalite"),
               keyfigures.SHEET_HEADERS | {"dimension": "Dimension"})]
    if derived is not None:
        sheets.append(("Poids et évolutions", derived, ("libelle", "libelle_champ", "indicateur", "mesure", "valeur",
                                                        "unite", "reference", "valeur_reference", "rupture"),
                       keyfigures.DERIVED_HEADERS))
    for name, frame, columns, headers in sheets:
        sheet = book.add_worksheet(name)
        sheet.write_row(0, 0, [headers[c] for c in columns], bold)
        shown = frame[list(columns)].astype(object)
        shown = shown.where(shown.notna(), None)         # secret measures, NaN and pd.NA: empty cells
        for i, values in enumerate(shown.itertuples(index=False, name=None), start=1):
            sheet.write_row(i, 0, values)
        sheet.freeze_panes(1, 2)
        sheet.set_column(0, 1, 30)
        sheet.set_column(2, len(columns) - 1, 16)
    notes = book.add_worksheet("Définitions")
    for i, (term, definition) in enumerate([("Terme", "Définition"), *terms]):
        notes.write_row(i, 0, [term, definition], bold if i == 0 else None)
    notes.set_column(0, 0, 24)
    notes.set_column(1, 1, 120)
    book.close()


def published_files(site, out: Path) -> list[dict]:
    """Copies of reports/<millésime>/chiffres-cles/* under donnees/<millésime>/, newest millésime first."""
    entries = []
    for millesime in sorted(site.spec.millesimes, reverse=True):
        source = site.spec.reports_for(millesime) / "chiffres-cles"
        for name, media, description in PUBLISHED_FILES:
            if not (source / name).is_file():
                continue
            target = out / "donnees" / str(millesime) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, target)
            entries.append({"href": f"{millesime}/{name}", "nom": name, "millesime": millesime, "media": media,
                            "description": description, "taille": target.stat().st_size})
    return entries


def dataset(site, files: list[dict]) -> dict:
    """schema.org Dataset, with the DCAT / Dublin Core terms a data portal harvests (JSON-LD)."""
    region = site.label(f"region {site.spec.region}")
    millesimes = sorted(site.spec.millesimes)
    return {
        "@context": {"@vocab": "https://schema.org/", "dcat": "http://www.w3.org/ns/dcat#",
                     "dct": "http://purl.org/dc/terms/"},
        "@type": ["Dataset", "dcat:Dataset"],
        "name": f"Chiffres clés de l’économie sociale et solidaire — {region}",
        "dct:title": f"Chiffres clés de l’économie sociale et solidaire — {region}",
        "description": ("Établissements employeurs, postes salariés au 31 décembre, équivalents temps plein et "
                        "rémunérations brutes de l’ESS et des autres champs, par territoire (commune, EPCI, "
                        "territoires de projet, département, région, France), secteur, taille et profil des "
                        "salariés ; secret statistique appliqué."),
        "inLanguage": "fr", "dct:language": "fr",
        "creator": {"@type": "Organization", "name": site.spec.observatoire},
        "dct:publisher": site.spec.observatoire,
        "datePublished": site.edition.isoformat(), "dct:issued": site.edition.isoformat(),
        "temporalCoverage": f"{millesimes[0]}/{millesimes[-1]}",
        "spatialCoverage": {"@type": "Place", "name": region},
        "keywords": ["économie sociale et solidaire", "ESS", "emploi salarié", "associations", "coopératives",
                     "mutuelles", "fondations", region],
        "isAccessibleForFree": True,
        "variableMeasured": sorted(COLUMN_DEFINITIONS),
        "distribution": [{"@type": ["DataDownload", "dcat:Distribution"], "name": f"{f['nom']} ({f['millesime']})",
                          "contentUrl": f["href"], "dcat:downloadURL": f["href"], "encodingFormat": f["media"],
                          "dcat:mediaType": f["media"], "contentSize": str(f["taille"]),
                          "dcat:byteSize": f["taille"], "description": f["description"]} for f in files],
    }


def write(site, out: Path) -> list[Path]:
    """donnees/index.html, donnees/metadonnees.jsonld, the copied files, and methode.html."""
    files = published_files(site, out)
    metadata = dataset(site, files)
    text = json.dumps(metadata, ensure_ascii=False, indent=1, sort_keys=True)
    jsonld = out / "donnees" / "metadonnees.jsonld"
    jsonld.parent.mkdir(parents=True, exist_ok=True)
    jsonld.write_text(text + "\n", encoding="utf-8")
    notes = site.query("select source, note from ref_sources_millesimes order by millesime_min")
    context = {"fichiers": files, "jsonld": text.replace("</", "<\\/"), "colonnes": column_definitions(site),
               "definitions": _definitions(site), "csv": CSV_NOTE}
    method = {"series": notes, "methode": {**method_notes(site.connection, site.spec, site.millesime,
                                                          "aucune pour ce millésime"),
                                           "definitions": definitions(*TERMS)}}
    return [jsonld, *(out / "donnees" / f["href"] for f in files),
            site.render("donnees.html.j2", out / "donnees" / "index.html",
                        {**site.common("../", "Données à télécharger"), **context}),
            site.render("methode.html.j2", out / "methode.html",
                        {**site.common("", "Méthode et définitions"), **method})]
