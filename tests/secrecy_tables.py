"""Hand-written secrecy tables: cells in the contract's key from small grids, for tests/test_secrecy*.py."""
from __future__ import annotations

import pandas as pd

from oress.config import SecretRules

NO_MODALITIES = pd.DataFrame(columns=["dimension", "modalite", "parent"])
RULES = SecretRules()


def cell(niveau: str, code: str, champ: str, value: float, units: int, largest: float | None = None,
         dimension: str = "ensemble", modalite: str = "ensemble", etablissements: int | None = None,
         millesime: int = 2018) -> dict:
    """One cell: postes = etp = value, wages = 1 000 € × value, one establishment per unit unless
    told; `largest` is the largest unit's contribution (its share drives dominance)."""
    share = None if not value else (largest if largest is not None else value / max(units, 1)) / value
    return {"millesime": millesime, "niveau": niveau, "code": code, "champ": champ, "dimension": dimension,
            "modalite": modalite, "etablissements": units if etablissements is None else etablissements,
            "postes": float(value), "etp": float(value), "remuneration_brute": 1000.0 * value,
            "nb_unites": units, "part_max_postes": share, "part_max_etp": share, "part_max_remuneration": share}


def membership(parents: dict[tuple[str, str], list[str]]) -> pd.DataFrame:
    """niveau, code, depcom rows: every commune of the parents as its own territory, then the parents."""
    communes = sorted({c for members in parents.values() for c in members})
    rows = [("commune", c, c) for c in communes]
    rows += [(niveau, code, c) for (niveau, code), members in parents.items() for c in members]
    return pd.DataFrame(rows, columns=["niveau", "code", "depcom"])


def tau_argus() -> tuple[pd.DataFrame, pd.DataFrame]:
    """rtauargus' vignette table: rows 01/02/06 = communes of EPCI E, columns tr1/tr2 = public /
    privé hors ESS (their total hors ESS); values, units and largest contributions as published there."""
    values = {"01": (100, 50), "02": (30, 20), "06": (60, 40)}
    units = {"01": (10, 5), "02": (2, 5), "06": (8, 6)}
    largest = {"01": (20, 15), "02": (20, 10), "06": (16, 38)}
    rows = []
    for row in values:
        for column, champ in enumerate(("public", "prive_hors_ess")):
            rows.append(cell("commune", row, champ, values[row][column], units[row][column], largest[row][column]))
        rows.append(cell("commune", row, "hors_ess", sum(values[row]), sum(units[row]), max(largest[row])))
    for column, champ in enumerate(("public", "prive_hors_ess")):
        rows.append(cell("epci", "E", champ, sum(v[column] for v in values.values()),
                         sum(u[column] for u in units.values()), max(c[column] for c in largest.values())))
    rows.append(cell("epci", "E", "hors_ess", 300, 36, 38))
    return pd.DataFrame(rows), membership({("epci", "E"): ["01", "02", "06"]})
