"""The contract beside each validated staging model (sql/staging/<name>.contract.toml) read into a Check: the
rows to validate and the Great Expectations expectations they must meet.

A contract holds:
- `grain`: the columns one row stands for; `cle`: the column chunks are split on (hash) and failing values
  are named by; `exemples_avec`: more columns shown beside a failing value;
- `requete`: the DuckDB query returning the rows of one millésime (`?` or `$1`); a constant in braces;
- `sans_objet_si_vide` (optional): a raw table; no line in it for the millésime → the suite is sans objet;
- `[constantes]`: numbers the query and the labels name, each with the reason for its value;
- `[colonnes]` (optional): column → DuckDB type the later steps rely on;
- `[[controles]]`, in report order: `attente` (a GX expectation type) with its GX arguments, `severite`
  (critique: stops the run; avertissement: listed) and `libelle`, the label of the report, which may name a
  constant or an argument of its check in braces, written the French way (1,5 ; 7 000).
Any unknown key, missing key or bad severity raises ContractError naming the file and the key.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from oress.config import SQL_DIR, check_keys

CRITICAL, WARNING = "critique", "avertissement"
CONTRACT_SUFFIX = ".contract.toml"
# GX expectation type → (the arguments a check must give, those it may give)
KINDS = {
    "expect_column_values_to_not_be_null": ({"column"}, set()),
    "expect_column_values_to_be_unique": ({"column"}, set()),
    "expect_compound_columns_to_be_unique": ({"column_list"}, set()),
    "expect_column_values_to_match_regex": ({"column", "regex"}, set()),
    "expect_column_values_to_be_in_set": ({"column", "value_set"}, set()),
    "expect_column_values_to_be_between": ({"column"}, {"min_value", "max_value"}),
    "expect_column_pair_values_to_be_equal": ({"column_A", "column_B"}, {"ignore_row_if"}),
    "expect_column_pair_values_a_to_be_greater_than_b": ({"column_A", "column_B"}, {"or_equal", "ignore_row_if"}),
}
CHECK_KEYS = {"attente": str, "severite": str, "libelle": str}
REQUIRED = {"grain": list, "cle": str, "requete": str, "controles": list}
OPTIONAL = {"exemples_avec": list, "sans_objet_si_vide": str, "constantes": dict, "colonnes": dict}
WRITTEN_TYPES = {list: "une liste", str: "un texte", dict: "une table"}
PLACEHOLDER = re.compile(r"\{([a-z_]\w*)\}")
RAW_TABLE = re.compile(r"raw_\w+")


class ContractError(ValueError):
    """A contract that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Expectation:
    kind: str                 # GX expectation type, e.g. expect_column_values_to_match_regex
    kwargs: dict
    severite: str
    libelle: str

    def to_gx(self, gxe):
        gx_class = getattr(gxe, "".join(word.capitalize() for word in self.kind.split("_")))
        return gx_class(**self.kwargs, meta={"severite": self.severite, "libelle": self.libelle})


@dataclass(frozen=True)
class Check:
    """One GX suite over the rows a DuckDB query returns for a millésime (`?` = millésime)."""
    table: str
    query: str
    key: str                                     # chunks split on hash(key); examples name it
    expectations: tuple[Expectation, ...]
    examples_with: tuple[str, ...] = ()          # more columns shown beside a failing value
    applies: str | None = None                   # a query returning a count; 0 → "sans_objet"
    grain: tuple[str, ...] = ()
    columns: dict = field(default_factory=dict)  # column → type the later steps rely on

    def gx_expectations(self) -> list:
        import great_expectations.expectations as gxe

        return [expectation.to_gx(gxe) for expectation in self.expectations]


def read_contracts(names: tuple[str, ...], folder: Path = SQL_DIR / "staging") -> tuple[Check, ...]:
    return tuple(read_contract(folder / f"{name}{CONTRACT_SUFFIX}") for name in names)


def read_contract(path: Path) -> Check:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ContractError(f"{path}: contrat illisible ({error})") from error
    _check_typed_keys(str(path), data, REQUIRED, OPTIONAL)
    constants = _constants(path, data.get("constantes", {}))
    empty_when = data.get("sans_objet_si_vide")
    if empty_when is not None and not RAW_TABLE.fullmatch(empty_when):
        raise ContractError(f"{path}: 'sans_objet_si_vide' doit nommer une table raw_*, pas {empty_when!r}")
    return Check(
        table=path.name.removesuffix(CONTRACT_SUFFIX),
        query=_filled(f"{path} 'requete'", data["requete"], constants, str),
        key=data["cle"],
        expectations=tuple(_expectation(f"{path} [[controles]] n°{i + 1}", item, constants)
                           for i, item in enumerate(data["controles"])),
        examples_with=tuple(data.get("exemples_avec", ())),
        applies=f"select count(*) from {empty_when} where millesime = ?" if empty_when else None,
        grain=tuple(data["grain"]),
        columns=_columns(path, data.get("colonnes", {})),
    )


def _check_typed_keys(where: str, table: dict, required: dict[str, type], optional: dict[str, type]) -> None:
    allowed = {**required, **optional}
    check_keys(where, table, set(allowed), set(required), ContractError)
    for key, value in table.items():
        if not isinstance(value, allowed[key]):
            raise ContractError(f"{where}: {key!r} doit être {WRITTEN_TYPES[allowed[key]]}, pas {value!r}")


def _constants(path: Path, table: dict) -> dict:
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ContractError(f"{path} [constantes]: {name!r} doit être un nombre, pas {value!r}")
    return table


def _columns(path: Path, table: dict) -> dict[str, str]:
    for name, kind in table.items():
        if not isinstance(kind, str):
            raise ContractError(f"{path} [colonnes]: {name!r} doit être un type DuckDB, p. ex. \"VARCHAR\"")
    return table


def _expectation(where: str, item: dict, constants: dict) -> Expectation:
    if not isinstance(item, dict):
        raise ContractError(f"{where}: un contrôle est une table [[controles]]")
    if "attente" not in item:
        raise ContractError(f"{where}: clé obligatoire absente 'attente'")
    kind = item["attente"]
    if kind not in KINDS:
        raise ContractError(f"{where}: 'attente' inconnue {kind!r} (attentes admises : {', '.join(KINDS)})")
    needed, possible = KINDS[kind]
    _check_typed_keys(where, item, {**CHECK_KEYS, **dict.fromkeys(needed, object)}, dict.fromkeys(possible, object))
    if item["severite"] not in (CRITICAL, WARNING):
        raise ContractError(f"{where}: 'severite' vaut {CRITICAL!r} ou {WARNING!r}, pas {item['severite']!r}")
    kwargs = {key: value for key, value in item.items() if key not in CHECK_KEYS}
    label = _filled(f"{where} 'libelle'", item["libelle"], {**constants, **kwargs}, _french)
    return Expectation(kind, kwargs, item["severite"], label)


def _filled(where: str, text: str, values: dict, written) -> str:
    """text with each {name} replaced by values[name] as `written` writes it."""
    def value(match: re.Match) -> str:
        if match[1] not in values:
            raise ContractError(f"{where}: {{{match[1]}}} ne nomme ni une constante ni un argument du contrôle")
        return written(values[match[1]])

    return PLACEHOLDER.sub(value, text)


def _french(value) -> str:
    """1.5 → 1,5 ; 1.0 → 1 ; 250000 → 250 000 (the labels are read in French); a text as it is."""
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ")
    return f"{value:g}".replace(".", ",")
