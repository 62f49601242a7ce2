"""One block's audit part of a national round, alone: a saved mask, a block (a région or a union of régions), a
measure — the part's time, LPs and bounds left failing, so a change of the attacker is measured on the part that
holds a round (bench/RESULTS.md, fourteenth session) in minutes instead of a France run of over an hour.

Usage: python bench/secrecy_block.py --spec /path/national.toml --mask masque_01.npy --block 76 [--measure etp]
[--millesime 2018] [--set attacker.PROBE_MAX_CELLS=100000 ...]
(the warehouse of `bench/national.py --keep DIR`, the mask of `bench/secrecy_parts.py --masks DIR`; the part audits
every primary of the block for the measure, as a round after a new mask does, and runs the block's own repairs;
--set changes a constant of an oress.secrecy module for the run: the same part with and without a change)
"""
from __future__ import annotations

import argparse
import importlib
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oress import protect  # noqa: E402
from oress.config import load_spec  # noqa: E402
from oress.secrecy.audit import attack_measures  # noqa: E402
from oress.secrecy.rounds import REPAIR_BATCH, Rounds  # noqa: E402
from oress.warehouse import reading  # noqa: E402

audit_module = sys.modules["oress.secrecy.audit"]


class Captured(Exception):
    """Raised by `capture` in place of suppress: protect_millesime's cells and equations, nothing solved."""


def capture(cells, equations, rules, **named):
    raise Captured(cells, equations, rules, named)


def national_problem(spec, millesime: int):
    """The cells (with their blocks), equations and rules protect_millesime hands to suppress."""
    protect.suppress = capture
    with reading(spec.warehouse) as connection:
        try:
            protect.protect_millesime(connection, millesime, spec.secret)
        except Captured as captured:
            cells, equations, rules, named = captured.args
            return cells, equations, rules, named["audit_by"]
    raise SystemExit("not a national publication: no audit blocks")


def apply_settings(settings: list[str]) -> None:
    for setting in settings:
        name, value = setting.split("=")
        module, constant = name.rsplit(".", 1)
        target = importlib.import_module(f"oress.secrecy.{module}")
        setattr(target, constant, type(getattr(target, constant))(float(value)))
        print(f"set {name} = {getattr(target, constant)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--mask", type=Path, required=True)
    parser.add_argument("--block", required=True, help="audit block label: a région code, or '27+28'")
    parser.add_argument("--measure", default="etp")
    parser.add_argument("--millesime", type=int, default=2018)
    parser.add_argument("--set", action="append", default=[], dest="settings")
    parser.add_argument("--whole", action="store_true",
                        help="attack the block's groups whole, as one région's are, even for a union of régions")
    arguments = parser.parse_args()
    apply_settings(arguments.settings)
    start = time.perf_counter()
    cells, equations, rules, audit_by = national_problem(load_spec(arguments.spec), arguments.millesime)
    rounds = Rounds(cells, equations, rules, None, audit_by)
    rounds.hidden = np.load(arguments.mask)
    code = int(np.flatnonzero(rounds.blocks.labels == arguments.block)[0])
    measure = rounds.names.index(arguments.measure)
    targets = rounds.targets[rounds.blocks.codes[rounds.targets] == code]
    chosen = [targets if m == measure else targets[:0] for m in range(len(rounds.names))]
    print(f"problem built in {time.perf_counter() - start:.1f} s: block {arguments.block}, {len(targets)} primaries, "
          f"measure {arguments.measure}", flush=True)
    hidden = np.repeat(rounds.hidden[:, None], len(rounds.names), axis=1)
    if arguments.whole:
        audit_module.one_region = lambda blocks, part: part == code
    attacks, seconds = attack_measures(equations, rounds.values, hidden, chosen, rules, exact=False,
                                       max_failures=REPAIR_BATCH, hideable=rounds.free & ~rounds.hidden,
                                       blocks=rounds.blocks, cost=rounds.cost)
    result = attacks[measure]
    print(f"part: {seconds[measure]:.1f} s, {result.lp_count} LP ({result.local_lps} local), "
          f"{int((~result.ok).sum())} of {len(result.ok)} failing, {len(result.escalated)} escalated, "
          f"{result.settled} settled in the part, {len(np.unique(result.hid))} cells hidden; peak MiB "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)


if __name__ == "__main__":
    main()
