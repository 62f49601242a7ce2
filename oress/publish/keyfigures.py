"""The published cells as files: indicateurs.parquet / .csv, the derived indicators, and chiffres-cles.xlsx; the
step (`run`) writes them per millésime with their manifest, then the chiffres clés PDF (keyfigures_pdf)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from oress import classifications
from oress.config import RunSpec
from oress.files import replacing_directory, write_atomically, write_json
from oress.pipeline_base import require_tables, say, shown
from oress.warehouse import reading

COLUMNS = ("millesime", "niveau", "code", "libelle", "champ", "dimension", "modalite",
           "etablissements", "postes", "etp", "remuneration_brute", "secret")
DERIVED_COLUMNS = ("millesime", "niveau", "code", "libelle", "champ", "dimension", "modalite", "indicateur",
                   "mesure", "valeur", "unite", "reference", "valeur_reference", "rupture")
LEVEL_ORDER = "case niveau when 'france' then 1 when 'region' then 2 when 'departement' then 3 " \
              "when 'epci' then 5 when 'commune' then 6 else 4 end"
HEADLINE_SHEET = "Chiffres clés"   # the sheet of dimension `ensemble`; each breakdown's is its libelle_court
SHEET_HEADERS = {"millesime": "Millésime", "niveau": "Niveau", "code": "Code", "libelle": "Territoire",
                 "libelle_champ": "Champ", "libelle_modalite": "Modalité", "etablissements": "Établissements",
                 "postes": "Postes au 31/12", "etp": "ETP", "remuneration_brute": "Rémunérations brutes (€)",
                 "secret": "Secret", "approximatif": "Valeur approximative", "champ": "Code champ",
                 "modalite": "Code modalité"}
DERIVED_HEADERS = {"millesime": "Millésime", "niveau": "Niveau", "code": "Code", "libelle": "Territoire",
                   "libelle_champ": "Champ", "indicateur": "Indicateur", "mesure": "Mesure", "valeur": "Valeur",
                   "unite": "Unité", "reference": "Comparé à", "valeur_reference": "Valeur de comparaison",
                   "rupture": "Rupture de série"}
TERMS = [
    ("Établissements", "Établissements employeurs (au moins un poste non annexe dans l'année). Sur les "
                       "attributs des postes (sexe, âge…), un établissement compte dans chaque modalité où il a "
                       "un poste : ces comptes ne s'additionnent pas."),
    ("Postes au 31/12", "Postes salariés non annexes présents au 31 décembre, hors intérimaires"),
    ("ETP", "Équivalents temps plein sur l'année (EQTP)"),
    ("Rémunérations brutes", "Rémunérations brutes annuelles, en euros"),
    ("Champ", "ESS = associations + coopératives + mutuelles + fondations ; hors ESS = public + privé hors ESS"),
    ("Secret", "vide : publié ; A : moins de 3 entreprises ; B : une entreprise détient 85 % ou plus d'une "
               "mesure ; D : secret secondaire (empêche de retrouver une cellule A ou B par différence) ; "
               "S : secret à la source (cellule `s` des tableaux livrés par l'INSEE, A ou B non précisé)"),
    ("Valeur approximative", "Valeur livrée en notation scientifique (p. ex. 7,62E+11) : précision perdue, "
                             "ordre de grandeur seulement (tableaux livrés par l'INSEE)"),
]
# the shares come between, labelled by their definitions (ref_indicateurs, data/reference/indicateurs.csv)
DERIVED_TERMS = [
    ("ecart_…", "Écart en points à la référence (département, région, France)"),
    ("France", "Référence nationale publiée (INSEE FLORES, tableaux ESS France), jamais calculée "
               "à partir des données de l'exécution"),
    ("rang_…", "Rang du territoire parmi ceux de même niveau présents dans la publication (1 = part la plus forte)"),
    ("evolution_…, tcam", "Évolution depuis le millésime précédent ; non calculée en cas de rupture de source "
                          "(CLAP → FLORES)"),
]


def definitions(connection) -> list[tuple[str, str]]:
    """The terms of the files' and the site's definitions: the cells', then each share with its label, then
    the other derived figures'."""
    shares = [(share.code, share.label) for share in classifications.read(connection).shares]
    return [*TERMS, *shares, *DERIVED_TERMS]


def published_cells(connection, millesime: int):
    """The rows of pub_indicateurs for one millésime, in a stable order, with French labels."""
    columns = COLUMNS + _extensions(connection)
    return connection.execute(f"""
        select p.{', p.'.join(columns)}, c.libelle as libelle_champ, m.libelle as libelle_modalite
        from pub_indicateurs p
        join ref_champs c using (champ)
        join int_modalites m using (dimension, modalite)
        where millesime = ?
        order by {LEVEL_ORDER}, niveau, code, cast(c.ordre as integer), dimension, m.ordre
    """, [millesime]).df()


def _extensions(connection) -> tuple[str, ...]:
    """`approximatif` (tables delivered by INSEE) travels with the cells when pub_indicateurs has it."""
    present = {r[0] for r in connection.execute(
        "select column_name from information_schema.columns where table_name = 'pub_indicateurs'").fetchall()}
    return ("approximatif",) if "approximatif" in present else ()


def derived_indicators(connection, millesime: int):
    return connection.execute(f"""
        select d.{', d.'.join(DERIVED_COLUMNS)}, c.libelle as libelle_champ
        from pub_derives d join ref_champs c using (champ)
        where millesime = ?
        order by {LEVEL_ORDER}, niveau, code, cast(c.ordre as integer), dimension, modalite, indicateur, mesure,
                 reference
    """, [millesime]).df()


def themes() -> dict[str, str]:
    """Dimension → sheet of the xlsx, in reading order: the headline figures, then each breakdown of
    data/reference/dimensions.csv (this writer has no warehouse: the versioned file, as ref_dimensions)."""
    return {"ensemble": HEADLINE_SHEET, **{d.code: d.short_label for d in classifications.versioned().dimensions}}


def _write_table(frame, stem: Path, metadata: dict[str, str]) -> list[Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({f"oress.{k}": v for k, v in metadata.items()})
    parquet, csv = stem.with_suffix(".parquet"), stem.with_suffix(".csv")
    write_atomically(parquet, lambda p: pq.write_table(table, p))
    write_atomically(csv, lambda p: frame.to_csv(p, sep=";", decimal=",", index=False, encoding="utf-8-sig",
                                                   lineterminator="\n"))
    return [parquet, csv]


def write_files(cells, derived, out_dir: Path, metadata: dict[str, str],
                terms: list[tuple[str, str]]) -> list[Path]:
    """indicateurs.{parquet,csv} (the contract), indicateurs_derives.{parquet,csv} and chiffres-cles.xlsx
    (its last sheet: `terms`, from `definitions`, and the metadata)."""
    columns = [c for c in (*COLUMNS, "approximatif") if c in cells.columns]
    paths = _write_table(cells[columns], out_dir / "indicateurs", metadata)
    # a derived figure that rests on a secret cell is NULL: the file lists only those that exist
    computable = derived[derived["valeur"].notna()]
    paths += _write_table(computable[list(DERIVED_COLUMNS)], out_dir / "indicateurs_derives", metadata)
    xlsx = out_dir / "chiffres-cles.xlsx"
    write_atomically(xlsx, lambda p: _write_xlsx(cells, computable, p, metadata, terms))
    return paths + [xlsx]


def _sheet(writer, frame, name: str, headers: dict[str, str], formats: dict[str, object]) -> None:
    visible = frame[[c for c in headers if c in frame.columns]].rename(columns=headers)
    visible.to_excel(writer, sheet_name=name, index=False)
    sheet = writer.sheets[name]
    sheet.freeze_panes(1, 4)
    sheet.autofilter(0, 0, len(visible), len(visible.columns) - 1)
    for index, column in enumerate(visible.columns):
        width = 34 if column in ("Territoire", "Modalité", "Comparé à") else max(11, len(column) + 2)
        sheet.set_column(index, index, width, formats.get(column))


def _write_xlsx(cells, derived, path: Path, metadata: dict[str, str], terms: list[tuple[str, str]]) -> None:
    import pandas as pd

    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        book = writer.book
        # a fixed creation date (1 January after the millésime, the data's date) keeps the file reproducible
        book.set_properties({"title": "Chiffres clés de l'ESS", "created": dt.datetime(
            int(metadata.get("millesime", 1999)) + 1, 1, 1)})
        integer, decimal = book.add_format({"num_format": "# ##0"}), book.add_format({"num_format": "# ##0.0"})
        formats = {"Établissements": integer, "Postes au 31/12": integer, "ETP": decimal,
                   "Rémunérations brutes (€)": integer, "Valeur": decimal, "Valeur de comparaison": decimal}
        for dimension, name in themes().items():
            theme = cells[cells["dimension"] == dimension]
            if len(theme):
                headers = SHEET_HEADERS if dimension != "ensemble" else \
                    {k: v for k, v in SHEET_HEADERS.items() if k not in ("libelle_modalite", "modalite")}
                _sheet(writer, theme, name, headers, formats)
        # communes' derived figures stay in indicateurs_derives.csv: a sheet of 10⁵ rows is not readable
        overview = derived[(derived["dimension"] == "ensemble") & (derived["niveau"] != "commune")]
        _sheet(writer, overview, "Poids et évolutions", DERIVED_HEADERS, formats)
        notes = pd.DataFrame(terms + list(metadata.items()), columns=["Terme", "Définition"])
        notes.to_excel(writer, sheet_name="Définitions et sources", index=False)
        writer.sheets["Définitions et sources"].set_column(0, 0, 24)
        writer.sheets["Définitions et sources"].set_column(1, 1, 120)


def run(spec: RunSpec) -> None:
    from oress.manifest import build_manifest
    from oress.publish import keyfigures_pdf

    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "pub_indicateurs", "pub_derives", "meta_entrees", "ref_indicateurs")
        perimetre, cog = connection.execute("select perimetre, cog from ref_meta").fetchone()
        terms = definitions(connection)
        for millesime in spec.millesimes:
            cells, derived = published_cells(connection, millesime), derived_indicators(connection, millesime)
            out_dir = spec.reports_for(millesime) / "chiffres-cles"
            secret = ("secret appliqué par l'INSEE à la source (S) ; tableaux livrés" if spec.livraison_insee
                      else "règles primaires (A, B) et secret secondaire (D) ; audit de l'attaquant réussi")
            with replacing_directory(out_dir) as fresh:
                write_files(cells, derived, fresh, {
                    "perimetre": perimetre, "cog": cog, "millesime": str(millesime), "secret": secret}, terms)
                write_json(fresh / "manifeste.json", build_manifest(connection, spec, millesime))
            say(f"  {shown(spec, out_dir)}/indicateurs.parquet : {len(cells)} cellules, "
                f"{len(derived)} indicateurs dérivés")
        keyfigures_pdf.write_all(connection, spec, on_pdf=lambda path, note: say(f"  {shown(spec, path)}{note}"))
