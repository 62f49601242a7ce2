"""The quality report of a millésime: validation.json (every check with its severity, result and failing
examples, and the rejected lines per rule) and the same as an offline validation.html page."""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from pathlib import Path

from oress.contracts import CRITICAL
from oress.validate_gx import Outcome

STATUSES = ("succes", "echec", "erreur", "sans_objet")


def rejection_summary(connection, millesime: int) -> list[dict]:
    """Rejected lines per file and rule, with the first line numbers, so every defect can be looked up."""
    rows = connection.execute("""
        select fichier, trim(regexp_extract(motif, '^[^:(]*')) as regle, count(*) as lignes,
               list(ligne order by ligne)[1:5] as exemples
        from rejets where millesime = ? group by all order by fichier, lignes desc, regle
    """, [millesime]).fetchall()
    return [dict(zip(("fichier", "regle", "lignes", "exemples_lignes"), row)) for row in rows]


@dataclass
class _Page:
    millesime: int
    outcomes: list[Outcome]
    rejections: list[dict] = field(default_factory=list)

    def render(self) -> str:
        counts = {s: sum(o.statut == s for o in self.outcomes) for s in STATUSES}
        critical = sum(o.statut == "echec" and o.severite == CRITICAL for o in self.outcomes)
        rows = "\n".join(
            f"<tr class='{o.statut} {o.severite}'><td>{html.escape(o.table)}</td>"
            f"<td>{html.escape(o.libelle)}<div class='gx'>{html.escape(o.controle)}</div></td>"
            f"<td>{o.severite}</td><td>{o.statut.replace('_', ' ')}</td><td>{html.escape(o.detail)}</td>"
            f"<td>{'<br>'.join(html.escape(e) for e in o.exemples)}</td></tr>" for o in self.outcomes)
        rejected = "\n".join(
            f"<tr><td>{html.escape(Path(r['fichier']).name)}</td><td>{html.escape(r['regle'])}</td>"
            f"<td class='n'>{r['lignes']}</td><td>{', '.join(map(str, r['exemples_lignes']))}</td></tr>"
            for r in self.rejections) or "<tr><td colspan='4'>aucune ligne rejetée</td></tr>"
        return (
            f"<!DOCTYPE html><html lang='fr'><meta charset='utf-8'><title>Qualité {self.millesime}</title>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
            "td,th{padding:3px 8px;border-bottom:1px solid #ccc;vertical-align:top;text-align:left}"
            ".gx{color:#777;font-size:80%}.n{text-align:right}.echec.avertissement{background:#fff4cc}"
            ".echec.critique{background:#fde2e1}.erreur{background:#f9c0bd}.sans_objet{color:#777}</style>"
            f"<h1>Contrôles de qualité — millésime {self.millesime}</h1>"
            f"<p>{len(self.outcomes)} contrôles : {counts['succes']} réussis, {counts['echec']} en écart "
            f"(dont {critical} critiques), {counts['erreur']} en erreur, {counts['sans_objet']} sans objet. "
            "Un contrôle critique en écart ou en erreur arrête la chaîne ; un avertissement est à examiner. "
            "Détail Great Expectations : <a href='gx/index.html'>Data Docs</a> ; lignes lues, chargées et "
            "rejetées par fichier : ingestion.json.</p>"
            "<h2>Lignes rejetées à l'ingestion</h2><table><tr><th>Fichier</th><th>Règle</th><th>Lignes</th>"
            f"<th>Premières lignes</th></tr>{rejected}</table>"
            "<h2>Contrôles</h2><table><tr><th>Table</th><th>Contrôle</th><th>Sévérité</th><th>Statut</th>"
            f"<th>Détail</th><th>Exemples</th></tr>{rows}</table></html>\n")


def write_report(outcomes: list[Outcome], out_dir: Path, millesime: int, rejections: list[dict] = ()) -> None:
    from oress.files import write_atomically, write_json

    write_json(out_dir / "validation.json", {"millesime": millesime, "controles": [asdict(o) for o in outcomes],
                                             "rejets": list(rejections), "data_docs": "gx/index.html"})
    page = _Page(millesime, outcomes, list(rejections)).render()
    write_atomically(out_dir / "validation.html", lambda aside: aside.write_text(page, encoding="utf-8"))
