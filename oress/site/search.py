"""The commune search of the index page: its data, static/communes.js, read by static/recherche.js."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

LEVEL_ORDER = {"region": 0, "departement": 1, "epci": 3, "france": 4}    # custom niveaux (pays…) come second


def fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def search_index(site, out: Path) -> Path:
    """static/communes.js: every commune of the région with the pages of its EPCI, custom territories and
    département (a script, not JSON: a page opened from file:// may not fetch)."""
    ordered = sorted(site.territories, key=lambda t: (LEVEL_ORDER.get(t.niveau, 2), t.niveau, t.code))
    number = {(t.niveau, t.code): i for i, t in enumerate(ordered)}
    pages_of: dict[tuple[str, str], list[int]] = {}
    for t in ordered:
        for commune in t.communes:
            pages_of.setdefault(commune, []).append(number[t.niveau, t.code])
    local_first = {"epci": 0, "departement": 2, "region": 3}              # custom niveaux (pays…): 1
    key = {number[t.niveau, t.code]: (local_first.get(t.niveau, 1), number[t.niveau, t.code]) for t in ordered}
    payload = {"territoires": [[t.href, t.libelle, t.level_name] for t in ordered],
               "communes": [[name, code, sorted(pages_of[code, name], key=key.get)] for code, name in
                            sorted(pages_of, key=lambda c: (fold(c[1]), c[0]))]}
    target = out / "static" / "communes.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("window.ORESS_COMMUNES = " + json.dumps(payload, ensure_ascii=False, separators=(",", ":"),
                                                              sort_keys=True) + ";\n", encoding="utf-8")
    return target
