"""Tables INSEE delivers to the CRESS (FLORES TC*, EPCI_T1) → liv_cellules: one row per delivered line.

Each family of table is a declarative flavour: where the territory is, which label columns map to the
contract's codes through data/reference/livraisons_insee/*.csv, which columns hold which measure.
Python reads and maps labels; deduplication, scope and custom territories are SQL (sql/livraison).
"""
from __future__ import annotations

import io
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from oress.config import REFERENCE_DIR

LABELS_DIR = REFERENCE_DIR / "livraisons_insee"
MEASURES = ("etablissements", "postes", "etp", "remuneration_brute")
SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
SECRET_AT_SOURCE = "S"   # INSEE's `s` (or an empty measure): A or B unknown, kept secret as such
CELL_COLUMNS = ("millesime", "fichier", "ligne", "niveau", "code", "libelle", "departement", "champ", "dimension",
                "modalite", *MEASURES, "secret", "approximatif", "priorite", "motif")


class DeliveryError(ValueError):
    """A delivered table that cannot be read as declared; the message names file, line, column and value."""


@dataclass(frozen=True)
class Flavour:
    name: str                                   # file stem as INSEE delivers it (TC1.csv…)
    niveau: str                                 # level of the territory column
    territory: str                              # column holding the territory
    labels: tuple[tuple[str, ...], ...]         # one tuple of columns per reference file, in order
    references: tuple[str, ...]                 # reference files of data/reference/livraisons_insee
    measures: tuple[tuple[str, str], ...]       # (column, measure)
    priority: int                               # lower wins when two files deliver the same cell
    name_column: str | None = None              # delivered territory name (EPCI)
    departement_column: str | None = None       # département the row is repeated for (EPCI)


FLORES_MEASURES = (("nb_etab", "etablissements"), ("eff_31", "postes"), ("eff_EQTP", "etp"),
                   ("rem_brut", "remuneration_brute"))
# `non_annexe` (2018 EPCI_T1: non-annex posts over the year) is not `postes` (at 31/12): not read.
FLAVOURS = (
    Flavour("TC13", "region", "REG", (("ESS", "famille"), ("typo_B", "typo_B_det")),
            ("champs.csv", "secteurs_b.csv"), FLORES_MEASURES, 1),
    Flavour("TC1", "departement", "DEP", (("ESS", "famille"), ("typo_A", "typo_A_det")),
            ("champs.csv", "secteurs_a.csv"), FLORES_MEASURES, 2),
    Flavour("EPCI_T1", "epci", "EPCI", (("jurid1",),), ("jurid1.csv",), FLORES_MEASURES, 3,
            name_column="nom_complet", departement_column="dep_epci"),
    Flavour("TC14", "region", "REG", (("ESS", "famille"), ("taille_etab",)),
            ("champs.csv", "tailles.csv"), FLORES_MEASURES, 4),
    Flavour("TC2", "departement", "DEP", (("ESS", "famille"), ("taille_etab",)),
            ("champs.csv", "tailles.csv"), FLORES_MEASURES, 5),
    Flavour("TC16", "region", "REG", (("ESS", "famille"), ("sexe", "type_emploi")),
            ("champs.csv", "sexes_types_emploi.csv"), (("nb_poste", "postes"),), 6),
    Flavour("TC4", "departement", "DEP", (("ESS", "famille"), ("sexe", "type_emploi")),
            ("champs.csv", "sexes_types_emploi.csv"), (("nb_poste", "postes"),), 7),
)


@lru_cache(maxsize=None)
def normalise(label: str) -> str:
    """Accents, case, punctuation and spacing ignored: 'Aide a domicile' == 'Aide à  Domicile'."""
    text = unicodedata.normalize("NFKD", str(label))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9+]+", " ", text).split())


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


@dataclass(frozen=True)
class LabelMap:
    """One reference file: normalised key labels → output codes (champ / dimension / modalite / motif)."""
    file: str
    keys: tuple[str, ...]
    rows: dict[tuple[str, ...], dict[str, str]]

    @classmethod
    def load(cls, file: str, keys: tuple[str, ...]) -> "LabelMap":
        import pandas as pd

        frame = pd.read_csv(LABELS_DIR / file, sep=";", dtype=str, keep_default_na=False)
        outputs = [c for c in frame.columns if c not in keys]
        rows = {tuple(normalise(r[k]) for k in keys): {c: r[c] for c in outputs} for r in frame.to_dict("records")}
        return cls(file, keys, rows)

    def lookup(self, row: dict, where: str) -> dict[str, str]:
        found = self.rows.get(tuple(normalise(row[k]) for k in self.keys))
        if found is not None:
            return found
        for position, key in enumerate(self.keys):
            known = {labels[position] for labels in self.rows}
            if normalise(row[key]) not in known:
                raise DeliveryError(f"{where}, colonne {key!r} : libellé inconnu {row[key]!r} (ajouter sa "
                                    f"correspondance dans data/reference/livraisons_insee/{self.file})")
        shown = " × ".join(f"{k}={row[k]!r}" for k in self.keys)
        raise DeliveryError(f"{where}, colonnes {', '.join(self.keys)} : combinaison inconnue {shown} "
                            f"(data/reference/livraisons_insee/{self.file})")


def parse_measure(text: str, where: str) -> tuple[float | None, bool, bool]:
    """(value, secret at source, approximate): `s` or empty = secret; `7,62E+11` = approximate."""
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value.lower() in ("s", ""):
        return None, True, False
    if SCIENTIFIC.fullmatch(value):
        return float(value.replace(",", ".")), False, True
    if NUMBER.fullmatch(value):
        return float(value.replace(",", ".")), False, False
    raise DeliveryError(f"{where} : valeur non numérique {text!r} (attendu un nombre ou `s`)")


class Territories:
    """Delivered territory labels or codes → (niveau, code); unknown ones are errors."""

    def __init__(self, connection):
        import pandas as pd

        special = pd.read_csv(LABELS_DIR / "territoires.csv", sep=";", dtype=str, keep_default_na=False)
        self.special = {normalise(r["libelle"]): (r["niveau"], r["code"]) for r in special.to_dict("records")}
        self.regions = {normalise(label): code for code, label in
                        connection.execute("select reg, libelle from ref_regions").fetchall()}
        self.departements = {r[0] for r in connection.execute("select dep from ref_departements").fetchall()}

    def resolve(self, flavour: Flavour, value: str, where: str) -> tuple[str, str]:
        label = normalise(value)
        if label in self.special:
            return self.special[label]
        code = value.strip()
        if flavour.niveau == "region" and label in self.regions:
            return "region", self.regions[label]
        if flavour.niveau == "departement":
            padded = code.zfill(2) if code.isdigit() and len(code) < 2 else code.upper()
            if padded in self.departements:
                return "departement", padded
        if flavour.niveau == "epci" and re.fullmatch(r"\d{9}", code):
            return "epci", code
        raise DeliveryError(f"{where}, colonne {flavour.territory!r} : territoire inconnu {value!r} "
                            "(ni dans data/reference/geo ni dans data/reference/livraisons_insee/territoires.csv)")


def find_tables(folder: Path) -> dict[str, Path]:
    """Flavour name → file of the folder (name matched without case: TC1.csv, tc1.csv)."""
    files = {p.stem.upper(): p for p in sorted(folder.glob("*")) if p.suffix.lower() == ".csv"}
    return {f.name: files[f.name.upper()] for f in FLAVOURS if f.name.upper() in files}


def _departement(value: str) -> str:
    value = value.strip()
    return value.zfill(2) if value.isdigit() and len(value) < 2 else value


def read_flavour(path: Path, flavour: Flavour, millesime: int, territories: Territories) -> tuple[list[dict], list]:
    """Every line of one delivered table as a cell dict; also the measure columns the file lacks."""
    frame = read_table(path)
    needed = [flavour.territory, *(c for cols in flavour.labels for c in cols)]
    absent = [c for c in needed if c not in frame.columns]
    if absent:
        raise DeliveryError(f"{path}: colonne {absent[0]!r} absente (colonnes lues : {', '.join(frame.columns)})")
    measures = [(c, m) for c, m in flavour.measures if c in frame.columns]
    if not measures:
        raise DeliveryError(f"{path}: aucune colonne de mesure ({', '.join(c for c, _ in flavour.measures)})")
    maps = [LabelMap.load(file, keys) for file, keys in zip(flavour.references, flavour.labels)]
    cells = []
    for index, row in enumerate(frame.to_dict("records")):
        line = index + 2
        where = f"{path}, ligne {line}"
        niveau, code = territories.resolve(flavour, row[flavour.territory], where)
        cell = {"millesime": millesime, "fichier": path.name, "ligne": line, "niveau": niveau, "code": code,
                "libelle": row[flavour.name_column].strip() if flavour.name_column else None,
                "departement": _departement(row[flavour.departement_column]) if flavour.departement_column else None,
                "champ": None, "dimension": "ensemble", "modalite": "ensemble",
                **dict.fromkeys(MEASURES), "secret": "", "approximatif": False, "priorite": flavour.priority,
                "motif": None}
        for label_map in maps:
            mapped = dict(label_map.lookup(row, where))
            motif = mapped.pop("motif", "")
            cell.update({k: v for k, v in mapped.items() if v})
            cell["motif"] = cell["motif"] or motif or None
        for column, measure in measures:
            value, secret, approximate = parse_measure(row[column], f"{where}, colonne {column!r}")
            cell[measure] = value
            cell["secret"] = SECRET_AT_SOURCE if secret or cell["secret"] else ""
            cell["approximatif"] = cell["approximatif"] or approximate
        cells.append(cell)
    missing = [m for c, m in flavour.measures if c not in frame.columns]
    return cells, missing


def create_tables(connection) -> None:
    connection.execute("""
        create or replace table liv_cellules (
            millesime integer, fichier varchar, ligne integer, niveau varchar, code varchar, libelle varchar,
            departement varchar, champ varchar, dimension varchar, modalite varchar,
            etablissements double, postes double, etp double, remuneration_brute double,
            secret varchar, approximatif boolean, priorite integer, motif varchar)
    """)
    connection.execute("create or replace table liv_fichiers (millesime integer, fichier varchar, "
                       "mesures_absentes varchar)")


def load_folder(connection, folder: Path, millesime: int) -> list[str]:
    """Load every known table of one millésime's folder into liv_cellules; return the files read."""
    import pandas as pd

    tables = find_tables(folder)
    if not tables:
        raise DeliveryError(f"{folder}: aucun tableau livré reconnu "
                            f"(attendu : {', '.join(f.name + '.csv' for f in FLAVOURS)})")
    territories = Territories(connection)
    by_name = {f.name: f for f in FLAVOURS}
    for name, path in tables.items():
        cells, missing = read_flavour(path, by_name[name], millesime, territories)
        frame = pd.DataFrame(cells, columns=list(CELL_COLUMNS))
        connection.register("liv_lot", frame)
        connection.execute("insert into liv_cellules select * from liv_lot")
        connection.unregister("liv_lot")
        connection.execute("insert into liv_fichiers values (?, ?, ?)", [millesime, path.name, ", ".join(missing)])
    return [p.name for p in tables.values()]


def quality(connection, millesime: int) -> dict:
    """What was read, kept and set aside; disagreeing duplicates; approximate values; unbuilt territories."""
    def records(sql: str) -> list[dict]:
        frame = connection.execute(sql, [millesime]).df()
        return frame.astype(object).where(frame.notna(), None).to_dict("records")

    fichiers = records("""
        select l.fichier, count(*) as lus, count(*) filter (where motif is null) as retenues,
               count(*) filter (where motif is not null) as ecartees,
               count(*) filter (where motif is null and secret <> '') as secretes_a_la_source,
               count(*) filter (where approximatif) as approximatives, any_value(f.mesures_absentes) as mesures_absentes
        from liv_cellules l join liv_fichiers f using (millesime, fichier)
        where l.millesime = ? group by l.fichier order by l.fichier""")
    ecartees = records("""
        select fichier, motif, count(*) as lignes from liv_cellules
        where millesime = ? and motif is not null group by all order by all""")
    discordants = records("select * from liv_doublons_discordants where millesime = ? order by all")
    approximatives = records("""
        select fichier, ligne, niveau, code, champ, dimension, modalite, etablissements, postes, etp,
               remuneration_brute from liv_cellules where millesime = ? and approximatif order by fichier, ligne""")
    publies = {r[0] for r in connection.execute(
        "select distinct code from pub_indicateurs where millesime = ?", [millesime]).fetchall()}
    non_publies = [{"territoire": code, "motif": "parties non toutes livrées, ou définition par communes "
                    "(les tableaux livrés ne descendent pas sous l'EPCI)"}
                   for (code,) in connection.execute("select code from ref_territoires order by code").fetchall()
                   if code not in publies]
    return {"millesime": millesime, "fichiers": fichiers, "lignes_ecartees": ecartees,
            "doublons_discordants": discordants, "valeurs_approximatives": approximatives,
            "territoires_non_publies": non_publies}
