"""Commune geometries for the maps, from ref_communes_geometrie (WGS84 WKB), with shapely.

Geometries are projected once per process onto a local equirectangular plane in kilometres
(centred on the région: less than 0.5 % scale error over a région), so that the scale bar is true.
"""
from __future__ import annotations

import math

import numpy as np

KM_PER_DEGREE_LAT = 110.574
KM_PER_DEGREE_LON_EQUATOR = 111.320
SIMPLIFY_PER_WIDTH = 1000   # vertex tolerance = map width / 1000 (under 0.2 mm on paper)


def local_plane(geometries, lon0: float, lat0: float):
    """Geometries in longitude / latitude → kilometres on a plane tangent at (lon0, lat0)."""
    import shapely

    kx = KM_PER_DEGREE_LON_EQUATOR * math.cos(math.radians(lat0))
    return shapely.transform(geometries, lambda xy: np.column_stack(
        ((xy[:, 0] - lon0) * kx, (xy[:, 1] - lat0) * KM_PER_DEGREE_LAT)))


class MapData:
    """Every commune geometry of France, projected, with its attributes; built once per process."""

    def __init__(self, connection, region: str):
        import shapely

        rows = connection.execute("""
            select g.depcom, g.geometrie_wkb, c.libelle, c.dep, c.reg, c.epci,
                   coalesce(try_cast(c.population as bigint), 0)
            from ref_communes_geometrie g join ref_communes c using (depcom) order by g.depcom
        """).fetchall()
        self.depcom = np.array([r[0] for r in rows])
        self.libelle = np.array([r[2] for r in rows], dtype=object)
        self.dep = np.array([r[3] for r in rows])
        self.reg = np.array([r[4] for r in rows])
        self.epci = np.array([r[5] or "" for r in rows])
        self.population = np.array([r[6] for r in rows])
        geometries = shapely.from_wkb([r[1] for r in rows])
        in_region = geometries[self.reg == region]
        lon0, lat0 = shapely.centroid(shapely.union_all(shapely.envelope(in_region))).coords[0] \
            if len(in_region) else (2.5, 46.5)
        self.geometries = shapely.orient_polygons(local_plane(geometries, lon0, lat0))
        self.bounds = shapely.bounds(self.geometries)
        self.index = {code: i for i, code in enumerate(self.depcom)}
        self.region = region
        self._unions: dict[tuple[str, str], object] = {}

    def positions(self, codes) -> np.ndarray:
        return np.array(sorted(self.index[c] for c in codes if c in self.index), dtype=int)

    def in_box(self, box: tuple[float, float, float, float]) -> np.ndarray:
        x0, y0, x1, y1 = box
        b = self.bounds
        return np.flatnonzero((b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1))

    def union(self, kind: str, code: str):
        """Dissolved shape of an EPCI or département, within the région (cached per process)."""
        import shapely

        if (kind, code) not in self._unions:
            column = self.epci if kind == "epci" else self.dep
            self._unions[kind, code] = shapely.union_all(self.geometries[(column == code) & (self.reg == self.region)])
        return self._unions[kind, code]

    def union_of(self, positions: np.ndarray):
        import shapely

        return shapely.union_all(self.geometries[positions])


def simplified(geometries, tolerance: float, box=None):
    """Drop vertices closer than `tolerance` (a fraction of a millimetre on paper) and what lies off the map:
    the SVG stays small and WeasyPrint fast."""
    import shapely

    simple = shapely.simplify(np.asarray(geometries, dtype=object), tolerance)
    return shapely.clip_by_rect(simple, *box) if box is not None else simple


def land_gaps(geometries):
    """Holes inside the land the communes cover: communes the geometry source lacks (e.g. Aurseulles, 14581).
    Filled in grey so that they do not read as sea."""
    import shapely

    land = shapely.union_all(geometries)
    filled = shapely.union_all([shapely.polygons(shapely.get_exterior_ring(p)) for p in shapely.get_parts(land)])
    return shapely.difference(filled, land)


def fit(box, aspect: float, margin: float = 0.06):
    """Expand a bounding box by a margin and to the axes' aspect ratio (height / width)."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    x0, x1, y0, y1 = x0 - w * margin, x1 + w * margin, y0 - h * margin, y1 + h * margin
    w, h = x1 - x0, y1 - y0
    if h / w < aspect:
        grow = (w * aspect - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    else:
        grow = (h / aspect - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    return x0, y0, x1, y1


def region_map_data(connection, region: str) -> MapData | None:
    """The région's map data, or None when the warehouse has no commune geometries (then no map is drawn)."""
    present = connection.execute("select count(*) from information_schema.tables "
                                 "where table_name = 'ref_communes_geometrie'").fetchone()[0]
    return MapData(connection, region) if present else None
