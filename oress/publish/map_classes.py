"""What a map shows for each area: the classes of the ESS share, their colours and labels, the fills of areas
without a share (secret, no job, outside the région), and the legend entries they make.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oress.publish import formatting as fmt

# classes of the ESS share of employment, in %; ColorBrewer YlGnBu (colour-blind safe, ordered by lightness)
BREAKS = (5, 10, 15, 25, 40)
COLOURS = ("#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8")
SECRET_FILL, SECRET_HATCH = "#e4e4e4", "#9a9a9a"
NO_JOB_FILL = "#ffffff"
OUTSIDE_FILL = "#eceeef"
NO_GEOMETRY_FILL = "#b9c0c6"
SEA = "#e3edf3"
BORDER = "#c3c9cc"
EPCI_BORDER = "#7b8794"


def class_labels() -> list[str]:
    bounds = (0,) + BREAKS
    labels = [f"moins de {fmt.pourcent(BREAKS[0], 0)}"]
    labels += [f"de {fmt.decimal(lo, 0)} à moins de {fmt.pourcent(hi, 0)}" for lo, hi in zip(bounds[1:], BREAKS[1:])]
    return labels + [f"{fmt.pourcent(BREAKS[-1], 0)} ou plus"]


def class_of(share: float) -> int:
    return int(np.searchsorted(BREAKS, share, side="right"))


@dataclass
class Status:
    """What a map draws for one area: a share (in %), or why there is none."""
    kind: str            # "valeur", "secret", "sans_emploi", "hors_champ"
    share: float | None = None


def layer_key(status: Status):
    """The layer an area is drawn in: its share's class, or the kind of status when it has no share."""
    return class_of(status.share) if status.kind == "valeur" else status.kind


def legend_entries(used: set) -> list[tuple[str, str, str, str | None]]:
    entries = [(label, colour, "none", None) for label, colour in zip(class_labels(), COLOURS)]
    entries.append(("secret statistique", SECRET_FILL, SECRET_HATCH, "/////"))
    entries.append(("aucun emploi salarié", NO_JOB_FILL, "#9aa3ad", None))
    if "hors_champ" in used:
        entries.append(("hors région (non couvert)", OUTSIDE_FILL, "#c5cbd0", None))
    if "sans_contour" in used:
        entries.append(("commune sans contour disponible", NO_GEOMETRY_FILL, NO_GEOMETRY_FILL, None))
    entries.append(("mer", SEA, SEA, None))
    return entries
