"""One raw file (CSV or Parquet) appended to its raw_* table as text, every row tagged with millésime, file and
physical line; malformed lines go to `rejets` with DuckDB's reason."""
from __future__ import annotations

import tempfile
from bisect import bisect_left
from pathlib import Path

from oress.config import SQL_DIR
from oress.ingest_files import Scan, read_header, record_lines, scan, transcode
from oress.sources import AUTO, NATURES, Flavour, InputError, Match, detect


def create_raw_tables(connection, flavours: list[Flavour]) -> None:
    """Empty raw_* tables for every nature (a missing optional file leaves its table empty), plus the
    per-file metadata and the flavours' code mappings that staging reads."""
    for nature in NATURES.values():
        connection.execute(f"create or replace table raw_{nature.name} (millesime integer, fichier varchar, "
                           "ligne bigint, " + ", ".join(f"{c} varchar" for c in nature.columns) + ")")
    connection.execute("create or replace table rejets (millesime integer, fichier varchar, ligne bigint, "
                       "motif varchar, contenu varchar)")
    connection.execute("create or replace table raw_fichiers (millesime integer, fichier varchar, nature varchar, "
                       "source varchar, format varchar, encodage varchar, separateur varchar, decimale varchar, "
                       "milliers varchar, lus bigint, mal_formees bigint)")
    connection.execute("create or replace table raw_correspondances (source varchar, nature varchar, "
                       "colonne varchar, code_source varchar, code_pivot varchar)")
    rows = [(f.name, nature, column, code, pivot) for f in flavours for nature, layout in f.layouts.items()
            for column, mapping in layout.codes.items() for code, pivot in mapping.items()]
    if rows:
        connection.executemany("insert into raw_correspondances values (?, ?, ?, ?, ?)", rows)


def define_macros(connection) -> None:
    for path in sorted((SQL_DIR / "macros").glob("*.sql")):
        connection.execute(path.read_text(encoding="utf-8"))


def load_file(connection, path: Path, nature: str, millesime: int, flavours: list[Flavour],
              workdir: Path | None = None) -> Match:
    """Append one raw file to raw_<nature>, tagging rows with millésime, file and physical line."""
    if path.name.endswith(".parquet"):
        match, lus, malformed = _load_parquet(connection, path, nature, millesime, flavours)
        # Parquet numbers are typed: their text form uses '.', never a thousands separator.
        layout = ("parquet", "", "", AUTO, "")
    else:
        with tempfile.TemporaryDirectory(prefix=".oress-", dir=workdir) as scratch:
            match, encoding, delimiter, lus, malformed = _load_csv(
                connection, path, nature, millesime, flavours, Path(scratch))
        layout = ("csv", encoding, delimiter, match.flavour.decimal, match.flavour.thousands)
    if lus == 0:
        raise InputError(f"{path}: aucune ligne de données après l'en-tête ; fournir l'extrait complet")
    connection.execute("insert into raw_fichiers values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [millesime, str(path), nature, match.flavour.name, *layout, lus, malformed])
    return match



def _encoding(path: Path, match: Match, found: Scan) -> str:
    declared = match.flavour.encoding
    if declared == "utf-8" and not found.utf8:
        raise InputError(f"{path}: le format {match.flavour.name} est déclaré UTF-8 mais le fichier ne l'est pas ; "
                         "le réenregistrer en UTF-8")
    if declared == AUTO:
        return "utf-8" if found.utf8 else "windows-1252"
    return declared


def _select_list(match: Match, position: dict[str, str]) -> str:
    return ", ".join(f'cast("{position[match.columns[c]]}" as varchar) as {c}' if c in match.columns
                     else f"null::varchar as {c}" for c in match.nature.columns)


def _load_csv(connection, path, nature, millesime, flavours, scratch):
    found = scan(path)
    header, delimiter = read_header(path, found.utf8)
    match = detect(path, nature, header, flavours)
    if match.flavour.delimiter not in (AUTO, delimiter):
        raise InputError(f"{path}: séparateur {delimiter!r} lu, {match.flavour.delimiter!r} attendu pour le format "
                         f"{match.flavour.name} ; réenregistrer le fichier avec ce séparateur")
    lowered = [name.lower() for name in header]
    doubled = sorted({source for source in match.columns.values() if lowered.count(source.lower()) > 1})
    if doubled:
        raise InputError(f"{path}: colonne(s) en double dans l'en-tête : {', '.join(doubled)} ; n'en garder qu'une")
    encoding = _encoding(path, match, found)
    readable = path
    if encoding != "utf-8":
        readable = scratch / "utf8.csv"
        transcode(path, readable)
    # Positional names: header names may repeat or hold any character.
    position = {name: f"c{i}" for i, name in reversed(list(enumerate(header)))}
    declared = {f"c{i}": "VARCHAR" for i in range(len(header))}
    connection.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    # Rows go straight into raw_<nature> numbered by rank (line = rank + 1); the numbering is corrected
    # below when malformed lines, blank lines or quoted line breaks shift it.
    try:
        (loaded,) = connection.execute(
            f"insert into raw_{nature} select ?, ?, rang + 1, {', '.join(match.nature.columns)} from ("
            f"select {_select_list(match, position)}, ordinality as rang "
            "from read_csv(?, delim=?, header=true, columns=?, auto_detect=false, quote='\"', escape='\"', "
            "encoding='utf-8', store_rejects=true, strict_mode=true) with ordinality)",
            [millesime, str(path), str(readable), delimiter, declared]).fetchone()
    except Exception as error:  # duckdb raises several error types for a CSV it cannot parse at all
        raise InputError(f"{path}: CSV illisible ({str(error).splitlines()[0]}) ; vérifier le séparateur et les "
                         "guillemets") from error
    connection.execute("create or replace temp table _rejects as select distinct on (line) line, error_message, "
                       "csv_line from reject_errors order by line")
    (malformed,) = connection.execute("select count(*) from _rejects").fetchone()
    if malformed and not loaded:
        raise InputError(f"{path}: aucune ligne lisible, toutes ont un nombre de colonnes différent de l'en-tête "
                         f"({len(header)} colonnes séparées par {delimiter!r}) ; vérifier le séparateur")
    if loaded + malformed == found.lines - 1:
        _renumber_by_shift(connection, nature, millesime, path)
    else:
        _renumber_by_records(connection, nature, millesime, path, readable, delimiter, loaded + malformed)
    return match, encoding, delimiter, loaded + malformed, malformed


def _renumber_by_shift(connection, nature, millesime, path) -> None:
    """One record per physical line: the loaded row of rank o sits at line o + 1 + (rejected lines before it)."""
    (malformed,) = connection.execute("select count(*) from _rejects").fetchone()
    if not malformed:
        return
    connection.execute("insert into rejets select ?, ?, line, 'ligne mal formée : ' || error_message, csv_line "
                       "from _rejects", [millesime, str(path)])
    connection.execute("""
        create or replace temp table _shifts as
        select t, max(k) as k from (
            select line - row_number() over (order by line) as t, row_number() over (order by line) as k
            from _rejects)
        group by t
    """)
    connection.execute(f"""
        update raw_{nature} set ligne = moved.ligne
        from (select r.rowid as id, r.ligne + s.k as ligne
              from (select rowid, ligne from raw_{nature} where millesime = $1 and fichier = $2) r
              asof join _shifts s on r.ligne - 1 >= s.t) moved
        where raw_{nature}.rowid = moved.id
    """, [millesime, str(path)])


def _renumber_by_records(connection, nature, millesime, path, readable, delimiter, expected) -> None:
    """Blank lines or line breaks inside quotes: number records from a Python reading of the file."""
    import pyarrow as pa

    duck_lines, physical_lines = record_lines(readable, delimiter)
    rejected = [row[0] for row in connection.execute("select line from _rejects").fetchall()]
    known = all(i < len(duck_lines) and duck_lines[i] == line  # duck_lines is increasing
                for line in rejected for i in [bisect_left(duck_lines, line)])
    if len(duck_lines) != expected or not known:
        raise InputError(f"{path}: découpage des lignes ambigu (guillemet non refermé ?) : {len(duck_lines)} "
                         f"enregistrements lus contre {expected} ; vérifier les guillemets du fichier")
    table = pa.table({"seq": pa.array(range(len(duck_lines)), pa.int64()), "duck_line": pa.array(duck_lines),
                      "physique": pa.array(physical_lines)})
    connection.register("_records_arrow", table)
    connection.execute("create or replace temp table _records as select * from _records_arrow")
    connection.unregister("_records_arrow")
    connection.execute("insert into rejets select ?, ?, r.physique, 'ligne mal formée : ' || j.error_message, "
                       "j.csv_line from _rejects j join _records r on r.duck_line = j.line", [millesime, str(path)])
    connection.execute(f"""
        update raw_{nature} set ligne = loaded.physique
        from (select physique, row_number() over (order by seq) + 1 as rang
              from _records anti join _rejects on _records.duck_line = _rejects.line) loaded
        where raw_{nature}.millesime = $1 and raw_{nature}.fichier = $2 and raw_{nature}.ligne = loaded.rang
    """, [millesime, str(path)])


def _load_parquet(connection, path, nature, millesime, flavours):
    try:
        header = [row[0] for row in connection.execute("describe select * from read_parquet(?)",
                                                       [str(path)]).fetchall()]
    except Exception as error:  # not a Parquet file, or a truncated one
        raise InputError(f"{path}: fichier Parquet illisible ({str(error).splitlines()[0]}) ; le fournir à "
                         "nouveau ou en CSV") from error
    if not header:
        raise InputError(f"{path}: fichier Parquet sans colonnes ; fournir l'extrait avec ses colonnes")
    match = detect(path, nature, header, flavours)
    position = {name: name.replace('"', '""') for name in header}
    connection.execute(f"""
        insert into raw_{nature}
        select ?, ?, rang + 1, {', '.join(NATURES[nature].columns)}
        from (select {_select_list(match, position)}, ordinality as rang from read_parquet(?) with ordinality)
    """, [millesime, str(path), str(path)])
    (lus,) = connection.execute(f"select count(*) from raw_{nature} where fichier = ? and millesime = ?",
                                [str(path), millesime]).fetchone()
    return match, lus, 0

