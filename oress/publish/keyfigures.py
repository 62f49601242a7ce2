"""The published cells as files: indicateurs.parquet, indicateurs.csv and chiffres-cles.xlsx."""
from __future__ import annotations

from pathlib import Path

from oress.files import write_atomically

COLUMNS = ("millesime", "niveau", "code", "libelle", "champ", "dimension", "modalite",
           "etablissements", "postes", "etp", "remuneration_brute", "secret")
LEVEL_ORDER = "case niveau when 'france' then 1 when 'region' then 2 when 'departement' then 3 " \
              "when 'epci' then 5 when 'commune' then 6 else 4 end"
DEFINITIONS = [
    ("etablissements", "Établissements employeurs (au moins un poste non annexe dans l'année)"),
    ("postes", "Postes salariés au 31 décembre"),
    ("etp", "Équivalents temps plein sur l'année (EQTP)"),
    ("remuneration_brute", "Rémunérations brutes annuelles, en euros"),
    ("secret", "'' publié ; A : moins de 3 entreprises ; B : une entreprise détient au moins 85 % "
               "d'une mesure (règles primaires seulement : secret secondaire non encore appliqué)"),
    ("champ", "ESS = associations + coopératives + mutuelles + fondations ; hors ESS = public + privé hors ESS"),
]


def published_cells(connection, millesime: int):
    """The rows of pub_indicateurs for one millésime, in a stable order, as a pandas frame."""
    return connection.execute(f"""
        select p.{', p.'.join(COLUMNS)} from pub_indicateurs p
        join ref_champs c using (champ)
        where millesime = ?
        order by {LEVEL_ORDER}, niveau, code, cast(c.ordre as integer), dimension, modalite
    """, [millesime]).df()


def write_files(frame, out_dir: Path, metadata: dict[str, str]) -> list[Path]:
    """Write the three files of the contract into out_dir; return their paths."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({f"oress.{k}": v for k, v in metadata.items()})
    paths = [out_dir / "indicateurs.parquet", out_dir / "indicateurs.csv", out_dir / "chiffres-cles.xlsx"]
    write_atomically(paths[0], lambda p: pq.write_table(table, p))
    write_atomically(paths[1], lambda p: frame.to_csv(p, sep=";", decimal=",", index=False,
                                                         encoding="utf-8-sig", lineterminator="\n"))
    write_atomically(paths[2], lambda p: _write_xlsx(frame, p, metadata))
    return paths


def _write_xlsx(frame, path: Path, metadata: dict[str, str]) -> None:
    import pandas as pd

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Indicateurs", index=False)
        sheet = writer.sheets["Indicateurs"]
        sheet.freeze_panes = "A2"
        for column, width in zip("ABCDEFGHIJKL", (10, 12, 28, 36, 16, 12, 12, 15, 12, 14, 20, 8)):
            sheet.column_dimensions[column].width = width
        for row in sheet.iter_rows(min_row=2, min_col=8, max_col=11):
            for cell in row:
                cell.number_format = "#,##0" if cell.column != 10 else "#,##0.0"
        notes = [(k, v) for k, v in DEFINITIONS] + [(k, v) for k, v in metadata.items()]
        pd.DataFrame(notes, columns=["terme", "définition"]).to_excel(writer, sheet_name="Définitions", index=False)
        writer.sheets["Définitions"].column_dimensions["A"].width = 22
        writer.sheets["Définitions"].column_dimensions["B"].width = 110
