"""What a reader of the whole publication can subtract: the atoms of the published territories and
the exact decomposition of every territory into smaller ones.

For one dimension, the published territories are sets of communes. Their atoms are the maximal sets of
communes that belong to exactly the same published territories: every territory is the sum of its
atoms, and nothing the publication shows splits an atom. An atom that is not itself a published
territory (Cherbourg when "Pays du Cotentin" and "Pays du Cotentin sans Cherbourg" are published) is
an unpublished unit whose cells the reader derives by difference: the warehouse computes its cells at
the level ATOM_LEVEL, the attacker treats them as unknowns, the audit protects its primary cells.

Every territory is then written as a disjoint union of the largest smaller units it contains, units
being published territories and atoms (`decompositions`). By induction on size each territory equals
the sum of its atoms, so these few equations span exactly what "territory = Σ atoms" says, without a
département = Σ 500 communes equation.
"""
from __future__ import annotations

from collections import defaultdict

import pandas as pd

from oress.secrecy.cells import SecrecyError

ATOM_LEVEL = "atome"
UNIT = tuple[str, str]   # (niveau, code)


def commune_sets(membership: pd.DataFrame) -> dict[UNIT, frozenset[str]]:
    """(niveau, code) → its communes."""
    grouped = membership[["niveau", "code", "depcom"]].astype(str).groupby(["niveau", "code"], sort=True)["depcom"]
    return {unit: frozenset(communes) for unit, communes in grouped}


def refinement(units: dict[UNIT, frozenset[str]]) -> list[frozenset[str]]:
    """The atoms of a family of commune sets: communes grouped by the set of units holding them."""
    holders: dict[str, list[UNIT]] = defaultdict(list)
    for unit in sorted(units):
        for commune in units[unit]:
            holders[commune].append(unit)
    groups: dict[tuple[UNIT, ...], set[str]] = defaultdict(set)
    for commune, holding in holders.items():
        groups[tuple(holding)].add(commune)
    return sorted((frozenset(g) for g in groups.values()), key=lambda atom: (-len(atom), min(atom)))


def missing_atoms(units: dict[UNIT, frozenset[str]]) -> list[frozenset[str]]:
    """Atoms of `units` that are not themselves one of the units."""
    known = set(units.values())
    return [atom for atom in refinement(units) if atom not in known]


def atom_code(communes: frozenset[str]) -> str:
    """A stable code: the single commune's code, or the smallest code + the number of the others."""
    first = min(communes)
    return first if len(communes) == 1 else f"{first}+{len(communes) - 1}"


def needed_atoms(membership: pd.DataFrame, publication: pd.DataFrame) -> pd.DataFrame:
    """The unpublished atoms a reader derives, per dimension: dimension, code, depcom.

    publication: (dimension, niveau) pairs published. For each breakdown, the atoms of the territories
    publishing it; for `ensemble`, the atoms of those territories together with every breakdown's atoms
    (each atom's total is the sum its breakdown adds up to). An atom found for a breakdown also gets its
    `ensemble` cells.
    """
    sets = commune_sets(membership)
    levels = publication.groupby("dimension")["niveau"].agg(set).to_dict()
    rows, extra = [], {}
    for dimension in sorted(d for d in levels if d != "ensemble"):
        for atom in missing_atoms({u: s for u, s in sets.items() if u[0] in levels[dimension]}):
            rows.append((dimension, atom))
            extra[(ATOM_LEVEL, atom_code(atom))] = atom
    ensemble = {u: s for u, s in sets.items() if u[0] in levels.get("ensemble", set())} | extra
    # every atom gets its own total, even one equal to a published territory (then the two are one
    # equation apart): a breakdown adds up to the total of the same unit
    rows += [("ensemble", atom) for atom in extra.values()]
    rows += [("ensemble", atom) for atom in missing_atoms(ensemble) if atom not in set(extra.values())]
    frame = pd.DataFrame([(d, atom_code(a), c) for d, a in rows for c in sorted(a)],
                         columns=["dimension", "code", "depcom"])
    codes = frame.drop_duplicates(["code", "depcom"]).groupby("code")["depcom"].agg(frozenset)
    clash = codes.index[codes.index.duplicated()]
    if len(clash):
        raise SecrecyError(f"deux atomes ont le même code {clash[0]!r}")
    return frame.drop_duplicates().sort_values(["dimension", "code", "depcom"]).reset_index(drop=True)


def decompositions(units: dict[UNIT, frozenset[str]], what: str = "") -> list[tuple[UNIT, UNIT]]:
    """(total, part) pairs: each unit as the disjoint union of the largest smaller units inside it,
    and a unit identical to an earlier one (same communes) equal to it.

    Refuses a family whose atoms are not all units: then no exact decomposition exists and the
    attacker would know more than the equations say.
    """
    absent = missing_atoms(units)
    if absent:
        sample = ", ".join(sorted(absent[0])[:5])
        raise SecrecyError(f"{what}: l'atome de communes {{{sample}{', …' if len(absent[0]) > 5 else ''}}} "
                           f"({len(absent[0])} communes) n'a pas de cellules : un lecteur le déduit par différence "
                           "entre territoires publiés ; le niveau « atome » doit être calculé (oress reference)")
    canonical: dict[frozenset[str], UNIT] = {}
    pairs: list[tuple[UNIT, UNIT]] = []
    for unit in sorted(units):
        first = canonical.setdefault(units[unit], unit)
        if first != unit:
            pairs.append((unit, first))
    distinct = sorted(canonical.items(), key=lambda item: (-len(item[0]), item[1]))
    holders: dict[str, list[int]] = defaultdict(list)
    for position, (communes, _) in enumerate(distinct):
        for commune in communes:
            holders[commune].append(position)
    for position, (communes, unit) in enumerate(distinct):
        pairs += [(unit, part) for part in _largest_parts(communes, position, distinct, holders)]
    return pairs


def _largest_parts(communes: frozenset[str], position: int, distinct: list, holders: dict) -> list[UNIT]:
    """Greedy: the largest units strictly inside, disjoint from those already taken, until covered.
    Units are sorted by decreasing size, so candidates are those after `position` holding a commune."""
    candidates = {p for c in communes for p in holders[c] if p > position}
    inside = sorted(p for p in candidates if distinct[p][0] <= communes)
    covered: set[str] = set()
    parts = []
    for candidate in inside:
        subset, unit = distinct[candidate]
        if covered.isdisjoint(subset):
            covered |= subset
            parts.append(unit)
            if len(covered) == len(communes):
                break
    return parts if len(covered) == len(communes) else []
