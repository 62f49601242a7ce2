"""Statistical secrecy engine: primary rules, what a reader of the whole publication can subtract (atoms),
additivity equations, global suppression MILP, attacker audit.

Pure functions over pandas frames (no warehouse, no files except `write_audit_report`).

Cells (one row per published cell) carry the contract key
``millesime, niveau, code, champ, dimension, modalite`` (KEY), the true measures
``etablissements, postes, etp, remuneration_brute`` (MEASURES, ≥ 0), ``nb_unites`` (enterprises,
SIREN) and the largest enterprise's share of each measure ``part_max_postes, part_max_etp,
part_max_remuneration`` (and optionally ``part_max_etablissements``). Every function sorts cells by
KEY; cell ids are positions in that order (``canonical``).

- ``primary_status(cells, rules) -> Series`` of '' / 'A' (1 ≤ nb_unites < frequence_min) /
  'B' (a share ≥ dominance_seuil, or > when dominance_inclusive is false); empty cells are ''.
- ``build_equations(cells, membership, modalities, atoms=None) -> Equations``: every equation total − Σ
  parts = 0 among the present cells (a missing part counts as empty): champ (ensemble = ess + hors_ess,
  ess = four families, hors_ess = public + prive_hors_ess), dimension (secteur A01…A11 and A07 =
  AQB01…05, taille, and the job attributes sexe, age (and 50+ = 50-54 + 55+), csp, temps_travail,
  contrat which hold for postes, etp, remuneration_brute but not etablissements) and geography: per
  dimension, every territory of a level published for it = the disjoint union of the largest smaller
  territories or atoms inside it (``atoms.decompositions``). ``atoms`` (dimension, code, depcom, from
  ``needed_atoms(membership, publication)``) lists the unpublished atoms a reader derives by
  subtracting overlapping territories; their cells are in ``cells`` at niveau ATOM_LEVEL ('atome'): never
  published, always unknowns to the attacker, audited when primary. A publication whose overlaps
  need an atom that has no cells is refused. Equations.keys (the canonical KEY frame), .terms
  (equation, cell, coef ±1), .table (equation, kind, total, detail, one bool per measure: the equation
  holds for it). ``check_equations(equations, values)`` refuses equations the true values contradict.
- ``suppress(cells, equations, rules, must_publish=None, mip_rel_gap=1e-4, max_rounds=100, block_by=None,
  audit_by=None, log=None, on_round=None) -> Protection``: one HiGHS MILP for the whole publication (a national
  one: one MILP per région, ``block_by``) (pair rule, capacity,
  singleton rule, cost = 1 + value in postes-equivalents), then the attacker audit; failing intervals
  become cuts, re-solved by the MILP (small publications) or repaired monotonically, until the audit
  passes, else SecrecyError; in a publication of one block, once few bounds fail
  (``rounds.MOVES_MAX_FAILURES``), each gets a built move instead of a cut (``alternative``, round mode
  'mouvements'): a move through hidden cells proves its bound, the others are checked by the next audit.
  Cells that always hold the same value share one MILP variable (``milp.equal_cells``); each measure
  re-audits only its own failing primaries, and a large publication's
  new mask is audited on the headline count (postes) alone first. In large groups the attacker first works
  on each primary's neighbourhood (``neighbourhood.Neighbourhood``: the other unknowns fixed at their true
  values, a sound inner interval); a large group's own LP is presolved once for its targets
  (``presolve.Reduction``: pinned cells, slack cells, hidden totals replaced by their parts; duals recovered
  for the cuts). A national publication is audited in the HiTaS order (``blocks``, ``audit_by``): each région's
  targets, its own cells included, on the région's part — its cells, the top's (France, the régions' cells) and
  those of the territories across it as unknowns, every other cell fixed at its true value (a conservative
  attacker: its intervals lie inside the true ones); a territory across some régions on the union of its
  régions; France's cells on the whole publication; a target its block cannot protect on the smallest block
  holding the cells its cut asks for (the whole publication at worst). Each part of a national audit runs its
  own repair rounds (``settle``): the cuts' cheapest cells first, then for a bound that keeps failing the cheapest
  cells whose hiding lets the attacker move the target by its whole need (``alternative``: a table that proves the
  bound; none among all the cells that can move with it sends the target to the whole publication, and there
  stops the protection with the cell named).
  Protection.cells = cells (canonical order) + ``secret`` ('', 'A', 'B', 'D');
  Protection.rounds = round, mode, measures (audited), suppressed, primaries, secondaries, failures, cuts, milp_seconds,
  lps, local_lps, local_cuts, lp_restarts (LPs solved again from scratch after a numerical failure), settled (targets
  failing at first that their block's own repair rounds protected within the round: ``settle``), escalated
  (targets their block could not protect, attacked on a wider block from the next round), escalated_to (which
  blocks: 'R1+R2 : 3, toute la publication : 1'),
  audit_<measure>_seconds; Protection.audit = AuditResult. ``masked(protection.cells)``
  sets the four measures to NULL where secret ≠ ''.
- ``audit(published, true_values, equations, rules) -> AuditResult`` for any written
  publication: ``published`` = KEY + ``secret`` + measures (NULL when hidden), ``true_values`` =
  KEY + true measures (+ nb_unites, part_max_* to re-apply the primary rules). AuditResult.intervals
  = KEY, secret, measure, value, lower, upper, required_lower, required_upper, ok (one row per
  primary cell × measure; required = value ∓ max(intervalle_protection × value, minimum), lower
  clipped at 0; ok when lower ≤ required_lower and upper ≥ required_upper; extremes False when, above
  EXACT_AUDIT_MAX_PRIMARIES primaries, a bound is a witness the attacker reaches, not his optimum); .summary = per
  niveau and 'ensemble': cellules, vides, publiees, A, B, D, part_masquee_<measure>; .passed.
- ``write_audit_report(result, folder) -> [paths]``: audit_secret.parquet,
  audit_secret_resume.csv, audit_secret.html, each written aside then renamed.

Rules come from ``oress.config.SecretRules`` (the spec's [secret] table).
"""
from oress.secrecy.atoms import ATOM_LEVEL, needed_atoms
from oress.secrecy.audit import AuditResult, audit
from oress.secrecy.cells import ANNUAL, KEY, MEASURES, QUARTERLY, Measures, SecrecyError, canonical
from oress.secrecy.equations import Equations, build_equations, check_equations
from oress.secrecy.primary import primary_status
from oress.secrecy.report import write_audit_report
from oress.secrecy.suppress import Protection, masked, suppress

__all__ = ["ANNUAL", "QUARTERLY", "Measures", "ATOM_LEVEL", "needed_atoms", "KEY", "MEASURES", "AuditResult",
           "Equations", "Protection", "SecrecyError", "audit", "build_equations",
           "canonical", "check_equations", "masked", "primary_status", "suppress", "write_audit_report"]
