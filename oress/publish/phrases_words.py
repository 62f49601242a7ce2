"""The words the sentences are made of: sectors and families named with their article, peers counted,
ranks, how the area is named, enumerations.
"""
from __future__ import annotations

from oress.publish import formatting as fmt
from oress.publish.facts import Facts

# sector codes (typologies A and B) → the sector named with its article, for prose
SECTOR_NAMES = {
    "A01": "l’agriculture, la sylviculture et la pêche", "A02": "l’industrie et la construction",
    "A03": "l’hébergement et la restauration", "A04": "les activités financières et d’assurance",
    "A05": "l’enseignement", "A06": "la santé humaine", "A07": "l’action sociale",
    "A08": "les arts et spectacles", "A09": "le sport et les loisirs", "A10": "les activités non classées",
    "A11": "les activités diverses", "AQB01": "l’hébergement médico-social et social",
    "AQB02": "l’aide à domicile", "AQB03": "l’aide par le travail", "AQB04": "l’accueil de jeunes enfants",
    "AQB05": "les autres actions sociales", "B03": "le commerce", "B06": "le soutien aux entreprises",
    "BE01": "la formation d’adultes", "BE02": "l’enseignement primaire, secondaire et supérieur",
    "BE03": "les autres enseignements",
}
SECTOR_NAMES.update({b: SECTOR_NAMES[a] for b, a in (
    ("B01", "A01"), ("B02", "A02"), ("B04", "A03"), ("B05", "A04"), ("B07", "A05"), ("B08", "A06"),
    ("B09", "A07"), ("B10", "A08"), ("B11", "A09"), ("B12", "A10"), ("B13", "A11"))})
# niveau → (singular, plural) for "4ᵉ sur 14 pays"
PEER_NAMES = {"pays": ("pays", "pays"), "epci": ("EPCI", "EPCI"), "departement": ("département", "départements"),
              "region": ("région", "régions"), "petr": ("PETR", "PETR"), "commune": ("commune", "communes")}
REFERENCE_PHRASES = {"departement": "en moyenne départementale", "region": "en moyenne régionale",
                     "france": "en France"}
REFERENCE_NOUNS = {"departement": "la moyenne départementale", "region": "la moyenne régionale",
                   "france": "la référence nationale"}


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def enumeration(items: list[str]) -> str:
    """a, b et c"""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def sector_name(code: str, libelle: str) -> str:
    return SECTOR_NAMES.get(code, f"le secteur {fmt.guillemets(libelle)}")


def peers(niveau: str, count: int) -> str:
    singular, plural = PEER_NAMES.get(niveau, ("territoire", "territoires"))
    return plural if count >= 2 else singular


def rank_text(rank: int) -> str:
    number, suffix = fmt.ordinal(rank)
    return number + ("ᵉʳ" if suffix == "er" else "ᵉ")


def zone(facts: Facts) -> str:
    """How prose names the area: "du territoire", "du département", "de la région"."""
    return {"region": "de la région", "departement": "du département"}.get(facts.niveau, "du territoire")


def inside(facts: Facts) -> str:
    return {"region": "dans la région", "departement": "dans le département"}.get(facts.niveau, "sur le territoire")


def family_name(facts: Facts, champ: str) -> str:
    """'les associations': the family's label (ref_champs) with its article, for prose."""
    return "les " + facts.classes.champs.label(champ).lower()
