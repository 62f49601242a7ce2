"""The audit step (`oress audit`): the attacker audit replayed on the files a run wrote.

`oress protect` proves its own mask with the attacker audit before anything is published; this step reads
back every written chiffres-cles/indicateurs.parquet and attacks it again against the warehouse's true
cells, so a publication edited or written by another run cannot pass unseen. The attacker itself (the
engine's) is oress.secrecy.audit; the true cells and the equations come from oress.protect.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from oress.config import RunSpec, SecretRules
from oress.pipeline_base import require_tables, say, shown
from oress.protect import read_publication
from oress.secrecy import ATOM_LEVEL, KEY, MEASURES, AuditResult, SecrecyError, write_audit_report
from oress.secrecy import audit as attack  # the engine's attacker audit (oress.secrecy.audit)
from oress.warehouse import reading


def audit_publication(connection, indicateurs: Path, millesime: int, rules: SecretRules,
                      differencing: pd.DataFrame | None = None) -> AuditResult:
    """Re-run the attacker audit on a written indicateurs.parquet against the warehouse's true cells; differencing:
    the cells `oress protect` listed as hidden only to stop differencing (kept in the summary's share)."""
    if not indicateurs.exists():
        raise SecrecyError(f"{indicateurs} absent : lancer `oress keyfigures` (ou `oress build`) d'abord")
    published = pd.read_parquet(indicateurs)
    published = published[published["millesime"] == millesime]
    publication = read_publication(connection, millesime)
    cells = publication.cells
    unpublished = cells["niveau"] == ATOM_LEVEL
    if len(published) != (~unpublished).sum():
        raise SecrecyError(f"{indicateurs} : {len(published)} cellules publiées pour {millesime}, "
                           f"{(~unpublished).sum()} dans mart_cellules : la publication ne correspond pas à l'entrepôt")
    # the atoms are not published: unknowns for the attacker, as in `oress protect`
    derived = cells.loc[unpublished, list(KEY)].assign(secret="", **{m: None for m in MEASURES})
    return attack(pd.concat([published, derived], ignore_index=True), cells, publication.equations(), rules,
                  differencing)


def protected_for_differencing(folder: Path) -> pd.DataFrame | None:
    """The cells `oress protect`'s report lists as hidden only to stop differencing (qualite/
    audit_secret_differenciation.csv), None when it wrote none."""
    path = folder / "audit_secret_differenciation.csv"
    return pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig") if path.exists() else None


def run(spec: RunSpec) -> None:
    """Re-run the attacker audit on every written indicateurs.parquet; fail if any primary can be narrowed."""
    failures = []
    with reading(spec.warehouse) as connection:
        require_tables(connection, spec, "mart_cellules", "int_modalites", "ref_territoire_commune")
        for millesime in spec.millesimes:
            parquet = spec.reports_for(millesime) / "chiffres-cles" / "indicateurs.parquet"
            quality = spec.reports_for(millesime) / "qualite"
            result = audit_publication(connection, parquet, millesime, spec.secret, protected_for_differencing(quality))
            paths = write_audit_report(result, quality)
            failing = int((~result.intervals["ok"]).sum())
            say(f"  {millesime} : {len(result.intervals)} intervalles, {failing} trop étroits → "
                f"{shown(spec, paths[-1])}")
            if failing:
                failures.append(f"{millesime} ({failing} intervalles)")
    if failures:
        raise SecrecyError(f"audit du secret en échec : {', '.join(failures)} ; voir qualite/audit_secret.html")
