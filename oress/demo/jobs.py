"""Job rows of the demo (postes.csv) and the establishment measures that add them up.

Jobs present at 31/12 are exactly the establishment's postes; a few more left during the year
(present_3112 = 0). Their attributes follow the BTS 2019 job profile of the champ group (ess,
prive_hors_ess, public) in data/reference/demo_calibration.csv: present jobs get exact quotas (a shuffled
vector holding round(share × n) of each modality), jobs that left are drawn with the same shares. ETP and
gross wages are drawn per job, then scaled per département × champ onto the FLORES totals; an
establishment's ETP and wages are the sums of its jobs, so the per-siret identities hold to the cent.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

LEFT_DURING_YEAR = {"ess": 0.12, "prive_hors_ess": 0.15, "public": 0.10}
GROUPS = ("ess", "prive_hors_ess", "public")
AGE_BANDS = (("<30", 18, 29), ("30-39", 30, 39), ("40-49", 40, 49), ("50-54", 50, 54), ("55+", 55, 66))
CSP_PCS = {"cadres": ["372c", "382a", "344a", "231a", "354b", "388a"],
           "prof_intermediaires": ["431f", "434b", "461d", "422a", "431b", "436a"],
           "employes": ["526a", "546a", "563b", "525d", "542a", "521a"],
           "ouvriers": ["621a", "684a", "676a", "634a", "652a", "631a"]}
CSP_WAGE = {"cadres": 1.75, "prof_intermediaires": 1.2, "employes": 0.85, "ouvriers": 0.9}
AGE_WAGE = (0.8, 0.97, 1.07, 1.12, 1.15)
OTHER_CONTRACTS = {"ess": (("APP", 0.35), ("AUT", 0.65)), "prive_hors_ess": (("APP", 0.7), ("AUT", 0.3)),
                   "public": (("APP", 0.03), ("AUT", 0.97))}


def profile(cal: pd.DataFrame) -> dict:
    """Per group: shares (0–1) of women, age bands, part-time, contracts and CSP among present jobs."""
    rows = cal[(cal["niveau"] == "region") & (cal["mesure"] == "part")]
    out = {}
    for group in GROUPS:
        g = rows[rows["champ"] == group].set_index(["dimension", "modalite"])["valeur"] / 100
        ages = [g[("age", "<30")], g[("age", "30-39")], g[("age", "40-49")],
                g[("age", "50+")] - g[("age", "55+")], g[("age", "55+")]]
        out[group] = {"sexe": [1 - g[("sexe", "2")], g[("sexe", "2")]],
                      "age": ages,
                      "temps": [1 - g[("temps_travail", "partiel_autres")], g[("temps_travail", "partiel_autres")]],
                      "contrat": [g[("contrat", "CDI")], g[("contrat", "CDD")], g[("contrat", "autres")]],
                      "csp": [g[("csp", c)] for c in CSP_PCS]}
    return out


def _quota(rng: np.random.Generator, n: int, shares) -> np.ndarray:
    shares = np.asarray(shares, dtype=float) / np.sum(shares)
    counts = np.floor(shares * n).astype(np.int64)
    counts[np.argsort(-(shares * n - counts), kind="stable")[: n - counts.sum()]] += 1
    codes = np.repeat(np.arange(len(shares), dtype=np.int8), counts)
    rng.shuffle(codes)
    return codes


def _attribute(rng, group_of_job, present, shares_by_group, name) -> np.ndarray:
    out = np.zeros(len(group_of_job), dtype=np.int8)
    for index, group in enumerate(GROUPS):
        shares = np.asarray(shares_by_group[group][name], dtype=float)
        here = group_of_job == index
        kept, left = np.flatnonzero(here & present), np.flatnonzero(here & ~present)
        out[kept] = _quota(rng, len(kept), shares)
        out[left] = rng.choice(len(shares), size=len(left), p=shares / shares.sum())
    return out


def jobs(rng: np.random.Generator, est: pd.DataFrame, shares: dict) -> pd.DataFrame:
    """One row per job of the establishments `est` (columns postes, groupe = index in GROUPS)."""
    postes = est["postes"].to_numpy()
    group = est["groupe_code"].to_numpy()
    leaving = np.array([LEFT_DURING_YEAR[g] for g in GROUPS])[group]
    left = rng.binomial(postes, leaving) + (postes == 0) * (1 + (rng.random(len(postes)) < 0.3))
    n_jobs = postes + left
    owner = np.repeat(np.arange(len(est)), n_jobs)
    position = np.arange(len(owner)) - np.repeat(np.cumsum(n_jobs) - n_jobs, n_jobs)
    present = position < postes[owner]
    job_group = group[owner]
    frame = pd.DataFrame({"owner": owner, "present_3112": present.astype(np.int8)})
    frame["sexe"] = _attribute(rng, job_group, present, shares, "sexe") + 1
    band = _attribute(rng, job_group, present, shares, "age")
    low = np.array([b[1] for b in AGE_BANDS])[band]
    high = np.array([b[2] for b in AGE_BANDS])[band]
    frame["age"] = (low + np.floor(rng.random(len(owner)) * (high - low + 1))).astype(np.int16)
    partial = _attribute(rng, job_group, present, shares, "temps").astype(bool)
    frame["temps_travail"] = np.where(partial, "P", "C")
    contract = _attribute(rng, job_group, present, shares, "contrat")
    other = np.where(rng.random(len(owner)) < np.array([OTHER_CONTRACTS[g][0][1] for g in GROUPS])[job_group],
                     "APP", "AUT")
    frame["contrat"] = np.where(contract == 0, "CDI", np.where(contract == 1, "CDD", other))
    csp = _attribute(rng, job_group, present, shares, "csp")
    codes = np.array([code for values in CSP_PCS.values() for code in values])
    frame["pcs"] = codes[csp * 6 + rng.integers(0, 6, len(owner))]
    etp = np.where(partial, rng.uniform(0.3, 0.8, len(owner)), rng.uniform(0.85, 1.0, len(owner)))
    frame["etp_brut"] = np.where(present, etp, etp * rng.uniform(0.1, 0.6, len(owner)))
    rate = (np.array(list(CSP_WAGE.values()))[csp] * np.array(AGE_WAGE)[band]
            * rng.lognormal(0, 0.12, len(owner)) * rng.lognormal(0, 0.1, len(est))[owner])
    frame["remuneration_brut"] = frame["etp_brut"].to_numpy() * rate
    return frame


def calibrate(job: pd.DataFrame, est: pd.DataFrame, targets: pd.DataFrame) -> None:
    """Scale job ETP and wages onto the département × champ targets; establishments get their sums."""
    key = est["cible"].to_numpy()[job["owner"].to_numpy()]
    for raw, measure, floor in (("etp_brut", "etp", 0.01), ("remuneration_brut", "remuneration_brute", 1.0)):
        total = np.bincount(key, job[raw].to_numpy(), minlength=len(targets))
        factor = targets[measure].to_numpy() / np.where(total > 0, total, 1)
        job[measure] = np.maximum(np.round(job[raw].to_numpy() * factor[key], 2), floor)
        est[measure] = np.round(np.bincount(job["owner"].to_numpy(), job[measure].to_numpy(),
                                            minlength=len(est)), 2)
