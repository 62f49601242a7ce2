"""Primary secrecy rules on enterprise (SIREN) contributions: frequency → 'A', dominance → 'B'."""
from __future__ import annotations

import numpy as np
import pandas as pd

from oress.config import SecretRules

# the largest enterprise's share of each annual measure (the quarterly cells carry part_max_effectif,
# part_max_masse_salariale); part_max_etablissements is optional
DOMINANCE_SHARES = ("part_max_etablissements", "part_max_postes", "part_max_etp", "part_max_remuneration")


def primary_status(cells: pd.DataFrame, rules: SecretRules) -> pd.Series:
    """'' (publishable), 'A' (1 ≤ nb_unites < frequence_min) or 'B' (one unit ≥ seuil of a measure).

    Needs `nb_unites` and at least one part_max_* column; a missing share (NULL: the measure sums
    to 0) never makes a cell dominant. Empty cells (0 units) are never secret. One status per cell
    for all its measures.
    """
    shares = [c for c in cells.columns if c.startswith("part_max_")]   # every measure the cells carry
    if "nb_unites" not in cells.columns or not shares:
        raise ValueError("primary_status : colonnes nb_unites et part_max_* requises")
    units = cells["nb_unites"].to_numpy()
    largest = cells[shares].astype(float).fillna(0).to_numpy().max(axis=1)
    dominant = largest >= rules.dominance_seuil if rules.dominance_inclusive else largest > rules.dominance_seuil
    status = np.where(units == 0, "", np.where(units < rules.frequence_min, "A", np.where(dominant, "B", "")))
    return pd.Series(status, index=cells.index, name="secret")
