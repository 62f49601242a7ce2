"""The text the PDFs print around their figures, in one place: the edition dates, the source line, the
secrecy rules and the method notes shared by the panorama, the chiffres clés and the note de conjoncture.
"""
from __future__ import annotations

import datetime as dt

from oress.config import RunSpec, SecretRules
from oress.publish import formatting as fmt


def edition_dates(edition: dt.date) -> dict[str, str]:
    """The edition date as the cover prints it and as the PDF's metadata carry it."""
    return {"date_edition": fmt.date_longue(edition), "date_edition_iso": edition.isoformat()}


def source_line(series: str, millesime: int, observatoire: str) -> str:
    return (f"Source : extraits d’établissements employeurs, série {series}, millésime {millesime} "
            f"(situation au 31 décembre {millesime}) ; traitement : {observatoire}.")


def dominance(rules: SecretRules) -> str:
    """The dominance threshold as the method states it: 'au moins 85 %' (inclusive rule) or 'plus de 85 %'."""
    return ("au moins" if rules.dominance_inclusive else "plus de") + " " + fmt.pourcentage(rules.dominance_seuil, 0)


def method_notes(connection, spec: RunSpec, millesime: int, no_national: str) -> dict:
    """Perimeter, COG, national reference (`no_national` when the millésime has none), primary rules and whether
    secondary secrecy hid cells this millésime."""
    perimetre, cog = connection.execute("select perimetre, cog from ref_meta").fetchall()[0]
    national = connection.execute("select distinct source from ref_references_nationales where cast(millesime as "
                                  "integer) = ?", [millesime]).fetchall()
    secondary = connection.execute("select count(*) from pub_indicateurs where millesime = ? and secret = 'D'",
                                   [millesime]).fetchall()[0][0] > 0
    return {"perimetre": perimetre.upper(), "cog": cog,
            "reference_nationale": national[0][0] if national else no_national,
            "frequence": spec.secret.frequence_min, "dominance": dominance(spec.secret), "secondaire": secondary}
