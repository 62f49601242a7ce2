"""Choropleth maps from ref_communes_geometrie, drawn with shapely + matplotlib: the ESS share by commune
around a territory, the territory's locator, the ESS share by EPCI over the région.

Maps are SVG: each class is one compound path (not one element per commune), which keeps WeasyPrint
fast and the PDF small (measured on the demo: 0.5 MB with the SVG map against 0.9 MB with a 200 dpi PNG).
The classes and colours are in map_classes, the geometries and their projection in map_geometry, the
matplotlib pieces in map_drawing.
"""
from __future__ import annotations

import numpy as np

from oress.publish import charts
from oress.publish.map_classes import (
    BREAKS,
    COLOURS,
    EPCI_BORDER,
    NO_GEOMETRY_FILL,
    Status,
    class_labels,
    class_of,
    legend_entries,
)
from oress.publish.map_drawing import draw, fill_layers, frame, layers_of, legend, north, scale_bar, sea
from oress.publish.map_geometry import (
    SIMPLIFY_PER_WIDTH,
    MapData,
    fit,
    land_gaps,
    local_plane,
    region_map_data,
    simplified,
)

__all__ = ["BREAKS", "COLOURS", "MapData", "Status", "class_labels", "class_of", "commune_map", "epci_map",
           "legend_entries", "local_plane", "locator_map", "region_map_data"]


def commune_map(data: MapData, territory: list[str], shares: dict[str, Status], width_mm: float = 178,
                height_mm: float = 196, labels: int = 7) -> str:
    """The ESS share by commune over the territory and its neighbours; SVG data URI."""
    charts.setup()
    import matplotlib.pyplot as plt
    import shapely

    own = data.positions(territory)
    legend_mm = 27
    map_h = height_mm - legend_mm
    box = fit(tuple(shapely.total_bounds(data.geometries[own])), map_h / width_mm)
    shown = data.in_box(box)
    statuses = {i: shares.get(data.depcom[i], Status("sans_emploi")) for i in shown if data.reg[i] == data.region}
    layers = layers_of(shown, statuses)
    tolerance = (box[2] - box[0]) / SIMPLIFY_PER_WIDTH
    geometries = dict(zip(shown, simplified(data.geometries[shown], tolerance, box)))
    figure = plt.figure(figsize=(width_mm * charts.MM, height_mm * charts.MM))
    axis = figure.add_axes((0, legend_mm / height_mm, 1, map_h / height_mm))
    sea(axis, box)
    gaps = land_gaps(data.geometries[shown])
    draw(axis, simplified([gaps], tolerance, box), facecolor=NO_GEOMETRY_FILL, edgecolor="none")
    fill_layers(axis, geometries, layers, border_width=0.3)
    epcis = sorted({data.epci[i] for i in shown if data.epci[i] and data.reg[i] == data.region})
    draw(axis, simplified([data.union("epci", e) for e in epcis], tolerance, box), facecolor="none",
         edgecolor=EPCI_BORDER, linewidth=0.7)
    draw(axis, simplified([data.union_of(own)], tolerance, box), facecolor="none", edgecolor=charts.INK,
         linewidth=1.7)
    _name_largest(axis, data, own, labels)
    frame(axis, box)
    scale_bar(axis, box)
    north(axis, box)
    used = set(layers) | ({"sans_contour"} if gaps.area > 1 else set())
    entries = legend_entries(used) + [("limite du territoire", "none", charts.INK, None),
                                      ("limite d’EPCI", "none", EPCI_BORDER, None)]
    legend(figure, (0.0, 0.0, 1.0, (legend_mm - 2) / height_mm), entries, ncols=3)
    return charts.svg_uri(figure)


def _name_largest(axis, data: MapData, own: np.ndarray, count: int) -> None:
    """The names of the territory's `count` most populated communes, on the commune."""
    import shapely
    from matplotlib import patheffects

    for i in own[np.argsort(-data.population[own], kind="stable")][:count]:
        x, y = shapely.point_on_surface(data.geometries[i]).coords[0]
        axis.text(x, y, data.libelle[i], fontsize=6.3, ha="center", va="center", color=charts.INK, zorder=7,
                  path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])


def locator_map(data: MapData, territory: list[str], width_mm: float = 80, height_mm: float = 70) -> str:
    """The région's départements with the territory in the observatory's colour; SVG data URI."""
    charts.setup()
    import matplotlib.pyplot as plt
    import shapely

    deps = sorted(set(data.dep[data.reg == data.region]))
    shapes = [data.union("departement", d) for d in deps]
    tolerance = (shapely.total_bounds(np.array(shapes, dtype=object))[2]
                 - shapely.total_bounds(np.array(shapes, dtype=object))[0]) / 500
    shapes = list(simplified(shapes, tolerance))
    own = simplified([data.union_of(data.positions(territory))], tolerance)[0]
    figure = plt.figure(figsize=(width_mm * charts.MM, height_mm * charts.MM))
    axis = figure.add_axes((0, 0, 1, 1))
    draw(axis, shapes, facecolor="#dfe7e6", edgecolor="white", linewidth=0.8)
    draw(axis, [own], facecolor=charts.ESS, edgecolor=charts.ESS, linewidth=0.4)
    box = fit(tuple(shapely.total_bounds(np.array(shapes, dtype=object))), height_mm / width_mm, 0.02)
    frame(axis, box)
    return charts.svg_uri(figure)


def epci_map(data: MapData, shares: dict[str, Status], width_mm: float = 178, height_mm: float = 140) -> str:
    """The ESS share by EPCI over the région (EPCI drawn with their communes in the région); SVG."""
    charts.setup()
    import matplotlib.pyplot as plt
    import shapely

    codes = sorted({e for e in data.epci[data.reg == data.region] if e})
    shapes = np.array([data.union("epci", e) for e in codes], dtype=object)
    bounds = shapely.total_bounds(shapes)
    tolerance = (bounds[2] - bounds[0]) / SIMPLIFY_PER_WIDTH
    shapes = simplified(shapes, tolerance)
    layers = layers_of(range(len(codes)), {i: shares.get(code, Status("sans_emploi")) for i, code in enumerate(codes)})
    legend_mm = 22
    map_h = height_mm - legend_mm
    figure = plt.figure(figsize=(width_mm * charts.MM, height_mm * charts.MM))
    axis = figure.add_axes((0, legend_mm / height_mm, 1, map_h / height_mm))
    box = fit(tuple(shapely.total_bounds(shapes)), map_h / width_mm, 0.02)
    sea(axis, box)
    fill_layers(axis, dict(enumerate(shapes)), layers, border_width=0.5)
    deps = sorted(set(data.dep[data.reg == data.region]))
    draw(axis, simplified([data.union("departement", d) for d in deps], tolerance), facecolor="none",
         edgecolor=charts.INK, linewidth=0.9)
    frame(axis, box)
    scale_bar(axis, box)
    north(axis, box)
    entries = legend_entries(set(layers))
    entries.append(("limite de département", "none", charts.INK, None))
    legend(figure, (0.0, 0.0, 1.0, (legend_mm - 2) / height_mm), entries, ncols=4)
    return charts.svg_uri(figure)
