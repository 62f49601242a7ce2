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
