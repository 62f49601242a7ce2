"""Declarative source flavours (pipelines/sources/*.toml): where files are, how they are written, how their
columns and codes map to the pivot. The flavour of a file is recognised from its header."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from oress.config import PROJECT_DIR, check_keys

SOURCES_DIR = PROJECT_DIR / "pipelines" / "sources"
AUTO = "auto"


class SourceError(ValueError):
    """A flavour definition that cannot be used; the message names the file and the key."""


class InputError(ValueError):
    """A raw file that cannot be read at all; the message names the file and the fix."""


@dataclass(frozen=True)
class Nature:
    """A kind of input file and its pivot columns (shared/contracts §1 for etablissements and postes)."""
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


NATURES = {nature.name: nature for nature in (
    Nature("etablissements", ("siret", "depcom", "apet", "cj", "postes", "etp", "remuneration_brute"),
           ("siren", "denomination", "ess_sirene")),
    Nature("postes", ("siret", "sexe", "age", "pcs", "temps_travail", "contrat", "etp", "remuneration_brute",
                      "present_3112")),
    Nature("sirene_etablissements", ("siret", "depcom", "apet", "tranche_effectifs", "etat_administratif"),
           ("siren", "nomenclature_apet", "caractere_employeur", "denomination")),
    Nature("sirene_unites_legales", ("siren", "cj", "ess_sirene"), ("etat_administratif", "denomination")),
    # URSSAF-like quarterly extracts: private employers' establishments × quarter (no CJ: taken from the
    # establishment file or SIRENE), and URSSAF's public commune × APE aggregate (private-sector denominator).
    Nature("trimestres", ("siret", "trimestre", "effectif", "masse_salariale"), ("apet", "depcom", "cj")),
    Nature("trimestres_communes", ("depcom", "apet", "trimestre", "effectif"), ("masse_salariale", "etablissements")),
)}
ENCODINGS = (AUTO, "utf-8", "windows-1252")
DELIMITERS = (AUTO, ";", ",", "\t", "|")
DECIMALS = (AUTO, ",", ".")


@dataclass(frozen=True)
class FileLayout:
    """How one nature of file looks in a flavour."""
    nature: str
    patterns: tuple[str, ...]                       # globs relative to the millésime folder, without extension
    columns: dict[str, tuple[str, ...]]             # pivot column → accepted source names, first found wins
    codes: dict[str, dict[str, str]]                # pivot column → {source code (upper case): pivot code}


@dataclass(frozen=True)
class Flavour:
    name: str
    label: str
    encoding: str
    delimiter: str
    decimal: str
    thousands: str                                  # characters removed from numbers
    layouts: dict[str, FileLayout]
    path: Path


@dataclass(frozen=True)
class Match:
    """A file's recognised flavour and, per pivot column, the source column it is read from."""
    flavour: Flavour
    nature: Nature
    columns: dict[str, str]


def _names(where: str, value) -> tuple[str, ...]:
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, list | tuple) or not names or not all(isinstance(n, str) and n for n in names):
        raise SourceError(f"{where}: un nom de colonne ou une liste de noms attendu")
    return tuple(names)


def _layout(path: Path, nature: Nature, table: dict) -> FileLayout:
    where = f"{path} [{nature.name}]"
    check_keys(where, table, {"motifs", "colonnes", "codes"}, error=SourceError)
    columns = table.get("colonnes", {})
    check_keys(f"{where}.colonnes", columns, set(nature.columns), error=SourceError)
    missing = [c for c in nature.required if c not in columns]
    if missing:
        raise SourceError(f"{where}.colonnes: colonne pivot obligatoire sans correspondance : {', '.join(missing)}")
    codes = table.get("codes", {})
    check_keys(f"{where}.codes", codes, set(nature.columns), error=SourceError)
    for column, mapping in codes.items():
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
            raise SourceError(f"{where}.codes.{column}: correspondances « code source = code pivot » attendues")
    return FileLayout(
        nature=nature.name,
        patterns=_names(f"{where}.motifs", table.get("motifs", [nature.name])),
        columns={pivot: _names(f"{where}.colonnes.{pivot}", names) for pivot, names in columns.items()},
        codes={column: {k.strip().upper(): v for k, v in mapping.items()} for column, mapping in codes.items()})


def _choice(path: Path, table: dict, key: str, allowed: tuple[str, ...]) -> str:
    value = table.get(key, AUTO)
    if value not in allowed:
        raise SourceError(f"{path}: {key} = {value!r} invalide (valeurs admises : {', '.join(map(repr, allowed))})")
    return value


def load_flavour(path: Path) -> Flavour:
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise SourceError(f"{path}: TOML illisible ({error})") from error
    check_keys(str(path), table, {"nom", "libelle", "encodage", "separateur", "decimale", "milliers"} | set(NATURES),
               error=SourceError)
    thousands = table.get("milliers", [])
    if not isinstance(thousands, list) or not all(isinstance(c, str) and len(c) == 1 for c in thousands):
        raise SourceError(f"{path}: milliers doit être une liste de caractères, p. ex. [\" \", \".\"]")
    layouts = {name: _layout(path, NATURES[name], table[name]) for name in NATURES if name in table}
    if not layouts:
        raise SourceError(f"{path}: aucune nature de fichier décrite ({', '.join(NATURES)})")
    decimal = _choice(path, table, "decimale", DECIMALS)
    if decimal in thousands:
        raise SourceError(f"{path}: le séparateur décimal {decimal!r} figure aussi dans milliers")
    return Flavour(name=str(table.get("nom", path.stem)), label=str(table.get("libelle", path.stem)),
                   encoding=_choice(path, table, "encodage", ENCODINGS),
                   delimiter=_choice(path, table, "separateur", DELIMITERS), decimal=decimal,
                   thousands="".join(thousands), layouts=layouts, path=path)


def load_flavours(folder: Path = SOURCES_DIR) -> list[Flavour]:
    """Every flavour of the folder, in file-name order (the order breaks ties between matching flavours)."""
    flavours = [load_flavour(path) for path in sorted(folder.glob("*.toml"))]
    names = [f.name for f in flavours]
    if not flavours or len(set(names)) != len(names):
        raise SourceError(f"{folder}: aucun format de source, ou deux formats du même nom ({', '.join(names)})")
    return flavours


def patterns(flavours: list[Flavour], nature: str) -> list[str]:
    seen: list[str] = []
    for flavour in flavours:
        layout = flavour.layouts.get(nature)
        seen += [p for p in (layout.patterns if layout else ()) if p not in seen]
    return seen


def _mapping(layout: FileLayout, header: list[str]) -> dict[str, str]:
    by_lower = {name.lower(): name for name in header}
    found = {}
    for pivot, names in layout.columns.items():
        hit = next((by_lower[n.lower()] for n in names if n.lower() in by_lower), None)
        if hit is not None:
            found[pivot] = hit
    return found


def _expected(flavour: Flavour, nature: Nature) -> str:
    layout = flavour.layouts[nature.name]
    names = lambda cols: ", ".join("|".join(layout.columns[c]) for c in cols if c in layout.columns)  # noqa: E731
    optional = names(nature.optional)
    return f"{flavour.name} : {names(nature.required)}" + (f" (facultatives : {optional})" if optional else "")


def detect(path: Path, nature_name: str, header: list[str], flavours: list[Flavour]) -> Match:
    """The flavour whose required columns are all in the header (most columns recognised wins)."""
    nature = NATURES[nature_name]
    candidates = []
    for flavour in flavours:
        if nature.name in flavour.layouts:
            columns = _mapping(flavour.layouts[nature.name], header)
            missing = [c for c in nature.required if c not in columns]
            candidates.append((missing, columns, flavour))
    complete = [(len(columns), -i, columns, flavour)
                for i, (missing, columns, flavour) in enumerate(candidates) if not missing]
    if complete:
        _, _, columns, flavour = max(complete, key=lambda item: item[:2])
        return Match(flavour, nature, columns)
    _other_nature(path, nature, header, flavours)
    missing, _, closest = min(candidates, key=lambda item: len(item[0]))
    layout = closest.layouts[nature.name]
    raise _unknown_header(path, nature, header, flavours,
                          f"format le plus proche : {closest.name}, colonne(s) obligatoire(s) absente(s) : "
                          + ", ".join("|".join(layout.columns[c]) for c in missing))


def _unknown_header(path, nature, header, flavours, closest: str) -> InputError:
    expected = " ; ".join(_expected(f, nature) for f in flavours if nature.name in f.layouts)
    return InputError(
        f"{path}: en-tête non reconnu ({closest}). Colonnes lues : {', '.join(header) or '(aucune)'}. "
        f"Colonnes attendues par format — {expected}. Renommer les colonnes du fichier ou décrire ce format "
        f"dans {SOURCES_DIR}/")


def _other_nature(path: Path, nature: Nature, header: list[str], flavours: list[Flavour]) -> None:
    """A file of another nature put in the wrong place (e.g. a SIRENE stock named etablissements.csv)."""
    for flavour in flavours:
        for other, layout in flavour.layouts.items():
            columns = _mapping(layout, header)
            if other != nature.name and all(c in columns for c in NATURES[other].required):
                raise InputError(
                    f"{path}: ce fichier est un fichier « {other} » ({flavour.label}), pas « {nature.name} » ; "
                    f"le placer sous le nom {' ou '.join(layout.patterns)}.(csv|csv.gz|parquet) du dossier du "
                    "millésime")
