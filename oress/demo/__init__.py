"""A synthetic région in the raw pivot format that reproduces the published figures, deterministic for a seed.

Calibration facts (FLORES département × champ totals, EPCI weights, sector and size structure, BTS job
profile) come from data/reference/demo_calibration.csv, each row with its source. For every millésime the
generator writes exactly the FLORES number of establishments, postes at 31/12, ETP and gross wages of each
département × champ (scaled by --scale), spread over EPCI in proportion to the published EPCI figures and
over communes by population. Jobs (oress/demo/jobs.py) are drawn first and establishments get the sums
of their jobs, so the per-siret identities hold by construction. Everything is vectorised numpy/pandas: a
France-size run (--scale france) writes ~2.3 M establishments and ~23 M jobs.

Establishments persist across millésimes: each (département, EPCI, champ) cell holds a fixed ordered list
of establishments and a millésime keeps the first N of them, so year-to-year changes stay small.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from oress.config import GEO_DIR, REFERENCE_DIR, RunSpec

CALIBRATION = REFERENCE_DIR / "demo_calibration.csv"
ACTIVITIES = REFERENCE_DIR / "demo_activites.csv"
CALIBRATED_REGION = "28"
CHAMPS = ("association", "cooperative", "mutuelle", "fondation", "public", "prive_hors_ess")
ESS = CHAMPS[:4]
GROUP = {c: ("ess" if c in ESS else c) for c in CHAMPS}
MEASURES = ("etablissements", "postes", "etp", "remuneration_brute")
OVERRIDE_SIRENS = ("058801481", "320342264", "326127784", "383089752", "778150615")
SIZE_SPREAD = 1.45                   # sd of log size within a champ × sector (FLORES TC14 size classes)
YEAR_NOISE = 0.08                    # sd of log size change between two millésimes
POPULATION_POWER = 1.15              # employment concentrates in urban poles more than population
# CJ codes per champ with weights: the perimeter list including its rare codes; outside it, the usual
# private forms plus a few that look like the ESS but are not in it (congrégation, CSE, prévoyance).
LEGAL_FORMS = {
    "association": {"9220": 930, "9210": 20, "9221": 10, "9222": 15, "9223": 5, "9230": 15, "9260": 5},
    "fondation": {"9300": 1},
    "mutuelle": {"8210": 50, "8290": 20, "6411": 10, "8140": 15, "8250": 5},
    "cooperative": {"6317": 120, "6316": 90, "5192": 60, "5193": 10, "5196": 30, "5191": 10, "6318": 20,
                    "5458": 60, "5558": 60, "5460": 30, "5560": 20, "5505": 15, "6100": 30, "5443": 10,
                    "5432": 5, "5451": 5, "5453": 5, "5454": 5, "5455": 5, "5459": 5, "5194": 5, "5195": 5,
                    "5203": 3, "5307": 3, "5309": 3, "5532": 3, "5543": 3, "5547": 3, "5551": 3, "5552": 3,
                    "5553": 3, "5554": 3, "5555": 3, "5559": 3, "5605": 2, "5632": 2, "5643": 2, "5647": 2,
                    "5651": 2, "5652": 2, "5653": 2, "5654": 2, "5655": 2, "5658": 2, "5659": 2, "5660": 2,
                    "6532": 2, "6543": 2, "6551": 2, "6554": 2, "6558": 2, "6560": 2, "6595": 5, "6596": 5},
    "public": {"7210": 450, "7220": 10, "7230": 3, "7346": 50, "7348": 15, "7361": 80, "7364": 40,
               "7366": 10, "7383": 120, "7389": 30, "7120": 40, "4110": 30, "7373": 10, "7344": 20},
    "prive_hors_ess": {"5710": 300, "5499": 250, "5498": 120, "1000": 120, "5599": 40, "5720": 50, "6540": 20,
                       "6599": 10, "6220": 5, "9240": 3, "8310": 3, "8510": 2, "5202": 1, "9110": 1,
                       "9150": 1, "6412": 1, "5546": 1},
}
# an APE per typologie B sector (and action sociale / enseignement detail) when a champ lists none there
SECTOR_DEFAULT_APE = {"B01": "0161Z", "B02": "2511Z", "B03": "4711D", "B04": "5610A", "B05": "6419Z",
                      "B06": "7022Z", "B07": "8559A", "B08": "8690D", "B09": "8899B", "B10": "9001Z",
                      "B11": "9312Z", "B12": "9499Z", "B13": "9609Z", "AQB01": "8710A", "AQB02": "8810A",
                      "AQB03": "8810C", "AQB04": "8891A", "AQB05": "8899B", "BE01": "8559A", "BE02": "8520Z",
                      "BE03": "8551Z"}


# ---------------------------------------------------------------- calibration targets

def calibration() -> pd.DataFrame:
    frame = pd.read_csv(CALIBRATION, sep=";", dtype={"code": str, "modalite": str})
    return frame.drop(columns="source")


def _communes(region: str | None) -> pd.DataFrame:
    communes = pd.read_csv(GEO_DIR / "communes.csv", sep=";", dtype=str)
    if region is not None:
        communes = communes[communes["reg"] == region]
    communes = communes.assign(population=pd.to_numeric(communes["population"]).fillna(0))
    return communes.sort_values("depcom").reset_index(drop=True)


def _calibrated_year(cal: pd.DataFrame, millesime: int) -> int:
    years = sorted(set(cal.loc[cal["niveau"] == "departement", "millesime"]))
    return min(years, key=lambda y: (abs(y - millesime), -y))


def department_targets(cal: pd.DataFrame, communes: pd.DataFrame, millesime: int) -> pd.DataFrame:
    """One row per département × champ: the four FLORES measures. Départements outside the calibrated
    région get its per-inhabitant figures, raised so that France's establishments match FLORES France."""
    year = _calibrated_year(cal, millesime)
    rows = cal[(cal["millesime"] == year) & (cal["niveau"] == "departement") & cal["champ"].isin(CHAMPS)]
    known = rows.pivot_table(index=["code", "champ"], columns="mesure", values="valeur").reset_index()
    known = known.rename(columns={"code": "dep"})[["dep", "champ", *MEASURES]]
    population = communes.groupby("dep")["population"].sum()
    others = population[~population.index.isin(known["dep"])]
    if others.empty:
        return known[known["dep"].isin(population.index)].reset_index(drop=True)
    reference = _communes(CALIBRATED_REGION)
    regional = known.groupby("champ")[list(MEASURES)].sum() / reference["population"].sum()
    lift = _national_lift(year, known, reference["population"].sum())
    synth = pd.DataFrame([(dep, champ, *(regional.loc[champ] * pop * lift)) for dep in others.index
                          for champ, pop in ((c, others[dep]) for c in CHAMPS)], columns=["dep", "champ", *MEASURES])
    synth["etablissements"] = np.round(synth["etablissements"])
    return pd.concat([known[known["dep"].isin(population.index)], synth], ignore_index=True)


def _national_lift(year: int, known: pd.DataFrame, regional_population: float) -> float:
    national = pd.read_csv(REFERENCE_DIR / "references_nationales.csv", sep=";")
    national = national[(national["millesime"] == year) & (national["champ"] == "ensemble")]
    france_population = _communes(None)["population"].sum()
    regional = known["etablissements"].sum()
    if national.empty:
        return 1.0
    outside = national["etablissements"].iloc[0] - regional
    return outside / (regional / regional_population * (france_population - regional_population))


# ---------------------------------------------------------------- geography: EPCI weights

def epci_weights(cal: pd.DataFrame, communes: pd.DataFrame, millesime: int) -> pd.DataFrame:
    """Weights of each (département, EPCI) for each champ: the published EPCI establishments and postes of
    the champ (ESS families: their own rows, a tiny share of the ESS weight so that a family the EPCI table
    misses can still land somewhere), split by population when an EPCI spans départements. An EPCI without
    published figures (or outside the calibrated région) gets its population times the published average
    per inhabitant."""
    year = _calibrated_year(cal, millesime)
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


def allocate(group: np.ndarray, weights: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Integers per item proportional to its weight within its group, adding up exactly to the group's
    total (largest remainders; a group whose weights are all zero shares equally)."""
    totals = np.asarray(totals, dtype=float)
    weight_sum = np.bincount(group, weights, minlength=len(totals))
    weights = np.where(weight_sum[group] > 0, weights, 1.0)
    weight_sum = np.bincount(group, weights, minlength=len(totals))
    quota = totals[group] * weights / weight_sum[group]
    base = np.floor(quota)
    missing = np.rint(totals - np.bincount(group, base, minlength=len(totals))).astype(np.int64)
    order = np.lexsort((-(quota - base), group))
    first = np.searchsorted(group[order], group[order], side="left")
    rank = np.empty(len(group), dtype=np.int64)
    rank[order] = np.arange(len(group)) - first
    return (base + (rank < missing[group])).astype(np.int64)


# ---------------------------------------------------------------- cells: département × EPCI × champ

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


def cell_targets(cal: pd.DataFrame, communes: pd.DataFrame, millesime: int, scale: float) -> pd.DataFrame:
    targets = department_targets(cal, communes, millesime)
    targets[["etp", "remuneration_brute"]] = targets[["etp", "remuneration_brute"]] * scale
    return targets.set_index(["dep", "champ"])[["etp", "remuneration_brute"]]


# ---------------------------------------------------------------- establishments, fixed across millésimes

def activity_options(cal: pd.DataFrame, champ: str) -> pd.DataFrame:
    """The APE codes a champ draws from: probability = FLORES share of the sector (typologie B) among the
    champ's establishments × share of the detail within the sector × the code's weight; mean postes."""
    year = max(cal.loc[cal["dimension"] == "secteur_b", "millesime"])
    rows = cal[(cal["millesime"] == year) & (cal["niveau"] == "region")]
    sectors = rows[(rows["champ"] == champ) & (rows["dimension"] == "secteur_b")].pivot_table(
        index="modalite", columns="mesure", values="valeur")
    sectors = sectors[sectors["etablissements"] > 0]
    group = "ess" if champ in ESS else "hors_ess"
    details = rows[(rows["champ"] == group) & (rows["dimension"] == "secteur_b_detail")].pivot_table(
        index="modalite", columns="mesure", values="valeur")
    naf = pd.read_csv(REFERENCE_DIR / "naf_secteurs.csv", sep=";", dtype=str).set_index("apet")
    listed = pd.read_csv(ACTIVITIES, sep=";", dtype=str)
    listed = listed[listed["champ"] == champ].assign(poids=lambda f: f["poids"].astype(float))
    listed = listed.join(naf[["secteur_b", "secteur_b_detail"]], on="apet")
    options = []
    for sector, figures in sectors.iterrows():
        size = max(figures["postes"] / figures["etablissements"], 0.5)
        parts = details[[code in DETAIL_PARENT and DETAIL_PARENT[code] == sector for code in details.index]]
        if parts.empty:
            parts = pd.DataFrame({"etablissements": [1.0], "postes": [size]}, index=[None])
        sector_size = parts["postes"].sum() / parts["etablissements"].sum()
        for detail, figures_detail in parts.iterrows():
            share = figures["etablissements"] * figures_detail["etablissements"] / parts["etablissements"].sum()
            relative = (figures_detail["postes"] / figures_detail["etablissements"]) / sector_size
            codes = listed[(listed["secteur_b"] == sector)
                           & ((listed["secteur_b_detail"] == detail) if detail else True)]
            if codes.empty:
                codes = pd.DataFrame({"apet": [SECTOR_DEFAULT_APE[detail or sector]], "poids": [1.0]})
            for apet, weight in zip(codes["apet"], codes["poids"] / codes["poids"].sum()):
                options.append((apet, share * weight, size * relative))
    frame = pd.DataFrame(options, columns=["apet", "p", "taille"]).groupby("apet", as_index=False).agg(
        p=("p", "sum"), taille=("taille", "mean"))
    return frame.assign(p=frame["p"] / frame["p"].sum())


DETAIL_PARENT = {"AQB01": "B09", "AQB02": "B09", "AQB03": "B09", "AQB04": "B09", "AQB05": "B09",
                 "BE01": "B07", "BE02": "B07", "BE03": "B07"}


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


# ---------------------------------------------------------------- legal units: SIREN, CJ, SIRENE flag

NETWORK_SHARE = {"association": 0.12, "cooperative": 1.0, "mutuelle": 1.0, "fondation": 1.0, "public": 0.4,
                 "prive_hors_ess": 0.12}     # share of legal units that own more than one establishment


def legal_units(rng: np.random.Generator, frame: pd.DataFrame, cal: pd.DataFrame) -> pd.DataFrame:
    """Group establishments into legal units (FLORES ratio of enterprises to establishments per champ),
    a unit's establishments close together (same département mostly); then SIREN, SIRET, CJ and flag."""
    ratios = _enterprise_ratios(cal)
    frame["unite"] = -1
    next_unit = 0
    for champ in CHAMPS:
        rows = np.flatnonzero(frame["champ"].to_numpy() == champ)
        if not len(rows):
            continue
        units = max(1, min(len(rows), int(round(len(rows) * ratios[champ]))))
        networks = max(1, int(round(units * NETWORK_SHARE[champ])))
        sizes = np.ones(units, dtype=np.int64)
        weights = rng.lognormal(0, 1.2, networks)
        sizes[:networks] += allocate(np.zeros(networks, dtype=np.int64), weights, [len(rows) - units])
        sizes = np.minimum(sizes, 9_000)                      # NIC stays below 5 digits
        sizes[-1] += len(rows) - sizes.sum()
        rng.shuffle(sizes)
        order = rows[np.lexsort((rng.random(len(rows)), frame["dep"].to_numpy()[rows]))]
        frame.loc[order, "unite"] = next_unit + np.repeat(np.arange(units), sizes)
        next_unit += units
    return _identify(rng, frame, next_unit)


def _enterprise_ratios(cal: pd.DataFrame) -> dict:
    rows = cal[(cal["niveau"] == "region") & (cal["dimension"] == "ensemble") & cal["champ"].isin(CHAMPS)]
    year = rows["millesime"].max()
    table = rows[rows["millesime"] == year].pivot_table(index="champ", columns="mesure", values="valeur")
    return (table["entreprises"] / table["etablissements"]).clip(0.02, 1).to_dict()


def _identify(rng: np.random.Generator, frame: pd.DataFrame, n_units: int) -> pd.DataFrame:
    drawn = 100_000_000 + rng.choice(899_999_999, size=n_units + 16, replace=False)
    drawn = drawn[~np.isin(drawn, [int(s) for s in OVERRIDE_SIRENS])][:n_units]
    unit_champ = frame.groupby("unite")["champ"].first()
    cj = np.empty(n_units, dtype=object)
    for champ, forms in LEGAL_FORMS.items():
        units = np.flatnonzero(unit_champ.to_numpy() == champ)
        codes, weights = list(forms), np.array(list(forms.values()), dtype=float)
        cj[units] = np.array(codes)[rng.choice(len(codes), size=len(units), p=weights / weights.sum())]
    frame["siren_num"] = drawn[frame["unite"].to_numpy()]
    frame["cj"] = cj[frame["unite"].to_numpy()]
    order = np.lexsort((frame["rank"].to_numpy(), frame["cell"].to_numpy(), frame["unite"].to_numpy()))
    position = np.empty(len(frame), dtype=np.int64)
    position[order] = np.arange(len(frame)) - np.searchsorted(frame["unite"].to_numpy()[order],
                                                              frame["unite"].to_numpy()[order])
    frame["nic"] = 10 * (position + 1) + (frame["siren_num"].to_numpy() + position) % 10
    ess = frame["champ"].isin(ESS).to_numpy()
    flag = np.where(ess, np.where(rng.random(len(frame)) < 0.97, "O", ""),
                    np.where(frame["champ"].to_numpy() == "prive_hors_ess",
                             np.where(rng.random(len(frame)) < 0.6, "N", ""), ""))
    frame["ess_sirene"] = pd.Series(flag).groupby(frame["unite"].to_numpy()).transform("first").to_numpy()
    return frame


def perimeter_cases(rng: np.random.Generator, frame: pd.DataFrame) -> pd.DataFrame:
    """The cases every perimeter rule must meet, inside the champ the classification will give them (so
    the calibrated totals hold): the five banking cooperatives forced by SIREN whatever their CJ,
    associations in excluded activities (religious, trade-union, employers', political → privé hors
    ESS; public administration → public), SAS flagged ESS in SIRENE (commercial ESS companies)."""
    single = frame.groupby("unite")["unite"].transform("size").to_numpy() == 1
    champ = frame["champ"].to_numpy()
    cooperatives = frame[champ == "cooperative"]
    banking = cooperatives.loc[cooperatives["apet"] == "6419Z", "unite"].unique()
    coop_units = np.concatenate([banking, np.setdiff1d(cooperatives["unite"].unique(), banking)])
    for siren, unit in zip(OVERRIDE_SIRENS, coop_units):
        rows = frame["unite"].to_numpy() == unit
        frame.loc[rows, ["siren_num", "cj", "apet", "ess_sirene"]] = [int(siren), "5599", "6419Z", ""]
    excluded = np.flatnonzero(single & (champ == "prive_hors_ess"))
    excluded = excluded[:max(4, len(frame) // 4000)]
    frame.loc[excluded, "cj"] = "9220"
    frame.loc[excluded, "apet"] = np.resize(["9491Z", "9420Z", "9411Z", "9492Z"], len(excluded))
    frame.loc[excluded, "ess_sirene"] = "O"
    administrations = np.flatnonzero(single & (champ == "public"))[: max(4, len(frame) // 10000)]
    frame.loc[administrations, "cj"] = "9220"
    frame.loc[administrations, "apet"] = np.resize(["8411Z", "8413Z"], len(administrations))
    sas = np.flatnonzero((frame["cj"].to_numpy() == "5710") & single)
    frame.loc[sas[: max(6, len(frame) // 15000)], "ess_sirene"] = "O"
    return frame


# ---------------------------------------------------------------- one millésime

def year_frame(rng: np.random.Generator, frame: pd.DataFrame, grid: pd.DataFrame, millesime: int) -> pd.DataFrame:
    """The establishments present in a millésime with their postes at 31/12 (cell totals exact)."""
    n_year = grid[f"n_{millesime}"].to_numpy()
    present = frame["rank"].to_numpy() < n_year[frame["cell"].to_numpy()]
    est = frame[present].reset_index(drop=True)
    size = est["taille_latente"].to_numpy() * np.exp(rng.normal(0, YEAR_NOISE, len(est)))
    est["postes"] = allocate(est["cell"].to_numpy(), size, grid[f"p_{millesime}"].to_numpy())
    est["siren"] = pd.Series(est["siren_num"].to_numpy()).astype(str).str.zfill(9).to_numpy()
    est["siret"] = pd.Series(est["siren_num"].to_numpy() * 100_000 + est["nic"].to_numpy()).astype(
        str).str.zfill(14).to_numpy()
    return est.sort_values("siret", kind="stable").reset_index(drop=True)


def measures(rng, est: pd.DataFrame, cal: pd.DataFrame, communes: pd.DataFrame, millesime: int, scale: float):
    """Jobs of the millésime, and the establishments' ETP and wages as the sums of their jobs."""
    from oress.demo import jobs as demo_postes

    targets = cell_targets(cal, communes, millesime, scale)
    est["cible"] = targets.index.get_indexer(pd.MultiIndex.from_arrays([est["dep"], est["champ"]]))
    est["groupe_code"] = est["champ"].map({c: demo_postes.GROUPS.index(GROUP[c]) for c in CHAMPS}).to_numpy()
    job = demo_postes.jobs(rng, est, demo_postes.profile(cal))
    demo_postes.calibrate(job, est, targets.reset_index(drop=True))
    job["siret"] = est["siret"].to_numpy()[job["owner"].to_numpy()]
    return job


# ---------------------------------------------------------------- what a real extract also holds

def realism_traps(rng: np.random.Generator, est: pd.DataFrame, job: pd.DataFrame, first_year: bool):
    """Former commune codes of merged communes (first millésime), APE written with a dot, a few broken
    lines: establishments (13-digit siret, a letter, negative postes) with their jobs, and a job aged 130."""
    out = est.copy()
    if first_year:
        former = pd.read_csv(GEO_DIR / "communes_anciennes.csv", sep=";", dtype=str)
        former = former[former["type"] == "ancienne"].drop_duplicates("depcom").set_index("depcom")["code_ancien"]
        candidates = np.flatnonzero(out["depcom"].isin(former.index).to_numpy())
        hit = candidates[rng.random(len(candidates)) < 0.35]
        out.loc[hit, "depcom"] = former.reindex(out.loc[hit, "depcom"]).to_numpy()
    dotted = rng.random(len(out)) < 0.02
    out.loc[dotted, "apet"] = out.loc[dotted, "apet"].str[:2] + "." + out.loc[dotted, "apet"].str[2:]
    broken = out.iloc[[0, len(out) // 2, len(out) - 1]].copy()
    broken["siret"] = [broken["siret"].iloc[0][:13], broken["siret"].iloc[1][:13] + "X",
                       broken["siret"].iloc[2][:9] + "99999"]
    broken["postes"] = [broken["postes"].iloc[0], broken["postes"].iloc[1], -4]
    orphan_jobs = job[job["owner"].isin(broken.index)].copy()
    orphan_jobs["siret"] = broken["siret"].reindex(orphan_jobs["owner"]).to_numpy()
    aged = job.iloc[[len(job) // 3]].assign(age=130, present_3112=0, etp=0.1, remuneration_brute=900.0)
    return (pd.concat([out, broken], ignore_index=True),
            pd.concat([job, orphan_jobs, aged], ignore_index=True))


# ---------------------------------------------------------------- writing

ETABLISSEMENT_COLUMNS = ["siret", "siren", "depcom", "apet", "cj", "postes", "etp", "remuneration_brute",
                         "denomination", "ess_sirene"]
POSTE_COLUMNS = ["siret", "sexe", "age", "pcs", "temps_travail", "contrat", "etp", "remuneration_brute",
                 "present_3112"]
NAMES = {"association": "ASSOCIATION", "cooperative": "COOPERATIVE", "mutuelle": "MUTUELLE",
         "fondation": "FONDATION", "public": "COLLECTIVITE", "prive_hors_ess": "ENTREPRISE"}


def write_csv(frame: pd.DataFrame, columns: list[str], path: Path) -> None:
    """`;`-separated UTF-8 with a header, written by Arrow (fast and byte-identical for a seed)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from oress.files import write_atomically

    table = pa.Table.from_pandas(frame[columns], preserve_index=False)

    def produce(aside: Path) -> None:
        with open(aside, "wb") as out:
            out.write((";".join(columns) + "\n").encode("utf-8"))
            pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=False, delimiter=";",
                                                           quoting_style="none", batch_size=1 << 16))

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, produce)


# ---------------------------------------------------------------- entry point

def generate(spec: RunSpec, seed: int = 2018, scale: float = 1.0, france: bool = False, on_year=None):
    """Write etablissements.csv and postes.csv per millésime; yields the paths written."""
    rng = np.random.default_rng([seed, 0])
    cal = calibration()
    communes = _communes(None if france else spec.region)
    millesimes = list(spec.millesimes[-1:] if france else spec.millesimes)
    grid = cells(cal, communes, millesimes, scale)
    frame = perimeter_cases(rng, legal_units(rng, establishments(rng, grid, communes, cal), cal))
    frame["denomination"] = frame["champ"].map(NAMES) + " " + frame["unite"].astype(str)
    for index, millesime in enumerate(millesimes):
        year_rng = np.random.default_rng([seed, millesime])
        est = year_frame(year_rng, frame, grid, millesime)
        job = measures(year_rng, est, cal, communes, millesime, scale)
        est, job = realism_traps(year_rng, est, job, first_year=index == 0)
        folder = spec.raw_dir / str(millesime)
        write_csv(est, ETABLISSEMENT_COLUMNS, folder / "etablissements.csv")
        write_csv(job, POSTE_COLUMNS, folder / "postes.csv")
        if on_year:
            on_year(millesime)
        yield folder / "etablissements.csv"
        yield folder / "postes.csv"


def run(spec: RunSpec, seed: int = 2018, scale: float = 1.0, france: bool = False, on_year=None) -> list[Path]:
    """Write the demo extracts of every millésime of the spec (France: all régions, last millésime only),
    then the quarterly URSSAF-like extracts read back from them."""
    written = list(generate(spec, seed, scale, france, on_year))
    from oress.demo import quarterly as demo_trimestres

    quarterly = replace(spec, millesimes=tuple(spec.millesimes[-1:])) if france else spec
    return written + demo_trimestres.run(quarterly, seed)
