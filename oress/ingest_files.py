"""The bytes of a raw CSV extract: not binary, its encoding, its line count, its header and delimiter, a
Windows-1252 file transcoded to UTF-8, and the physical line each record starts on."""
from __future__ import annotations

import codecs
import csv
import gzip
import io
from array import array
from dataclasses import dataclass
from pathlib import Path

from oress.sources import InputError

CHUNK = 1 << 24
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



def open_bytes(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def unreadable(path: Path, error: Exception) -> InputError:
    return InputError(f"{path}: fichier illisible ({error}) ; le fournir à nouveau, complet et non tronqué")


def check_text(path: Path, head: bytes) -> None:
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
        with open_bytes(path) as handle:
            while chunk := handle.read(CHUNK):
                if first:
                    check_text(path, chunk[:65536])
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
        raise unreadable(path, error) from error
    if first:
        check_text(path, b"")
    lines = newlines + (0 if tail.endswith(b"\n") else 1)
    return Scan(utf8=utf8, lines=lines - _trailing_empty_lines(tail))


def read_header(path: Path, utf8: bool) -> tuple[list[str], str]:
    """Column names as written and the delimiter of a CSV file."""
    with open_bytes(path) as handle:
        raw = handle.readline()
    first = raw.decode("utf-8" if utf8 else "cp1252", errors="oress_latin1").lstrip("\ufeff").rstrip("\r\n")
    if not first.strip():
        raise InputError(f"{path}: première ligne vide ; la ligne 1 doit porter les noms de colonnes")
    delimiter = max((";", ",", "\t", "|"), key=first.count)
    return [name.strip().strip('"').strip() for name in first.split(delimiter)], delimiter


def transcode(path: Path, target: Path) -> None:
    """Windows-1252 (INSEE's "Latin-1") → UTF-8, by chunks: DuckDB aborts on 0x80–0x9F read as Latin-1."""
    with open_bytes(path) as source, open(target, "wb") as out:
        while chunk := source.read(CHUNK):
            out.write(chunk.decode("cp1252", errors="oress_latin1").encode("utf-8"))


def record_lines(path: Path, delimiter: str) -> tuple[array, array]:
    """DuckDB line and physical first line of every record, when blank lines or quoted line breaks make
    the two differ. DuckDB counts a blank line as a line and a multi-line record as one."""
    duck_lines, physical_lines, duck_line = array("q"), array("q"), 1
    with open_bytes(path) as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as handle:
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

