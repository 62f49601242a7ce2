"""One block's audit part of a national round, alone: a saved mask, a block (a région or a union of régions), a
measure — the part's time, LPs and bounds left failing, so a change of the attacker is measured on the part that
holds a round (bench/RESULTS.md, fourteenth session) in minutes instead of a France run of over an hour.

Usage: python bench/secrecy_block.py --spec /path/national.toml --mask masque_01.npy --block 76 [--measure etp]
[--millesime 2018] [--set attacker.PROBE_MAX_CELLS=100000 ...] [--whole]
       python bench/secrecy_block.py --spec /path/national.toml --state state_r1.npz --block unions
(the warehouse of `bench/national.py --keep DIR`, the mask of `bench/secrecy_parts.py --masks DIR`; with --mask the
part audits every primary of the block for the measure, as a round after a new mask does, and runs the block's own
repairs; with --state (`bench/secrecy_parts.py --state`) the next round's parts of the block, or of every union of
régions, as the round runs them; --set changes a constant of an oress.secrecy module for the run: the same part with
and without a change)
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

from secrecy_parts import timed_part  # noqa: E402  (bench/, the script's folder, is on the path)

from oress import protect  # noqa: E402
from oress.config import load_spec  # noqa: E402
from oress.secrecy.audit import attack_measures  # noqa: E402
from oress.secrecy.blocks import WHOLE  # noqa: E402
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
        current = getattr(target, constant)
        kind = type(current) if current is not None else (float if "." in value else int)   # None: unlimited
        setattr(target, constant, None if value == "None" else kind(float(value)))
        print(f"set {name} = {getattr(target, constant)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--mask", type=Path, help="a saved mask: every primary of the block, one measure")
    source.add_argument("--state", type=Path, help="a saved round state (`secrecy_parts.py --state`): the next "
                        "round's parts of the block(s), every measure's pending targets, escalations included")
    parser.add_argument("--block", required=True,
                        help="audit block label: a région code, '27+28', 'unions' or 'whole' (the top)")
    parser.add_argument("--measure", default="etp")
    parser.add_argument("--millesime", type=int, default=2018)
    parser.add_argument("--set", action="append", default=[], dest="settings")
    parser.add_argument("--whole", action="store_true",
                        help="attack the block's groups whole, as one région's are, even for a union of régions")
    arguments = parser.parse_args()
    apply_settings(arguments.settings)
    start = time.perf_counter()
    cells, equations, rules, audit_by = national_problem(load_spec(arguments.spec), arguments.millesime)
    rounds = Rounds(cells, equations, rules, None, audit_by, "bloc")
    labels = rounds.blocks.labels
    codes = np.flatnonzero(np.char.find(labels.astype(str), "+") >= 0) if arguments.block == "unions" \
        else np.array([WHOLE]) if arguments.block == "whole" else np.flatnonzero(labels == arguments.block)
    if arguments.mask:
        rounds.hidden = np.load(arguments.mask)
        current = rounds.blocks.home
        measure = rounds.names.index(arguments.measure)
        pending = [rounds.targets if m == measure else rounds.targets[:0] for m in range(len(rounds.names))]
    else:
        state = np.load(arguments.state)
        rounds.hidden, current = state["hidden"], state["current"]
        pending = [state[f"pending_{m}"] for m in range(len(rounds.names))]
    chosen = [targets[np.isin(current[targets], codes)] for targets in pending]
    print(f"problem built in {time.perf_counter() - start:.1f} s: block {arguments.block}, targets per measure "
          f"{[len(c) for c in chosen]}", flush=True)
    hidden = np.repeat(rounds.hidden[:, None], len(rounds.names), axis=1)
    if arguments.whole:
        audit_module.one_region = lambda blocks, part: part in codes
    audit_module._timed_attack = timed_part
    attacks, seconds = attack_measures(equations, rounds.values, hidden, chosen, rules, exact=False,
                                       max_failures=REPAIR_BATCH, hideable=rounds.free & ~rounds.hidden,
                                       blocks=rounds.blocks, current=current, cost=rounds.cost)
    print(f"all parts: {time.perf_counter() - start:.1f} s since the start, worker s {sum(seconds):.1f}, "
          f"{sum(a.lp_count for a in attacks)} LP, {sum(int((~a.ok).sum()) for a in attacks)} failing, "
          f"{sum(len(a.escalated) for a in attacks)} escalated; peak MiB "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)
    widened = [code for a in attacks for _, code in a.escalated]
    if widened:
        places, counts = np.unique(["whole" if c == WHOLE else str(labels[c]) for c in widened], return_counts=True)
        print("escalated to: " + ", ".join(f"{p} {n}" for p, n in zip(places, counts)), flush=True)


if __name__ == "__main__":
    main()
