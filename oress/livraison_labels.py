"""Delivered labels and values → the contract's codes: label columns through the reference files of
data/reference/livraisons_insee, territory names or codes, measures as written (`s`, `7,62E+11`)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from oress.livraison_flavours import LABELS_DIR, DeliveryError, Flavour

SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+")
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
CODED_LABEL = re.compile(r"\s*([0-9A-Za-z]+)\s+-\s+(.*\S)\s*", re.S)


@cache
def normalise(label: str) -> str:
    """Accents, case, punctuation and spacing ignored: 'Aide a domicile' == 'Aide à  Domicile'."""
    text = unicodedata.normalize("NFKD", str(label))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9+]+", " ", text).split())


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

