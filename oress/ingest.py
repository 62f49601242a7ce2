"""Read raw pivot extracts into raw_* tables; every line ends up loaded or in `rejets` with its reason."""
from __future__ import annotations

import codecs
import gzip
from dataclasses import dataclass
from pathlib import Path

EXTENSIONS = (".csv", ".csv.gz", ".parquet")
CHUNK = 1 << 24


class InputError(ValueError):
    """A raw file that cannot be read at all; the message names the file and the fix."""


@dataclass(frozen=True)
class FileSchema:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


ETABLISSEMENTS = FileSchema(
    "etablissements",
    required=("siret", "depcom", "apet", "cj", "postes", "etp", "remuneration_brute"),
    optional=("siren", "denomination", "ess_sirene"),
)


def find_input(folder: Path, name: str) -> Path | None:
    for extension in EXTENSIONS:
        if (folder / f"{name}{extension}").is_file():
            return folder / f"{name}{extension}"
    return None


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def detect_encoding(path: Path) -> str:
    """UTF-8 when the whole file decodes as such, else Latin-1 (INSEE's usual export)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with _open_bytes(path) as handle:
            while chunk := handle.read(CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "latin-1"
    except (OSError, EOFError) as error:
        raise InputError(f"{path}: fichier illisible ({error}) ; le fournir à nouveau, non tronqué") from error
    return "utf-8"


def read_header(path: Path, encoding: str) -> tuple[list[str], str]:
    """Column names (lower case) and delimiter of a CSV file."""
    with _open_bytes(path) as handle:
        first = handle.readline().decode(encoding).lstrip("\ufeff").rstrip("\r\n")
    if not first.strip():
        raise InputError(f"{path}: fichier vide ou sans ligne d'en-tête ; fournir l'extrait avec ses noms de colonnes")
    if "\x00" in first:
        raise InputError(f"{path}: contenu binaire, ce n'est pas un CSV ; fournir l'extrait en CSV ou Parquet")
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [name.strip().strip('"').lower() for name in first.split(delimiter)], delimiter


def _check_columns(path: Path, columns: list[str], schema: FileSchema) -> None:
    missing = [c for c in schema.required if c not in columns]
    if missing:
        raise InputError(
            f"{path}: colonne(s) obligatoire(s) absente(s) : {', '.join(missing)} ; "
            f"colonnes attendues : {', '.join(schema.required)} (facultatives : {', '.join(schema.optional)})")


def _load_csv(connection, path: Path, schema: FileSchema, table: str, millesime: int) -> None:
    encoding = detect_encoding(path)
    columns, delimiter = read_header(path, encoding)
    _check_columns(path, columns, schema)
    declared = {name: "VARCHAR" for name in columns}
    connection.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    connection.execute(
        f"create or replace temp table _read as select * from read_csv(?, delim=?, header=true, columns=?, "
        "auto_detect=false, quote='\"', escape='\"', encoding=?, store_rejects=true, strict_mode=true)",
        [str(path), delimiter, declared, encoding])
    keep = ", ".join(f'"{c}"' for c in schema.columns if c in columns)
    missing = ", ".join(f"null::varchar as {c}" for c in schema.columns if c not in columns)
    # Loaded rows take the physical lines the reader did not reject, in order (header = line 1).
    connection.execute(f"""
        create or replace temp table _lines as
        select row_number() over (order by line) as rang, line from (
            select unnest(range(2, (select count(*) from _read) + (select count(*) from reject_errors) + 2)) as line
            except select line from reject_errors)
    """)
    connection.execute(f"""
        insert into {table}
        select ?, l.line, {keep}{', ' + missing if missing else ''}
        from (select *, row_number() over () as rang from _read) r join _lines l using (rang)
    """, [str(path)])
    connection.execute("""
        insert into rejets select ?, ?, line, 'ligne mal formée : ' || error_message, csv_line
        from (select distinct on (line) * from reject_errors order by line)
    """, [millesime, str(path)])


def _load_parquet(connection, path: Path, schema: FileSchema, table: str) -> None:
    names = [row[0] for row in connection.execute("select name from parquet_schema(?)", [str(path)]).fetchall()]
    by_lower = {name.lower(): name for name in names}
    _check_columns(path, list(by_lower), schema)
    select = ", ".join(f'cast("{by_lower[c]}" as varchar)' if c in by_lower else "null::varchar"
                       for c in schema.columns)
    connection.execute(f"insert into {table} select ?, row_number() over () + 1, {select} from read_parquet(?)",
                       [str(path), str(path)])


def load_file(connection, path: Path, schema: FileSchema, millesime: int) -> None:
    """Append one raw file to raw_<schema>, tagging rows with file, line and millésime."""
    table = f"raw_{schema.name}"
    connection.execute(f"create temp table if not exists _{table} (fichier varchar, ligne bigint, "
                       + ", ".join(f"{c} varchar" for c in schema.columns) + ")")
    connection.execute(f"delete from _{table}")
    if path.name.endswith(".parquet"):
        _load_parquet(connection, path, schema, f"_{table}")
    else:
        _load_csv(connection, path, schema, f"_{table}", millesime)
    connection.execute(f"insert into {table} select ?, * from _{table}", [millesime])


def create_raw_tables(connection) -> None:
    connection.execute("create or replace table raw_etablissements (millesime integer, fichier varchar, "
                       "ligne bigint, " + ", ".join(f"{c} varchar" for c in ETABLISSEMENTS.columns) + ")")
    connection.execute("create or replace table rejets (millesime integer, fichier varchar, ligne bigint, "
                       "motif varchar, contenu varchar)")


def reconcile(connection) -> list[dict]:
    """Per file: lus = charges + rejetes (lines read, header excluded)."""
    rows = connection.execute("""
        with lus as (
            select millesime, fichier, count(*) as n from (
                select millesime, fichier, ligne from raw_etablissements
                union all select millesime, fichier, ligne from rejets where motif like 'ligne mal formée%')
            group by all),
        rejetes as (select millesime, fichier, count(*) as n from rejets group by all)
        select l.fichier, l.millesime, l.n as lus, l.n - coalesce(r.n, 0) as charges, coalesce(r.n, 0) as rejetes
        from lus l left join rejetes r using (millesime, fichier) order by l.millesime, l.fichier
    """).fetchall()
    return [dict(zip(("fichier", "millesime", "lus", "charges", "rejetes"), row)) for row in rows]

