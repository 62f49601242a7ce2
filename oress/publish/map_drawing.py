"""Drawing a map with matplotlib: compound paths, class layers, sea, frame, scale bar, north arrow and legend.

Each class is one compound path (not one element per commune), which keeps WeasyPrint fast and the PDF small.
"""
from __future__ import annotations

import numpy as np

from oress.publish import charts
from oress.publish import formatting as fmt
from oress.publish.map_classes import (
    BORDER,
    COLOURS,
    NO_JOB_FILL,
    OUTSIDE_FILL,
    SEA,
    SECRET_FILL,
    SECRET_HATCH,
    Status,
    layer_key,
)


def compound_path(geometries):
    """One matplotlib compound path for many (multi)polygons, holes included (rings are oriented)."""
    import shapely
    from matplotlib.path import Path

    parts = shapely.get_parts(np.asarray(geometries, dtype=object))
    parts = parts[(shapely.get_type_id(parts) == 3) & ~shapely.is_empty(parts)]
    if not len(parts):
        return None
    rings = np.concatenate([[shapely.get_exterior_ring(p), *shapely.get_interior_ring(p, range(
        shapely.get_num_interior_rings(p)))] for p in parts])
    coordinates, ring_of = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coordinates), Path.LINETO, dtype=np.uint8)
    starts = np.flatnonzero(np.r_[True, ring_of[1:] != ring_of[:-1]])
    codes[starts] = Path.MOVETO
    codes[np.r_[starts[1:] - 1, len(codes) - 1]] = Path.CLOSEPOLY
    return Path(coordinates, codes)


def draw(axis, geometries, **style) -> None:
    from matplotlib.patches import PathPatch

    path = compound_path(geometries)
    if path is not None:
        # add_artist, not add_patch: limits are set by hand, and add_patch walks every vertex to update them
        axis.add_artist(PathPatch(path, **style))


def layers_of(positions, statuses: dict[int, Status]) -> dict[object, list[int]]:
    """The areas at `positions` grouped by layer (an area without a status is outside the région)."""
    layers: dict[object, list[int]] = {}
    for i in positions:
        layers.setdefault(layer_key(statuses.get(i, Status("hors_champ"))), []).append(i)
    return layers


def fill_layers(axis, geometries: dict, layers, border_width: float) -> None:
    """One compound path per class, its outlines drawn with it (each area's border is drawn once)."""
    for key in sorted(layers, key=str):
        chosen = [geometries[i] for i in layers[key]]
        style = {"edgecolor": BORDER, "linewidth": border_width}
        if key == "secret":
            draw(axis, chosen, facecolor=SECRET_FILL, hatchcolor=SECRET_HATCH, hatch="/////", **style)
        else:
            fill = {"sans_emploi": NO_JOB_FILL, "hors_champ": OUTSIDE_FILL}.get(key) or COLOURS[key]
            draw(axis, chosen, facecolor=fill, **style)


def sea(axis, box) -> None:
    """Whatever no commune covers is sea (or abroad): a pale background, distinct from white communes."""
    from matplotlib.patches import Rectangle

    axis.add_patch(Rectangle((box[0], box[1]), box[2] - box[0], box[3] - box[1], facecolor=SEA, edgecolor="none",
                             zorder=0))


def frame(axis, box) -> None:
    """Show exactly `box`, at one scale on both axes, without axes drawn."""
    axis.set_xlim(box[0], box[2])
    axis.set_ylim(box[1], box[3])
    axis.set_aspect("equal")
    axis.axis("off")


def scale_bar(axis, box) -> None:
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = box
    width = x1 - x0
    length = next(v for v in (1, 2, 5, 10, 20, 25, 50, 100, 200) if v >= width / 7)
    x, y = x0 + width * 0.04, y0 + (y1 - y0) * 0.04
    axis.add_patch(Rectangle(
        (x - width * 0.012, y - (y1 - y0) * 0.018), length + width * 0.05, (y1 - y0) * 0.06,
        facecolor="white", alpha=0.85, edgecolor="none", zorder=5))
    axis.plot([x, x + length], [y, y], color=charts.INK, linewidth=1.6, solid_capstyle="butt", zorder=6)
    for tick in (x, x + length / 2, x + length):
        axis.plot([tick, tick], [y, y + (y1 - y0) * 0.008], color=charts.INK, linewidth=0.8, zorder=6)
    axis.text(x + length / 2, y + (y1 - y0) * 0.014, f"{length}{fmt.NBSP}km", ha="center", va="bottom",
              fontsize=6.5, zorder=6)


def north(axis, box) -> None:
    x0, y0, x1, y1 = box
    x, y = x1 - (x1 - x0) * 0.04, y1 - (y1 - y0) * 0.1
    axis.annotate("N", xy=(x, y + (y1 - y0) * 0.06), xytext=(x, y), ha="center", va="top", fontsize=7,
                  fontweight="bold", arrowprops={"arrowstyle": "-|>", "color": charts.INK, "lw": 0.9}, zorder=6)


def legend(figure, rect, entries, ncols: int) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    axis = figure.add_axes(rect)
    axis.axis("off")
    # a fill of "none" is a boundary: drawn as a line in the legend
    handles = [Line2D([0], [0], color=edge, linewidth=1.4, label=label) if fill == "none" else
               Patch(facecolor=fill, edgecolor=edge, hatch=hatch, linewidth=0.4, label=label)
               for label, fill, edge, hatch in entries]
    axis.legend(handles=handles, loc="upper left", ncols=ncols, fontsize=6.8, handlelength=1.6, handleheight=1.1,
                columnspacing=1.6, borderaxespad=0, title="Part de l’ESS dans l’emploi salarié (postes au 31/12)",
                title_fontsize=7, alignment="left")
