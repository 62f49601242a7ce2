"""Anchor the secrecy engine on tau-ARGUS: oress's `suppress` and tau-ARGUS's modular method (MOD, HiTaS;
the `pytauargus` engine, HiGHS based) protect the same synthetic tables, and oress's attacker audit checks
both patterns (primary intervals narrower than ±10 %).

Tables: communes → EPCI (~20 communes each) → 5 départements → one région × the 9 champs ("champ"), and
× sexe (ensemble, F, H) ("sexe"), built from synthetic establishments with `bench/bench_secrecy.py`'s
generators and `tests/secrecy_cube.py` (enterprises as units). Primaries: oress's rules (frequency 3,
dominance 85 % on any of postes, etp, rémunération); tau-ARGUS gets that primary pattern as its status
U (a priori unsafe) with protection levels max(10 % × postes, 1) and protects postes (cost = postes).
tau-ARGUS's own audit is run with attacker bounds [0, 1.5 × max], as tau-ARGUS does (pytauargus'
default is [min cell, max cell]).

Usage: python bench/secrecy_anchor.py [--communes 2000] [--sizes champ,sexe] [--etablissements 25/commune]
       [--mod "MOD(1,5,1,1,1)"] [--no-tau-audit]   (needs `pip install oress[bench]`; never in the tests)
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_secrecy import establishments, geography  # noqa: E402  (bench/ is on the path as a script)
from pytauargus.engine import Engine  # noqa: E402

from oress.config import SecretRules  # noqa: E402
from oress.secrecy import audit, build_equations, masked, suppress  # noqa: E402
from oress.secrecy.equations import CHAMP_PARTS  # noqa: E402
from tests.secrecy_cube import cube  # noqa: E402

RULES = SecretRules(frequence_min=3, dominance_seuil=0.85)
SEXES = pd.DataFrame({"dimension": ["sexe", "sexe"], "modalite": ["F", "H"], "parent": [None, None]})


# -- synthetic tables ----------------------------------------------------------------------------------

def synthetic(communes: int, per_commune: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Membership (no France) and the contributions: each establishment once in dimension ensemble and
    once per sexe where it has jobs (postes split binomially, etp and wages in proportion)."""
    rng = np.random.default_rng(seed)
    membership = geography(rng, communes, communes // 20, 5).query("niveau != 'france'").reset_index(drop=True)
    firms = establishments(rng, sorted(membership.query("niveau == 'commune'")["depcom"]), communes * per_commune)
    firms = firms.drop(columns="secteur")
    women = rng.binomial(firms["postes"].astype(int), rng.beta(2, 2, len(firms)))
    rows = [firms.assign(dimension="ensemble", modalite="ensemble")]
    for sexe, postes in (("F", women), ("H", firms["postes"] - women)):
        share = postes / firms["postes"]
        rows.append(firms.assign(dimension="sexe", modalite=sexe, postes=postes, etp=firms["etp"] * share,
                                 remuneration_brute=firms["remuneration_brute"] * share)[postes > 0])
    return membership, pd.concat(rows, ignore_index=True)


def table(contributions: pd.DataFrame, membership: pd.DataFrame, size: str) -> pd.DataFrame:
    chosen = contributions if size == "sexe" else contributions.query("dimension == 'ensemble'")
    return cube(chosen, membership)


# -- oress ---------------------------------------------------------------------------------------------

def run_oress(cells, membership, gap: float):
    start = time.perf_counter()
    equations = build_equations(cells, membership, SEXES)
    protection = suppress(cells, equations, RULES, mip_rel_gap=gap)
    return equations, protection, time.perf_counter() - start


# -- tau-ARGUS -----------------------------------------------------------------------------------------

def geo_hrc(membership: pd.DataFrame) -> str:
    """départements, @EPCI, @@communes (the région is the table's total)."""
    wide = membership.pivot(index="depcom", columns="niveau", values="code")
    lines = []
    for dep, in_dep in wide.groupby("departement", sort=True):
        lines.append(dep)
        for epci, group in in_dep.groupby("epci", sort=True):
            lines += [f"@{epci}", *(f"@@{c}" for c in sorted(group["commune"]))]
    return "\n".join(lines) + "\n"


def champ_hrc() -> str:
    return "".join(f"{total}\n" + "".join(f"@{p}\n" for p in CHAMP_PARTS[total]) for total in ("ess", "hors_ess"))


def tau_files(cells: pd.DataFrame, primary: np.ndarray, membership: pd.DataFrame, folder: Path,
              mod: str) -> tuple[list[str], Path, Path]:
    """Tabular input (.tab/.rda/.hrc) and the batch (.arb): non-empty cells only, status U on oress's
    primaries with protection levels max(10 % × postes, 1), S elsewhere."""
    region = membership.query("niveau == 'region'")["code"].iloc[0]
    variables = ["geo", "champ"] + (["sexe"] if (cells["dimension"] == "sexe").any() else [])
    need = np.maximum(RULES.intervalle_protection * cells["postes"], RULES.minimum_effectifs)
    frame = pd.DataFrame({"geo": cells["code"], "champ": cells["champ"], "sexe": cells["modalite"],
                          "postes": cells["postes"].round().astype(int), "freq": cells["nb_unites"],
                          "status": np.where(primary, "U", "S"),
                          "lpl": np.where(primary, np.minimum(need, cells["postes"]), 0).round(2),
                          "upl": np.where(primary, need, 0).round(2)})
    frame = frame[cells["nb_unites"].to_numpy() > 0]
    frame[variables + ["postes", "freq", "status", "lpl", "upl"]].to_csv(folder / "cells.tab", sep=";", header=False,
                                                                          index=False)
    (folder / "geo.hrc").write_text(geo_hrc(membership))
    (folder / "champ.hrc").write_text(champ_hrc())
    hierarchy = {"geo": (region, "geo.hrc"), "champ": ("ensemble", "champ.hrc"), "sexe": ("ensemble", None)}
    rda = ['<SEPARATOR> ";"', '<SAFE> "S"', '<UNSAFE> "U"', '<PROTECT> "P"']
    for name in variables:
        total, hrc = hierarchy[name]
        rda += [name, "  <RECODEABLE>", f'  <TOTCODE> "{total}"']
        if hrc:
            rda += ["  <HIERARCHICAL>", f'  <HIERCODELIST> "{folder / hrc}"', '  <HIERLEADSTRING> "@"']
    rda += ["postes", "  <NUMERIC>", "  <DECIMALS> 0", "freq", "  <FREQUENCY>", "status", "  <STATUS>",
            "lpl", "  <NUMERIC> <LOWERPL>", "  <DECIMALS> 2", "upl", "  <NUMERIC> <UPPERPL>", "  <DECIMALS> 2"]
    (folder / "cells.rda").write_text("\n".join(rda) + "\n")
    arb = [f'<OPENTABLEDATA> "{folder / "cells.tab"}"', f'<OPENMETADATA> "{folder / "cells.rda"}"',
           "<SPECIFYTABLE> " + "".join(f'"{v}"' for v in variables) + '|"postes"',
           "<SAFETYRULE> MAN(10)", "<READTABLE> 0", f"<SUPPRESS> {mod}",
           f'<WRITETABLE> (1,5,SO+,"{folder / "out.tab"}")']
    (folder / "batch.arb").write_text("\n".join(arb) + "\n")
    return variables, folder / "batch.arb", folder / "out.tab"


def tau_secondaries(out: Path, variables: list[str], cells: pd.DataFrame, membership: pd.DataFrame) -> np.ndarray:
    """Bool per cell: tau-ARGUS's status M (secondary), read back from its intermediate table."""
    written = pd.read_csv(out, sep=";", header=None, dtype=str, keep_default_na=False)
    written = written.iloc[:, list(range(len(variables))) + [len(variables) + 3]]
    written.columns = [*variables, "status"]
    region = membership.query("niveau == 'region'")["code"].iloc[0]
    written["geo"] = written["geo"].str.strip().replace({"Total": region})
    key = cells["code"] + "|" + cells["champ"] + ("|" + cells["modalite"] if "sexe" in variables else "")
    written_key = written[variables].apply(lambda column: column.str.strip()).agg("|".join, axis=1)
    secondary = set(written_key[written["status"].str.strip() == "M"])
    return key.isin(secondary).to_numpy()


def run_tau(cells, primary, membership, mod: str, tau_audit: bool):
    with tempfile.TemporaryDirectory(prefix="secrecy_anchor_") as tmp:
        start = time.perf_counter()
        variables, arb, out = tau_files(cells, primary, membership, Path(tmp), mod)
        with contextlib.chdir(tmp):   # the engine writes its work files (BT.dat, sdc.lp …) where it runs
            engine = Engine().run_batch(arb)
        secondary = tau_secondaries(out, variables, cells, membership)
        seconds = time.perf_counter() - start
        unsafe = tau_own_audit(engine) if tau_audit else None
    return secondary, seconds, unsafe


def tau_own_audit(engine: Engine) -> tuple[int, int, float]:
    """tau-ARGUS's audit (intervalle) with the attacker bounds [0, 1.5 × largest cell]: (unsafe cells,
    audited cells, seconds)."""
    _, largest = engine._table_cell_bounds(0)
    engine._table_cell_bounds = lambda tab: (0.0, 1.5 * largest)
    start = time.perf_counter()
    rows = engine.audit(0)
    return sum(bool(r["unsafe"]) for r in rows), len(rows), time.perf_counter() - start


# -- our audit and the report --------------------------------------------------------------------------

def our_audit(cells, secret: np.ndarray, equations):
    """Number of failing primary intervals (all measures), their share, and the share of postes hidden."""
    published = masked(cells.assign(secret=secret))
    result = audit(published, cells, equations, RULES)
    failing = ~result.intervals["ok"]
    by_measure = result.intervals.loc[failing, "measure"].value_counts().to_dict()
    hidden = result.summary.query("niveau == 'ensemble'")["part_masquee_postes"].iloc[0]
    return int(failing.sum()), float(failing.mean()), float(hidden), by_measure


def run_size(size, contributions, membership, args) -> dict:
    cells = table(contributions, membership, size)
    print(f"== {size}: {len(cells)} cells ({int((cells['nb_unites'] > 0).sum())} non-empty)", flush=True)
    equations, protection, oress_seconds = run_oress(cells, membership, args.gap)
    protected = protection.cells                           # canonical order: the order of `equations`
    secret = protected["secret"].to_numpy(object)
    primary = np.isin(secret, ["A", "B"])
    print(f"   oress: {oress_seconds:.1f} s, {len(protection.rounds)} rounds, statuses "
          f"{protected['secret'].value_counts().to_dict()}", flush=True)
    secondary, tau_seconds, tau_unsafe = run_tau(protected, primary, membership, args.mod, not args.no_tau_audit)
    tau_secret = np.where(primary, secret, np.where(secondary, "D", ""))
    print(f"   tau-ARGUS {args.mod}: {tau_seconds:.1f} s, {int(secondary.sum())} secondaries", flush=True)
    if tau_unsafe:
        print(f"   tau-ARGUS's own audit, bounds [0, 1.5 × max]: {tau_unsafe[0]} unsafe of {tau_unsafe[1]} "
              f"suppressed cells ({tau_unsafe[2]:.0f} s)", flush=True)
    row = {"size": size, "cells": len(cells), "primaries": int(primary.sum())}
    for tool, pattern, seconds in (("oress", secret, oress_seconds), ("tau", tau_secret, tau_seconds)):
        failing, share, hidden, by_measure = our_audit(protected, pattern, equations)
        print(f"   our audit of {tool}: {failing} failing intervals {by_measure}", flush=True)
        row |= {f"{tool}_s": seconds, f"{tool}_d": int((pattern == "D").sum()), f"{tool}_hidden": hidden,
                f"{tool}_fail": failing, f"{tool}_fail_share": share}
    return row


def report(rows: list[dict]) -> None:
    print("\n| table | cells | primaries | oress s | oress secondaries | oress postes hidden | oress failing "
          "| tau s | tau secondaries | tau postes hidden | tau failing | tau s / oress s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['size']} | {r['cells']} | {r['primaries']} | {r['oress_s']:.1f} | {r['oress_d']} "
              f"| {r['oress_hidden']:.1%} | {r['oress_fail']} ({r['oress_fail_share']:.1%}) | {r['tau_s']:.1f} "
              f"| {r['tau_d']} | {r['tau_hidden']:.1%} | {r['tau_fail']} ({r['tau_fail_share']:.1%}) "
              f"| {r['tau_s'] / r['oress_s']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=2000)
    parser.add_argument("--etablissements", type=int, default=25, help="establishments per commune")
    parser.add_argument("--sizes", default="champ,sexe", help="champ (territory × champ) and/or sexe (× sexe)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--gap", type=float, default=1e-2, help="oress MILP relative gap")
    parser.add_argument("--mod", default="MOD(1,5,1,1,1)",
                        help="tau-ARGUS suppression: MOD(table, max minutes per subtable, singleton, "
                             "multi-singleton, min frequency)")
    parser.add_argument("--no-tau-audit", action="store_true", help="skip tau-ARGUS's own audit")
    args = parser.parse_args()
    print(f"pytauargus {version('pytauargus')}, highspy {version('highspy')}; primaries: oress's "
          f"(frequency {RULES.frequence_min}, dominance {RULES.dominance_seuil:.0%}), given to tau-ARGUS as "
          "status U (a priori unsafe), protection levels max(10 % × postes, 1); tau-ARGUS audit bounds "
          "[0, 1.5 × max] (pytauargus' default: [min, max])", flush=True)
    membership, contributions = synthetic(args.communes, args.etablissements, args.seed)
    report([run_size(size, contributions, membership, args) for size in args.sizes.split(",")])


if __name__ == "__main__":
    main()
