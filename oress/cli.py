"""The oress command line: one verb per step; heavy libraries are imported inside the steps."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Pipeline de l'observatoire régional de l'ESS : du fichier brut aux publications.")
DEFAULT_SPEC = Path("pipelines/demo.toml")
SpecOption = Annotated[Path, typer.Option("--spec", help="Spécification du traitement (TOML).")]


def _run(step, spec_path: Path, **options) -> None:
    """Load the spec, run one step, and turn any failure into a readable message and exit code 1."""
    from oress.config import load_spec

    try:
        step(load_spec(spec_path), **options)
    except Exception as error:  # every failure is reported the same way: message, non-zero exit
        typer.secho(f"erreur : {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from error


def _pipeline():
    from oress import pipeline

    return pipeline


@app.command()
def demo(spec: SpecOption = DEFAULT_SPEC,
         seed: Annotated[int, typer.Option(help="Graine du générateur.")] = 2018,
         scale: Annotated[float, typer.Option(help="Multiplicateur de taille.")] = 1.0) -> None:
    """Écrire les données de démonstration dans le raw_dir de la spécification."""
    _run(_pipeline().demo, spec, seed=seed, scale=scale)


@app.command()
def reference(spec: SpecOption = DEFAULT_SPEC,
              refresh: Annotated[bool, typer.Option(help="Ré-extraire géographie et NAF des paquets.")] = False
              ) -> None:
    """Charger les tables de référence (ref_*) et les territoires dans l'entrepôt."""
    _run(_pipeline().reference, spec, refresh=refresh)


@app.command()
def ingest(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Lire les extraits bruts ; chaque ligne est chargée ou rejetée avec son motif."""
    _run(_pipeline().ingest, spec)


@app.command()
def transform(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Classer les établissements et agréger les indicateurs (sql/intermediate, sql/marts)."""
    _run(_pipeline().transform, spec)


@app.command()
def validate(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Contrôles Great Expectations et identités comptables (sql/checks)."""
    _run(_pipeline().validate, spec)


@app.command()
def protect(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Appliquer le secret statistique aux cellules publiées."""
    _run(_pipeline().protect, spec)


@app.command()
def audit(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Rejouer l'audit de l'attaquant sur les indicateurs.parquet écrits (échec si un secret est trop étroit)."""
    _run(_pipeline().audit, spec)


@app.command()
def livraison(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Publier à partir des tableaux livrés par l'INSEE (clé livraison_insee) : secret S gardé tel quel."""
    _run(_pipeline().delivered, spec)


@app.command()
def keyfigures(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Écrire les chiffres clés : indicateurs.parquet, .csv et .xlsx."""
    _run(_pipeline().keyfigures, spec)


@app.command()
def report(spec: SpecOption = DEFAULT_SPEC,
           territoire: Annotated[Optional[str], typer.Option(help="Code d'un seul territoire.")] = None,
           workers: Annotated[Optional[int], typer.Option(help="Processus de rendu (défaut : un par cœur).")] = None
           ) -> None:
    """Produire le panorama PDF de chaque territoire de la spécification."""
    _run(_pipeline().report, spec, territoire=territoire, workers=workers)


@app.command()
def build(spec: SpecOption = DEFAULT_SPEC) -> None:
    """Toutes les étapes dans l'ordre, arrêt à la première erreur."""
    _run(_pipeline().build, spec)


if __name__ == "__main__":
    sys.exit(app())
