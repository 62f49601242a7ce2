"""One delivered table (CSV or ODS) read line by line into cell dicts: territory, champ, dimension, modalité,
measures and the source's secrecy."""
from __future__ import annotations

import io
from pathlib import Path

from oress.livraison_flavours import DeliveryError, Flavour
from oress.livraison_labels import CODED_LABEL, LabelMap, Territories, parse_measure

MEASURES = ("etablissements", "postes", "etp", "remuneration_brute")
SECRET_AT_SOURCE = "S"   # INSEE's `s` (or an empty measure): A or B unknown, kept secret as such
CELL_COLUMNS = ("millesime", "fichier", "ligne", "niveau", "code", "libelle", "departement", "champ", "dimension",
                "modalite", *MEASURES, "secret", "approximatif", "priorite", "motif")


def read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def read_table(path: Path):
    """A delivered CSV as strings: UTF-8 or Latin-1, `;` or `,`, every cell kept verbatim."""
    import pandas as pd

    text = read_text(path)
    first = text.split("\n", 1)[0]
    separator = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False)


def read_spreadsheet(path: Path, header_column: str):
    """A delivered ODS as strings, from its header row (the first row holding `header_column`) on; the
    metadata rows above it (source, champ, "croisé par"…) are skipped. Returns (frame, offset): a line's
    spreadsheet row number is its index + offset."""
    import pandas as pd

    try:
        sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="calamine")
    except Exception as error:   # a corrupt or non-ODS file: say which, keep the reader's reason
        raise DeliveryError(f"{path}: classeur illisible ({error})") from error
    for sheet in sheets.values():
        sheet = sheet.fillna("")
        found = [i for i, row in enumerate(sheet.itertuples(index=False)) if header_column in
                 [str(v).strip() for v in row]]
        if found:
            header = found[0]
            frame = sheet.iloc[header + 1:].copy()
            frame.columns = [str(v).strip() for v in sheet.iloc[header]]
            frame = frame.loc[:, [c for c in frame.columns if c]]
            frame = frame[(frame != "").any(axis=1)]   # blank rows under the table (notes) carry nothing
            return frame, 1
    raise DeliveryError(f"{path}: aucune ligne d'en-tête avec la colonne {header_column!r} "
                        f"(feuilles lues : {', '.join(map(str, sheets))})")


def _departement(value: str) -> str:
    value = value.strip()
    return value.zfill(2) if value.isdigit() and len(value) < 2 else value


def _label(value: str) -> str:
    coded = CODED_LABEL.fullmatch(value)
    return coded.group(2) if coded else value.strip()


def read_flavour(path: Path, flavour: Flavour, millesime: int, territories: Territories) -> tuple[list[dict], list]:
    """Every line of one delivered table as a cell dict; also the measure columns the file lacks."""
    if flavour.format == "ods":
        frame, offset = read_spreadsheet(path, flavour.territory)
    else:
        frame, offset = read_table(path), 2
    needed = [flavour.territory, *(c for cols in flavour.labels for c in cols)]
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise DeliveryError(f"{path}: colonne {absent[0]!r} absente (colonnes lues : {', '.join(frame.columns)})")
    measures = [(c, m) for c, m in flavour.measures if c in frame.columns]
    if not measures:
        raise DeliveryError(f"{path}: aucune colonne de mesure ({', '.join(c for c, _ in flavour.measures)})")
    maps = [LabelMap.load(file, keys) for file, keys in zip(flavour.references, flavour.labels)]
    cells = []
    for index, row in zip(frame.index, frame.to_dict("records")):
        line = int(index) + offset
        where = f"{path}, ligne {line}"
        niveau, code = territories.resolve(flavour, row[flavour.territory], where)
        name = row[flavour.name_column].strip() if flavour.name_column else (
            _label(row[flavour.territory]) if flavour.niveau == "epci" and niveau == "epci" else None)
        cell = {"millesime": millesime, "fichier": path.name, "ligne": line, "niveau": niveau, "code": code,
                "libelle": name,
                "departement": _departement(row[flavour.departement_column]) if flavour.departement_column else None,
                "champ": None, "dimension": "ensemble", "modalite": "ensemble",
                **dict.fromkeys(MEASURES), "secret": "", "approximatif": False, "priorite": flavour.priority,
                "motif": flavour.total_motif if not niveau else None}
        for label_map in maps:
            mapped = dict(label_map.lookup(row, where))
            motif = mapped.pop("motif", "")
            if mapped.get("dimension", "ensemble") != "ensemble" and cell["dimension"] != "ensemble":
                motif = motif or (f"croisement {cell['dimension']} × {mapped['dimension']} : une seule dimension "
                                  "par cellule dans le contrat de publication")
            cell.update({k: v for k, v in mapped.items() if v and not (k in ("dimension", "modalite")
                                                                        and v == "ensemble")})
            cell["motif"] = cell["motif"] or motif or None
        for column, measure in measures:
            value, secret, approximate = parse_measure(row[column], f"{where}, colonne {column!r}")
            cell[measure] = value
            cell["secret"] = SECRET_AT_SOURCE if secret or cell["secret"] else ""
            cell["approximatif"] = cell["approximatif"] or approximate
        cells.append(cell)
    missing = [m for c, m in flavour.measures if c not in frame.columns]
    return cells, missing
