"""Secondary suppression: MILP mask, attacker audit, cuts, re-solve — until every primary is safe."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from oress.config import SecretRules
from oress.secrecy.audit import AuditResult, attack_measures, intervals_frame, summary_frame
from oress.secrecy.cells import KEY, MEASURES, SecrecyError, canonical, describe, empty_cells, measure_values, protection
from oress.secrecy.equations import Equations, check_equations
from oress.secrecy.milp import SuppressionModel
from oress.secrecy.primary import primary_status


@dataclass(frozen=True)
class Protection:
    """cells: the input cells in canonical order with `secret` ('' / 'A' / 'B' / 'D');
    rounds: one row per MILP + audit round; audit: the exact final audit."""
    cells: pd.DataFrame
    rounds: pd.DataFrame
    audit: AuditResult


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
    """poids_totaux on the headline cells (dimension `ensemble`), 1 elsewhere: the key figures of a
    territory are what its readers look for; their breakdowns give way first."""
    return np.where(cells["dimension"].to_numpy() == "ensemble", rules.poids_totaux, 1.0)


def suppress(cells: pd.DataFrame, equations: Equations, rules: SecretRules, *,
             must_publish: pd.Series | None = None, mip_rel_gap: float = 1e-4, max_rounds: int = 50,
             log: Callable[[str], None] | None = None) -> Protection:
    """Mask the cells: primaries (A/B from nb_unites and part_max_*) and the cheapest secondary
    cells (D) such that the attacker audit passes for every primary and every measure.

    must_publish: optional bool Series aligned on the canonical order (cells the observatory
    forces to publish); the run fails with SecrecyError rather than publish an unsafe mask.
    """
    cells = canonical(cells, required=(*MEASURES, "nb_unites"))
    if not cells[list(KEY)].equals(equations.keys):
        raise SecrecyError("suppression : les cellules ne sont pas celles des équations (build_equations)")
    values = measure_values(cells)
    empty = empty_cells(cells, values)
    status = primary_status(cells, rules).to_numpy().astype(object)
    primary = status != ""
    forced = np.zeros(len(cells), bool) if must_publish is None else must_publish.to_numpy(bool)
    if (forced & primary).any():
        raise SecrecyError(f"la cellule {describe(cells, np.flatnonzero(forced & primary)[0])} est imposée à la "
                           "publication mais relève du secret primaire")
    check_equations(equations, values)
    model = SuppressionModel(equations.keys, equations.terms, equations.holds(), values, ~empty & ~forced,
                             primary, cells["nb_unites"].to_numpy() == 1, suppression_cost(values, empty, headline_weight(cells, rules)),
                             protection(values, rules), rules.regle_singletons, mip_rel_gap)
    targets = np.flatnonzero(primary)
    rounds = []
    for number in range(1, max_rounds + 1):
        hidden, milp_seconds = model.solve()
        attacks, seconds = attack_measures(equations, values, np.repeat(hidden[:, None], 4, axis=1),
                                           targets, rules, exact=False)
        cuts = [cut for result in attacks for cut in result.cuts]
        failures = sum(int((~result.ok).sum()) for result in attacks)
        added = model.add_cuts(cuts) if cuts else 0
        rounds.append({"round": number, "suppressed": int(hidden.sum()), "primaries": int(primary.sum()),
                       "secondaries": int((hidden & ~primary).sum()), "failures": failures, "cuts": added,
                       "milp_seconds": milp_seconds, "lps": sum(a.lp_count for a in attacks),
                       **{f"audit_{m}_seconds": s for m, s in zip(MEASURES, seconds)}})
        if log:
            log(_describe_round(rounds[-1]))
        if not failures:
            break
        if not added:
            raise SecrecyError("protection impossible : l'audit échoue et aucune nouvelle contrainte ne le corrige")
    else:
        raise SecrecyError(f"protection non trouvée en {max_rounds} tours : agréger la publication")
    status[hidden & ~primary] = "D"
    status = status.astype(str)
    final, _ = attack_measures(equations, values, np.repeat(hidden[:, None], 4, axis=1), targets, rules, exact=True)
    hidden_all = np.repeat(hidden[:, None], 4, axis=1)
    result = AuditResult(intervals_frame(equations.keys, status, values, hidden_all, targets, final, rules),
                         summary_frame(equations.keys, status, values, empty))
    if not result.passed:
        raise SecrecyError("audit final en échec après convergence : publication refusée")
    return Protection(cells.assign(secret=status), pd.DataFrame(rounds), result)


def _describe_round(row: dict) -> str:
    audit = " ".join(f"{m}={row[f'audit_{m}_seconds']:.2f}s" for m in MEASURES)
    return (f"tour {row['round']} : {row['suppressed']} masquées ({row['secondaries']} secondaires), "
            f"{row['failures']} intervalles trop étroits, {row['cuts']} coupes ; MILP {row['milp_seconds']:.2f}s, "
            f"audit {audit}")


def masked(protected: pd.DataFrame) -> pd.DataFrame:
    """The published view: the four measures set to NULL wherever `secret` is not ''."""
    shown = protected.copy()
    for measure in MEASURES:
        shown[measure] = shown[measure].where(shown["secret"] == "")
    return shown
