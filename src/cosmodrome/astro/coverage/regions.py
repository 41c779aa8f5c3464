"""Regions for coverage: country outlines, GeoJSON files, bounding boxes and single points.

A region is sampled on a latitude/longitude grid aligned to multiples of the resolution:
cell ``(i, j)`` of a 0.5 degree grid has its centre at ``(0.25 + 0.5 i, 0.25 + 0.5 j)``
degrees, and a cell belongs to the region when its centre lies inside the outline. Each cell
carries its area on a sphere of the Earth's mean radius, ``R² Δλ (sin φ₂ - sin φ₁)``, which is
the usual ``cos(latitude)`` weighting made exact.

Country outlines are Natural Earth's (public domain), shipped as TopoJSON by the npm package
``world-atlas``: bundled in the installed package, or read from ``node_modules`` in a clone
(see :mod:`cosmodrome.assets`); nothing is downloaded.

>>> grid = bounding_box("40.5,46.5,55.5,87.5").grid(0.5)
>>> len(grid), float(grid.lat_deg.min()), float(grid.lon_deg.max())
(2460, 40.75, 87.25)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from cosmodrome.assets import vendor_file
from cosmodrome.astro.coverage.countries import lookup_country
from cosmodrome.errors import InputError

FloatArray = npt.NDArray[np.float64]
Ring = FloatArray  # (n, 2) array of lon, lat in degrees
EARTH_MEAN_RADIUS_KM = 6371.0088
ATLAS_SCALES = ("10m", "50m", "110m")
MIN_HEIGHT_M = -500.0  # the gazetteer's range for a place on the ground
MAX_HEIGHT_M = 10000.0


@dataclass(frozen=True)
class Grid:
    """Cell centres of a region: latitudes, longitudes (degrees) and areas (km²).

    ``height_m`` is the height of every cell centre above the WGS84 ellipsoid, metres: the
    observer's height for a single place, 0 for the cells of an outline or a box.
    """

    lat_deg: FloatArray
    lon_deg: FloatArray
    area_km2: FloatArray
    resolution_deg: float
    height_m: float = 0.0

    def __len__(self) -> int:
        return int(self.lat_deg.shape[0])


@dataclass(frozen=True)
class Region:
    """An area to cover: a name and its outline as rings of ``(lon, lat)`` degrees.

    Rings follow the even-odd rule: a point is inside when an odd number of rings hold it, so
    holes (enclaves, lakes) and islands both work. A point region has one cell and no rings,
    at ``height_m`` metres above the WGS84 ellipsoid (outlines and boxes stay at 0).
    """

    name: str
    rings: tuple[Ring, ...] = field(default=())
    point: tuple[float, float] | None = None  # (lat_deg, lon_deg)
    height_m: float = 0.0

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(south, west, north, east)`` in degrees."""
        if self.point is not None:
            lat, lon = self.point
            return lat, lon, lat, lon
        stacked = np.concatenate(self.rings)
        return (
            float(stacked[:, 1].min()),
            float(stacked[:, 0].min()),
            float(stacked[:, 1].max()),
            float(stacked[:, 0].max()),
        )

    def contains(self, lat_deg: FloatArray, lon_deg: FloatArray) -> npt.NDArray[np.bool_]:
        """Which of the points lie inside the outline (even-odd rule over all rings)."""
        # Imported here: matplotlib costs 0.2 s, which every CLI command would pay at start-up.
        from matplotlib.path import Path as MplPath

        points = np.column_stack([np.asarray(lon_deg, float), np.asarray(lat_deg, float)])
        inside = np.zeros(len(points), dtype=bool)
        for ring in self.rings:
            west, south = ring.min(axis=0)
            east, north = ring.max(axis=0)
            near = (
                (points[:, 0] >= west)
                & (points[:, 0] <= east)
                & (points[:, 1] >= south)
                & (points[:, 1] <= north)
            )
            if near.any():
                hit = MplPath(ring, closed=False).contains_points(points[near])
                inside[np.flatnonzero(near)[hit]] ^= True
        return inside

    def grid(self, resolution_deg: float) -> Grid:
        """Cells of ``resolution_deg`` whose centres are inside the region.

        Raises :class:`~cosmodrome.errors.InputError` when no cell centre falls inside, with
        the advice to refine the grid or ask for a point.
        """
        if not (math.isfinite(resolution_deg) and 0.0 < resolution_deg <= 30.0):
            raise InputError(f"resolution must be in (0, 30] degrees, got {resolution_deg}")
        if self.point is not None:
            lat, lon = self.point
            return Grid(np.array([lat]), np.array([lon]), np.array([0.0]), 0.0, self.height_m)
        south, west, north, east = self.bounds
        res = resolution_deg
        lats = (np.arange(math.floor(south / res), math.ceil(north / res)) + 0.5) * res
        lons = (np.arange(math.floor(west / res), math.ceil(east / res)) + 0.5) * res
        lats = lats[(lats >= south) & (lats <= north) & (np.abs(lats) < 90.0)]
        lons = lons[(lons >= west) & (lons <= east)]
        lat2, lon2 = np.meshgrid(lats, lons, indexing="ij")
        lat_flat, lon_flat = lat2.ravel(), lon2.ravel()
        keep = self.contains(lat_flat, lon_flat)
        if not keep.any():
            raise InputError(
                f"region {self.name} is empty: no cell centre of the {res} degree grid lies "
                "inside it; use a finer resolution, or a single point"
            )
        lat_in, lon_in = lat_flat[keep], lon_flat[keep]
        return Grid(lat_in, lon_in, cell_area_km2(lat_in, res), res)


def cell_area_km2(lat_deg: FloatArray, resolution_deg: float) -> FloatArray:
    """Area (km²) of grid cells centred at ``lat_deg``: ``R² Δλ (sin φ₂ - sin φ₁)``.

    >>> round(float(cell_area_km2(np.array([0.25]), 0.5)[0]), 1)
    3091.0
    """
    half = math.radians(resolution_deg) / 2.0
    lat = np.radians(np.asarray(lat_deg, float))
    lower = np.maximum(lat - half, -np.pi / 2)
    upper = np.minimum(lat + half, np.pi / 2)
    sphere = EARTH_MEAN_RADIUS_KM**2 * math.radians(resolution_deg)
    return np.asarray(sphere * (np.sin(upper) - np.sin(lower)), dtype=np.float64)


def bounding_box(text: str) -> Region:
    """A region from ``south,west,north,east`` in degrees (``west > east`` is refused).

    >>> bounding_box("40.5, 46.5, 55.5, 87.5").bounds
    (40.5, 46.5, 55.5, 87.5)
    """
    parts = [p.strip() for p in text.split(",")]
    try:
        south, west, north, east = (float(p) for p in parts)
    except ValueError:
        raise InputError(
            f"cannot read {text!r} as a bounding box; expected south,west,north,east in "
            "degrees, e.g. 40.5,46.5,55.5,87.5"
        ) from None
    if not all(math.isfinite(v) for v in (south, west, north, east)):
        raise InputError(f"bounding box {text!r} has a value that is not a finite number")
    if not (-90.0 <= south < north <= 90.0):
        raise InputError(f"bounding box {text!r}: need -90 <= south < north <= 90")
    if not (-180.0 <= west < east <= 180.0):
        raise InputError(
            f"bounding box {text!r}: need -180 <= west < east <= 180 "
            "(split a box that crosses the antimeridian into two runs)"
        )
    ring = np.array([[west, south], [east, south], [east, north], [west, north], [west, south]])
    return Region(name=f"box {south:g},{west:g},{north:g},{east:g}", rings=(ring,))


def point_region(
    lat_deg: float, lon_deg: float, name: str | None = None, height_m: float = 0.0
) -> Region:
    """A single place, ``height_m`` metres above the WGS84 ellipsoid; its grid is that one point.

    The height moves the observer (and so its horizon): Almaty at 800 m sees a satellite
    slightly higher than a sea-level observer beneath it would.

    >>> point_region(43.24, 76.95, "Almaty", 800.0).grid(0.5).height_m
    800.0
    """
    if not (-90.0 <= lat_deg <= 90.0 and -180.0 <= lon_deg <= 360.0):
        raise InputError(f"latitude {lat_deg} or longitude {lon_deg} out of range")
    if not (math.isfinite(height_m) and MIN_HEIGHT_M <= height_m <= MAX_HEIGHT_M):
        raise InputError(
            f"height {height_m} m is not on the ground ({MIN_HEIGHT_M:g}..{MAX_HEIGHT_M:g} m)"
        )
    label = name or f"{lat_deg:.4f},{lon_deg:.4f}"
    return Region(name=label, point=(float(lat_deg), float(lon_deg)), height_m=float(height_m))


def geojson_region(path: Path) -> Region:
    """A region from a GeoJSON file: a FeatureCollection, Feature, Polygon or MultiPolygon."""
    try:
        document = json.loads(Path(path).read_text("utf-8"))
    except FileNotFoundError:
        raise InputError(f"GeoJSON file {str(path)!r} does not exist") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path} is not valid JSON: {error}") from None
    rings: list[Ring] = []
    _collect_rings(document, rings)
    if not rings:
        raise InputError(f"{path} holds no Polygon or MultiPolygon geometry")
    return Region(name=Path(path).stem, rings=tuple(rings))


def _collect_rings(node: Any, out: list[Ring]) -> None:
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "FeatureCollection":
        for feature in node.get("features", []):
            _collect_rings(feature, out)
    elif kind == "Feature":
        _collect_rings(node.get("geometry"), out)
    elif kind == "GeometryCollection":
        for geometry in node.get("geometries", []):
            _collect_rings(geometry, out)
    elif kind == "Polygon":
        out.extend(_ring(r) for r in node["coordinates"] if len(r) >= 3)
    elif kind == "MultiPolygon":
        for polygon in node["coordinates"]:
            out.extend(_ring(r) for r in polygon if len(r) >= 3)


def _ring(coordinates: list[list[float]]) -> Ring:
    return np.asarray([c[:2] for c in coordinates], dtype=np.float64)


def country_region(code: str, scale: str = "50m") -> Region:
    """The outline of the country with ISO 3166 code (alpha-2, alpha-3 or numeric) ``code``.

    ``scale`` picks Natural Earth's 1:10m, 1:50m (default) or 1:110m outlines.
    """
    if scale not in ATLAS_SCALES:
        raise InputError(
            f"unknown outline scale {scale!r}; choose one of {', '.join(ATLAS_SCALES)}"
        )
    country = lookup_country(code)
    geometries = [
        g
        for g in _atlas(scale)["objects"]["countries"]["geometries"]
        if g.get("id") == country.numeric
    ]
    if not geometries:
        raise InputError(
            f"Natural Earth's {scale} outlines have no shape for {country.name} "
            f"({country.alpha2}); try scale 10m or a bounding box"
        )
    rings: list[Ring] = []
    arcs = _decoded_arcs(scale)
    for geometry in geometries:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            rings.extend(topojson_ring(indices, arcs) for indices in polygon)
    return Region(name=f"{country.name} ({country.alpha2})", rings=tuple(rings))


def topojson_ring(indices: list[int], arcs: list[Ring]) -> Ring:
    """Stitch a TopoJSON ring from arc indices; index ``~i`` (that is ``-i-1``) runs arc i backwards.

    Consecutive arcs share their joining point, which appears once in the result.

    >>> a = [np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])]
    >>> topojson_ring([0, 1], a).tolist()
    [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    >>> topojson_ring([~1, ~0], a).tolist()
    [[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]
    """
    pieces: list[Ring] = []
    for position, index in enumerate(indices):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        pieces.append(arc if position == 0 else arc[1:])
    return np.concatenate(pieces)


def decode_arcs(topology: dict[str, Any]) -> list[Ring]:
    """Absolute ``(lon, lat)`` coordinates of every arc of a quantized TopoJSON topology.

    Quantized arcs hold integer deltas; positions are their running sums, scaled by
    ``transform.scale`` and shifted by ``transform.translate`` (TopoJSON specification 2.1).
    """
    transform = topology.get("transform")
    decoded: list[Ring] = []
    for arc in topology["arcs"]:
        points = np.asarray(arc, dtype=np.float64)
        if transform is not None:
            points = np.cumsum(points, axis=0) * transform["scale"] + transform["translate"]
        decoded.append(points)
    return decoded


@cache
def _atlas(scale: str) -> dict[str, Any]:
    path = vendor_file("world-atlas", f"countries-{scale}.json")
    topology: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return topology


@cache
def _decoded_arcs(scale: str) -> list[Ring]:
    return decode_arcs(_atlas(scale))


def parse_region(text: str, scale: str = "50m") -> Region:
    """A region from the command line: a country code, a bounding box or a GeoJSON file.

    >>> parse_region("0,0,1,1").name
    'box 0,0,1,1'
    """
    stripped = text.strip()
    if not stripped:
        raise InputError("empty region; give a country code (KZ), a box S,W,N,E or a GeoJSON file")
    if stripped.count(",") == 3:
        return bounding_box(stripped)
    if stripped.lower().endswith((".geojson", ".json")) or Path(stripped).is_file():
        return geojson_region(Path(stripped))
    return country_region(stripped, scale)
