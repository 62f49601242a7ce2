"""The audit report files of a protection: every interval, the summary per level, the cells hidden only to stop
differencing, and an HTML page for a reader."""
from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from oress.files import write_atomically
from oress.secrecy.audit import AuditResult


def write_audit_report(result: AuditResult, folder: Path, stem: str = "audit_secret") -> list[Path]:
    """<stem>.parquet (every interval), <stem>_resume.csv (counts, ';' UTF-8 BOM), <stem>_differenciation.csv
    (the cells hidden only to stop differencing between overlapping territories) and <stem>.html."""
    folder = Path(folder)
    paths = [folder / f"{stem}.parquet", folder / f"{stem}_resume.csv", folder / f"{stem}_differenciation.csv",
             folder / f"{stem}.html"]
    write_atomically(paths[0], lambda aside: result.intervals.to_parquet(aside, index=False))
    if result.differencing is not None:   # else the one `oress protect` wrote stays
        write_atomically(paths[2], lambda aside: result.differencing.to_csv(aside, sep=";", index=False,
                                                                            encoding="utf-8-sig"))
    write_atomically(paths[1], lambda aside: result.summary.to_csv(aside, sep=";", decimal=",", index=False,
                                                                   encoding="utf-8-sig"))
    write_atomically(paths[3], lambda aside: aside.write_text(_html(result), encoding="utf-8"))
    return paths


def _html(result: AuditResult) -> str:
    failing = result.intervals[~result.intervals["ok"]]
    verdict = ("Audit réussi : aucun intervalle plus étroit que l'intervalle de protection requis."
               if result.passed else f"Audit en échec : {len(failing)} intervalle(s) trop étroit(s).")
    shown = failing if len(failing) else result.intervals.head(200)
    caption = "Intervalles en échec" if len(failing) else "Intervalles de l'attaquant (200 premiers)"
    return ("<!doctype html><html lang='fr'><meta charset='utf-8'><title>Audit du secret statistique</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
            "padding:2px 6px;text-align:right}</style><h1>Audit du secret statistique</h1>"
            f"<p>{html.escape(verdict)}</p><h2>Résumé</h2>{result.summary.to_html(index=False)}"
            f"<h2>{caption}</h2>{shown.to_html(index=False)}"
            f"{_differencing_html(result.differencing)}</html>\n")


def _differencing_html(differencing: pd.DataFrame | None) -> str:
    if differencing is None:
        return ""
    return ("<h2>Cellules masquées pour empêcher la différenciation</h2><p>Cellules publiables masquées "
            "uniquement pour protéger une cellule non publiée qu'un lecteur obtiendrait par différence entre "
            f"territoires qui se recouvrent ({len(differencing)} cellules).</p>"
            f"{differencing.head(500).to_html(index=False)}")
