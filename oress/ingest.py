"""Read raw extracts into raw_* tables as text, tagged with file and physical line; every line ends up
loaded or in `rejets` with its reason. Flavours (pipelines/sources) say how each file is written."""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import tempfile
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from oress.config import SQL_DIR, RunSpec, SpecError
from oress.sources import AUTO, NATURES, Flavour, InputError, Match, detect, patterns

__all__ = ["InputError", "find_input", "find_inputs", "inputs", "load_file", "create_raw_tables", "define_macros",
           "collect_rejects", "reconcile"]

EXTENSIONS = (".csv", ".csv.gz", ".parquet")
CHUNK = 1 << 24
# Staging model holding the typed rows (and `motif`) of each nature.
STAGING = {"etablissements": "stg_etablissements", "postes": "stg_postes",
           "sirene_unites_legales": "stg_sirene_unites_legales", "sirene_etablissements": "stg_sirene",
           "trimestres": "stg_trimestres", "trimestres_communes": "stg_trimestres_communes"}
SIGNATURES = {b"PK\x03\x04": "une archive zip : la décompresser",
              b"PAR1": "un fichier Parquet : lui donner l'extension .parquet",
              b"\x1f\x8b": "un fichier gzip : lui donner l'extension .csv.gz",
              b"\xff\xfe": "un texte UTF-16 : le réenregistrer en CSV UTF-8",
              b"\xfe\xff": "un texte UTF-16 : le réenregistrer en CSV UTF-8"}


def _latin1_fallback(error: UnicodeDecodeError):
    # The five bytes Windows-1252 leaves undefined read as their Latin-1 code points: nothing is lost.
    return error.object[error.start:error.end].decode("latin-1"), error.end


codecs.register_error("oress_latin1", _latin1_fallback)


@dataclass(frozen=True)
class Scan:
    """What one pass over a CSV's bytes tells: its encoding and how many data lines it should hold."""
    utf8: bool
    lines: int              # physical lines, header included, trailing empty lines excluded


def find_input(folder: Path, name: str) -> Path | None:
    found = _glob(folder, name)
    return found[0] if found else None


def _glob(folder: Path, pattern: str) -> list[Path]:
    return sorted({p for extension in EXTENSIONS for p in folder.glob(pattern + extension) if p.is_file()})


def find_inputs(folder: Path, nature: str, flavours: list[Flavour]) -> list[Path]:
    """The files of one nature in a millésime folder; more than one is ambiguous and refused."""
    found = sorted({p for pattern in patterns(flavours, nature) for p in _glob(folder, pattern)})
    if len(found) > 1:
        raise InputError(f"{folder}: plusieurs fichiers « {nature} » ({', '.join(p.name for p in found)}) ; "
                         "n'en garder qu'un")
    return found


def inputs(folder: Path, flavours: list[Flavour]) -> list[tuple[str, Path]]:
    """(nature, file) of a millésime folder: etablissements, postes when present, both SIRENE stocks or none."""
    found = [(nature, path) for nature in NATURES for path in find_inputs(folder, nature, flavours)]
    sirene = {nature for nature, _ in found if nature.startswith("sirene_")}
    if len(sirene) == 1:
        missing = ({"sirene_etablissements", "sirene_unites_legales"} - sirene).pop()
        raise InputError(f"{folder}: stock SIRENE incomplet, fichier {' ou '.join(patterns(flavours, missing))}"
                         ".(csv|csv.gz|parquet) absent ; fournir StockEtablissement et StockUniteLegale ensemble")
    return found


def _open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def _unreadable(path: Path, error: Exception) -> InputError:
    return InputError(f"{path}: fichier illisible ({error}) ; le fournir à nouveau, complet et non tronqué")


def _check_text(path: Path, head: bytes) -> None:
    if not head.strip():
        raise InputError(f"{path}: fichier vide ou sans ligne d'en-tête ; fournir l'extrait avec ses noms de colonnes")
    for signature, what in SIGNATURES.items():
        if head.startswith(signature):
            raise InputError(f"{path}: ce n'est pas un CSV mais {what}")
    if b"\x00" in head:
        raise InputError(f"{path}: contenu binaire, ce n'est pas un CSV ; fournir l'extrait en CSV ou Parquet")


def _trailing_empty_lines(tail: bytes) -> int:
    text = tail[:-1] if tail.endswith(b"\n") else tail
    count = 0
    while text.rstrip(b"\r").endswith(b"\n"):
        text = text.rstrip(b"\r")[:-1]
        count += 1
    return count


def scan(path: Path) -> Scan:
    """One pass: not binary, UTF-8 or not, line count (the loader checks every line is accounted for)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    utf8, newlines, tail, first = True, 0, b"", True
    try:
        with _open_bytes(path) as handle:
            while chunk := handle.read(CHUNK):
                if first:
                    _check_text(path, chunk[:65536])
                    first = False
                newlines += chunk.count(b"\n")
                tail = (tail + chunk)[-65536:]
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        utf8 = False
        if utf8:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        utf8 = False
    except (OSError, EOFError) as error:
        raise _unreadable(path, error) from error
    if first:
        _check_text(path, b"")
    lines = newlines + (0 if tail.endswith(b"\n") else 1)
    return Scan(utf8=utf8, lines=lines - _trailing_empty_lines(tail))


def read_header(path: Path, utf8: bool) -> tuple[list[str], str]:
    """Column names as written and the delimiter of a CSV file."""
    with _open_bytes(path) as handle:
        raw = handle.readline()
    first = raw.decode("utf-8" if utf8 else "cp1252", errors="oress_latin1").lstrip("\ufeff").rstrip("\r\n")
    if not first.strip():
        raise InputError(f"{path}: première ligne vide ; la ligne 1 doit porter les noms de colonnes")
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    return [name.strip().strip('"').strip() for name in first.split(delimiter)], delimiter


def transcode(path: Path, target: Path) -> None:
    """Windows-1252 (INSEE's "Latin-1") → UTF-8, by chunks: DuckDB aborts on 0x80–0x9F read as Latin-1."""
    with _open_bytes(path) as source, open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            out.write(chunk.decode("cp1252", errors="oress_latin1").encode("utf-8"))


def _encoding(path: Path, match: Match, found: Scan) -> str:
    declared = match.flavour.encoding
    if declared == "utf-8" and not found.utf8:
        raise InputError(f"{path}: le format {match.flavour.name} est déclaré UTF-8 mais le fichier ne l'est pas ; "
                         "le réenregistrer en UTF-8")
    if declared == AUTO:
        return "utf-8" if found.utf8 else "windows-1252"
    return declared


def _record_lines(path: Path, delimiter: str) -> tuple[array, array]:
    """DuckDB line and physical first line of every record, when blank lines or quoted line breaks make
    the two differ. DuckDB counts a blank line as a line and a multi-line record as one."""
    duck_lines, physical_lines, duck_line = array("q"), array("q"), 1
    with _open_bytes(path) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"', doublequote=True)
        next(reader, None)
        physical = reader.line_num
        for row in reader:
            duck_line += 1
            if row:
                duck_lines.append(duck_line)
                physical_lines.append(physical + 1)
            physical = reader.line_num
    return duck_lines, physical_lines


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

    duck_lines, physical_lines = _record_lines(readable, delimiter)
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


def collect_rejects(connection) -> None:
    """Lines whose first broken rule was set by staging join the malformed ones in `rejets`."""
    for model in STAGING.values():
        connection.execute(f"insert into rejets select millesime, fichier, ligne, motif, contenu from {model} "
                           "where motif is not null")


def reconcile(connection) -> list[dict]:
    """Per file: lus = charges + rejetes, each counted on its own table; a gap is a bug, never hidden."""
    loaded = " union all ".join(f"select millesime, fichier, count(*) as n from {model} where motif is null "
                                "group by all" for model in STAGING.values())
    rows = connection.execute(f"""
        with charges as ({loaded}),
        rejetes as (select millesime, fichier, count(*) as n from rejets group by all)
        select f.fichier, f.millesime, f.nature, f.source, f.lus, coalesce(c.n, 0), coalesce(r.n, 0)
        from raw_fichiers f
        left join charges c using (millesime, fichier)
        left join rejetes r using (millesime, fichier)
        order by f.millesime, f.nature, f.fichier
    """).fetchall()
    files = [dict(zip(("fichier", "millesime", "nature", "source", "lus", "charges", "rejetes"), row))
             for row in rows]
    for f in files:
        if f["lus"] != f["charges"] + f["rejetes"]:
            raise RuntimeError(f"{f['fichier']}: {f['lus']} lignes lues mais {f['charges']} chargées + "
                               f"{f['rejetes']} rejetées ; anomalie du chargement, à signaler")
    return files


def require_raw_files(spec: RunSpec) -> None:
    """Fail early, naming the file, when a millésime has no establishment file."""
    for millesime in spec.millesimes:
        if find_input(spec.raw_dir / str(millesime), "etablissements") is None:
            raise SpecError(
                f"{spec.raw_dir / str(millesime)}: aucun fichier etablissements.(csv|csv.gz|parquet) "
                f"pour le millésime {millesime} (lancer `oress demo` pour les données de démonstration)"
            )


def check_inputs(spec: RunSpec) -> None:
    """Before a build writes anything: every millésime has its files, and each file's header has the
    columns its format requires (the same checks `ingest` makes when it loads the file)."""
    import duckdb

    from oress.sources import load_flavours

    if spec.livraison_insee is not None:
        return
    require_raw_files(spec)
    flavours = load_flavours()
    for millesime in spec.millesimes:
        for nature, path in inputs(spec.raw_dir / str(millesime), flavours):
            if path.suffix == ".parquet":
                try:
                    header = [row[0] for row in duckdb.connect().execute(
                        "describe select * from read_parquet(?)", [str(path)]).fetchall()]
                except Exception as error:
                    raise InputError(f"{path}: fichier Parquet illisible ({str(error).splitlines()[0]}) ; le "
                                     "fournir à nouveau ou en CSV") from error
            else:
                try:
                    with _open_bytes(path) as handle:
                        _check_text(path, handle.read(65536))
                except (OSError, EOFError) as error:
                    raise _unreadable(path, error) from error
                header, _ = read_header(path, utf8=True)
            detect(path, nature, header, flavours)
