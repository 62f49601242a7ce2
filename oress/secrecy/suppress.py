"""Secondary suppression: MILP mask, attacker audit, cuts, re-solve — until every primary is safe."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oress.config import SecretRules
from oress.secrecy.atoms import ATOM_LEVEL
from oress.secrecy.audit import AuditResult, attack_measures, exact_audit, intervals_frame, summary_frame
from oress.secrecy.blocks import WHOLE, AuditBlocks, BlockModels, block_codes
from oress.secrecy.bounds import Proofs
from oress.secrecy.cells import (
    ANNUAL,
    KEY,
    Measures,
    SecrecyError,
    canonical,
    describe,
    empty_cells,
    measure_values,
    protection,
)
from oress.secrecy.equations import Equations, check_equations
from oress.secrecy.milp import SuppressionModel
from oress.secrecy.primary import primary_status
from oress.secrecy.repair import close_pairs, repair

MILP_ROUNDS_SMALL = 3
# failing bounds found per group of hidden cells before a repair round stops auditing that group: the
# repair settles most of the rest, which the next round audits again
REPAIR_BATCH = 256
# a primary still failing after this many repair rounds has its cut over-satisfied, by half a cut more each
# further round (the cheapest cells alone let the attacker find another way, round after round)
EAGER_AFTER = 4
# the headline count (postes; effectif in the quarterly note: Measures puts it second), audited alone on a new
# mask of a large publication, its primaries in LEAD_SPLIT parts (one per core on the usual 2-core machine)
LEAD_MEASURE, LEAD_SPLIT = 1, 2
LARGE_PUBLICATION = 2000     # primary cells; a size rule, not a clock: the mask must not depend on the machine


@dataclass(frozen=True)
class Protection:
    """cells: the input cells in canonical order with `secret` ('' / 'A' / 'B' / 'D');
    rounds: one row per MILP + audit round; audit: the final audit (exact on a small publication; on a large
    one, the intervals the repair rounds proved, which the final mask only widens)."""
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
    """poids_totaux on the headline cells, 1 elsewhere: the key figures of a territory are what its
    readers look for; their breakdowns give way first. Headlines: the bool column `titre` when the cells
    carry one (the quarterly note's ensemble privé), else dimension `ensemble`."""
    headline = cells["titre"].to_numpy(bool) if "titre" in cells.columns else \
        cells["dimension"].to_numpy() == "ensemble"
    return np.where(headline, rules.poids_totaux, 1.0)


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
    audit_by: optional column of `cells` naming the block each cell is attacked in alone, every cell outside it
    fixed ('' for the whole publication: the HiTaS order of `blocks`); a target its block cannot protect is
    attacked on the whole publication from then on.
    """
    names = equations.measures.names
    cells = canonical(cells, required=(*names, "nb_unites"))
    if not cells[list(KEY)].equals(equations.keys):
        raise SecrecyError("suppression : les cellules ne sont pas celles des équations (build_equations)")
    values = measure_values(cells, equations.measures)
    unpublished = cells["niveau"].to_numpy() == ATOM_LEVEL
    # an empty published cell is known to be empty; an empty atom is an unknown like any other
    empty = empty_cells(cells, values) & ~unpublished
    status = primary_status(cells, rules).to_numpy().astype(object)
    primary = status != ""
    always = primary | unpublished
    forced = np.zeros(len(cells), bool) if must_publish is None else must_publish.to_numpy(bool)
    if (forced & primary).any():
        raise SecrecyError(f"la cellule {describe(cells, np.flatnonzero(forced & primary)[0])} est imposée à la "
                           "publication mais relève du secret primaire")
    check_equations(equations, values)
    cost = np.where(unpublished, 0.0, suppression_cost(values, empty | unpublished, headline_weight(cells, rules)))
    free = ~empty & ~forced
    problem = (values, free, primary, always, cells["nb_unites"].to_numpy() == 1, cost,
               protection(values, rules, equations.measures))
    targets = np.flatnonzero(primary)
    blocks = block_codes(cells, audit_by)
    if block_by is not None and cells[block_by].nunique() > 1:
        model = BlockModels(equations, problem, cells[block_by].astype(str).to_numpy(), rules.regle_singletons,
                            mip_rel_gap, log, None if blocks is None else blocks.codes == WHOLE)
        milp_rounds = 1
    else:
        model = SuppressionModel(equations.keys, equations.terms, equations.holds(), *problem,
                                 rules.regle_singletons, mip_rel_gap, names=names)
    if milp_rounds is None:
        milp_rounds = MILP_ROUNDS_SMALL if len(targets) < LARGE_PUBLICATION else 1
    rounds, pending = [], [targets] * len(names)
    differencing = np.zeros(len(cells), bool)
    strikes = np.zeros(len(cells), int)   # audit rounds in which each primary failed
    incidence = abs(equations.matrix()).tocsr()
    current = None if blocks is None else blocks.codes.copy()   # widened for targets their block could not protect
    hidden = None
    for number in range(1, max_rounds + 1):
        milp_seconds, lead_round = 0.0, False
        if number <= milp_rounds:
            hidden, milp_seconds = model.solve()
            pending = [targets] * len(names)
            proofs = Proofs(targets, len(names))   # a new mask: what earlier rounds proved no longer holds
            lead_round = len(names) > 1 and len(targets) >= LARGE_PUBLICATION
        # hiding cells only widens the attacker's intervals: a measure audits again only the primaries that
        # failed for it; after a new mask, a large publication audits its headline count alone first — the
        # other measures fail at nearly the same cells, and the repair for it settles most of theirs
        audited = [pending[m] if not lead_round or m == LEAD_MEASURE else targets[:0] for m in range(len(names))]
        attacks, seconds = attack_measures(equations, values, np.repeat(hidden[:, None], len(names), axis=1),
                                           audited, rules, exact=False,
                                           max_failures=None if number < milp_rounds else REPAIR_BATCH,
                                           hideable=free & ~hidden, split=LEAD_SPLIT if lead_round else 1,
                                           blocks=blocks, current=current,
                                           cost=None if number < milp_rounds else cost)
        for m, result in enumerate(attacks):
            proofs.record(m, audited[m], result)
        failed = [audited[m][hidden[audited[m]]][~result.ok] for m, result in enumerate(attacks)]
        pending = [failed[m] if not lead_round or m == LEAD_MEASURE else pending[m] for m in range(len(names))]
        cuts = [cut for result in attacks for cut in result.cuts]
        marks = [bool(unpublished[t]) for result in attacks for t in result.cut_targets]
        strikes[np.unique([t for result in attacks for t in result.cut_targets]).astype(int)] += 1
        eager = [1.0 + 0.5 * max(0, strikes[t] - EAGER_AFTER) for result in attacks for t in result.cut_targets]
        failing = np.unique(np.concatenate(failed))
        failures = sum(len(f) for f in failed)
        moves = [move for result in attacks for move in result.escalated]
        for target, code in moves:   # two measures may widen it differently: the block holding both
            current[target] = blocks.widened(int(current[target]), np.array([code]))
        lifted = np.unique([target for target, _ in moves])
        stuck = np.unique([target for result in attacks for target in result.stuck]).astype(int)
        if len(stuck):
            named = ", ".join(describe(cells, cell) for cell in stuck[:5])
            raise SecrecyError(f"protection impossible : {len(stuck)} cellule(s) primaire(s) qu'aucun masque ne "
                               f"protège (aucune table ne les éloigne assez de leur valeur), p. ex. {named}")
        if number < milp_rounds:
            added = model.add_cuts(cuts) if cuts else 0
        else:
            settled = np.unique(np.concatenate([result.hid for result in attacks]))
            added = int((~hidden[settled]).sum())
            hidden[settled] = True
            differencing[np.concatenate([result.hid_for_atoms for result in attacks])] = True
            added += repair(hidden, cuts, cost, free, marks, differencing, eager)
            close_pairs(hidden, incidence, cost, free, primary, unpublished)
        rounds.append({"round": number, "mode": "MILP" if number < milp_rounds else "réparation",
                       "measures": sum(len(a) > 0 for a in audited),
                       "suppressed": int(hidden.sum()), "primaries": int(primary.sum()),
                       "secondaries": int((hidden & ~primary & ~unpublished).sum()), "failures": failures,
                       "cuts": added,
                       "milp_seconds": milp_seconds, "lps": sum(a.lp_count for a in attacks),
                       "local_lps": sum(a.local_lps for a in attacks), "local_cuts": sum(a.local_cuts for a in attacks),
                       "lp_restarts": sum(a.restarts for a in attacks), "settled": sum(a.settled for a in attacks),
                       "escalated": len(lifted),
                       "escalated_to": _wider_blocks(blocks, current, lifted),
                       "audit_seconds": sum(seconds), **{f"audit_{m}_seconds": s for m, s in zip(names, seconds)}})
        if log:
            log(_describe_round(rounds[-1]))
        if on_round:
            on_round(rounds[-1])
        if not any(len(p) for p in pending):
            break
        if failures and not added and not len(lifted):
            named = ", ".join(describe(cells, cell) for cell in failing[:5])
            blocked = " (cellules imposées à la publication en jeu)" if forced.any() else ""
            raise SecrecyError(f"protection impossible{blocked} : {len(failing)} cellule(s) primaire(s) restent "
                               f"déductibles et plus aucune cellule ne peut être masquée pour elles, p. ex. {named}")
    else:
        raise SecrecyError(f"protection non trouvée en {max_rounds} tours : agréger la publication "
                           f"({len(np.unique(np.concatenate(pending)))} cellules primaires encore exposées)")
    status[hidden & ~primary] = "D"
    status = status.astype(str)
    hidden_all = np.repeat(hidden[:, None], len(names), axis=1)
    if exact_audit(targets):
        final, _ = attack_measures(equations, values, hidden_all, targets, rules, exact=True)
    else:
        # every primary passed in some repair round, under a mask the final one only extends: hiding a cell
        # more only widens the attacker's intervals, so those proofs hold (a new audit would cost a round 1)
        final = proofs.attacks()
    differencing &= ~primary & (status == "D")
    result = AuditResult(intervals_frame(equations.keys, status, values, hidden_all, targets, final, rules,
                                         equations.measures),
                         summary_frame(equations.keys, status, values, empty_cells(cells, values), differencing, names))
    if not result.passed:
        raise SecrecyError("audit final en échec après convergence : publication refusée")
    return Protection(cells.assign(secret=status), pd.DataFrame(rounds),
                      AuditResult(result.intervals, result.summary, cells.loc[differencing & ~unpublished, list(KEY)]))


def _describe_round(row: dict) -> str:
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


def _wider_blocks(blocks: AuditBlocks | None, current: np.ndarray | None, lifted: np.ndarray) -> str:
    """'R1+R2 : 3, toute la publication : 1': where this round's escalated targets go."""
    if not len(lifted):
        return ""
    names, counts = np.unique([blocks.labels[c] if c != WHOLE else "toute la publication" for c in current[lifted]],
                              return_counts=True)
    return ", ".join(f"{name} : {count}" for name, count in zip(names, counts))


def masked(protected: pd.DataFrame, measures: Measures = ANNUAL) -> pd.DataFrame:
    """The published view: the measures set to NULL wherever `secret` is not ''."""
    shown = protected.copy()
    for measure in measures.names:
        shown[measure] = shown[measure].where(shown["secret"] == "")
    return shown
