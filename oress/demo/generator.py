"""The demo's entry points: the annual extracts of every millésime, then the quarterly ones."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from oress.config import RunSpec
from oress.demo import quarterly
from oress.demo.calibration import calibration, read_communes
from oress.demo.cells import cells
from oress.demo.establishments import establishments
from oress.demo.legal_units import NAMES, legal_units, perimeter_cases
from oress.demo.millesime import measures, year_frame
from oress.demo.traps import realism_traps
from oress.demo.writing import ETABLISSEMENT_COLUMNS, POSTE_COLUMNS, write_csv


def generate(spec: RunSpec, seed: int = 2018, scale: float = 1.0, france: bool = False, on_year=None):
    """Write etablissements.csv and postes.csv per millésime; yields the paths written."""
    rng = np.random.default_rng([seed, 0])
    cal = calibration()
    communes = read_communes(None if france else spec.region)
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


def write_extracts(spec: RunSpec, seed: int = 2018, scale: float = 1.0, france: bool = False,
                   on_year=None) -> list[Path]:
    """Write the demo extracts of every millésime of the spec (France: all régions, last millésime only),
    then the quarterly URSSAF-like extracts read back from them."""
    written = list(generate(spec, seed, scale, france, on_year))
    quarterly_spec = replace(spec, millesimes=tuple(spec.millesimes[-1:])) if france else spec
    return written + quarterly.write_quarters(quarterly_spec, seed)
