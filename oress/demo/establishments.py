"""The master list of demo establishments, fixed across millésimes, each with its commune, APE
code and latent size."""
from __future__ import annotations

import numpy as np
import pandas as pd

from oress.config import REFERENCE_DIR
from oress.demo.calibration import CHAMPS, ESS

ACTIVITIES = REFERENCE_DIR / "demo_activites.csv"
SIZE_SPREAD = 1.45                   # sd of log size within a champ × sector (FLORES TC14 size classes)
POPULATION_POWER = 1.15              # employment concentrates in urban poles more than population

# an APE per typologie B sector (and action sociale / enseignement detail) when a champ lists none there
SECTOR_DEFAULT_APE = {"B01": "0161Z", "B02": "2511Z", "B03": "4711D", "B04": "5610A", "B05": "6419Z",
                      "B06": "7022Z", "B07": "8559A", "B08": "8690D", "B09": "8899B", "B10": "9001Z",
                      "B11": "9312Z", "B12": "9499Z", "B13": "9609Z", "AQB01": "8710A", "AQB02": "8810A",
                      "AQB03": "8810C", "AQB04": "8891A", "AQB05": "8899B", "BE01": "8559A", "BE02": "8520Z",
                      "BE03": "8551Z"}

DETAIL_PARENT = {"AQB01": "B09", "AQB02": "B09", "AQB03": "B09", "AQB04": "B09", "AQB05": "B09",
                 "BE01": "B07", "BE02": "B07", "BE03": "B07"}


def activity_options(cal: pd.DataFrame, champ: str) -> pd.DataFrame:
    """The APE codes a champ draws from: probability = FLORES share of the sector (typologie B) among the
    champ's establishments × share of the detail within the sector × the code's weight; mean postes."""
    sectors, details = _sector_figures(cal, champ)
    listed = _listed_codes(champ)
    options = [option for sector, figures in sectors.iterrows()
               for option in _sector_options(sector, figures, details, listed)]
    frame = pd.DataFrame(options, columns=["apet", "p", "taille"]).groupby("apet", as_index=False).agg(
        p=("p", "sum"), taille=("taille", "mean"))
    return frame.assign(p=frame["p"] / frame["p"].sum())


def _sector_figures(cal: pd.DataFrame, champ: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Establishments and postes per sector of the champ, and per sector detail of its group (ESS or not)."""
    year = max(cal.loc[cal["dimension"] == "secteur_b", "millesime"])
    rows = cal[(cal["millesime"] == year) & (cal["niveau"] == "region")]
    sectors = rows[(rows["champ"] == champ) & (rows["dimension"] == "secteur_b")].pivot_table(
        index="modalite", columns="mesure", values="valeur")
    sectors = sectors[sectors["etablissements"] > 0]
    group = "ess" if champ in ESS else "hors_ess"
    details = rows[(rows["champ"] == group) & (rows["dimension"] == "secteur_b_detail")].pivot_table(
        index="modalite", columns="mesure", values="valeur")
    return sectors, details


def _listed_codes(champ: str) -> pd.DataFrame:
    """The APE codes demo_activites.csv lists for the champ, with their weight, sector and sector detail."""
    naf = pd.read_csv(REFERENCE_DIR / "naf_secteurs.csv", sep=";", dtype=str).set_index("apet")
    listed = pd.read_csv(ACTIVITIES, sep=";", dtype=str)
    listed = listed[listed["champ"] == champ].assign(poids=lambda f: f["poids"].astype(float))
    return listed.join(naf[["secteur_b", "secteur_b_detail"]], on="apet")


def _sector_options(sector: str, figures: pd.Series, details: pd.DataFrame, listed: pd.DataFrame) -> list[tuple]:
    """(APE, probability, mean postes) of each code of one sector, through its details where FLORES has them."""
    size = max(figures["postes"] / figures["etablissements"], 0.5)
    parts = details[[code in DETAIL_PARENT and DETAIL_PARENT[code] == sector for code in details.index]]
    if parts.empty:
        parts = pd.DataFrame({"etablissements": [1.0], "postes": [size]}, index=[None])
    sector_size = parts["postes"].sum() / parts["etablissements"].sum()
    options = []
    for detail, figures_detail in parts.iterrows():
        share = figures["etablissements"] * figures_detail["etablissements"] / parts["etablissements"].sum()
        relative = (figures_detail["postes"] / figures_detail["etablissements"]) / sector_size
        codes = listed[(listed["secteur_b"] == sector)
                       & ((listed["secteur_b_detail"] == detail) if detail else True)]
        if codes.empty:
            codes = pd.DataFrame({"apet": [SECTOR_DEFAULT_APE[detail or sector]], "poids": [1.0]})
        for apet, weight in zip(codes["apet"], codes["poids"] / codes["poids"].sum()):
            options.append((apet, share * weight, size * relative))
    return options


def establishments(rng: np.random.Generator, grid: pd.DataFrame, communes: pd.DataFrame,
                   cal: pd.DataFrame) -> pd.DataFrame:
    """The master list: n_max establishments per cell, in a fixed order (rank), each with its commune,
    APE and latent size."""
    counts = grid["n_max"].to_numpy()
    cell = np.repeat(np.arange(len(grid)), counts)
    frame = grid.loc[cell, ["dep", "epci", "champ"]].reset_index(drop=True)
    frame["cell"] = cell
    frame["rank"] = np.arange(len(frame)) - np.repeat(np.cumsum(counts) - counts, counts)
    frame["depcom"] = _place(rng, frame, communes)
    frame["apet"], frame["taille_latente"] = "", 0.0
    for champ in CHAMPS:
        rows = np.flatnonzero(frame["champ"].to_numpy() == champ)
        options = activity_options(cal, champ)
        drawn = rng.choice(len(options), size=len(rows), p=options["p"].to_numpy())
        frame.loc[rows, "apet"] = options["apet"].to_numpy()[drawn]
        spread = rng.normal(-SIZE_SPREAD ** 2 / 2, SIZE_SPREAD, len(rows))
        frame.loc[rows, "taille_latente"] = options["taille"].to_numpy()[drawn] * np.exp(spread)
    return frame


def _place(rng: np.random.Generator, frame: pd.DataFrame, communes: pd.DataFrame) -> np.ndarray:
    """A commune inside the establishment's (département, EPCI), drawn by population ** POPULATION_POWER."""
    ordered = communes.sort_values(["dep", "epci", "depcom"]).reset_index(drop=True)
    cumulative = np.cumsum((ordered["population"].to_numpy() + 1.0) ** POPULATION_POWER)
    keys = ordered["dep"] + "|" + ordered["epci"]
    start = pd.Series(np.arange(len(ordered))).groupby(keys.to_numpy()).min()
    stop = pd.Series(np.arange(len(ordered))).groupby(keys.to_numpy()).max()
    wanted = (frame["dep"] + "|" + frame["epci"]).to_numpy()
    lo, hi = start.reindex(wanted).to_numpy(), stop.reindex(wanted).to_numpy()
    below = np.where(lo > 0, cumulative[np.maximum(lo - 1, 0)], 0.0)
    target = below + rng.random(len(frame)) * (cumulative[hi] - below)
    index = np.clip(np.searchsorted(cumulative, target, side="right"), lo, hi)
    return ordered["depcom"].to_numpy()[index]
