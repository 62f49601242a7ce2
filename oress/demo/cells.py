"""The grid of the demo: establishments and postes per (département, EPCI, champ) and millésime, the
département targets spread over EPCI by the published EPCI figures."""
from __future__ import annotations

import numpy as np
import pandas as pd

from oress.demo.allocation import allocate
from oress.demo.calibration import CHAMPS, ESS, MEASURES, calibrated_year, department_targets


def epci_weights(cal: pd.DataFrame, communes: pd.DataFrame, millesime: int) -> pd.DataFrame:
    """Weights of each (département, EPCI) for each champ: the published EPCI establishments and postes of
    the champ (ESS families: their own rows, a tiny share of the ESS weight so that a family the EPCI table
    misses can still land somewhere), split by population when an EPCI spans départements. An EPCI without
    published figures (or outside the calibrated région) gets its population times the published average
    per inhabitant."""
    year = calibrated_year(cal, millesime)
    parts = communes.groupby(["dep", "epci"], as_index=False)["population"].sum()
    parts["share"] = parts["population"] / parts.groupby("epci")["population"].transform("sum").clip(lower=1)
    rows = cal[(cal["millesime"] == year) & (cal["niveau"] == "epci") & (cal["dimension"] == "ensemble")]
    rows = rows.assign(mesure=rows["mesure"].replace({"postes_non_annexes": "postes"}))
    published = rows.pivot_table(index="code", columns=["champ", "mesure"], values="valeur")
    frames = []
    for champ in (*CHAMPS, "ess"):
        frame = parts.copy()
        for measure in ("etablissements", "postes"):
            own = published.get((champ, measure), pd.Series(dtype=float)).reindex(published.index).fillna(0)
            if champ in ESS:
                own = own + 1e-3 * published[("ess", measure)]
            value = frame["epci"].map(own) * frame["share"]
            known = value.notna()
            rate = value[known].sum() / frame.loc[known, "population"].sum() if known.any() else 1.0
            frame[measure] = value.fillna(frame["population"] * rate)
        frames.append(frame.assign(champ=champ)[["dep", "epci", "champ", "etablissements", "postes"]])
    return pd.concat(frames, ignore_index=True)


def cells(cal: pd.DataFrame, communes: pd.DataFrame, millesimes, scale: float) -> pd.DataFrame:
    """One row per (département, EPCI, champ) with the number of establishments and postes of each
    millésime: département targets spread over EPCI by the published EPCI weights of the champ's group."""
    frames = []
    for millesime in millesimes:
        targets = department_targets(cal, communes, millesime)
        targets[list(MEASURES)] = targets[list(MEASURES)] * scale
        targets["etablissements"] = np.round(targets["etablissements"])
        weights = epci_weights(cal, communes, millesime)
        grid = targets.merge(weights, on=["dep", "champ"], suffixes=("", "_poids"))
        grid = grid.sort_values(["dep", "champ", "epci"]).reset_index(drop=True)
        key = grid.groupby(["dep", "champ"], sort=False).ngroup().to_numpy()
        first = grid.drop_duplicates(["dep", "champ"])
        grid["n"] = allocate(key, grid["etablissements_poids"].to_numpy(), first["etablissements"].to_numpy())
        postes_weight = grid["postes_poids"].to_numpy() * (grid["n"].to_numpy() > 0)
        ess = grid["champ"].isin(ESS).to_numpy()
        ess_weight = weights[weights["champ"] == "ess"].set_index(["dep", "epci"])["postes"]
        postes_weight[ess] = _fit_ess(grid[ess], postes_weight[ess], ess_weight)
        grid["p"] = allocate(key, postes_weight, np.round(first["postes"].to_numpy()))
        frames.append(grid[["dep", "epci", "champ", "n", "p"]].assign(millesime=millesime))
    both = pd.concat(frames, ignore_index=True)
    wide = both.pivot_table(index=["dep", "epci", "champ"], columns="millesime", values=["n", "p"],
                            fill_value=0).astype(np.int64)
    wide.columns = [f"{measure}_{year}" for measure, year in wide.columns]
    wide = wide.reset_index()
    wide["n_max"] = wide[[f"n_{y}" for y in millesimes]].max(axis=1)
    return wide


def _fit_ess(grid: pd.DataFrame, weights: np.ndarray, ess_weight: pd.Series) -> np.ndarray:
    """Postes weights of the ESS families × EPCI of each département, fitted (iterative proportional
    fitting) so that each EPCI's ESS total follows the published EPCI ESS weight and each family its
    département total: the EPCI share of the ESS holds even where family tables disagree with it."""
    rows = pd.factorize(grid["dep"] + "|" + grid["epci"])[0]
    cols = pd.factorize(grid["dep"] + "|" + grid["champ"])[0]
    first_of_col = pd.Series(np.arange(len(grid))).groupby(cols).first().to_numpy()
    col_target = grid["postes"].to_numpy()[first_of_col]
    epci_weight = ess_weight.reindex(pd.MultiIndex.from_arrays([grid["dep"], grid["epci"]])).to_numpy()
    row_weight = np.zeros(rows.max() + 1)
    row_weight[rows] = epci_weight
    dep_of_row = np.zeros(rows.max() + 1, dtype=np.int64)
    dep_of_row[rows] = pd.factorize(grid["dep"])[0]
    dep_codes = pd.factorize(grid["dep"])[0]
    dep_total = np.bincount(dep_codes[first_of_col], grid["postes"].to_numpy()[first_of_col])
    row_target = dep_total[dep_of_row] * row_weight / np.bincount(dep_of_row, row_weight)[dep_of_row]
    fitted = weights.astype(float) + 1e-9 * (weights > 0)
    for _ in range(60):
        fitted *= (row_target / np.maximum(np.bincount(rows, fitted, minlength=len(row_target)), 1e-12))[rows]
        fitted *= (col_target / np.maximum(np.bincount(cols, fitted, minlength=len(col_target)), 1e-12))[cols]
    return fitted
