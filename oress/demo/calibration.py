"""The targets a demo run reproduces: FLORES figures per département × champ from
data/reference/demo_calibration.csv, and the communes they are spread over."""
from __future__ import annotations

import numpy as np
import pandas as pd

from oress.config import GEO_DIR, REFERENCE_DIR

CALIBRATION = REFERENCE_DIR / "demo_calibration.csv"
CALIBRATED_REGION = "28"
CHAMPS = ("association", "cooperative", "mutuelle", "fondation", "public", "prive_hors_ess")
ESS = CHAMPS[:4]
GROUP = {c: ("ess" if c in ESS else c) for c in CHAMPS}
MEASURES = ("etablissements", "postes", "etp", "remuneration_brute")


def calibration() -> pd.DataFrame:
    frame = pd.read_csv(CALIBRATION, sep=";", dtype={"code": str, "modalite": str})
    return frame.drop(columns="source")


def read_communes(region: str | None) -> pd.DataFrame:
    communes = pd.read_csv(GEO_DIR / "communes.csv", sep=";", dtype=str)
    if region is not None:
        communes = communes[communes["reg"] == region]
    communes = communes.assign(population=pd.to_numeric(communes["population"]).fillna(0))
    return communes.sort_values("depcom").reset_index(drop=True)


def calibrated_year(cal: pd.DataFrame, millesime: int) -> int:
    years = sorted(set(cal.loc[cal["niveau"] == "departement", "millesime"]))
    return min(years, key=lambda y: (abs(y - millesime), -y))


def department_targets(cal: pd.DataFrame, communes: pd.DataFrame, millesime: int) -> pd.DataFrame:
    """One row per département × champ: the four FLORES measures. Départements outside the calibrated
    région get its per-inhabitant figures, raised so that France's establishments match FLORES France."""
    year = calibrated_year(cal, millesime)
    rows = cal[(cal["millesime"] == year) & (cal["niveau"] == "departement") & cal["champ"].isin(CHAMPS)]
    known = rows.pivot_table(index=["code", "champ"], columns="mesure", values="valeur").reset_index()
    known = known.rename(columns={"code": "dep"})[["dep", "champ", *MEASURES]]
    population = communes.groupby("dep")["population"].sum()
    others = population[~population.index.isin(known["dep"])]
    if others.empty:
        return known[known["dep"].isin(population.index)].reset_index(drop=True)
    reference = read_communes(CALIBRATED_REGION)
    regional = known.groupby("champ")[list(MEASURES)].sum() / reference["population"].sum()
    lift = _national_lift(year, known, reference["population"].sum())
    synth = pd.DataFrame([(dep, champ, *(regional.loc[champ] * pop * lift)) for dep in others.index
                          for champ, pop in ((c, others[dep]) for c in CHAMPS)], columns=["dep", "champ", *MEASURES])
    synth["etablissements"] = np.round(synth["etablissements"])
    return pd.concat([known[known["dep"].isin(population.index)], synth], ignore_index=True)


def _national_lift(year: int, known: pd.DataFrame, regional_population: float) -> float:
    national = pd.read_csv(REFERENCE_DIR / "references_nationales.csv", sep=";")
    national = national[(national["millesime"] == year) & (national["champ"] == "ensemble")]
    france_population = read_communes(None)["population"].sum()
    regional = known["etablissements"].sum()
    if national.empty:
        return 1.0
    outside = national["etablissements"].iloc[0] - regional
    return outside / (regional / regional_population * (france_population - regional_population))


def cell_targets(cal: pd.DataFrame, communes: pd.DataFrame, millesime: int, scale: float) -> pd.DataFrame:
    targets = department_targets(cal, communes, millesime)
    targets[["etp", "remuneration_brute"]] = targets[["etp", "remuneration_brute"]] * scale
    return targets.set_index(["dep", "champ"])[["etp", "remuneration_brute"]]
