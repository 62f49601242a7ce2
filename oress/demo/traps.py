"""What a real extract also holds and the loader must cope with."""
from __future__ import annotations

import numpy as np
import pandas as pd

from oress.config import GEO_DIR


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
