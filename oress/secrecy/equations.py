"""Every additivity equation (total − Σ parts = 0) among the published cells: champ, dimension, geography."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from oress.secrecy.atoms import ATOM_LEVEL, commune_sets, decompositions
from oress.secrecy.cells import ANNUAL, KEY, Measures, SecrecyError, canonical, describe

CHAMP_PARTS = {
    "ensemble": ("ess", "hors_ess"),
    "ess": ("association", "cooperative", "mutuelle", "fondation"),
    "hors_ess": ("public", "prive_hors_ess"),
}

# job attributes: an establishment counts in every modality where it has a job, so its count is
# not additive over them (postes, etp and wages are); every other dimension partitions establishments
JOB_DIMENSIONS = frozenset(("sexe", "age", "csp", "temps_travail", "contrat"))



@dataclass(frozen=True)
class Equations:
    """keys: the canonical cells (row i = cell i); terms: equation, cell, coef (±1);
    table: equation, kind, total (cell id), detail, and one bool per measure (the equation holds)."""
    keys: pd.DataFrame
    terms: pd.DataFrame
    table: pd.DataFrame
    measures: Measures = ANNUAL
    # (small, big) cell ids: the reader knows small ≤ big for the establishment count (the first measure)
    bounds: pd.DataFrame | None = None

    def matrix(self) -> sp.csr_matrix:
        return sp.csr_matrix((self.terms["coef"].to_numpy(float),
                              (self.terms["equation"].to_numpy(), self.terms["cell"].to_numpy())),
                             shape=(len(self.table), len(self.keys)))

    def inequalities(self) -> sp.csr_matrix:
        """One row small − big ≤ 0 per bound, over the cells."""
        pairs = self.bounds if self.bounds is not None else pd.DataFrame({"small": [], "big": []})
        n = len(pairs)
        return sp.csr_matrix((np.tile([1.0, -1.0], n), (np.repeat(np.arange(n), 2),
                              np.column_stack([pairs["small"], pairs["big"]]).ravel().astype(int))),
                             shape=(n, len(self.keys)))

    def inequalities_of(self, measure: int) -> sp.csr_matrix | None:
        """The inequalities a measure obeys: the establishment count (first measure) never exceeds its territory's
        by job attribute (`inequalities`); the other measures, none."""
        return self.inequalities() if measure == 0 and self.bounds is not None and len(self.bounds) else None

    def holds(self) -> np.ndarray:
        return self.table[list(self.measures.names)].to_numpy(bool)

    def label(self, equation: int) -> str:
        row = self.table.iloc[int(equation)]
        size = int((self.terms["equation"] == equation).sum())
        return f"{describe(self.keys, row['total'])} = Σ {row['kind']} {row['detail']} ({size} cellules)"


def build_equations(cells: pd.DataFrame, membership: pd.DataFrame, modalities: pd.DataFrame,
                    atoms: pd.DataFrame | None = None, measures: Measures = ANNUAL,
                    champ_parts: dict[str, tuple[str, ...]] = CHAMP_PARTS) -> Equations:
    """All equations among present cells; a part missing from `cells` is taken as empty.

    modalities: dimension, modalite, parent (like int_modalites; parent NULL = sums to the total).

    membership: niveau, code, depcom (optionally millesime) for every territory, the commune
    itself included (like ref_territoire_commune); list only territories whose cells are all
    in `cells` or truly empty — `check_equations` refuses an equation the values contradict.

    atoms: dimension, code, depcom — the unpublished atoms (atoms.needed_atoms) whose cells are in
    `cells` at niveau ATOM_LEVEL; without them a publication whose territories overlap is refused.
    """
    keys = canonical(cells)[list(KEY)]
    ids = keys.assign(cell=np.arange(len(keys)))
    names = measures.names
    pairs = [_champ_pairs(ids, champ_parts, names), _dimension_pairs(ids, modalities, names),
             _geography_pairs(ids, membership, atoms, names)]
    terms, table = _assemble([p for p in pairs if len(p)], names)
    return replace(_deduplicate(keys, terms, table, measures), bounds=_count_bounds(ids))


def _count_bounds(ids: pd.DataFrame) -> pd.DataFrame:
    """An establishment counts in every job modality where it has a job: each such count is at most the
    territory × champ's establishment count (dimension and modalité `ensemble`)."""
    small = ids[ids["dimension"].isin(JOB_DIMENSIONS)]
    big = ids[(ids["dimension"] == "ensemble") & (ids["modalite"] == "ensemble")]
    pairs = small.merge(big, on=["millesime", "niveau", "code", "champ"], suffixes=("", "_big"))
    return pd.DataFrame({"small": pairs["cell"].to_numpy(), "big": pairs["cell_big"].to_numpy()})


def _champ_pairs(ids: pd.DataFrame, champ_parts: dict, names: tuple[str, ...]) -> pd.DataFrame:
    relation = pd.DataFrame([(t, p) for t, parts in champ_parts.items() for p in parts],
                            columns=["champ", "champ_part"])
    totals = ids.merge(relation, on="champ")
    parts = ids.rename(columns={"champ": "champ_part", "cell": "part"})
    pairs = totals.merge(parts, on=["millesime", "niveau", "code", "dimension", "modalite", "champ_part"])
    return pairs.assign(kind="champ", detail=pairs["champ"], **{m: True for m in names})


def _dimension_relation(present: pd.DataFrame, modalities: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    """(total dimension, total modalité) → part modality, from int_modalites: a modality with a
    parent sums into its parent, one without into the cell's total (dimension and modalité
    'ensemble')."""
    tree = modalities[["dimension", "modalite", "parent"]].astype({"dimension": str, "modalite": str})
    tree = tree[tree["dimension"] != "ensemble"]
    tree = tree.merge(present, on=["dimension", "modalite"])
    stray = present[present["dimension"] != "ensemble"].merge(tree, how="left", indicator=True)
    stray = stray[stray["_merge"] == "left_only"]
    if len(stray):
        first = stray.iloc[0]
        raise SecrecyError(f"modalité {first['modalite']!r} de la dimension {first['dimension']!r} absente "
                           "de la nomenclature des modalités (int_modalites)")
    parent = tree["parent"].where(tree["parent"].notna() & (tree["parent"] != ""))
    additive = {m: np.ones(len(tree), bool) for m in names}
    additive[names[0]] = ~tree["dimension"].isin(JOB_DIMENSIONS).to_numpy()   # the establishment count
    return pd.DataFrame({
        "dimension": np.where(parent.isna(), "ensemble", tree["dimension"]),
        "modalite": parent.fillna("ensemble").to_numpy(),
        "dimension_part": tree["dimension"].to_numpy(), "modalite_part": tree["modalite"].to_numpy(),
        "detail": tree["dimension"] + ":" + parent.fillna("ensemble"), **additive})


def _dimension_pairs(ids: pd.DataFrame, modalities: pd.DataFrame, names: tuple[str, ...]) -> pd.DataFrame:
    relation = _dimension_relation(ids[["dimension", "modalite"]].drop_duplicates(), modalities, names)
    totals = ids.merge(relation, on=["dimension", "modalite"])
    parts = ids.rename(columns={"dimension": "dimension_part", "modalite": "modalite_part", "cell": "part"})
    pairs = totals.merge(parts, on=["millesime", "niveau", "code", "champ", "dimension_part", "modalite_part"])
    return pairs.assign(kind="dimension")


def _geography_pairs(ids: pd.DataFrame, membership: pd.DataFrame, atoms: pd.DataFrame | None,
                     names: tuple[str, ...]) -> pd.DataFrame:
    """Each territory = the disjoint union of the largest smaller units inside it (atoms.decompositions),
    per dimension: the territories of every level published for the dimension (a listed territory
    absent from the cells is empty) and the atoms computed for it."""
    missing = [c for c in ("niveau", "code", "depcom") if c not in membership.columns]
    if missing:
        raise SecrecyError(f"appartenance territoriale : colonne absente {missing[0]!r}")
    members = membership[["niveau", "code", "depcom"]].astype(str)
    if atoms is not None and len(atoms):
        members = pd.concat([members, atoms[["code", "depcom"]].astype(str).assign(niveau=ATOM_LEVEL)])
    members = members.drop_duplicates()
    territories = ids[["niveau", "code"]].drop_duplicates()
    absent = territories.merge(members[["niveau", "code"]].drop_duplicates(), how="left", indicator=True)
    absent = absent[absent["_merge"] == "left_only"]
    if len(absent):
        raise SecrecyError(f"territoire {absent.iloc[0]['niveau']} {absent.iloc[0]['code']!r} absent "
                           "de l'appartenance territoriale (niveau, code, depcom)")
    sets = commune_sets(members)
    atom_dimensions = (atoms.astype(str).groupby("dimension")["code"].agg(set).to_dict()
                       if atoms is not None and len(atoms) else {})
    levels = ids[ids["niveau"] != ATOM_LEVEL].groupby(["millesime", "dimension"])["niveau"].agg(frozenset)
    relation, cache = [], {}
    for (millesime, dimension), published in levels.items():
        chosen = frozenset(u for u in sets if u[0] in published or
                           (u[0] == ATOM_LEVEL and u[1] in atom_dimensions.get(dimension, ())))
        if chosen not in cache:
            cache[chosen] = decompositions({u: sets[u] for u in chosen}, f"dimension {dimension}")
        relation += [(millesime, dimension, *total, *part) for total, part in cache[chosen]]
    relation = pd.DataFrame(relation, columns=["millesime", "dimension", "niveau", "code", "niveau_part", "code_part"])
    totals = ids.merge(relation, on=["millesime", "dimension", "niveau", "code"])
    parts = ids.rename(columns={"niveau": "niveau_part", "code": "code_part", "cell": "part"})
    pairs = totals.merge(parts, on=["millesime", "champ", "dimension", "modalite", "niveau_part", "code_part"])
    return pairs.assign(kind="geographie", detail="partition", **{m: True for m in names})


def _assemble(pairs: list[pd.DataFrame], names: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Number equations (total cell, kind, detail) and lay out their terms: total +1, parts −1."""
    columns = ["cell", "part", "kind", "detail", *names]
    links = pd.concat([p[columns] for p in pairs], ignore_index=True) if pairs else pd.DataFrame(columns=columns)
    links = links.sort_values(["cell", "kind", "detail", "part"], kind="stable").reset_index(drop=True)
    links["equation"] = links.groupby(["cell", "kind", "detail"], sort=False).ngroup()
    table = links.drop_duplicates("equation")[["equation", "kind", "cell", "detail", *names]]
    table = table.rename(columns={"cell": "total"}).reset_index(drop=True)
    totals = table[["equation", "total"]].rename(columns={"total": "cell"}).assign(coef=1)
    parts = links[["equation", "part"]].rename(columns={"part": "cell"}).assign(coef=-1)
    return pd.concat([totals, parts], ignore_index=True), table


def _deduplicate(keys: pd.DataFrame, terms: pd.DataFrame, table: pd.DataFrame, measures: Measures) -> Equations:
    """One equation per set of terms (up to sign); it holds for the union of its generators' measures."""
    names = list(measures.names)
    if table.empty:
        columns = ["equation", "kind", "total", "detail", *names]
        return Equations(keys, terms.astype(int), table.reindex(columns=columns),
                         measures)
    terms = terms.sort_values(["equation", "cell"], kind="stable")
    sign = terms.groupby("equation")["coef"].transform("first")
    token = (terms["cell"] * 2 + (terms["coef"] * sign > 0)).astype(str)
    signature = token.groupby(terms["equation"]).agg(" ".join)
    first = signature.groupby(signature, sort=False).ngroup()
    table = table.assign(equation=first.loc[table["equation"]].to_numpy())
    flags = table.groupby("equation")[names].any()
    table = table.drop_duplicates("equation").drop(columns=names).merge(flags, on="equation")
    terms = terms.assign(equation=first.loc[terms["equation"]].to_numpy())
    terms = terms.drop_duplicates(["equation", "cell"]).reset_index(drop=True)
    return Equations(keys, terms[["equation", "cell", "coef"]].astype(int), table.reset_index(drop=True), measures)


def check_equations(equations: Equations, values: np.ndarray) -> np.ndarray:
    """Residuals (equations × measures) of the true values; refuse any beyond rounding."""
    residual = equations.matrix() @ values
    size = np.bincount(equations.terms["equation"], minlength=len(equations.table))
    scale = np.abs(equations.matrix()) @ values
    tolerance = np.outer(size, equations.measures.tolerance) + 1e-9 * scale
    broken = equations.holds() & (np.abs(residual) > tolerance)
    if broken.any():
        equation, measure = np.argwhere(broken)[0]
        raise SecrecyError(
            f"{int(broken.sum())} équation(s) d'additivité contredites par les valeurs, p. ex. "
            f"{equations.label(equation)} pour {equations.measures.names[measure]} "
            f"(écart {residual[equation, measure]:g}) : "
            "une cellule manque ou l'appartenance territoriale liste un territoire non publié")
    return np.where(equations.holds(), residual, 0.0)
