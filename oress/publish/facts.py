"""The published figures of territories, read from pub_indicateurs and pub_derives only.

A value is a `Figure`: the number, or None with a reason — `secret` when a cell it rests on is
secret (printed `s`), `sans_objet` when it is a ratio over a published zero (printed `–`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from oress import classifications
from oress.publish import formatting as fmt

MEASURES = ("etablissements", "postes", "etp", "remuneration_brute")
FRANCE_REFERENCE = "france (référence nationale FLORES)"


@dataclass(frozen=True)
class Figure:
    value: float | None
    secret: bool = False

    @property
    def known(self) -> bool:
        return self.value is not None

    def shown(self, formatter) -> str:
        """The formatted value, `s` when secret, `–` when not applicable."""
        if self.value is not None:
            return formatter(self.value)
        return fmt.SECRET if self.secret else fmt.NOT_APPLICABLE


MISSING_SECRET = Figure(None, secret=True)
NOT_APPLICABLE = Figure(None, secret=False)


def _clean(value):
    return None if fmt.is_missing(value) else float(value)


@dataclass
class Facts:
    """Every published cell and derived figure of one territory and millésime."""
    millesime: int
    niveau: str
    code: str
    libelle: str
    cells: dict[tuple[str, str, str], dict] = field(default_factory=dict)
    derived: dict[tuple, tuple[float | None, float | None, bool]] = field(default_factory=dict)
    classes: classifications.Classifications = field(default_factory=classifications.versioned)

    # --- cells -------------------------------------------------------------------------------
    def has_dimension(self, dimension: str) -> bool:
        return any(key[1] == dimension for key in self.cells)

    def is_secret(self, champ: str, dimension: str = "ensemble", modalite: str = "ensemble") -> bool:
        cell = self.cells.get((champ, dimension, modalite))
        return bool(cell and cell["secret"])

    def cell(self, champ: str, measure: str, dimension: str = "ensemble", modalite: str = "ensemble") -> Figure:
        cell = self.cells.get((champ, dimension, modalite))
        if cell is None:
            # the grid is complete for published dimensions: an absent row is a territory without any employer
            return Figure(0.0) if not self.cells else NOT_APPLICABLE
        if cell["secret"]:
            return MISSING_SECRET
        return Figure(_clean(cell[measure]))

    # --- derived figures ---------------------------------------------------------------------
    def _inputs_secret(self, indicateur: str, champ: str, dimension: str, modalite: str) -> bool:
        """Whether a NULL derived figure is NULL because one of its cells is secret."""
        own = [(champ, dimension, modalite)]
        share = self.classes.share_of(indicateur)   # the definitions of ref_indicateurs
        if share is not None:
            own += share.denominator(champ, dimension, modalite)
        return any(self.is_secret(*key) for key in own)

    def get(self, indicateur: str, champ: str = "ess", mesure: str = "postes", dimension: str = "ensemble",
            modalite: str = "ensemble", reference: str | None = None) -> Figure:
        """One derived figure (shares in %, gaps in points, ranks, changes)."""
        row = self.derived.get((indicateur, champ, dimension, modalite, mesure, reference))
        if row is None or row[0] is None:
            return Figure(None, secret=self._inputs_secret(indicateur, champ, dimension, modalite)
                          or (row is None and self.is_secret(champ, dimension, modalite)))
        return Figure(row[0])

    def reference_value(self, indicateur: str, champ: str, reference: str, mesure: str = "postes") -> Figure:
        """The share of the reference territory (département, région, France) carried by the gap rows."""
        row = self.derived.get(("ecart_" + indicateur, champ, "ensemble", "ensemble", mesure, reference))
        if row is None:
            return NOT_APPLICABLE
        return Figure(row[1], secret=row[1] is None)

    def references(self, indicateur: str = "part_dans_ensemble") -> list[str]:
        """The references of the gap rows, département first, then région, then France."""
        found = {key[5] for key in self.derived if key[0] == "ecart_" + indicateur}
        order = {"departement": 0, "region": 1, "france": 2}
        return sorted(found, key=lambda ref: (order.get(ref.split(" ")[0], 3), ref))

    def rank(self, indicateur: str = "part_dans_ensemble", champ: str = "ess") -> tuple[int, int] | None:
        row = self.derived.get(("rang_" + indicateur, champ, "ensemble", "ensemble", "postes", self.niveau))
        if row is None or row[0] is None or row[1] is None:
            return None
        return int(row[0]), int(row[1])

    def evolution(self, indicateur: str, champ: str, mesure: str = "postes") -> tuple[Figure, Figure, bool] | None:
        """(change, previous value, source break) against the previous millésime, None without one."""
        matches = [(key, row) for key, row in self.derived.items()
                   if key[:5] == (indicateur, champ, "ensemble", "ensemble", mesure)]
        if not matches:
            return None
        (key, (value, previous, rupture)), = matches
        secret = self.is_secret(champ) or previous is None
        return Figure(value, secret=value is None and secret), Figure(previous, secret=previous is None), rupture

    def previous_millesime(self) -> int | None:
        for key in self.derived:
            if key[0] == "evolution_absolue" and key[5]:
                return int(key[5].split(" ")[1])
        return None


def load_facts(connection, millesime: int, niveau: str, codes: list[str] | None = None,
               dimensions: tuple[str, ...] | None = None, indicateurs: tuple[str, ...] | None = None
               ) -> dict[str, Facts]:
    """Facts for every territory of a niveau (or the given codes), keyed by code; `dimensions` and
    `indicateurs` narrow what is read (communes: thousands of territories)."""
    where, params = ["millesime = ?", "niveau = ?"], [millesime, niveau]
    if codes is not None:
        where.append("code in (select unnest(?))")
        params.append(list(codes))
    if dimensions is not None:
        where.append("dimension in (select unnest(?))")
        params.append(list(dimensions))
    clause = " and ".join(where)
    facts: dict[str, Facts] = {}
    classes = classifications.read(connection)
    for code, libelle in connection.execute(
            f"select distinct code, libelle from pub_indicateurs where {clause}", params).fetchall():
        facts[code] = Facts(millesime, niveau, code, libelle, classes=classes)
    cells = connection.execute(f"""
        select code, champ, dimension, modalite, etablissements, postes, etp, remuneration_brute, secret
        from pub_indicateurs where {clause}""", params).fetchall()
    for code, champ, dimension, modalite, *measures, secret in cells:
        facts[code].cells[(champ, dimension, modalite)] = {**dict(zip(MEASURES, measures)), "secret": secret or ""}
    if indicateurs is not None:
        clause += " and indicateur in (select unnest(?))"
        params.append(list(indicateurs))
    rows = connection.execute(f"""
        select code, indicateur, champ, dimension, modalite, mesure, reference, valeur, valeur_reference, rupture
        from pub_derives where {clause}""", params).fetchall()
    for code, indicateur, champ, dimension, modalite, mesure, reference, valeur, valeur_ref, rupture in rows:
        facts[code].derived[(indicateur, champ, dimension, modalite, mesure, reference)] = (
            _clean(valeur), _clean(valeur_ref), bool(rupture))
    return facts


def empty_facts(connection, millesime: int, niveau: str, code: str, libelle: str) -> Facts:
    """A territory without any employer in the data: no cells at all (every count is a true zero)."""
    return Facts(millesime, niveau, code, libelle, classes=classifications.read(connection))


def territory_facts(connection, millesime: int, niveau: str, code: str, libelle: str) -> Facts:
    return (load_facts(connection, millesime, niveau, [code]).get(code)
            or empty_facts(connection, millesime, niveau, code, libelle))


def has_job_data(connection, millesime: int) -> bool:
    """Whether the millésime was published with job attributes (a postes file was read)."""
    (count,) = connection.execute("select count(*) from pub_indicateurs where millesime = ? and dimension = 'sexe'",
                                  [millesime]).fetchone()
    return count > 0


def reference_label(connection, reference: str) -> str:
    """'departement 50' → 'Manche'; the national reference → 'France'."""
    if reference.startswith("france"):
        return "France"
    niveau, code = reference.split(" ", 1)
    row = connection.execute("select any_value(libelle) from ref_territoire_commune where niveau = ? and code = ?",
                             [niveau, code]).fetchone()
    return row[0] if row and row[0] else reference
