"""Places on the ground for ``--at``: a spaceport, a city of the built-in gazetteer, or coordinates.

    >>> resolve_location("Almaty")
    Place(name='Almaty', lat_deg=43.24, lon_deg=76.95, height_m=800.0, kind='city', country='KZ')
    >>> resolve_location("43.24,76.95,800").name
    '43.24,76.95,800'
    >>> resolve_location("Baikonur").kind
    'spaceport'

The gazetteer (``astro/data/gazetteer.csv``) holds the capitals and oblast centres of
Kazakhstan and about 230 of the world's largest cities; its header names its sources. A
city that exists in two countries can be picked with its country code: ``Hyderabad, PK``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cosmodrome.errors import InputError, UnknownNameError
from cosmodrome.naming import NameIndex, closest_names
from cosmodrome.spaceports import Corridor, find_spaceport, load_spaceports, spaceport_named

__all__ = ["City", "Place", "find_city", "load_gazetteer", "parse_coordinates", "resolve_location"]

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_COORDINATES = re.compile(rf"^\s*({_NUMBER})\s*,\s*({_NUMBER})\s*(?:,\s*({_NUMBER})\s*)?$")


@dataclass(frozen=True)
class City:
    name: str
    country: str
    lat_deg: float
    lon_deg: float
    elevation_m: float


@dataclass(frozen=True)
class Place:
    """A resolved location: geodetic WGS84 degrees and height above the ellipsoid in metres."""

    name: str
    lat_deg: float
    lon_deg: float
    height_m: float
    kind: str  # "spaceport", "pad", "city" or "coordinates"
    country: str = ""


@cache
def load_gazetteer() -> tuple[City, ...]:
    """Every place of the built-in gazetteer, in file order (Kazakhstan first)."""
    text = resources.files("cosmodrome.astro").joinpath("data/gazetteer.csv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(
        City(
            row["name"],
            row["country"],
            float(row["lat_deg"]),
            float(row["lon_deg"]),
            float(row["elevation_m"]),
        )
        for row in csv.DictReader(io.StringIO("\n".join(lines)))
    )


@cache
def _city_index() -> NameIndex:
    """The gazetteer's cities by name (codes: their place in :func:`load_gazetteer`)."""
    index = NameIndex("city")
    for number, city in enumerate(load_gazetteer()):
        index.add(city.name, {str(number)})
    return index


def find_city(name: str) -> City:
    """The gazetteer city called ``name`` (any case or accents; ``Name, CC`` picks a country)."""
    wanted = name.strip()
    country = ""
    if "," in wanted:
        wanted, country = (part.strip() for part in wanted.rsplit(",", 1))
    cities = load_gazetteer()
    found = [cities[int(n)] for n in _city_index().lookup(wanted)]
    found = [c for c in found if not country or c.country.casefold() == country.casefold()]
    if not found:
        raise UnknownNameError("city", name, _city_index().suggest(wanted))
    return min(found, key=cities.index)


def parse_coordinates(text: str) -> Place | None:
    """``lat,lon[,height_m]`` as a :class:`Place`, or ``None`` when ``text`` is not numbers."""
    match = _COORDINATES.match(text)
    if match is None:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    height = float(match.group(3)) if match.group(3) else 0.0
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"latitude {lat} in {text!r} is outside -90..90 degrees (write lat,lon)")
    if not -180.0 <= lon <= 360.0:
        raise InputError(f"longitude {lon} in {text!r} is outside -180..180 degrees")
    if not -500.0 <= height <= 10000.0:
        raise InputError(f"height {height} m in {text!r} is not on the ground (-500..10000 m)")
    if not -180.0 <= lon < 180.0:
        lon = ((lon + 180.0) % 360.0) - 180.0
    return Place(text.strip(), lat, lon, height, "coordinates")


def resolve_location(text: str) -> Place:
    """A spaceport name, a gazetteer city, or ``lat,lon[,height_m]``.

    An unknown name raises :class:`~cosmodrome.errors.UnknownNameError` listing the closest
    spaceport and city names.
    """

    if not text.strip():
        raise InputError("give a place: a spaceport, a city or lat,lon[,height_m]")
    coordinates = parse_coordinates(text)
    if coordinates is not None:
        return coordinates
    port = spaceport_named(text)
    if port is not None:
        return Place(
            port.name, port.lat_deg, port.lon_deg, port.height_m, "spaceport", port.country
        )
    try:
        city = find_city(text)
    except UnknownNameError:
        names = [c.name for c in load_gazetteer()]
        for port in load_spaceports():
            names.extend((port.name, *port.aliases))
        # A spaceport's own name before its aliases and the cities (the tool is about
        # spaceports: Cape -> Cape Canaveral before Cape Town).
        weight = {port.name: 1.0 for port in load_spaceports()}
        raise UnknownNameError(
            "place (spaceport, city, or lat,lon[,height_m])",
            text,
            closest_names(text, names, weight=weight),
        ) from None
    return Place(city.name, city.lat_deg, city.lon_deg, city.elevation_m, "city", city.country)


@dataclass(frozen=True)
class LaunchPoint:
    """Where a launch starts: coordinates, the site's azimuth corridors, and a name."""

    lat_deg: float
    lon_deg: float
    height_m: float
    corridors: tuple[Corridor, ...]
    name: str


def resolve_launch_point(site: str, pad: str | None = None) -> LaunchPoint:
    """A spaceport (optionally one of its pads) or ``lat,lon[,height_m]``.

    Coordinates carry no corridors, so no branch is flagged as forbidden.

    >>> resolve_launch_point("Baikonur", "Site 31/6").name
    'Baikonur Site 31/6'
    """
    coordinates = parse_coordinates(site)
    if coordinates is not None:
        if pad:
            raise InputError("a pad needs a spaceport name as the site, not coordinates")
        return LaunchPoint(
            coordinates.lat_deg, coordinates.lon_deg, coordinates.height_m, (), coordinates.name
        )
    port = find_spaceport(site)
    if not pad:
        return LaunchPoint(port.lat_deg, port.lon_deg, port.height_m, port.corridors, port.name)
    chosen = port.pad(pad)
    return LaunchPoint(
        chosen.lat_deg, chosen.lon_deg, port.height_m, port.corridors, f"{port.name} {chosen.name}"
    )
