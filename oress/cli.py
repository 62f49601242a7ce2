"""The oress command line: one verb per step; heavy libraries are imported inside the steps."""
from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Pipeline de l'observatoire régional de l'ESS : du fichier brut aux publications.")
DEFAULT_SPEC = Path("pipelines/demo.toml")
SpecOption = Annotated[Path, typer.Option("--spec", help="Spécification du traitement (TOML).")]


def _run(step: str, spec_path: Path, **options) -> None:
    """Load the spec, run the step of that name (oress.pipeline), and turn any failure into a readable message
    and exit code 1."""
    from oress import pipeline
    from oress.config import load_spec
    from oress.files import ensure_writable

    try:
        spec = load_spec(spec_path)
        for folder in (spec.warehouse.parent, spec.reports_dir):   # fail before anything is changed
            ensure_writable(folder)
        pipeline.step(step)(spec, **options)
    except Exception as error:  # every failure is reported the same way: message, non-zero exit
        typer.secho(f"erreur : {describe(error)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from error


NO_SPACE = "No space left on device"
UNWRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR}


def describe(error: Exception) -> str:
    """The message for the analyst: system errors say what happened to which file and what to do; nothing
    was published, since every step writes aside and swaps only on success."""
    untouched = "rien n'a été publié, l'entrepôt et les rapports précédents sont intacts"
    if (isinstance(error, OSError) and error.errno == errno.ENOSPC) or NO_SPACE in str(error):
        where = f" en écrivant {error.filename}" if getattr(error, "filename", None) else ""
        return f"disque plein{where} : libérer de la place puis relancer ; {untouched}"
    if isinstance(error, OSError) and error.errno in UNWRITABLE:
        return (f"impossible d'écrire {error.filename} ({error.strerror}) : vérifier que le dossier existe et est "
                f"accessible en écriture (reports_dir et warehouse de la spécification) ; {untouched}")
    return str(error)


@app.command()
def demo(spec: SpecOption = DEFAULT_SPEC,
         seed: Annotated[int, typer.Option(help="Graine du générateur.")] = 2018,
         scale: Annotated[str, typer.Option(help="Multiplicateur de taille de la région, ou « france » : "
                                                 "toutes les régions, dernier millésime seul.")] = "1") -> None:
    """Écrire les données de démonstration dans le raw_dir de la spécification."""
    france = scale.strip().lower() == "france"
    try:
        factor = 1.0 if france else float(scale.replace(",", "."))
    except ValueError:
        raise typer.BadParameter(f"--scale attend un nombre ou « france », pas « {scale} »") from None
    _run("demo", spec, seed=seed, scale=factor, france=france)


@app.command()
def reference(spec: SpecOption = DEFAULT_SPEC,
              refresh: Annotated[bool, typer.Option(help="Ré-extraire géographie et NAF des paquets.")] = False
              ) -> None:
    """Charger les tables de référence (ref_*) et les territoires dans l'entrepôt."""
    _run("reference", spec, refresh=refresh)


@app.command()
def ingest(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Lire les extraits bruts ; chaque ligne est chargée ou rejetée avec son motif."""
    _run("ingest", spec)


@app.command()
def transform(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Classer les établissements et agréger les indicateurs (sql/intermediate, sql/marts)."""
    _run("transform", spec)


@app.command()
def validate(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Contrôles Great Expectations et identités comptables (sql/checks)."""
    _run("validate", spec)


@app.command()
def protect(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Appliquer le secret statistique aux cellules publiées."""
    _run("protect", spec)


@app.command()
def audit(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Rejouer l'audit de l'attaquant sur les indicateurs.parquet écrits (échec si un secret est trop étroit)."""
    _run("audit", spec)


@app.command()
def conjoncture(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Données trimestrielles (type URSSAF) : secret, évolutions, notes de conjoncture PDF."""
    _run("conjoncture", spec)


@app.command()
def livraison(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Publier à partir des tableaux livrés par l'INSEE (clé livraison_insee) : secret S gardé tel quel."""
    _run("livraison", spec)


@app.command()
def keyfigures(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Écrire les chiffres clés : indicateurs.parquet, .csv et .xlsx."""
    _run("keyfigures", spec)


@app.command()
def report(spec: SpecOption = DEFAULT_SPEC,
           territoire: Annotated[str | None, typer.Option(help="Code d'un seul territoire.")] = None,
           workers: Annotated[int | None, typer.Option(help="Processus de rendu (défaut : un par cœur).")] = None
           ) -> None:
    """Produire le panorama PDF de chaque territoire de la spécification."""
    _run("report", spec, territoire=territoire, workers=workers)


@app.command()
def site(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Écrire le site statique de l'observatoire (une page par territoire publié) sous <reports_dir>/site/."""
    _run("site", spec)


@app.command()
def build(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Toutes les étapes dans l'ordre, arrêt à la première erreur."""
    _run("build", spec)


if __name__ == "__main__":
    sys.exit(app())
