"""One millésime of the demo: the establishments present, their postes at 31/12 and their jobs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from oress.demo.allocation import allocate
from oress.demo.calibration import CHAMPS, GROUP, cell_targets
from oress.demo.jobs import GROUPS, calibrate, jobs, profile

YEAR_NOISE = 0.08                    # sd of log size change between two millésimes


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
    targets = cell_targets(cal, communes, millesime, scale)
    est["cible"] = targets.index.get_indexer(pd.MultiIndex.from_arrays([est["dep"], est["champ"]]))
    est["groupe_code"] = est["champ"].map({c: GROUPS.index(GROUP[c]) for c in CHAMPS}).to_numpy()
    job = jobs(rng, est, profile(cal))
    calibrate(job, est, targets.reset_index(drop=True))
    job["siret"] = est["siret"].to_numpy()[job["owner"].to_numpy()]
    return job
