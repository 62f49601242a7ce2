"""Inline SVG maps for the site, drawn from the commune geometries of the région (ref_communes_geometrie).

Communes are projected as for the PDF maps (oress.publish.map_geometry: a local plane in kilometres) and simplified
together (shapely.coverage_simplify keeps shared borders shared, so no sliver opens between neighbours).
Each area becomes one `<path>`; coordinates are whole units of a 600-unit-wide view box, each written
relative to the previous point: a département of some 530 communes weighs about 95 kB, the région's
EPCI about 40 kB.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oress.publish.map_classes import BREAKS, COLOURS, Status, class_of
from oress.publish.map_geometry import local_plane

WIDTH = 600.0                 # view box width, in SVG units
TOLERANCE_UNITS = 1.0         # simplification tolerance, in view-box units (about a screen pixel)
NO_JOB_FILL = "#ffffff"


@dataclass(frozen=True)
class Area:
    """One shape of a map: its link (None for none), its label (tooltip and accessible name), its status."""
    code: str
    label: str
    status: Status
    href: str | None = None


class RegionShapes:
    """The région's communes, projected, with their EPCI and département; built once per site."""

    def __init__(self, connection, region: str):
        import shapely

        rows = connection.execute("""
            select g.depcom, g.geometrie_wkb, c.dep, coalesce(c.epci, '')
            from ref_communes_geometrie g join ref_communes c using (depcom)
            where c.reg = ? order by g.depcom""", [region]).fetchall()
        self.depcom = [r[0] for r in rows]
        self.dep = np.array([r[2] for r in rows])
        self.epci = np.array([r[3] for r in rows])
        geometries = shapely.from_wkb([r[1] for r in rows]) if rows else np.array([], dtype=object)
        if len(geometries):
            lon0, lat0 = shapely.centroid(shapely.envelope(shapely.union_all(shapely.envelope(geometries)))).coords[0]
        else:
            lon0, lat0 = 2.5, 46.5
        self.geometries = local_plane(geometries, lon0, lat0)
        self.index = {code: i for i, code in enumerate(self.depcom)}

    def positions(self, communes) -> np.ndarray:
        return np.array(sorted(self.index[c] for c in communes if c in self.index), dtype=int)

    def groups(self, members: dict[str, list[str]]) -> dict[str, object]:
        """Dissolved shape of each group of communes (EPCI, pays, département), keyed like `members`."""
        import shapely

        out = {}
        for code, communes in sorted(members.items()):
            positions = self.positions(communes)
            if len(positions):
                out[code] = shapely.union_all(self.geometries[positions])
        return out


def _scale(shapes) -> tuple[float, float, float, float]:
    """(x0, y1, factor, height): view-box transform of a set of shapes' bounds."""
    import shapely

    x0, y0, x1, y1 = shapely.total_bounds(np.asarray(shapes, dtype=object))
    factor = WIDTH / max(x1 - x0, 1e-9)
    return x0, y1, factor, (y1 - y0) * factor


def _path(geometry, x0: float, y1: float, factor: float) -> str:
    """SVG path data of a (multi)polygon, holes included (fill-rule evenodd), in view-box units."""
    import shapely

    parts = []
    for polygon in shapely.get_parts(geometry):
        if shapely.get_type_id(polygon) != 3 or shapely.is_empty(polygon):
            continue
        rings = [shapely.get_exterior_ring(polygon)] + [
            shapely.get_interior_ring(polygon, i) for i in range(shapely.get_num_interior_rings(polygon))]
        for ring in rings:
            xy = shapely.get_coordinates(ring)[:-1]
            points = np.round(np.column_stack(((xy[:, 0] - x0) * factor, (y1 - xy[:, 1]) * factor))).astype(int)
            steps = np.diff(points, axis=0)
            steps = steps[(steps != 0).any(axis=1)]       # points merged by the rounding
            if len(steps) >= 2:
                parts.append(f"M{points[0][0]} {points[0][1]}l" + " ".join(f"{dx} {dy}" for dx, dy in steps) + "z")
    return "".join(parts)


def fill(status: Status, ident: str) -> str:
    if status.kind == "valeur":
        return COLOURS[class_of(status.share)]
    return f"url(#{ident}-hachures)" if status.kind == "secret" else NO_JOB_FILL


def svg_map(shapes: dict[str, object], areas: list[Area], title: str, description: str, ident: str,
            outline=None, coverage: bool = True) -> str:
    """An inline SVG choropleth: one path per area (a link when the area has one), optional outline on top.

    Shapes that tile the map (`coverage`: communes, EPCI) are simplified together, so that neighbours keep
    one border; overlapping ones (pays) one by one. The tolerance is fixed in view-box units. An area
    without a shape is left out of the map (it stays in the table that follows every map)."""
    import shapely

    drawn = [a for a in areas if a.code in shapes]
    if not drawn:
        return ""
    geometries = np.array([shapes[a.code] for a in drawn], dtype=object)
    x0, y1, factor, height = _scale(geometries)
    tolerance = TOLERANCE_UNITS / factor
    simple = (shapely.coverage_simplify(geometries, tolerance) if coverage
              else shapely.simplify(geometries, tolerance, preserve_topology=True))
    lines = [f'<svg class="carte" viewBox="-2 -2 {WIDTH + 4:g} {height + 4:.0f}" '
             f'aria-labelledby="{ident}-titre {ident}-desc" role="{"group" if any(a.href for a in drawn) else "img"}" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{ident}-titre">{_escape(title)}</title><desc id="{ident}-desc">{_escape(description)}</desc>',
             f'<defs><pattern id="{ident}-hachures" width="6" height="6" patternUnits="userSpaceOnUse" '
             'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e4e4e4"/>'
             '<line x1="0" y1="0" x2="0" y2="6" stroke="#8a8a8a" stroke-width="2"/></pattern></defs>']
    for area, geometry in zip(drawn, simple):
        path = f'<path d="{_path(geometry, x0, y1, factor)}" fill="{fill(area.status, ident)}">' \
               f'<title>{_escape(area.label)}</title></path>'
        if area.href:
            path = f'<a href="{area.href}" aria-label="{_escape(area.label)}">{path}</a>'
        lines.append(path)
    if outline is not None:
        edge = shapely.simplify(outline, TOLERANCE_UNITS / factor, preserve_topology=True)
        lines.append(f'<path class="contour" d="{_path(edge, x0, y1, factor)}"/>')
    lines.append("</svg>")
    return "\n".join(lines)


def legend() -> list[dict]:
    """The classes of the ESS share, with their colours, for the HTML legend under each map."""
    from oress.publish.map_classes import class_labels

    entries = [{"couleur": c, "libelle": label, "classe": ""} for c, label in zip(COLOURS, class_labels())]
    return entries + [{"couleur": "", "libelle": "secret statistique", "classe": "hachure"},
                      {"couleur": NO_JOB_FILL, "libelle": "aucun emploi salarié", "classe": ""}]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


assert len(COLOURS) == len(BREAKS) + 1
