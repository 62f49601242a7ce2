"""Secrecy on a kept national warehouse, each round and each part of its audit timed: the figures of
bench/RESULTS.md's «France audited in the HiTaS order» (per block, per round, per part: whole publication,
union of régions, région).

Usage: python bench/secrecy_parts.py --spec /path/national.toml [--millesime 2018] [--masks DIR] [--rounds N]
(the warehouse of `bench/national.py --keep DIR`; run `oress reference` on it after an upgrade; never part of the
test suite; about an hour on 2 cores)
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oress.config import load_spec  # noqa: E402
from oress.protect import protect_millesime  # noqa: E402
from oress.secrecy import SecrecyError  # noqa: E402
from oress.warehouse import reading  # noqa: E402

audit_module = sys.modules["oress.secrecy.audit"]
suppress_module = sys.modules["oress.secrecy.suppress"]
rounds_module = sys.modules["oress.secrecy.rounds"]
attack_part = audit_module._timed_attack


def timed_part(job):
    """One part of an audit (`audit.AttackJob`), printed when it takes more than 5 s, and its start when it is large
    (a part that never ends is then named)."""
    kind = "région" if job.one_region else "union or whole"
    size = f"{job.matrix.shape[1]} cells, {int(job.hidden.sum())} hidden, {len(job.targets)} targets"
    if len(job.targets) >= 100:
        print(f"      start: {kind}, {size} [{time.strftime('%H:%M:%S')}]", flush=True)
    result, seconds = attack_part(job)
    if seconds > 5:
        print(f"      part: {kind}, {size}, {seconds:.1f} s, {result.lp_count} LP ({result.local_lps} local), "
              f"{int((~result.ok).sum())} ko, {len(result.escalated)} esc, {result.settled} settled in the part "
              f"({len(result.hid)} cells hidden)", flush=True)
    return result, seconds


def keep_masks(folder: Path) -> None:
    """Save the mask after each repair round (masque_NN.npy): a later experiment starts from round NN."""
    folder.mkdir(parents=True, exist_ok=True)
    close_pairs, count = rounds_module.close_pairs, [0]

    def saving(hidden, *rest, **named):
        close_pairs(hidden, *rest, **named)
        count[0] += 1
        np.save(folder / f"masque_{count[0]:02d}.npy", hidden)
    rounds_module.close_pairs = saving


def keep_state(path: Path, after: int) -> None:
    """Save the rounds' state after round `after` (mask, pending primaries, each target's audit block): the round
    after it can then be replayed part by part (`bench/secrecy_block.py --state`) without the rounds before it."""
    play = rounds_module.Rounds.play

    def playing(self, number, *rest):
        row = play(self, number, *rest)
        if number == after:
            np.savez(path, hidden=self.hidden, current=self.current, number=number,
                     **{f"pending_{m}": pending for m, pending in enumerate(self.pending)})
        return row
    rounds_module.Rounds.play = playing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--millesime", type=int, default=2018)
    parser.add_argument("--masks", type=Path, help="folder where each round's mask is saved")
    parser.add_argument("--rounds", type=int, default=100, help="stop after this many rounds")
    parser.add_argument("--state", type=Path, help="file (.npz) where the state after round --state-after is saved")
    parser.add_argument("--state-after", type=int, default=1)
    arguments = parser.parse_args()
    if arguments.masks:
        keep_masks(arguments.masks)
    if arguments.state:
        keep_state(arguments.state, arguments.state_after)
    if arguments.rounds < 100:
        suppress_module.suppress.__kwdefaults__["max_rounds"] = arguments.rounds
    audit_module._timed_attack = timed_part     # inherited by the forked workers
    spec = load_spec(arguments.spec)
    start = time.perf_counter()
    with reading(spec.warehouse) as connection:
        try:
            _, protection = protect_millesime(connection, arguments.millesime, spec.secret,
                                              lambda line: print(f"[{time.perf_counter() - start:7.1f} s] {line}",
                                                                 flush=True))
        except SecrecyError as error:    # --rounds reached
            print(f"stopped: {error}")
            protection = None
    print(f"total {time.perf_counter() - start:.1f} s; peak MiB: this process "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}, workers "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f}")
    if protection is not None:
        print(protection.rounds.to_string())


if __name__ == "__main__":
    main()
