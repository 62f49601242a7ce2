"""Legal units of the demo: establishments grouped into enterprises with SIREN, SIRET, CJ and SIRENE
ESS flag, and the perimeter cases the classification must meet."""
from __future__ import annotations

import numpy as np
import pandas as pd

from oress.demo.allocation import allocate
from oress.demo.calibration import CHAMPS, ESS

OVERRIDE_SIRENS = ("058801481", "320342264", "326127784", "383089752", "778150615")

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

NETWORK_SHARE = {"association": 0.12, "cooperative": 1.0, "mutuelle": 1.0, "fondation": 1.0, "public": 0.4,
                 "prive_hors_ess": 0.12}     # share of legal units that own more than one establishment

NAMES = {"association": "ASSOCIATION", "cooperative": "COOPERATIVE", "mutuelle": "MUTUELLE",
         "fondation": "FONDATION", "public": "COLLECTIVITE", "prive_hors_ess": "ENTREPRISE"}


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
