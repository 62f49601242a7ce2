"""A first synthetic région in the raw pivot format, deterministic for a seed.

Simple on purpose (the calibrated Normandie generator is its own piece of
work): legal units with one or several establishments placed in communes by
population, CJ drawn by champ, APE consistent with the family, measures drawn
per champ, plus the edge cases every rule must meet.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from oress.config import GEO_DIR, RunSpec
from oress.files import write_atomically

# champ → (share of legal units, CJ choices, APE choices, mean postes, gross wage per ETP)
PROFILES = {
    "association": (0.095, ["9220"] * 12 + ["9210", "9221", "9222", "9223", "9230"],
                    ["8810A", "8899B", "8891A", "8790B", "9312Z", "8559A", "9499Z", "8710B", "8810C"], 9.0, 29000),
    "cooperative": (0.015, ["6596", "6595", "5192", "6317", "6316", "5458", "5558", "6100", "5460"],
                    ["6419Z", "0161Z", "4621Z", "1051A", "4711F", "7112B"], 14.0, 38000),
    "mutuelle": (0.005, ["8210", "6411", "8290", "8250", "8140"], ["6512Z", "6511Z", "8610Z", "8690F"], 12.0, 37000),
    "fondation": (0.002, ["9300"], ["8710A", "8720A", "7219Z", "8610Z"], 25.0, 33000),
    "public": (0.06, ["7210", "7220", "7312", "7364", "4110", "7384"], ["8411Z", "8412Z", "8610Z", "8520Z", "8531Z"],
               30.0, 31000),
    "prive_hors_ess": (0.823, ["5710", "5499", "1000", "5599", "5498", "6540"],
                       ["4711D", "4321A", "5610A", "4941A", "6201Z", "7022Z", "2511Z", "4520A", "8622C", "1071C"],
                       8.0, 35000),
}
OVERRIDE_SIRENS = ("058801481", "320342264", "326127784", "383089752", "778150615")
UNITS_PER_SCALE = 12000


def _communes(region: str):
    import pandas as pd

    communes = pd.read_csv(GEO_DIR / "communes.csv", sep=";", dtype=str)
    communes = communes[communes["reg"] == region].reset_index(drop=True)
    weight = communes["population"].astype(float).fillna(0) ** 1.15
    return communes, (weight / weight.sum()).to_numpy()


def legal_units(rng: np.random.Generator, n_units: int):
    """One row per SIREN: champ, CJ, main APE, number of establishments."""
    import pandas as pd

    champs = list(PROFILES)
    drawn = rng.choice(len(champs), size=n_units, p=[PROFILES[c][0] for c in champs])
    units = pd.DataFrame({"champ": [champs[i] for i in drawn]})
    units["cj"] = [rng.choice(PROFILES[c][1]) for c in units["champ"]]
    units["apet"] = [rng.choice(PROFILES[c][2]) for c in units["champ"]]
    units["n_etab"] = 1 + rng.geometric(0.75, size=n_units) - 1
    units["siren"] = [f"{n:09d}" for n in 100_000_000 + rng.choice(899_999_999, n_units, replace=False)]
    overrides = units.index[units["champ"] == "prive_hors_ess"][: len(OVERRIDE_SIRENS)]
    units.loc[overrides, ["siren", "cj", "apet", "n_etab"]] = [[s, "5599", "6419Z", 3] for s in OVERRIDE_SIRENS]
    return units


def establishments(rng: np.random.Generator, units, communes, weights):
    """Expand legal units into establishments with measures for a base year."""
    frame = units.loc[units.index.repeat(units["n_etab"])].reset_index(drop=True)
    frame["nic"] = frame.groupby("siren").cumcount() + 1
    frame["siret"] = frame["siren"] + frame["nic"].map(lambda n: f"{n:05d}")
    frame["depcom"] = communes["depcom"].to_numpy()[rng.choice(len(communes), size=len(frame), p=weights)]
    mean = frame["champ"].map(lambda c: PROFILES[c][3]).to_numpy()
    frame["postes"] = np.floor(rng.lognormal(np.log(mean) - 0.9, 1.25)).astype(int)
    frame["etp"] = np.round(np.maximum(frame["postes"], 0.3) * rng.uniform(0.7, 0.97, len(frame)), 2)
    wage = frame["champ"].map(lambda c: PROFILES[c][4]).to_numpy()
    frame["remuneration_brute"] = np.round(frame["etp"] * wage * rng.lognormal(0, 0.15, len(frame)), 2)
    frame["ess_sirene"] = np.where(frame["champ"].isin(["association", "cooperative", "mutuelle", "fondation"]),
                                   "O", "")
    frame["denomination"] = "ETABLISSEMENT " + frame["siret"].str[-6:]
    return frame


def edge_cases(frame, rng: np.random.Generator):
    """ESS legal forms in excluded activities, commercial ESS companies flagged O."""
    associations = frame.index[frame["cj"] == "9220"]
    frame.loc[associations[:4], "apet"] = "9491Z"     # religious organisation → privé hors ESS
    frame.loc[associations[4:8], "apet"] = "8411Z"    # administration → public
    sas = frame.index[frame["cj"] == "5710"]
    frame.loc[sas[:6], "ess_sirene"] = "O"            # SAS flagged ESS in SIRENE: stays hors ESS
    return frame


def evolve(rng: np.random.Generator, frame):
    """Next millésime: small changes in postes, ETP and wages."""
    nxt = frame.copy()
    growth = rng.normal(1.01, 0.06, len(nxt))
    nxt["postes"] = np.maximum(0, np.round(nxt["postes"] * growth)).astype(int)
    nxt["etp"] = np.round(nxt["etp"] * growth, 2)
    nxt["remuneration_brute"] = np.round(nxt["remuneration_brute"] * growth * 1.015, 2)
    return nxt


def realism_traps(frame, rng: np.random.Generator, first_year: bool):
    """Former commune codes (first year), APE written with a dot, and a few broken lines."""
    import pandas as pd

    out = frame.copy()
    if first_year:
        former = pd.read_csv(GEO_DIR / "communes_anciennes.csv", sep=";", dtype=str)
        former = former[(former["type"] == "ancienne") & former["depcom"].isin(out["depcom"])]
        mapping = former.drop_duplicates("depcom").set_index("depcom")["code_ancien"]
        hit = out.index[out["depcom"].isin(mapping.index)][:40]
        out.loc[hit, "depcom"] = out.loc[hit, "depcom"].map(mapping)
    dotted = rng.choice(len(out), size=max(1, len(out) // 50), replace=False)
    out.loc[dotted, "apet"] = out.loc[dotted, "apet"].str[:2] + "." + out.loc[dotted, "apet"].str[2:]
    broken = out.tail(2).copy()
    broken["siret"] = ["1234567890123", broken["siret"].iloc[1][:13] + "X"]   # 13 digits; a letter
    negative = out.sample(1, random_state=rng.integers(1 << 31)).assign(postes=-4)
    negative["siret"] = negative["siret"].str[:9] + "99999"                     # a new siret, negative postes
    return pd.concat([out, broken, negative], ignore_index=True)


def write(frame, path: Path) -> None:
    columns = ["siret", "siren", "depcom", "apet", "cj", "postes", "etp", "remuneration_brute", "denomination",
               "ess_sirene"]
    ordered = frame.sort_values("siret")[columns]
    write_atomically(path, lambda aside: ordered.to_csv(aside, sep=";", index=False, encoding="utf-8",
                                                        lineterminator="\n"))


def run(spec: RunSpec, seed: int = 2018, scale: float = 1.0, on_year=None) -> list[Path]:
    """Write <raw_dir>/<millesime>/etablissements.csv for every millésime of the spec."""
    rng = np.random.default_rng(seed)
    communes, weights = _communes(spec.region)
    frame = edge_cases(establishments(rng, legal_units(rng, int(UNITS_PER_SCALE * scale)), communes, weights), rng)
    written = []
    for index, millesime in enumerate(spec.millesimes):
        if index:
            frame = evolve(rng, frame)
        path = spec.raw_dir / str(millesime) / "etablissements.csv"
        write(realism_traps(frame, rng, first_year=index == 0), path)
        written.append(path)
        if on_year:
            on_year(path)
    from oress import demo_trimestres  # quarterly URSSAF-like extracts, read back from the annual files
    return written + demo_trimestres.run(spec, seed)

