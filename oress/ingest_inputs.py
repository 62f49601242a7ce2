"""Which raw files a millésime folder holds, and the checks a build makes on them before writing anything."""
from __future__ import annotations

from pathlib import Path

from oress.config import RunSpec, SpecError
from oress.ingest_files import check_text, open_bytes, read_header, unreadable
from oress.sources import NATURES, Flavour, InputError, detect, patterns

EXTENSIONS = (".csv", ".csv.gz", ".parquet")


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
                    with open_bytes(path) as handle:
                        check_text(path, handle.read(65536))
                except (OSError, EOFError) as error:
                    raise unreadable(path, error) from error
                header, _ = read_header(path, utf8=True)
            detect(path, nature, header, flavours)
