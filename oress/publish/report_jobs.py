"""Which panoramas a run writes: one job per territory and millésime, and where each PDF goes."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from oress.config import RunSpec

EXTRA_LEVELS = ("epci", "departement")   # standard levels a spec may ask panoramas for
PAGES = 10                               # a panorama's pages: one per section and the cover
LEVEL_NAMES = {"epci": "Intercommunalité (EPCI)", "departement": "Département", "pays": "Pays"}


@dataclass(frozen=True)
class Job:
    millesime: int
    niveau: str
    code: str
    libelle: str
    out_file: Path


def out_file(spec: RunSpec, millesime: int, niveau: str, code: str) -> Path:
    return spec.reports_for(millesime) / "panoramas" / f"panorama_{niveau}_{code}.pdf"


def jobs(connection, spec: RunSpec, territoire: str | None = None) -> list[Job]:
    """Every panorama the spec asks for, or the one of code `territoire`."""
    territories = [(t.niveau, t.code, t.libelle) for t in spec.territoires if t.niveau in spec.panorama_levels]
    for niveau in (lv for lv in EXTRA_LEVELS if lv in spec.panorama_levels):
        territories += connection.execute("""
            select distinct t.niveau, t.code, t.libelle from ref_territoire_commune t join ref_communes c using (depcom)
            where t.niveau = ? and c.reg = ? order by t.code""", [niveau, spec.region]).fetchall()
    if territoire is not None:
        territories = [t for t in territories if t[1] == territoire]
        if not territories:
            custom = [t for t in spec.territoires if t.code == territoire]
            hint = (f" (son niveau {custom[0].niveau!r} n'est pas dans 'panoramas')" if custom else "")
            raise ValueError(f"{spec.path}: aucun panorama pour le territoire {territoire!r}{hint}")
    return [Job(m, niveau, code, libelle, out_file(spec, m, niveau, code))
            for m in spec.millesimes for niveau, code, libelle in territories]
