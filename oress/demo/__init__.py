"""A synthetic région in the raw pivot format that reproduces the published figures, deterministic for a seed.

Calibration facts (FLORES département × champ totals, EPCI weights, sector and size structure, BTS job
profile) come from data/reference/demo_calibration.csv, each row with its source. For every millésime the
generator writes exactly the FLORES number of establishments, postes at 31/12, ETP and gross wages of each
département × champ (scaled by --scale), spread over EPCI in proportion to the published EPCI figures and
over communes by population. Jobs are drawn first and establishments get the sums of their jobs, so the
per-siret identities hold by construction. Everything is vectorised numpy/pandas: a France-size run
(--scale france) writes ~2.3 M establishments and ~23 M jobs.

Establishments persist across millésimes: each (département, EPCI, champ) cell holds a fixed ordered list
of establishments and a millésime keeps the first N of them, so year-to-year changes stay small.

The modules, in the order a run uses them: calibration (targets, communes), cells (the département × EPCI ×
champ grid), establishments (commune, APE, latent size), legal_units (SIREN, SIRET, CJ, perimeter cases),
millesime (postes of a year) with jobs (postes.csv rows), traps (broken lines a real extract holds), writing
(the CSV files), quarterly (trimestres.csv); allocation apportions counts for all of them; generator runs them.
"""
from __future__ import annotations

from oress.config import RunSpec
from oress.demo.calibration import ESS
from oress.demo.generator import generate, write_extracts
from oress.pipeline_base import say

__all__ = ["ESS", "generate", "run", "write_extracts"]


def run(spec: RunSpec, seed: int = 2018, scale: float = 1.0, france: bool = False) -> None:
    """The demo step: every extract written into the spec's raw_dir (write_extracts), each path said."""
    for path in write_extracts(spec, seed=seed, scale=scale, france=france):
        say(f"  données de démonstration : {path}")
