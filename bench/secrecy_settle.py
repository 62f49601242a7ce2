"""One repair round of a national audit on a saved mask, its blocks' parts attacked as `suppress` does, without and
with the parts settling their own repairs (`oress.secrecy.settle`), in the same process: failing targets, cuts
left to the global repair, escalated targets, cells the parts hid, seconds, and their ratio — the figures of
bench/RESULTS.md's tenth session. `--whole` attacks the blocks' targets on the whole publication instead (where a
target its block cannot protect goes).

Usage: python bench/secrecy_settle.py --spec /path/national.toml --mask DIR/masque_13.npy [--whole] BLOCK…
(BLOCK: a label of the column bloc_audit, e.g. 01 or 27+84; a kept national warehouse of `bench/national.py --keep
DIR`, a mask saved by `bench/secrecy_parts.py --masks`; never part of the test suite; a few minutes on 2 cores)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oress.config import load_spec  # noqa: E402
from oress.protect import audit_blocks, level_blocks, read_publication  # noqa: E402
from oress.secrecy.atoms import ATOM_LEVEL  # noqa: E402
from oress.secrecy.audit import attack_measures  # noqa: E402
from oress.secrecy.blocks import WHOLE, block_codes  # noqa: E402
from oress.secrecy.cells import canonical, empty_cells, headline_weight, measure_values, suppression_cost  # noqa: E402
from oress.secrecy.primary import primary_status  # noqa: E402
from oress.secrecy.rounds import REPAIR_BATCH  # noqa: E402
from oress.warehouse import reading  # noqa: E402

POSTES = 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spec", required=True)
    parser.add_argument("--mask", type=Path, required=True)
    parser.add_argument("--millesime", type=int, default=2018)
    parser.add_argument("--whole", action="store_true", help="attack the blocks' targets on the whole publication")
    parser.add_argument("blocks", nargs="+")
    arguments = parser.parse_args()
    spec = load_spec(arguments.spec)
    cells, equations = national_cells(spec, arguments.millesime)
    values = measure_values(cells, equations.measures)
    unpublished = cells["niveau"].to_numpy() == ATOM_LEVEL
    empty = empty_cells(cells, values) & ~unpublished
    weight = headline_weight(cells, spec.secret)
    cost = np.where(unpublished, 0.0, suppression_cost(values, empty | unpublished, weight))
    blocks = block_codes(cells, "bloc_audit")
    hidden = np.load(arguments.mask)
    codes = [int(np.flatnonzero(blocks.labels == label)[0]) for label in arguments.blocks]
    targets = np.flatnonzero((primary_status(cells, spec.secret).to_numpy() != "") & hidden
                             & np.isin(blocks.codes, codes))
    current = np.where(np.isin(np.arange(len(cells)), targets), WHOLE, blocks.codes) if arguments.whole else None
    measures = len(equations.measures.names)
    audited = [targets[:0]] * measures
    audited[POSTES] = targets
    print(f"{', '.join(arguments.blocks)}{' on the whole publication' if arguments.whole else ''}: "
          f"{len(targets)} hidden primaries (postes), {int(hidden.sum())} hidden cells", flush=True)
    seconds = {}
    for name, given in (("cut repair by the global round", None), ("parts settling their own repairs", cost)):
        start = time.perf_counter()
        attacks, _ = attack_measures(equations, values, np.repeat(hidden[:, None], measures, axis=1), audited,
                                     spec.secret, exact=False, max_failures=REPAIR_BATCH, hideable=~empty & ~hidden,
                                     blocks=blocks, current=current, cost=given)
        seconds[name] = time.perf_counter() - start
        result = attacks[POSTES]
        print(f"{name}: {int((~result.ok).sum())} failing, {len(result.cuts)} cuts left, {len(result.escalated)} "
              f"escalated, {result.settled} settled in their part, {len(result.hid)} cells hidden by the parts, "
              f"{seconds[name]:.1f} s", flush=True)
    names = list(seconds)
    print(f"time ratio settling / cut repair: {seconds[names[1]] / seconds[names[0]]:.2f}")


def national_cells(spec, millesime: int):
    """The national cells in canonical order (the masks' order) with their audit blocks, and the equations."""
    with reading(spec.warehouse) as connection:
        publication = read_publication(connection, millesime)
    cells, equations, units = publication.cells, publication.equations(), publication.units()
    blocked = cells.assign(bloc=level_blocks(cells, units))
    blocked["bloc_audit"] = audit_blocks(blocked, units)
    return canonical(blocked, required=(*equations.measures.names, "nb_unites")), equations


if __name__ == "__main__":
    main()
