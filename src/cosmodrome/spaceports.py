"""Curated spaceport facts (pads, corridors, status), each with its source.

The facts live in ``data/spaceports.toml``; this module reads them into small frozen
dataclasses. Coordinates are geodetic WGS84 degrees, azimuths degrees clockwise from north.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cosmodrome.errors import UnknownNameError, closest_names


@dataclass(frozen=True)
class Pad:
    name: str
    lat_deg: float
    lon_deg: float
    vehicles: tuple[str, ...]
    status: str
    source: str


@dataclass(frozen=True)
class Corridor:
    """A range of allowed launch azimuths, ``min_az_deg`` to ``max_az_deg`` clockwise."""

    min_az_deg: float
    max_az_deg: float
    note: str
    source: str

    def contains(self, azimuth_deg: float) -> bool:
        span = (self.max_az_deg - self.min_az_deg) % 360.0
        return (azimuth_deg - self.min_az_deg) % 360.0 <= span


@dataclass(frozen=True)
class Spaceport:
    key: str
    name: str
    aliases: tuple[str, ...]
    country: str
    operator: str
    status: str  # active, planned, retired
    gcat_sites: tuple[str, ...]
    lat_deg: float
    lon_deg: float
    height_m: float
    pads: tuple[Pad, ...]
    corridors: tuple[Corridor, ...]
    sources: tuple[str, ...]
    #: ``(fact, source)`` pairs: where ``location``, ``country``, ``operator``, ``status`` and
    #: ``gcat_sites`` were taken from. Pads and corridors carry their own ``source``.
    fact_sources: tuple[tuple[str, str], ...] = ()

    def source_of(self, fact: str) -> str:
        """The source of ``fact`` (``location``, ``country``, ...), else the first general one."""
        for name, source in self.fact_sources:
            if name == fact:
                return source
        return self.sources[0] if self.sources else ""

    def pad(self, name: str) -> Pad:
        for pad in self.pads:
            if pad.name.casefold() == name.casefold():
                return pad
        raise UnknownNameError(
            f"pad of {self.name}", name, closest_names(name, [p.name for p in self.pads])
        )


@cache
def load_spaceports() -> tuple[Spaceport, ...]:
    """Every curated spaceport, in file order."""
    text = resources.files("cosmodrome").joinpath("data/spaceports.toml").read_text("utf-8")
    return tuple(_spaceport(key, entry) for key, entry in tomllib.loads(text)["spaceport"].items())


def find_spaceport(name: str) -> Spaceport:
    """The spaceport called ``name`` (key, name, alias or GCAT site code; any case)."""
    port = _spellings().get(name.strip().casefold())
    if port is None:
        names = [n for p in load_spaceports() for n in (p.name, *p.aliases)]
        raise UnknownNameError("spaceport", name, closest_names(name, names))
    return port


@cache
def _spellings() -> dict[str, Spaceport]:
    """Every spelling of every spaceport, case-folded; the first port in file order wins."""
    index: dict[str, Spaceport] = {}
    for port in load_spaceports():
        for spelling in (port.key, port.name, *port.aliases, *port.gcat_sites):
            index.setdefault(spelling.casefold(), port)
    return index


def _spaceport(key: str, entry: dict[str, object]) -> Spaceport:
    pads = tuple(
        Pad(
            p["name"],
            p["lat_deg"],
            p["lon_deg"],
            tuple(p.get("vehicles", ())),
            p.get("status", "active"),
            p["source"],
        )
        for p in entry.get("pads", [])  # type: ignore[attr-defined]
    )
    corridors = tuple(
        Corridor(c["min_az_deg"], c["max_az_deg"], c.get("note", ""), c["source"])
        for c in entry.get("corridors", [])  # type: ignore[attr-defined]
    )
    return Spaceport(
        key=key,
        name=str(entry["name"]),
        aliases=tuple(entry.get("aliases", ())),  # type: ignore[arg-type]
        country=str(entry["country"]),
        operator=str(entry.get("operator", "")),
        status=str(entry.get("status", "active")),
        gcat_sites=tuple(entry.get("gcat_sites", ())),  # type: ignore[arg-type]
        lat_deg=float(entry["lat_deg"]),  # type: ignore[arg-type]
        lon_deg=float(entry["lon_deg"]),  # type: ignore[arg-type]
        height_m=float(entry.get("height_m", 0.0)),  # type: ignore[arg-type]
        pads=pads,
        corridors=corridors,
        sources=tuple(entry.get("sources", ())),  # type: ignore[arg-type]
        fact_sources=tuple(
            (str(k), str(v))
            for k, v in entry.get("source_of", {}).items()  # type: ignore[attr-defined]
        ),
    )
