"""Derived indicators computed from published cells only: a secret input gives a missing result."""
from __future__ import annotations

from oress.publish.formatting import is_missing


def ratio(numerator, denominator):
    """numerator / denominator, or None when either is secret or the denominator is zero."""
    if is_missing(numerator) or is_missing(denominator) or denominator == 0:
        return None
    return numerator / denominator


def sum_published(*values):
    """The sum, or None as soon as one term is secret."""
    if any(is_missing(v) for v in values):
        return None
    return sum(values)


def weights(cells: dict[str, dict], measure: str = "postes") -> dict[str, float | None]:
    """ESS share of total and private employment for one territory (cells keyed by champ)."""
    ess = cells["ess"][measure]
    private = sum_published(ess, cells["prive_hors_ess"][measure])
    return {
        "part_emploi_total": ratio(ess, cells["ensemble"][measure]),
        "part_emploi_prive": ratio(ess, private),
    }
