"""The rounds of `suppress`: a mask from the MILP, the attacker audit of the primaries still pending, then the
audit's cuts added to the MILP or the mask repaired, until no interval is too narrow."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from oress.config import SecretRules
from oress.secrecy.atoms import ATOM_LEVEL
from oress.secrecy.audit import AuditResult, attack_measures, exact_audit, intervals_frame, summary_frame
from oress.secrecy.blocks import WHOLE, BlockModels, block_codes, wider_blocks
from oress.secrecy.bounds import Attack, Proofs
from oress.secrecy.cells import (
    KEY,
    SecrecyError,
    canonical,
    describe,
    empty_cells,
    headline_weight,
    measure_values,
    protection,
    suppression_cost,
)
from oress.secrecy.equations import Equations, check_equations
from oress.secrecy.milp import SuppressionModel
from oress.secrecy.perturb import joint_repair, wide_enough
from oress.secrecy.primary import primary_status
from oress.secrecy.repair import close_pairs, repair
from oress.secrecy.settle import moves_by_measure

MILP_ROUNDS_SMALL = 3
# failing bounds found per group of hidden cells before a repair round stops auditing that group: the
# repair settles most of the rest, which the next round audits again (a national audit's région and union
# parts are not capped: `audit.attack_measures`)
REPAIR_BATCH = 256
# a primary still failing after this many repair rounds has its cut over-satisfied, by half a cut more each
# further round (the cheapest cells alone let the attacker find another way, round after round)
EAGER_AFTER = 4
# the headline count (postes; effectif in the quarterly note: Measures puts it second), audited alone on a new
# mask of a large publication
LEAD_MEASURE = 1
LARGE_PUBLICATION = 2000     # primary cells; a size rule, not a clock: the mask must not depend on the machine
# failing (primary, measure) bounds of a one-block publication at most which a repair builds a move for each instead
# of taking the cuts' cheapest cells: a move costs 0,01 to 0,5 s, one repair round on a région 5 to 15 s
# (bench/RESULTS.md, twelfth session)
MOVES_MAX_FAILURES = 128
# above that, a publication of one block repairs with one table per measure for all its failing bounds
# (`perturb.joint_repair`), the cuts' cheapest cells only for the bounds the tables leave short: on the demo, 3 rounds
# instead of 6, 12-13 % fewer secondary cells, protect 98 s instead of 127 (bench/RESULTS.md, twentieth session)
JOINT_REPAIR = True
# rounds, from the last MILP's mask on, whose audit takes a failing bound's local cut in a publication of one block: the
# first repairs meet thousands of true failures, where the group's LPs would cost too much; after them most local
# failures are false (the neighbourhood was too small: of the demo's 723 bounds failing in round 3, 606 moved through
# hidden cells alone) and their cuts hide cells no one needs — the group's LP settles them instead. From round 4 on, the
# demo's protect takes the same time and hides 2,4–3,0 % fewer secondary cells; from round 3 on, 12 % more time
# (bench/RESULTS.md, nineteenth session)
LOCAL_CUT_ROUNDS = 3


class Rounds:
    """The state of suppress's rounds: the cells and their costs (set once), the mask, the primaries still to
    audit for each measure, what earlier rounds proved, and where each target is attacked."""

    def __init__(self, cells: pd.DataFrame, equations: Equations, rules: SecretRules,
                 must_publish: pd.Series | None, audit_by: str | None, home_by: str | None = None) -> None:
        self.names = names = equations.measures.names
        self.cells = cells = canonical(cells, required=(*names, "nb_unites"))
        if not cells[list(KEY)].equals(equations.keys):
            raise SecrecyError("suppression : les cellules ne sont pas celles des équations (build_equations)")
        self.equations, self.rules = equations, rules
        self.values = values = measure_values(cells, equations.measures)
        self.unpublished = unpublished = cells["niveau"].to_numpy() == ATOM_LEVEL
        # an empty published cell is known to be empty; an empty atom is an unknown like any other
        empty = empty_cells(cells, values) & ~unpublished
        self.status = primary_status(cells, rules).to_numpy().astype(object)
        self.primary = primary = self.status != ""
        self.forced = forced = np.zeros(len(cells), bool) if must_publish is None else must_publish.to_numpy(bool)
        if (forced & primary).any():
            raise SecrecyError(f"la cellule {describe(cells, np.flatnonzero(forced & primary)[0])} est imposée à "
                               "la publication mais relève du secret primaire")
        check_equations(equations, values)
        self.cost = np.where(unpublished, 0.0,
                             suppression_cost(values, empty | unpublished, headline_weight(cells, rules)))
        self.free = ~empty & ~forced
        self.targets = np.flatnonzero(primary)
        self.blocks = block_codes(cells, audit_by, home_by)
        # widened for the targets their block could not protect
        self.current = None if self.blocks is None else self.blocks.home.copy()
        self.pending = [self.targets] * len(names)
        self.differencing = np.zeros(len(cells), bool)
        self.strikes = np.zeros(len(cells), int)   # audit rounds in which each primary failed
        self.incidence = abs(equations.matrix()).tocsr()
        self.hidden, self.proofs, self.rows = None, None, []   # rows: one per round played
        self.moved = False      # whether the last repair built moves (`_move`)
        self.failing, self.failures = np.array([], int), 0
        self.probes_only = False    # whether the last audit stopped at its probes (`_audit`)

    def model(self, block_by: str | None, mip_rel_gap: float, milp_rounds: int | None,
              log: Callable[[str], None] | None):
        """The first mask's MILP (one per block when `block_by` splits the cells) and the number of rounds that
        re-solve it with the audit's cuts."""
        problem = (self.values, self.free, self.primary, self.primary | self.unpublished,
                   self.cells["nb_unites"].to_numpy() == 1, self.cost,
                   protection(self.values, self.rules, self.equations.measures))
        if block_by is not None and self.cells[block_by].nunique() > 1:
            whole = None if self.blocks is None else self.blocks.codes == WHOLE
            return BlockModels(self.equations, problem, self.cells[block_by].astype(str).to_numpy(),
                               self.rules.regle_singletons, mip_rel_gap, log, whole), 1
        model = SuppressionModel(self.equations.keys, self.equations.terms, self.equations.holds(), *problem,
                                 self.rules.regle_singletons, mip_rel_gap, names=self.names)
        if milp_rounds is None:
            milp_rounds = MILP_ROUNDS_SMALL if len(self.targets) < LARGE_PUBLICATION else 1
        return model, milp_rounds

    def play(self, number: int, model, milp_rounds: int) -> dict:
        """One round: a new mask from the MILP (the first `milp_rounds`), the audit of the pending primaries,
        then the cuts added to the MILP or the mask repaired. Returns the round's row."""
        milp_seconds, lead_round = 0.0, False
        if number <= milp_rounds:
            self.hidden, milp_seconds = model.solve()
            self.pending = [self.targets] * len(self.names)
            self.proofs = Proofs(self.targets, len(self.names))   # a new mask: earlier proofs no longer hold
            lead_round = len(self.names) > 1 and len(self.targets) >= LARGE_PUBLICATION
        audited, attacks, seconds = self._audit(number, milp_rounds, lead_round)
        lifted = self._escalate(attacks)
        if number < milp_rounds:
            cuts = [cut for result in attacks for cut in result.cuts]
            added = model.add_cuts(cuts) if cuts else 0
        else:
            added = self._repair(attacks, audited)
        row = self._row(number, milp_rounds, audited, attacks, seconds, milp_seconds, added, lifted)
        self.rows.append(row)
        return row

    def _audit(self, number: int, milp_rounds: int, lead_round: bool):
        """The attack on the pending primaries; after a new mask, a large publication audits its headline count
        alone first — the other measures fail at nearly the same cells, and the repair for it settles most of
        theirs. Hiding cells only widens the attacker's intervals: a measure audits again only the primaries
        that failed for it."""
        measures = range(len(self.names))
        audited = [self.pending[m] if not lead_round or m == LEAD_MEASURE else self.targets[:0] for m in measures]
        repairing = number >= milp_rounds
        # a new mask's first audit, when the joint repair follows, stops after its probes: the tables settle the bounds
        # the probes left, failing or not, with no LP of their own (demo: 0,86 of the time, masks 0,2-0,5 % cheaper;
        # bench/RESULTS.md, twentieth session)
        self.probes_only = lead_round and self.blocks is None and JOINT_REPAIR
        batch = 0 if self.probes_only else REPAIR_BATCH if repairing else None
        attacks, seconds = attack_measures(
            self.equations, self.values, np.repeat(self.hidden[:, None], len(self.names), axis=1), audited,
            self.rules, exact=False, max_failures=batch,
            hideable=self.free & ~self.hidden, blocks=self.blocks,
            current=self.current, cost=self.cost if repairing else None,
            local_cuts=self.blocks is not None or number < milp_rounds + LOCAL_CUT_ROUNDS)
        for m, result in enumerate(attacks):
            self.proofs.record(m, audited[m], result)
        failed = [audited[m][self.hidden[audited[m]]][~result.ok] for m, result in enumerate(attacks)]
        self.pending = [failed[m] if not lead_round or m == LEAD_MEASURE else self.pending[m] for m in measures]
        self.failing = np.unique(np.concatenate(failed))
        self.failures = sum(len(f) for f in failed)
        self.strikes[np.unique([t for result in attacks for t in result.cut_targets]).astype(int)] += 1
        return audited, attacks, seconds

    def _escalate(self, attacks: list) -> np.ndarray:
        """Send the targets a block could not protect to a wider block; stop on a target no table can move."""
        self._stop_if_stuck(np.unique([target for result in attacks for target in result.stuck]).astype(int))
        moves = [move for result in attacks for move in result.escalated]
        for target, code in moves:   # two measures may widen it differently: the block holding both
            self.current[target] = self.blocks.widened(int(self.current[target]), np.array([code]))
        return np.unique([target for target, _ in moves])

    def _stop_if_stuck(self, stuck: np.ndarray) -> None:
        if len(stuck):
            named = ", ".join(describe(self.cells, cell) for cell in stuck[:5])
            raise SecrecyError(f"protection impossible : {len(stuck)} cellule(s) primaire(s) qu'aucun masque ne "
                               f"protège (aucune table ne les éloigne assez de leur valeur), p. ex. {named}")

    def _repair(self, attacks: list, audited: list) -> int:
        """Hide the cells the blocks hid for their own repairs, then the cuts' cheapest cells — or, in a publication
        of one block with few bounds left failing, a built move for each (`_move`); returns how many cells were
        hidden."""
        hidden = self.hidden
        # a move is built for a bound found failing: after an audit that stopped at its probes, the tables
        self.moved = self.blocks is None and 0 < self.failures <= MOVES_MAX_FAILURES and not self.probes_only
        if self.moved:
            added = self._move(attacks, audited)
        else:
            settled = np.unique(np.concatenate([result.hid for result in attacks]))
            added = int((~hidden[settled]).sum())
            hidden[settled] = True
            self.differencing[np.concatenate([result.hid_for_atoms for result in attacks])] = True
            short = None
            if self.blocks is None and JOINT_REPAIR:
                before = int(hidden.sum())
                short = self._jointly(attacks, audited)
                added += int(hidden.sum()) - before
            cuts = [(cut, t) for result in attacks for cut, t in zip(result.cuts, result.cut_targets)
                    if short is None or t in short]
            marks = [bool(self.unpublished[t]) for _, t in cuts]
            eager = [1.0 + 0.5 * max(0, self.strikes[t] - EAGER_AFTER) for _, t in cuts]
            added += repair(hidden, [cut for cut, _ in cuts], self.cost, self.free, marks, self.differencing, eager)
        close_pairs(hidden, self.incidence, self.cost, self.free, self.primary, self.unpublished)
        return added

    def _jointly(self, attacks: list, audited: list) -> set[int]:
        """`perturb.joint_repair` for the bounds found failing or left undecided by the audit: the published targets
        first, then the atoms, whose cells are the ones hidden only to stop differencing. A target its table moves far
        enough is proved (recorded, no longer pending: the mask only grows from here); returns the targets still
        failing for some measure, left to their cuts."""
        failed = [audited[m][self.hidden[audited[m]]][~result.ok] for m, result in enumerate(attacks)]
        order = sorted(range(len(self.names)), key=lambda m: m != LEAD_MEASURE)     # the headline count first
        need = protection(self.values, self.rules, self.equations.measures)
        for atoms in (False, True):
            before = self.hidden.copy()
            chosen = [targets[self.unpublished[targets] == atoms] for targets in failed]
            proved = joint_repair(self.equations, self.values, self.hidden, self.free, self.cost, need, chosen, order)
            for m, witness in enumerate(proved):
                settled = self._record_witness(m, witness, need)
                self.pending[m] = np.setdiff1d(self.pending[m], settled)
                failed[m] = np.setdiff1d(failed[m], settled)
            if atoms:
                self.differencing[self.hidden & ~before] = True
        self.failing = np.unique(np.concatenate(failed))
        return set(self.failing.astype(int).tolist())

    def _record_witness(self, m: int, witness, need) -> np.ndarray:
        """Record the intervals a table proves wide enough (the attacker's test: `attacker.attack`); returns their
        targets."""
        targets = witness.targets      # sorted, as `Proofs.record` takes them
        wide = wide_enough(witness, self.values[targets, m], need[0][targets, m], need[1][targets, m])
        settled = targets[wide]
        self.proofs.record(m, settled, Attack(witness.lower[wide], witness.upper[wide],
                                              np.ones(len(settled), bool), np.zeros(len(settled), bool)))
        return settled

    def _move(self, attacks: list, audited: list) -> int:
        """A built move for each bound still too narrow (`settle.moves_by_measure`): the cuts' cheapest cells creep by
        a few cells a round on these last bounds; a move settles each at once. A move proves its bound once the cells
        it moves are hidden (through hidden cells only: the attack's neighbourhood was too small): recorded, and no
        longer pending; a bound whose neighbourhood was too small to decide is audited again next round."""
        before = self.hidden.copy()
        chosen = [targets[before[targets]] for targets in audited]
        stuck = moves_by_measure(self.equations, self.values, self.hidden, self.free, self.cost, self.unpublished,
                                 self.differencing, protection(self.values, self.rules, self.equations.measures),
                                 chosen, attacks)
        self._stop_if_stuck(np.unique(stuck))
        left = [chosen[m][~result.ok] for m, result in enumerate(attacks)]
        for m, result in enumerate(attacks):
            if len(chosen[m]):
                self.proofs.record(m, chosen[m], result)
                self.pending[m] = left[m]
        self.failing = np.unique(np.concatenate(left))
        return int((self.hidden & ~before).sum())

    def _row(self, number, milp_rounds, audited, attacks, seconds, milp_seconds, added, lifted) -> dict:
        hidden, primary = self.hidden, self.primary
        mode = "MILP" if number < milp_rounds else "mouvements" if self.moved else "réparation"
        return {"round": number, "mode": mode,
                "measures": sum(len(a) > 0 for a in audited),
                "suppressed": int(hidden.sum()), "primaries": int(primary.sum()),
                "secondaries": int((hidden & ~primary & ~self.unpublished).sum()), "failures": self.failures,
                "cuts": added, "milp_seconds": milp_seconds, "lps": sum(a.lp_count for a in attacks),
                "local_lps": sum(a.local_lps for a in attacks), "local_cuts": sum(a.local_cuts for a in attacks),
                "lp_restarts": sum(a.restarts for a in attacks), "settled": sum(a.settled for a in attacks),
                "escalated": len(lifted), "escalated_to": wider_blocks(self.blocks, self.current, lifted),
                "audit_seconds": sum(seconds), **{f"audit_{m}_seconds": s for m, s in zip(self.names, seconds)}}

    def done(self) -> bool:
        return not any(len(p) for p in self.pending)

    def check_progress(self, row: dict) -> None:
        """Stop when intervals still fail and the round could neither hide a cell nor widen a block."""
        if len(self.failing) and not row["cuts"] and not row["escalated"]:
            named = ", ".join(describe(self.cells, cell) for cell in self.failing[:5])
            blocked = " (cellules imposées à la publication en jeu)" if self.forced.any() else ""
            raise SecrecyError(f"protection impossible{blocked} : {len(self.failing)} cellule(s) primaire(s) "
                               "restent déductibles et plus aucune cellule ne peut être masquée pour elles, "
                               f"p. ex. {named}")

    def outcome(self) -> tuple[pd.DataFrame, pd.DataFrame, AuditResult]:
        """The cells with their status, the rounds and the final audit of the converged mask."""
        cells, primary, hidden, names = self.cells, self.primary, self.hidden, self.names
        status = self.status
        status[hidden & ~primary] = "D"
        status = status.astype(str)
        hidden_all = np.repeat(hidden[:, None], len(names), axis=1)
        if exact_audit(self.targets):
            final, _ = attack_measures(self.equations, self.values, hidden_all, self.targets, self.rules, exact=True)
        else:
            # every primary passed in some repair round, under a mask the final one only extends: hiding a cell
            # more only widens the attacker's intervals, so those proofs hold (a new audit would cost a round 1)
            final = self.proofs.attacks()
        differencing = self.differencing & ~primary & (status == "D")
        result = AuditResult(intervals_frame(self.equations.keys, status, self.values, hidden_all, self.targets,
                                             final, self.rules, self.equations.measures),
                             summary_frame(self.equations.keys, status, self.values, empty_cells(cells, self.values),
                                           differencing, names))
        if not result.passed:
            raise SecrecyError("audit final en échec après convergence : publication refusée")
        return (cells.assign(secret=status), pd.DataFrame(self.rows),
                AuditResult(result.intervals, result.summary, cells.loc[differencing & ~self.unpublished, list(KEY)]))
