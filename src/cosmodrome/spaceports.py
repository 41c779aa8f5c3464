"""Curated spaceport facts (pads, corridors, status), each with its source.

The facts live in ``data/spaceports.toml``; this module reads them into small frozen
dataclasses. Coordinates are geodetic WGS84 degrees, azimuths degrees clockwise from north.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import closest_names, fold, fold_words


@dataclass(frozen=True)
class Pad:
    """A pad with all its names: the curated ``name`` (``Site 1/5``), common ``aliases``
    (``Gagarin's Start``) and ``gcat_pads``, how GCAT's launch log writes it (``LC1``)."""

    name: str
    lat_deg: float
    lon_deg: float
    vehicles: tuple[str, ...]
    status: str
    source: str
    aliases: tuple[str, ...] = ()
    gcat_pads: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, *self.gcat_pads)

    @property
    def label(self) -> str:
        """``Site 1/5 (Gagarin's Start, LC1)``: the name, then the other names that read
        differently; the one way a pad is shown everywhere."""
        return pad_label(self.name, (*self.aliases, *self.gcat_pads))


def pad_label(name: str, others: tuple[str, ...] = ()) -> str:
    """``name (other, names)``, leaving out names that only differ in punctuation or a
    trailing ``?`` (GCAT's mark of an uncertain pad)."""
    seen = {_pad_key(name)}
    extra: list[str] = []
    for other in others:
        key = _pad_key(other)
        if key and key not in seen and not other.endswith("?"):
            seen.add(key)
            extra.append(other)
    return f"{name} ({', '.join(extra)})" if extra else name


# Longest first: "launch complex" is not "la" followed by "unch complex".
_PREFIX = re.compile(r"^(launch complex|complex|site|silo|slc|lc|lp|la|pu|pl|pad|sh)[\s-]*", re.I)


def _pad_key(text: str) -> str:
    return fold(text)


def _pad_core(text: str) -> str:
    """The pad's number without its kind: ``Site 31/6`` -> ``31/6``, ``LC31`` -> ``31``."""
    core = _PREFIX.sub("", text.strip().rstrip("?").strip())
    return re.sub(r"[^0-9a-z/]", "", core.casefold())


def match_pads(text: str, spellings: Sequence[Sequence[str]]) -> list[int]:
    """Indices of the pads (each given by its spellings) that ``text`` names, best tier only.

    Tier 1: a spelling equal to ``text`` ignoring case and punctuation (``lc31``, ``Site 31/6``)
    or the same number (``31/6``, ``31`` for ``LC31``). Tier 2: a spelling or one of its words
    that starts with ``text`` (``Gagarin``, ``Site 31``). Several pads in the best tier mean
    ``text`` is ambiguous.
    """
    key, core = _pad_key(text), _pad_core(text)
    if not key:
        return []
    exact = [
        i
        for i, names in enumerate(spellings)
        if any(_pad_key(n) == key or (core and _pad_core(n) == core) for n in names)
    ]
    if exact:
        return exact
    if "(" in text and text.rstrip().endswith(")"):
        # A label as shown (and suggested): "Site 31/6 (LC31)" names Site 31/6.
        return match_pads(text[: text.index("(")], spellings)
    prefixed: list[int] = []
    for i, names in enumerate(spellings):
        for n in names:
            words = fold_words(n)
            if _pad_key(n).startswith(key) or any(w.startswith(key) for w in words):
                prefixed.append(i)
                break
    return prefixed


def pads_named(text: str) -> list[tuple[Spaceport, Pad]]:
    """Every curated pad one of whose names is ``text`` (case and punctuation aside), else
    every pad with its number (``SLC-40``: Cape Canaveral's SLC-40)."""
    pads = [(port, pad) for port in load_spaceports() for pad in port.pads]
    key, core = _pad_key(text), _pad_core(text)
    named = [(port, pad) for port, pad in pads if key in {_pad_key(n) for n in pad.spellings}]
    return named or [
        (port, pad) for port, pad in pads if core and core in {_pad_core(n) for n in pad.spellings}
    ]


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
        """The pad called ``name``: any of its names (``LC31``, ``Site 31/6``, ``31``,
        ``Gagarin's Start``) or an unambiguous start of one; else an error listing the
        closest pads of this spaceport."""
        found = match_pads(name, [p.spellings for p in self.pads])
        if len(found) == 1:
            return self.pads[found[0]]
        labels = (
            [self.pads[i].label for i in found]
            or closest_names(name, [p.label for p in self.pads])
            or [p.label for p in self.pads]
        )
        kind = f"pad of {self.name}" + (" (several match; say which)" if found else "")
        raise UnknownNameError(kind, name, labels)


@cache
def load_spaceports() -> tuple[Spaceport, ...]:
    """Every curated spaceport, in file order."""
    text = resources.files("cosmodrome").joinpath("data/spaceports.toml").read_text("utf-8")
    return tuple(_spaceport(key, entry) for key, entry in tomllib.loads(text)["spaceport"].items())


def spaceport_named(name: str) -> Spaceport | None:
    """The spaceport called ``name`` (key, name, alias or GCAT site code; any case), if any."""
    return _spellings().get(fold(name))


def find_spaceport(name: str) -> Spaceport:
    """The spaceport called ``name``, or an :class:`UnknownNameError` with the closest."""
    port = spaceport_named(name)
    if port is None:
        names = [n for p in load_spaceports() for n in (p.name, *p.aliases)]
        # A spaceport's own name before the aliases (Cape Canaveral before Cape Kennedy).
        weight = {p.name: 1.0 for p in load_spaceports()}
        raise UnknownNameError("spaceport", name, closest_names(name, names, weight=weight))
    return port


def spaceport_of_sites(codes: Sequence[str]) -> Spaceport | None:
    """The curated spaceport that holds any of the GCAT site ``codes``, if one does: its
    coordinates are the ones every page shows (GCAT writes Baikonur at 46, 63; the curated
    file at 45.965, 63.305, the launch complexes' centre)."""
    wanted = set(codes)
    return next((p for p in load_spaceports() if wanted & set(p.gcat_sites)), None)


@cache
def _spellings() -> dict[str, Spaceport]:
    """Every spelling of every spaceport, folded; the first port in file order wins."""
    index: dict[str, Spaceport] = {}
    for port in load_spaceports():
        for spelling in (port.key, port.name, *port.aliases, *port.gcat_sites):
            index.setdefault(fold(spelling), port)
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
            tuple(p.get("aliases", ())),
            tuple(p.get("gcat_pads", ())),
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
