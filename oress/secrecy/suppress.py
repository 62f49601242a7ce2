"""Secondary suppression: MILP mask, attacker audit, cuts, re-solve — until every primary is safe (the rounds:
`rounds.Rounds`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oress.config import SecretRules
from oress.secrecy.audit import AuditResult
from oress.secrecy.cells import ANNUAL, Measures, SecrecyError
from oress.secrecy.equations import Equations
from oress.secrecy.rounds import Rounds


@dataclass(frozen=True)
class Protection:
    """cells: the input cells in canonical order with `secret` ('' / 'A' / 'B' / 'D');
    rounds: one row per MILP + audit round; audit: the final audit (exact on a small publication; on a large
    one, the intervals the repair rounds proved, which the final mask only widens)."""
    cells: pd.DataFrame
    rounds: pd.DataFrame
    audit: AuditResult


def suppress(cells: pd.DataFrame, equations: Equations, rules: SecretRules, *,
             must_publish: pd.Series | None = None, mip_rel_gap: float = 1e-4, max_rounds: int = 100,
             milp_rounds: int | None = None, block_by: str | None = None, audit_by: str | None = None,
             log: Callable[[str], None] | None = None,
             on_round: Callable[[dict], None] | None = None) -> Protection:
    """Mask the cells: primaries (A/B from nb_unites and part_max_*) and the cheapest secondary
    cells (D) such that the attacker audit passes for every primary and every measure.

    must_publish: optional bool Series aligned on the canonical order (cells the observatory
    forces to publish); the run fails with SecrecyError rather than publish an unsafe mask.
    The first `milp_rounds` rounds re-solve the MILP with the audit's cuts; later rounds repair the
    mask monotonically (`repair`): hiding a cell only widens the attacker's intervals, so a primary
    that passed stays safe and only the failing ones are audited again, until none fails. By default
    (None) small publications get MILP_ROUNDS_SMALL rounds and large ones one: each MILP round costs a
    full audit (minutes on a région), a repair round only re-audits the failing primaries.
    block_by: optional column of `cells` labelling each cell's block, e.g. its territory's région: the
    first mask is then one MILP per block over the equations inside it (a national publication is
    one MILP per région, linear in the number of régions, not one MILP too large to solve); the
    equations between blocks are left to the global audit and the repair rounds, which see them all.
    audit_by: optional column of `cells` naming each cell's audit block ('' for the top, attacked on the whole
    publication: the HiTaS order of `blocks`); a block's part attacks its own cells, the top's and those of the
    blocks across it as unknowns, every other cell fixed, and a top cell whose `block_by` names an audit block (a
    région's own cell) is attacked in that block's part; a target its block cannot protect is attacked on a wider
    block from then on.
    """
    rounds = Rounds(cells, equations, rules, must_publish, audit_by, block_by)
    model, milp_rounds = rounds.model(block_by, mip_rel_gap, milp_rounds, log)
    for number in range(1, max_rounds + 1):
        row = rounds.play(number, model, milp_rounds)
        if log:
            log(describe_round(row))
        if on_round:
            on_round(row)
        if rounds.done():
            break
        rounds.check_progress(row)
    else:
        raise SecrecyError(f"protection non trouvée en {max_rounds} tours : agréger la publication "
                           f"({len(np.unique(np.concatenate(rounds.pending)))} cellules primaires encore exposées)")
    return Protection(*rounds.outcome())


def masked(protected: pd.DataFrame, measures: Measures = ANNUAL) -> pd.DataFrame:
    """The published view: the measures set to NULL wherever `secret` is not ''."""
    shown = protected.copy()
    for measure in measures.names:
        shown[measure] = shown[measure].where(shown["secret"] == "")
    return shown


def describe_round(row: dict) -> str:
    audit = row["audit_seconds"]
    added = "coupes" if row["mode"] == "MILP" else "cellules ajoutées"
    return (f"tour {row['round']} : {row['primaries']} primaires, {row['secondaries']} secondaires, "
            f"{row['failures']} intervalles trop étroits ({row['measures']} mesure(s) auditée(s)) → "
            f"{row['cuts']} {added} ; "
            f"MILP {row['milp_seconds']:.1f} s, audit {audit:.1f} s ({row['lps']} LP, dont {row['local_lps']} "
            f"locaux ; {row['local_cuts']} coupes locales"
            + (f" ; {row['lp_restarts']} LP repris de zéro" if row["lp_restarts"] else "")
            + (f" ; {row['settled']} cibles réparées dans leur bloc" if row["settled"] else "")
            + (f" ; {row['escalated']} cibles que leur bloc ne protège pas, attaquées sur un bloc plus large "
               f"({row['escalated_to']})" if row["escalated"] else "") + ")")
