"""Hand-written BTS 2019 tables shaped like INSEE's ODS deliveries (Tab_12, Tab_13, Tab_14, Tab_4, Tab_1).

Written at test time (an ODS file embeds its creation date): `write_all(folder)`, or run this file to write
them into a folder for a look in a spreadsheet (`python tests/data/livraison_bts/make_fixtures.py /tmp/bts`).
Every line is there for a reason; see README.md beside this file for the expected figures.
"""
from __future__ import annotations

import sys
from pathlib import Path

T_NJ = ("T - Toutes catégories confondues", "TT - Toutes catégories confondues")
ESS = ("1 - ESS", "TT - Toutes catégories confondues")
ASSO = ("1 - ESS", "11 - Associations")
FOND = ("1 - ESS", "14 - Fondations")
PRIVE = ("2 - Hors ESS", "21 - Privé hors ESS")
PUBLIC = ("2 - Hors ESS", "22 - Public hors ESS")
T_AGE, AGE_30, AGE_40, AGE_50, AGE_M30 = ("T - Toutes tranches d'âges confondues", "2 - De 30 à 39 ans",
                                          "3 - De 40 à 49 ans", "4 - 50 ans et plus", "1 - Moins de 30 ans")
T_SEXE, HOMMES, FEMMES = "T - Tous sexes confondus", "1 - Hommes", "2 - Femmes"
T_COND, COMPLET, PARTIEL = ("T - Toutes conditions d'emploi confondues", "1 - Temps complets",
                            "2 - Temps partiels et autres conditions d'emploi")
T_CONTRAT, CDI, CDD, AUTRES = ("T - Tous contrats de travail confondus", "1 - CDI", "2 - CDD",
                               "3 - Autres contrats de travail")
NORMANDIE, FRANCE_REG = "28 - Normandie", "TT - Toutes régions confondues"
T_TYPO = ("TTT - Toutes activités confondues", "TTTTT - Toutes activités confondues")
S = "s"
MEASURES = ("Nombre_etab", "Nombre_Poste_3112", "Nombre_EQTP", "Masse_Salariale_Brute")


def metadata(zone: str, crossing: str, champ: str = "Ensemble des postes non annexes, hors intérimaires, "
             "présents au cours de l’année") -> list[list]:
    """The 11 rows INSEE puts above the header: source, zone, champ, measures, crossing, secret legend."""
    return [["Source INSEE DADS 2019"], [], [f"Zone géographique : {zone}"], [f"Champ : {champ}"],
            ["Indicateur : nombre d’établissements, Effectifs présents la dernière semaine de l’année y compris "
             "au 31/12, EQTP présents sur l’année, masse salariale brute annuelle"],
            [f"Croisé par : {crossing}"], [], ["s : secret statistique"], [], [], []]


def tab_12() -> list[list]:
    """Région × NJ1 × âge 1 × sexe."""
    header = ["Region_Travail", "Nom_Juridique_1_Agregee", "Nom_Juridique_1_Detaillee", "Tranche_Age_1", "Sexe_",
              *MEASURES]
    lines = [
        [FRANCE_REG, *T_NJ, T_AGE, T_SEXE, 2162554, 23169478, 21487531.2, 799503602981],
        [NORMANDIE, *T_NJ, T_AGE, T_SEXE, 1000, 10000, 9000.5, 300000000],
        [NORMANDIE, *ESS, T_AGE, T_SEXE, 100, 1500, 1300, 40000000],
        [NORMANDIE, *ESS, T_AGE, HOMMES, 70, 480, 450, 16000000],
        [NORMANDIE, *ESS, T_AGE, FEMMES, 80, 1020, 850, 24000000],
        [NORMANDIE, *ESS, AGE_M30, T_SEXE, 40, 300, 240, 6000000],
        [NORMANDIE, *ESS, AGE_30, T_SEXE, 50, 350, 300, 9000000],
        [NORMANDIE, *ESS, AGE_40, T_SEXE, 55, 400, 360, 11000000],
        [NORMANDIE, *ESS, AGE_50, T_SEXE, 60, 450, 400, 14000000],
        [NORMANDIE, *ESS, AGE_50, FEMMES, 45, 300, 260, 9000000],          # âge × sexe: set aside
        [NORMANDIE, *ASSO, T_AGE, T_SEXE, 90, 1200, 1000, 30000000],
        [NORMANDIE, *FOND, T_AGE, T_SEXE, S, S, S, S],                      # secret at source
        [NORMANDIE, *PRIVE, T_AGE, T_SEXE, 800, 6000, 5500, 200000000],
        [NORMANDIE, *PRIVE, T_AGE, FEMMES, 500, 2400, 2100, 70000000],
        [NORMANDIE, *PRIVE, AGE_50, T_SEXE, 450, 1500, 1400, 55000000],
        [NORMANDIE, *PUBLIC, T_AGE, T_SEXE, 100, 2500, 2200, 60000000],
        [NORMANDIE, *PUBLIC, T_AGE, FEMMES, S, S, S, S],                    # secret at source
    ]
    return metadata("France entière (hors Mayotte) au lieu de travail",
                    "Région * Nomenclature juridique 1 * Tranche d’âge 1 * Sexe") + [header] + lines


def tab_13() -> list[list]:
    """Région × NJ1 × condition d'emploi × contrat × sexe."""
    header = ["Region_Travail", "Nom_Juridique_1_Agregee", "Nom_Juridique_1_Detaillee", "Condition_Emploi",
              "Contrat_Travail_", "Sexe_", *MEASURES]
    lines = [
        [NORMANDIE, *ESS, T_COND, T_CONTRAT, T_SEXE, 100, 1500, 1300, 40000000],   # same as Tab_12: one cell
        [NORMANDIE, *ESS, COMPLET, T_CONTRAT, T_SEXE, 80, 900, 880, 28000000],
        [NORMANDIE, *ESS, PARTIEL, T_CONTRAT, T_SEXE, 70, 600, 420, 12000000],
        [NORMANDIE, *ESS, T_COND, CDI, T_SEXE, 95, 1100, 1000, 33000000],
        [NORMANDIE, *ESS, T_COND, CDD, T_SEXE, 50, 300, 220, 5000000],
        [NORMANDIE, *ESS, T_COND, AUTRES, T_SEXE, 20, 100, 80, 2000000],
        [NORMANDIE, *ESS, PARTIEL, CDD, T_SEXE, 30, 150, 90, 2000000],            # crossing: set aside
        [NORMANDIE, *PRIVE, PARTIEL, T_CONTRAT, T_SEXE, 300, 1500, 900, 30000000],
        [NORMANDIE, *PRIVE, T_COND, CDD, T_SEXE, 250, 900, 700, 20000000],
    ]
    return metadata("France entière (hors Mayotte) au lieu de travail", "Région * Nomenclature juridique 1 *  "
                    "Condition d’emploi * Contrat de travail * Sexe") + [header] + lines


def tab_14() -> list[list]:
    """Région × ESS × typologie B × âge 2 × sexe."""
    header = ["Region_Travail", "Economie_Sociale", "Typo_B_Agregee", "Typo_B_Detaillee", "Tranche_Age_2", "Sexe_",
              *MEASURES]
    lines = [
        [NORMANDIE, "1 - ESS", *T_TYPO, "7 - De 50 à 55 ans", T_SEXE, 35, 250, 220, 7000000],
        [NORMANDIE, "1 - ESS", *T_TYPO, "8 - 55 ans et plus", T_SEXE, 40, 200, 180, 7000000],
        [NORMANDIE, "1 - ESS", *T_TYPO, "1 - Moins de 25 ans", T_SEXE, 20, 120, 90, 2000000],   # fine band
        [NORMANDIE, "2 - Privé hors ESS", *T_TYPO, "7 - De 50 à 55 ans", T_SEXE, S, S, S, S],
        [NORMANDIE, "2 - Privé hors ESS", *T_TYPO, "8 - 55 ans et plus", T_SEXE, 300, 700, 650, 27000000],
        [NORMANDIE, "1 - ESS", "B09 - Action Sociale (QB)", "TTTTT - Toutes activités confondues",
         "T - Toutes tranches d'âges confondues", T_SEXE, 30, 600, 500, 15000000],
        [NORMANDIE, "1 - ESS", "B09 - Action Sociale (QB)", "BQB02 - Aide à domicile (88.10A)",
         "T - Toutes tranches d'âges confondues", T_SEXE, 10, 300, 250, 6000000],
    ]
    return metadata("France entière (hors Mayotte) au lieu de travail",
                    "Région * ESS * Typologie région * Tranche d’âge 2 * Sexe") + [header] + lines


def tab_4() -> list[list]:
    """Département × NJ1 × âge 1 × sexe."""
    header = ["Departement_Travail", "Nom_Juridique_1_Agregee", "Nom_Juridique_1_Detaillee", "Tranche_Age_1",
              "Sexe_", *MEASURES]
    lines = [
        ["TTT - Tous départements confondus", *T_NJ, T_AGE, T_SEXE, 2162554, 23169478, 21487531.2, 799503602981],
        ["50 - Manche", *T_NJ, T_AGE, T_SEXE, 300, 3500, 3200, 100000000],
        ["50 - Manche", *ESS, T_AGE, T_SEXE, 50, 700, 600, 20000000],
        ["50 - Manche", *ESS, T_AGE, FEMMES, 40, 490, 410, 13000000],
        ["50 - Manche", *ESS, AGE_50, T_SEXE, 30, 210, 190, 7000000],
        ["50 - Manche", *PRIVE, T_AGE, T_SEXE, 200, 2000, 1900, 60000000],
        ["1 - Ain", *ESS, T_AGE, T_SEXE, 60, 800, 700, 22000000],          # unpadded, outside the région
    ]
    return metadata("France entière (hors Mayotte) au lieu de travail",
                    "Département * Nomenclature juridique 1 * Tranche d’âge 1 * sexe") + [header] + lines


def tab_1() -> list[list]:
    """EPCI (CA, CU, métropoles only) × NJ1 × âge 1 × sexe."""
    header = ["EPCIT21_", "Nom_Juridique_1_Agregee", "Nom_Juridique_1_Detaillee", "Tranche_Age_1", "Sexe_",
              *MEASURES]
    lines = [
        ["TTTTTTTTT - Tous EPCI 2021, tous EPT et Ville de Paris confondus", *T_NJ, T_AGE, T_SEXE,
         1532930, 18346319, 17002929.5, 656630453703],                     # not France: set aside
        ["200067205 - CA du Cotentin", *T_NJ, T_AGE, T_SEXE, 150, 1600, 1500, 48000000],
        ["200067205 - CA du Cotentin", *ESS, T_AGE, T_SEXE, 30, 400, 350, 11000000],
        ["200067205 - CA du Cotentin", *ESS, T_AGE, FEMMES, 25, 260, 220, 7000000],
        ["200006682 - CA Beaune, Côte et Sud - Communauté Beaune-Chagny-Nolay", *ESS, T_AGE, T_SEXE,
         20, 300, 280, 8000000],                                           # outside the région
    ]
    return metadata("CA, CU, Métropole de France entière (hors Mayotte)",
                    "EPCI 1 * Nomenclature juridique 1 * Tranche d’âge 1 * Sexe") + [header] + lines


def tab_16() -> list[list]:
    """Postes annexes: delivered with the others, not read (listed with its reason)."""
    header = ["Region_Travail", "Economie_Sociale", "Typo_B_Agregee", "Typo_B_Detaillee", "Sexe_", *MEASURES]
    return metadata("France entière (hors Mayotte) au lieu de travail", "Région * ESS * Typologie région  * Sexe",
                    "Ensemble des postes annexes présents au cours de l’année") + [
        header, [NORMANDIE, "1 - ESS", *T_TYPO, T_SEXE, 40, 90, 12.5, 300000]]


TABLES = {"Tab_12_2019_Ok.ods": tab_12, "Tab_13_2019_Ok.ods": tab_13, "Tab_14_2019_Ok.ods": tab_14,
          "Tab_4_2019_Ok.ods": tab_4, "Tab_1_2019_Ok.ods": tab_1, "Tab_16_2019_Annexes_Ok.ods": tab_16}


def write_ods(rows: list[list], path: Path, sheet: str) -> Path:
    import pandas as pd

    width = max(len(r) for r in rows)
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in rows], dtype=object)
    frame.to_excel(path, engine="odf", sheet_name=sheet, header=False, index=False)
    return path


def write_all(folder: Path, tables: dict | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [write_ods(build(), folder / name, name.split("_Ok")[0]) for name, build in (tables or TABLES).items()]


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "bts_2019")):
        print(written)
