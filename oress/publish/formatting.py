"""French number typography (babel): `3 636`, `14,3 %`, `85,4 M€`; secret cells print as `s`."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal

SECRET = "s"
NBSP = "\u00a0"
NNBSP = "\u202f"


def is_missing(value) -> bool:
    return value is None or value != value  # NaN is the only value unequal to itself


def rounded(value, digits: int = 0) -> Decimal:
    """Half-up rounding, as statistical tables do (babel and round() would round half to even)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def entier(value) -> str:
    """An integer with narrow no-break spaces as thousands separators."""
    if is_missing(value):
        return SECRET
    return format_decimal(rounded(value), format="#,##0", locale="fr_FR")


def decimal(value, digits: int = 1) -> str:
    if is_missing(value):
        return SECRET
    return format_decimal(rounded(value, digits), format="#,##0." + "0" * digits, locale="fr_FR")


def pourcentage(share, digits: int = 1) -> str:
    """A share in [0, 1] as `14,3 %` (no-break space before %)."""
    if is_missing(share):
        return SECRET
    return f"{decimal(share * 100, digits)}{NBSP}%"


def millions_euros(value, digits: int = 1) -> str:
    if is_missing(value):
        return SECRET
    return f"{decimal(value / 1e6, digits)}{NBSP}M€"


def points(difference, digits: int = 1) -> str:
    """A signed difference of shares, in points: `+1,9 pt`."""
    if is_missing(difference):
        return SECRET
    sign = "+" if difference > 0 else ("−" if difference < 0 else "")
    return f"{sign}{decimal(abs(difference) * 100, digits)}{NBSP}pt"


NOT_APPLICABLE = "–"   # a ratio whose denominator is a published zero: nothing is hidden, there is nothing to show
MINUS = "\u2212"


def pourcent(value, digits: int = 1) -> str:
    """A value already in % (pub_derives shares) as `14,3 %`."""
    if is_missing(value):
        return SECRET
    return f"{decimal(value, digits)}{NBSP}%"


def signe(text: str, value) -> str:
    """Prefix a formatted absolute value with + or the typographic minus, judged on the rounded text."""
    if value > 0 and text.strip("0,\u202f") != "":
        return "+" + text
    if value < 0 and text.strip("0,\u202f") != "":
        return MINUS + text
    return text


def ecart(value, digits: int = 1) -> str:
    """A gap already in points, for tables: `+1,8 pt`."""
    if is_missing(value):
        return SECRET
    return f"{signe(decimal(abs(value), digits), value)}{NBSP}pt"


def evolution_pct(value, digits: int = 1) -> str:
    """A change already in %, signed: `+2,0 %`."""
    if is_missing(value):
        return SECRET
    return f"{signe(decimal(abs(value), digits), value)}{NBSP}%"


def entier_signe(value) -> str:
    if is_missing(value):
        return SECRET
    return signe(entier(abs(value)), value)


def euros(value) -> str:
    """Whole euros: `31 250 €`."""
    if is_missing(value):
        return SECRET
    return f"{entier(value)}{NBSP}€"


def pluriel(value, singulier: str, pluriel_: str) -> str:
    """French agreement: plural from 2 on (0, 1 and 1,5 take the singular), judged on the printed value."""
    if is_missing(value):
        return pluriel_
    return pluriel_ if abs(float(rounded(value, 1))) >= 2 else singulier


def points_texte(value, digits: int = 1) -> str:
    """A gap in points for prose, unsigned and agreed: `1,8 point`, `4,3 points`."""
    shown = rounded(abs(value), digits)
    return f"{decimal(abs(value), digits)}{NBSP}{'points' if shown >= 2 else 'point'}"


def guillemets(text: str) -> str:
    """« text » with narrow no-break spaces inside the quotes."""
    return f"«{NNBSP}{text}{NNBSP}»"


def ordinal(rank: int) -> tuple[str, str]:
    """(number, superscript suffix): (1, 'er'), (4, 'e')."""
    return str(rank), "er" if rank == 1 else "e"


MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")


def date_longue(day) -> str:
    """`1er novembre 2026`, `23 novembre 2026`."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MOIS[day.month - 1]} {day.year}"
