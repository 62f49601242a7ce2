"""Tables INSEE delivers to the CRESS (FLORES TC*, EPCI_T1 as CSV; BTS Tab_* as ODS) → liv_cellules: one
row per delivered line.

Each family of table is a declarative flavour: where the territory is, which label columns map to the
contract's codes through data/reference/livraisons_insee/*.csv, which columns hold which measure.
Python reads and maps labels; deduplication, scope and custom territories are SQL (sql/livraison).
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
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
    name: str                                   # file stem as INSEE delivers it (TC1.csv…), or its prefix (Tab_12)
    niveau: str                                 # level of the territory column
    territory: str                              # column holding the territory
    labels: tuple[tuple[str, ...], ...]         # one tuple of columns per reference file, in order
    references: tuple[str, ...]                 # reference files of data/reference/livraisons_insee
    measures: tuple[tuple[str, str], ...]       # (column, measure)
    priority: int                               # lower wins when two files deliver the same cell
    name_column: str | None = None              # delivered territory name (EPCI)
    departement_column: str | None = None       # département the row is repeated for (EPCI)
    source: str = "FLORES"                      # series of the table (ref_sources_millesimes)
    format: str = "csv"                         # csv: named <name>.csv; ods: named <name>_….ods, metadata rows first
    total_motif: str | None = None              # ods: why the table's all-territories row (TT…) is set aside;
                                                # None: that row is France


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
# BTS (DADS/DSN) tables as ODS: modalities written "code - libellé", `T…` = all; each line crosses up to three
# attributes, and only lines breaking down by one attribute at most fit the contract (the others are set aside).
BTS_MEASURES = (("Nombre_etab", "etablissements"), ("Nombre_Poste_3112", "postes"), ("Nombre_EQTP", "etp"),
                ("Masse_Salariale_Brute", "remuneration_brute"))
NJ = (("Nom_Juridique_1_Agregee", "Nom_Juridique_1_Detaillee"), "bts_nj.csv")
ESS = (("Economie_Sociale",), "bts_economie_sociale.csv")
AGE, AGE_FINE, SEX = (("Tranche_Age_1",), "bts_ages.csv"), (("Tranche_Age_2",), "bts_ages_fins.csv"), \
    (("Sexe_",), "bts_sexes.csv")
TIME, CONTRACT = (("Condition_Emploi",), "bts_temps_travail.csv"), (("Contrat_Travail_",), "bts_contrats.csv")
TYPO_A = (("Typo_A_Agregee", "Typo_A_Detaillee"), "bts_typo_a.csv")
TYPO_B = (("Typo_B_Agregee", "Typo_B_Detaillee"), "bts_typo_b.csv")


def _bts(name: str, niveau: str, territory: str, maps: tuple, priority: int, total_motif: str | None = None):
    return Flavour(name, niveau, territory, tuple(m[0] for m in maps), tuple(m[1] for m in maps), BTS_MEASURES,
                   priority, source="BTS", format="ods", total_motif=total_motif)


FLAVOURS += (
    _bts("Tab_12", "region", "Region_Travail", (NJ, AGE, SEX), 8),
    _bts("Tab_13", "region", "Region_Travail", (NJ, TIME, CONTRACT, SEX), 9),
    _bts("Tab_14", "region", "Region_Travail", (ESS, TYPO_B, AGE_FINE, SEX), 10),
    _bts("Tab_4", "departement", "Departement_Travail", (NJ, AGE, SEX), 11),
    _bts("Tab_5", "departement", "Departement_Travail", (NJ, TIME, CONTRACT, SEX), 12),
    _bts("Tab_6", "departement", "Departement_Travail", (ESS, TYPO_A, AGE, SEX), 13),
    _bts("Tab_1", "epci", "EPCIT21_", (NJ, AGE, SEX), 14,
         total_motif="total des seuls EPCI du tableau (CA, CU, métropoles) : ni la France ni un territoire publié"),
)
CODED_LABEL = re.compile(r"\s*([0-9A-Za-z]+)\s+-\s+(.*\S)\s*", re.S)


@cache
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


@dataclass(frozen=True)
class LabelMap:
    """One reference file: normalised key labels → output codes (champ / dimension / modalite / motif)."""
    file: str
    keys: tuple[str, ...]
    rows: dict[tuple[str, ...], dict[str, str]]

    @classmethod
    def load(cls, file: str, keys: tuple[str, ...]) -> LabelMap:
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
        if flavour.format == "ods":   # "28 - Normandie", "1 - Ain", "TTT - Tous départements confondus"
            coded = CODED_LABEL.fullmatch(value)
            code = coded.group(1) if coded else code
            if set(code) == {"T"}:
                return ("", "") if flavour.total_motif else ("france", "FR")
            if flavour.niveau == "region" and code in self.regions.values():
                return "region", code
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


def _matches(flavour: Flavour, path: Path) -> bool:
    if flavour.format == "csv":
        return path.suffix.lower() == ".csv" and path.stem.upper() == flavour.name.upper()
    return path.suffix.lower() == ".ods" and re.fullmatch(rf"{flavour.name}(_.*)?", path.stem, re.I) is not None


def find_tables(folder: Path) -> dict[str, Path]:
    """Flavour name → file of the folder (TC1.csv or tc1.csv; Tab_12_2019_Ok.ods)."""
    files = sorted(folder.glob("*"))
    found = {}
    for flavour in FLAVOURS:
        matching = [p for p in files if _matches(flavour, p)]
        if len(matching) > 1:
            raise DeliveryError(f"{folder}: plusieurs fichiers pour le tableau {flavour.name} "
                                f"({', '.join(p.name for p in matching)}) : n'en garder qu'un")
        if matching:
            found[flavour.name] = matching[0]
    return found


def unread_tables(folder: Path) -> list[dict]:
    """The folder's delivered-looking files (csv, ods) no flavour reads, each with the reason."""
    import pandas as pd

    reasons = pd.read_csv(LABELS_DIR / "tableaux_non_lus.csv", sep=";", dtype=str, keep_default_na=False)
    read = set(find_tables(folder).values())
    out = []
    for path in sorted(folder.glob("*")):
        if path.suffix.lower() not in (".csv", ".ods") or path in read:
            continue
        known = [r["motif"] for r in reasons.to_dict("records")
                 if re.fullmatch(rf"{r['tableau']}(_.*)?", path.stem, re.I)]
        out.append({"fichier": path.name, "motif": known[0] if known else
                    "tableau non reconnu (voir data/reference/livraisons_insee/README.md)"})
    return out


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


def create_tables(connection) -> None:
    connection.execute("""
        create or replace table liv_cellules (
            millesime integer, fichier varchar, ligne integer, niveau varchar, code varchar, libelle varchar,
            departement varchar, champ varchar, dimension varchar, modalite varchar,
            etablissements double, postes double, etp double, remuneration_brute double,
            secret varchar, approximatif boolean, priorite integer, motif varchar)
    """)
    connection.execute("create or replace table liv_fichiers (millesime integer, fichier varchar, "
                       "mesures_absentes varchar, source varchar)")
    connection.execute("create or replace table liv_fichiers_non_lus (millesime integer, fichier varchar, "
                       "motif varchar)")


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
        connection.execute("insert into liv_fichiers values (?, ?, ?, ?)",
                           [millesime, path.name, ", ".join(missing), by_name[name].source])
    for unread in unread_tables(folder):
        connection.execute("insert into liv_fichiers_non_lus values (?, ?, ?)",
                           [millesime, unread["fichier"], unread["motif"]])
    return [p.name for p in tables.values()]


def series_by_millesime(connection) -> dict[int, str]:
    """The series each delivered millésime's totals come from: FLORES when a FLORES table was read, else BTS."""
    rows = connection.execute("select millesime, list(distinct source) from liv_fichiers group by 1").fetchall()
    return {m: "FLORES" if "FLORES" in sources else sources[0] for m, sources in rows}


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
    non_lus = records("select fichier, motif from liv_fichiers_non_lus where millesime = ? order by fichier")
    return {"millesime": millesime, "fichiers": fichiers, "fichiers_non_lus": non_lus, "lignes_ecartees": ecartees,
            "doublons_discordants": discordants, "valeurs_approximatives": approximatives,
            "territoires_non_publies": non_publies}


def record_series(connection) -> dict[int, str]:
    """Give each delivered millésime the series its tables come from in ref_sources_millesimes (BTS years
    carved out of the FLORES range), so that a change between a FLORES and a BTS millésime is a source break."""
    import pandas as pd

    series = series_by_millesime(connection)
    notes = dict(pd.read_csv(LABELS_DIR / "sources.csv", sep=";", dtype=str, keep_default_na=False)
                 .itertuples(index=False, name=None))
    years = {}
    for low, high, source, note in connection.execute(
            "select millesime_min, millesime_max, source, note from ref_sources_millesimes").fetchall():
        years.update({year: (source, note) for year in range(int(low), int(high) + 1)})
    years.update({m: (source, notes[source]) for m, source in series.items() if source in notes})
    ranges: list[list] = []
    for year in sorted(years):
        if ranges and ranges[-1][1] == year - 1 and tuple(ranges[-1][2:]) == years[year]:
            ranges[-1][1] = year
        else:
            ranges.append([year, year, *years[year]])
    connection.execute("delete from ref_sources_millesimes")
    connection.executemany("insert into ref_sources_millesimes values (?, ?, ?, ?)",
                           [[str(low), str(high), source, note] for low, high, source, note in ranges])
    return series
