"""The families of tables INSEE delivers (FLORES TC*, EPCI_T1 as CSV; BTS Tab_* as ODS), each a declarative
flavour, and which file of a millésime's folder is which table."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from oress.config import REFERENCE_DIR

LABELS_DIR = REFERENCE_DIR / "livraisons_insee"


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
