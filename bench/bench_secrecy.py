"""Protect a synthetic publication of realistic shape and print what it took.

communes → EPCI → départements → région (→ France) × 9 champs × (ensemble + 11 sectors + 4 size
bands), built from synthetic establishments (skewed sizes, multi-establishment enterprises).
Prints the number of cells, equations, primaries, secondaries, then each round's MILP and
per-measure audit times. Usage: python bench/bench_secrecy.py [--communes 600] [--epci 70] ...
(never part of the test suite)
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oress.config import SecretRules  # noqa: E402
from oress.secrecy import MEASURES, audit, build_equations, masked, suppress  # noqa: E402
from tests.secrecy_cube import cube  # noqa: E402

CHAMP_SHARES = {"prive_hors_ess": 0.58, "public": 0.12, "association": 0.22, "cooperative": 0.04,
                "mutuelle": 0.02, "fondation": 0.02}
SECTORS = [f"A{i:02d}" for i in range(1, 12)]
# sector weights by champ: associations lean to social action, education, arts and sport
SECTOR_WEIGHTS = {
    "association": [1, 1, 1, 0.2, 8, 4, 25, 8, 10, 6, 8],
    "cooperative": [10, 8, 1, 15, 0.5, 0.5, 1, 0.5, 0.5, 0.5, 12],
    "mutuelle": [0.1, 0.1, 0.1, 20, 0.5, 6, 3, 0.1, 0.1, 0.1, 3],
    "fondation": [0.1, 0.1, 0.1, 0.1, 4, 8, 10, 1, 0.5, 0.5, 2],
    "public": [0.5, 1, 0.5, 0.5, 15, 10, 6, 2, 2, 0.1, 20],
    "prive_hors_ess": [3, 20, 10, 3, 1, 4, 2, 1, 1, 0.1, 40],
}


def geography(rng, communes: int, epci: int, departements: int) -> pd.DataFrame:
    """Membership rows (niveau, code, depcom): every commune in one EPCI, every EPCI in one département."""
    epci_dep = np.sort(np.arange(epci) % departements)
    sizes = rng.multinomial(communes - 2 * epci, rng.dirichlet(np.full(epci, 1.5))) + 2
    commune_epci = np.repeat(np.arange(epci), sizes)
    depcom = [f"{10 + epci_dep[e]:02d}{i:03d}" for i, e in enumerate(commune_epci)]
    rows = [("commune", c, c) for c in depcom]
    rows += [("epci", f"2000{e:05d}", c) for e, c in zip(commune_epci, depcom)]
    rows += [("departement", f"{10 + epci_dep[e]:02d}", c) for e, c in zip(commune_epci, depcom)]
    rows += [("region", "28", c) for c in depcom] + [("france", "FR", c) for c in depcom]
    return pd.DataFrame(rows, columns=["niveau", "code", "depcom"])


def establishments(rng, depcoms: list[str], count: int) -> pd.DataFrame:
    weight = 1.0 / np.arange(1, len(depcoms) + 1) ** 0.9
    depcom = rng.choice(depcoms, size=count, p=weight / weight.sum())
    champ = rng.choice(list(CHAMP_SHARES), size=count, p=list(CHAMP_SHARES.values()))
    sector = np.array([rng.choice(SECTORS, p=np.array(SECTOR_WEIGHTS[c]) / sum(SECTOR_WEIGHTS[c])) for c in champ])
    postes = np.minimum(np.floor(rng.pareto(1.2, count) * 3) + 1, 3000)
    etp = np.round(postes * rng.uniform(0.55, 1.0, count), 2)
    wage = np.round(etp * 28000 * rng.lognormal(0, 0.25, count), 2)
    siren = np.arange(count)
    networks = rng.random(count) < 0.15           # 15 % belong to a multi-establishment enterprise
    siren[networks] = rng.integers(0, max(1, count // 40), networks.sum()) + count
    return pd.DataFrame({"millesime": 2018, "siren": siren.astype(str), "siret": np.arange(count).astype(str),
                         "depcom": depcom, "champ_detail": champ, "secteur": sector, "postes": postes,
                         "etp": etp, "remuneration_brute": wage})


def contributions(firms: pd.DataFrame) -> pd.DataFrame:
    band = pd.cut(firms["postes"], [-1, 9, 49, 249, np.inf], labels=["0-9", "10-49", "50-249", "250+"])
    parts = [firms.assign(dimension="ensemble", modalite="ensemble"),
             firms.assign(dimension="secteur", modalite=firms["secteur"]),
             firms.assign(dimension="taille", modalite=band.astype(str))]
    return pd.concat(parts, ignore_index=True).drop(columns="secteur")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=600)
    parser.add_argument("--epci", type=int, default=70)
    parser.add_argument("--departements", type=int, default=5)
    parser.add_argument("--etablissements", type=int, default=15000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gap", type=float, default=1e-4, help="MILP relative gap")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    membership = geography(rng, args.communes, args.epci, args.departements)
    firms = establishments(rng, sorted(membership.query("niveau == 'commune'")["depcom"]), args.etablissements)
    start = time.perf_counter()
    cells = cube(contributions(firms), membership)
    print(f"cube: {len(cells)} cells ({int((cells['nb_unites'] > 0).sum())} non empty) "
          f"in {time.perf_counter() - start:.1f}s")
    start = time.perf_counter()
    modalities = (cells.loc[cells["dimension"] != "ensemble", ["dimension", "modalite"]].drop_duplicates()
                  .assign(parent=None))                   # flat breakdowns: every modality sums to the total
    equations = build_equations(cells, membership, modalities)
    print(f"equations: {len(equations.table)} ({equations.table['kind'].value_counts().to_dict()}), "
          f"{len(equations.terms)} terms, in {time.perf_counter() - start:.1f}s")
    start = time.perf_counter()
    protection = suppress(cells, equations, SecretRules(), mip_rel_gap=args.gap, log=print)
    total = time.perf_counter() - start
    status = protection.cells["secret"].value_counts().to_dict()
    print(f"statuses: {status}; rounds: {len(protection.rounds)}; suppress total {total:.1f}s "
          f"(MILP {protection.rounds['milp_seconds'].sum():.1f}s, "
          f"audit {protection.rounds[[f'audit_{m}_seconds' for m in MEASURES]].sum().sum():.1f}s)")
    print(protection.audit.summary.to_string(index=False))
    start = time.perf_counter()
    again = audit(masked(protection.cells), cells, equations, SecretRules())
    print(f"independent audit: passed={again.passed}, {len(again.intervals)} intervals "
          f"in {time.perf_counter() - start:.1f}s")


if __name__ == "__main__":
    main()
