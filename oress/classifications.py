"""The champ trees, the labels of codes and the shares' denominators, read from the reference tables:
ref_champs (the annual tree as parent links), ref_champs_trimestres_arbre (the quarterly, private one),
ref_tranches_taille, ref_indicateurs and ref_dimensions (the breakdowns, data/reference/dimensions.csv)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache

import duckdb

from oress.paths import REFERENCE_DIR

FOCUS = "ess"   # the champ every publication is about
# the labels of ref_champs, but for a champ only the quarterly tree has (its own libelle)
TREE_QUERY = """
    select t.champ, t.parent, coalesce(t.libelle, c.libelle), coalesce(c.libelle_court, t.libelle)
    from {table} t left join ref_champs c using (champ)
    order by cast(t.ordre as integer)"""
SHARE_COLUMNS = ("indicateur", "libelle", "denominateur_champs", "denominateur_dimension", "denominateur_modalite",
                 "comparee_aux_references")
DIMENSION_COLUMNS = ("dimension", "libelle", "libelle_court", "libelle_phrase", "emploi")


@dataclass(frozen=True)
class Champ:
    code: str
    parent: str | None
    libelle: str
    libelle_court: str


@dataclass(frozen=True)
class ChampTree:
    champs: tuple[Champ, ...]   # in the reference order

    def _champ(self, code: str) -> Champ:
        return next(c for c in self.champs if c.code == code)

    def label(self, code: str) -> str:
        return self._champ(code).libelle

    def short_label(self, code: str) -> str:
        return self._champ(code).libelle_court

    def children(self, code: str) -> tuple[str, ...]:
        return tuple(c.code for c in self.champs if c.parent == code)

    @property
    def root(self) -> str:
        return next(c.code for c in self.champs if c.parent is None)

    @property
    def families(self) -> tuple[str, ...]:
        return self.children(FOCUS)

    def walk(self, code: str | None = None) -> tuple[str, ...]:
        """The champs from `code` (the root by default) down, each before its children."""
        code = code or self.root
        return (code,) + tuple(c for child in self.children(code) for c in self.walk(child))

    def style(self, code: str) -> str:
        """The CSS class of a champ's row: the total, the ESS, its families, the others."""
        if code == self.root:
            return "total"
        return FOCUS if code == FOCUS else "famille" if self._champ(code).parent == FOCUS else ""

    def parts(self) -> dict[str, tuple[str, ...]]:
        """Each champ that has children → its children (the sums the cells satisfy)."""
        return {c.code: self.children(c.code) for c in self.champs if self.children(c.code)}


@dataclass(frozen=True)
class Share:
    """A share of ref_indicateurs, with its label: its denominator is the cells of `champs` (None: the numerator's
    champ) at `dimension` × `modalite` (None: the numerator's); `compared`: it has gaps and ranks to references."""
    code: str
    label: str
    champs: tuple[str, ...] | None
    dimension: str | None
    modalite: str | None
    compared: bool

    def denominator(self, champ: str, dimension: str, modalite: str) -> list[tuple[str, str, str]]:
        """The cells (champ, dimension, modalite) the share of a numerator cell is divided by."""
        return [(c, self.dimension or dimension, self.modalite or modalite) for c in self.champs or (champ,)]


def _share(code: str, label: str, champs: str | None, dimension: str | None, modalite: str | None,
           compared: str) -> Share:
    return Share(code, label, tuple(champs.split("+")) if champs else None, dimension or None, modalite or None,
                 compared == "oui")


@dataclass(frozen=True)
class Dimension:
    """A breakdown (ventilation) of ref_dimensions: `label` heads its tables, `short_label` names its sheet,
    `phrase` names it in a sentence ("le temps de travail"); `job`: an attribute of the posts (sexe, âge…),
    whose cells count establishments in each modality they have a post in (not additive)."""
    code: str
    label: str
    short_label: str
    phrase: str | None
    job: bool


def _dimension(code: str, label: str, short_label: str, phrase: str | None, job: str) -> Dimension:
    return Dimension(code, label, short_label, phrase or None, job == "oui")


@dataclass(frozen=True)
class Classifications:
    champs: ChampTree
    sizes: tuple[tuple[str, str], ...]   # (taille, libelle_court), smallest first
    shares: tuple[Share, ...] = ()
    dimensions: tuple[Dimension, ...] = ()   # every breakdown but `ensemble`, in the reference order

    @property
    def breakdowns(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.dimensions)

    @property
    def job_dimensions(self) -> tuple[str, ...]:
        return tuple(d.code for d in self.dimensions if d.job)

    def dimension(self, code: str) -> Dimension:
        return next(d for d in self.dimensions if d.code == code)

    def size_label(self, code: str) -> str:
        return dict(self.sizes)[code]

    def share_of(self, indicateur: str) -> Share | None:
        """The share a derived figure is computed from: the share itself, or its gap or rank to references."""
        for share in self.shares:
            if indicateur == share.code or (share.compared and indicateur in ("ecart_" + share.code,
                                                                              "rang_" + share.code)):
                return share
        return None


def read_tree(connection, table: str = "ref_champs") -> ChampTree:
    try:
        rows = connection.execute(TREE_QUERY.format(table=table)).fetchall()
    except duckdb.Error as error:   # a warehouse built before the tree was data (no `parent`), or no reference
        raise RuntimeError(f"arbre des champs illisible dans {table} ({str(error).splitlines()[0]}) : relancer "
                           "`oress reference --spec …` (ou `oress build`)") from error
    return ChampTree(tuple(Champ(*row) for row in rows))


def read(connection) -> Classifications:
    """The classifications of the warehouse's reference tables (those its figures were computed with)."""
    sizes = connection.execute(
        "select taille, libelle_court from ref_tranches_taille order by cast(postes_min as integer)").fetchall()
    shares = _rows(connection, "ref_indicateurs", SHARE_COLUMNS, "définitions des parts")
    dimensions = _rows(connection, "ref_dimensions", DIMENSION_COLUMNS, "dimensions")
    return Classifications(read_tree(connection), tuple(sizes), tuple(_share(*row) for row in shares),
                           tuple(_dimension(*row) for row in dimensions))


def _rows(connection, table: str, columns: tuple[str, ...], what: str) -> list[tuple]:
    try:
        return connection.execute(f"select {', '.join(columns)} from {table} order by cast(ordre as integer)"
                                  ).fetchall()
    except duckdb.Error as error:   # a warehouse loaded before the CSV or one of its columns
        raise RuntimeError(f"{what} illisibles dans {table} ({str(error).splitlines()[0]}) : "
                           "relancer `oress reference --spec …` (ou `oress build`)") from error


@cache
def versioned() -> Classifications:
    """The same, read from the versioned CSVs of data/reference (figures built by hand, without a warehouse)."""
    def rows(name: str) -> list[dict]:
        with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle, delimiter=";"))

    champs = sorted(rows("champs.csv"), key=lambda r: int(r["ordre"]))
    sizes = sorted(rows("tranches_taille.csv"), key=lambda r: int(r["postes_min"]))
    shares = sorted(rows("indicateurs.csv"), key=lambda r: int(r["ordre"]))
    dimensions = sorted(rows("dimensions.csv"), key=lambda r: int(r["ordre"]))
    return Classifications(
        ChampTree(tuple(Champ(r["champ"], r["parent"] or None, r["libelle"], r["libelle_court"]) for r in champs)),
        tuple((r["taille"], r["libelle_court"]) for r in sizes),
        tuple(_share(*(r[column] for column in SHARE_COLUMNS)) for r in shares),
        tuple(_dimension(*(r[column] for column in DIMENSION_COLUMNS)) for r in dimensions))
