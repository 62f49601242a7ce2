"""The text the PDFs print around their figures, in one place: the edition dates, the source line, the
secrecy rules, the method notes and the definitions shared by the panorama, the chiffres clés, the note de
conjoncture and the site's method page (their wording: templates/_methode.html.j2).
"""
from __future__ import annotations

import csv
import datetime as dt
from functools import cache

from oress.config import REFERENCE_DIR, RunSpec, SecretRules
from oress.publish import formatting as fmt

DEFINITIONS_FILE = REFERENCE_DIR / "definitions.csv"
# the terms the panorama and the site's method page define, in this order (codes of definitions.csv)
TERMS = ("etablissements", "postes", "etp", "remuneration_brute", "salaire_moyen_etp", "part_dans_ensemble",
         "part_dans_prive", "ecart", "rang", "secteur", "taille", "evolution")


def edition_dates(edition: dt.date) -> dict[str, str]:
    """The edition date as the cover prints it and as the PDF's metadata carry it."""
    return {"date_edition": fmt.date_longue(edition), "date_edition_iso": edition.isoformat()}


def source_line(series: str, millesime: int, observatoire: str) -> str:
    return (f"Source : extraits d’établissements employeurs, série {series}, millésime {millesime} "
            f"(situation au 31 décembre {millesime}) ; traitement : {observatoire}.")


def dominance(rules: SecretRules) -> str:
    """The dominance threshold as the method states it: 'au moins 85 %' (inclusive rule) or 'plus de 85 %'."""
    return ("au moins" if rules.dominance_inclusive else "plus de") + " " + fmt.pourcentage(rules.dominance_seuil, 0)


def secret_rules(spec: RunSpec, secondary: bool, delivered: bool = False) -> dict:
    """What the method's secrecy paragraph states: the primary rules, whether secondary secrecy hid cells, and
    whether the cells come from INSEE's tables (`delivered`: secret applied at the source, S, instead)."""
    return {"frequence": spec.secret.frequence_min, "dominance": dominance(spec.secret), "secondaire": secondary,
            "livraison": delivered}


def method_notes(connection, spec: RunSpec, millesime: int, no_national: str) -> dict:
    """Perimeter, COG, national reference (`no_national` when the millésime has none), the secrecy rules and
    whether secondary secrecy hid cells this millésime."""
    perimetre, cog = connection.execute("select perimetre, cog from ref_meta").fetchall()[0]
    national = connection.execute("select distinct source from ref_references_nationales where cast(millesime as "
                                  "integer) = ?", [millesime]).fetchall()
    secondary = connection.execute("select count(*) from pub_indicateurs where millesime = ? and secret = 'D'",
                                   [millesime]).fetchall()[0][0] > 0
    return {"perimetre": perimetre.upper(), "cog": cog,
            "reference_nationale": national[0][0] if national else no_national,
            **secret_rules(spec, secondary, delivered=spec.livraison_insee is not None)}


@cache
def _terms() -> dict[str, tuple[str, str]]:
    with DEFINITIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return {r["code"]: (r["terme"], r["definition"]) for r in csv.DictReader(handle, delimiter=";")}


def definitions(*codes: str) -> list[tuple[str, str]]:
    """(term, definition) of each code (a measure, a share or derived figure, a breakdown), in this order: the
    vocabulary of data/reference/definitions.csv, written once for every publication."""
    return [_terms()[code] for code in codes]
