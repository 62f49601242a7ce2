"""The published cell: its key, its measures, the canonical order, and the protection each primary needs."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oress.config import SecretRules

KEY = ("millesime", "niveau", "code", "champ", "dimension", "modalite")
MEASURES = ("etablissements", "postes", "etp", "remuneration_brute")


@dataclass(frozen=True)
class Measures:
    """The measures of a publication: names (the establishment count first, the headline count second:
    costs are in its units), the SecretRules attribute holding each one's absolute protection minimum,
    and the rounding each equation term may carry."""
    names: tuple[str, ...]
    minimum: tuple[str, ...]
    tolerance: tuple[float, ...]


ANNUAL = Measures(MEASURES, ("minimum_effectifs", "minimum_effectifs", "minimum_etp", "minimum_remuneration"),
                  (1e-6, 1e-6, 0.5, 0.5))
QUARTERLY = Measures(("etablissements", "effectif", "masse_salariale"),
                     ("minimum_effectifs", "minimum_effectifs", "minimum_remuneration"), (1e-6, 1e-6, 0.5))


class SecrecyError(ValueError):
    """Secrecy cannot be applied or proved; the message (in French) names the cells concerned."""


def describe(keys: pd.DataFrame, index: int) -> str:
    """One cell as a readable key, for error messages."""
    row = keys.iloc[int(index)]
    return "/".join(str(row[column]) for column in KEY)


def canonical(cells: pd.DataFrame, required: tuple[str, ...] = ()) -> pd.DataFrame:
    """Cells sorted by key with a fresh 0..n-1 index (the cell id used by every other function)."""
    missing = [c for c in (*KEY, *required) if c not in cells.columns]
    if missing:
        raise SecrecyError(f"cellules : colonne absente {missing[0]!r} (clé attendue : {', '.join(KEY)})")
    ordered = cells.astype({c: str for c in KEY if c != "millesime"}).sort_values(list(KEY), kind="stable")
    ordered = ordered.reset_index(drop=True)
    duplicated = ordered.duplicated(list(KEY))
    if duplicated.any():
        raise SecrecyError(f"cellules : clé en double {describe(ordered, np.flatnonzero(duplicated)[0])}")
    return ordered


def measure_values(cells: pd.DataFrame, measures: Measures = ANNUAL) -> np.ndarray:
    """The (cells × measures) array of true values; negative or missing values are input errors."""
    values = cells[list(measures.names)].to_numpy(dtype=float)
    bad = np.isnan(values) | (values < 0)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise SecrecyError(f"cellule {describe(cells, row)} : {measures.names[column]} manquant ou négatif "
                           f"({values[row, column]!r}) ; les grandeurs doivent être ≥ 0")
    return values


def empty_cells(cells: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """Cells with no unit (INSEE's zero convention: known empty, never secret, never suppressed)."""
    empty = (cells["nb_unites"].to_numpy() == 0) | (values[:, 0] == 0)
    inconsistent = empty & (values.sum(axis=1) > 0)
    if inconsistent.any():
        raise SecrecyError(f"cellule {describe(cells, np.flatnonzero(inconsistent)[0])} : aucune unité "
                           "ou aucun établissement mais des valeurs non nulles")
    return empty


def minima(rules: SecretRules, measures: Measures = ANNUAL) -> np.ndarray:
    """The absolute minimum of the protection interval of each measure, in `measures` order."""
    return np.array([getattr(rules, name) for name in measures.minimum], dtype=float)


def protection(values: np.ndarray, rules: SecretRules, measures: Measures = ANNUAL) -> tuple[np.ndarray, np.ndarray]:
    """How far down and up an attacker must be unable to pin each value: (need_down, need_up).

    Required interval = [max(v - need, 0), v + need], need = max(relative × v, minimum): a zero
    value must still be able to reach the minimum, and no value can be pushed below 0; one column of
    `values` per measure.
    """
    need = np.maximum(rules.intervalle_protection * values, minima(rules, measures))
    return np.minimum(need, values), need


def suppression_cost(values: np.ndarray, empty: np.ndarray, weight: np.ndarray | None = None) -> np.ndarray:
    """(1 + the cell's value in postes-equivalents, averaged over the four measures) × weight.

    Each measure is rescaled by Σ postes / Σ measure over the non-empty cells, so a cell with
    ordinary proportions costs ≈ postes + 1: large totals stay published (tau-ARGUS minimises the
    suppressed value), and the 1 makes fewer suppressions win among zero-valued candidates.
    """
    totals = values[~empty].sum(axis=0)
    reference = totals[1] if totals[1] > 0 else 1.0
    scale = np.divide(reference, totals, out=np.zeros(len(totals)), where=totals > 0)
    cost = 1.0 + (values * scale).mean(axis=1)
    return cost if weight is None else cost * weight


def headline_weight(cells: pd.DataFrame, rules: SecretRules) -> np.ndarray:
    """poids_totaux on the headline cells, 1 elsewhere: the key figures of a territory are what its
    readers look for; their breakdowns give way first. Headlines: the bool column `titre` when the cells
    carry one (the quarterly note's ensemble privé), else dimension `ensemble`."""
    headline = cells["titre"].to_numpy(bool) if "titre" in cells.columns else \
        cells["dimension"].to_numpy() == "ensemble"
    return np.where(headline, rules.poids_totaux, 1.0)
