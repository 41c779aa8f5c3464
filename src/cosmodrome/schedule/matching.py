"""Schedule names matched to the catalog: sites and pads, vehicles, payload names.

Schedules write ``Site 31/6, Baikonur Cosmodrome, Kazakhstan``, ``Soyuz 2.1a/Fregat-M`` and
``Kondor-FKA n°2``; the catalog says ``GIK-5`` pad ``LC31``, ``Soyuz-2-1A`` and
``Kondor-FKA No. 2``. This module only rewrites schedule spellings (pad before site,
``SFS``, upper stages, ``Long March``); the names themselves are looked up with the
catalog's own resolvers (:mod:`cosmodrome.catalog.names`), so a name means the same here as
in every other command.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import duckdb

from cosmodrome.catalog.names import (
    per_catalog,
    resolve_agencies,
    resolve_sites,
    resolve_vehicles,
)
from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import fold
from cosmodrome.spaceports import load_spaceports

#: Abbreviations schedules use in site names, written out as the catalog's aliases are.
_SITE_WORDS = {
    r"\bSFS\b": "Space Force Station",
    r"\bSFB\b": "Space Force Base",
    r"\bAFS\b": "Air Force Station",
    r"\bCCSFS\b": "Cape Canaveral",
    r"\bKSC\b": "Kennedy Space Center",
    r"\bVSFB\b": "Vandenberg",
}
#: Generic words a site name may carry that the catalog's names may lack.
_SITE_SUFFIXES = re.compile(
    r"\s+(Cosmodrome|Spaceport|Space ?port|Rocket Range|Space Centre|Space Center|"
    r"Satellite Launch Cent(?:er|re)|Space Launch Site|Flight Facility|Complex)$",
    re.IGNORECASE,
)
#: Prefixes of pad designators, schedule (``Site``, ``SLC-``) and GCAT (``PU``, ``LC``).
_PAD_PREFIX = re.compile(
    r"^(?:rocket\s*lab\s*)?(?:site|(?:space\s*)?launch\s*complex|launch\s*area|slc|lc|la|lp|pu|pl|pad)"
    r"[\s-]*",
    re.IGNORECASE,
)
_PAD_WORDS = {"first launch pad": "FLP", "second launch pad": "SLP"}


@dataclass(frozen=True)
class SiteMatch:
    """Where a scheduled launch flies from, as the catalog names it."""

    raw: str
    sites: tuple[str, ...]
    pad: str | None
    pad_name: str | None
    pad_raw: str | None
    reason: str | None = None

    @property
    def matched(self) -> bool:
        return bool(self.sites)


@dataclass(frozen=True)
class VehicleMatch:
    """The catalog vehicle (or only its family) of a scheduled vehicle name."""

    raw: str
    vehicles: tuple[str, ...]
    family: str | None
    how: str  # "vehicle", "family" or "none"
    reason: str | None = None


def _try_sites(con: duckdb.DuckDBPyConnection, text: str) -> list[str]:
    """Site codes of a schedule's site text, once per catalog version: the same words
    ("Florida, USA", each spaceport's name for every pad) come back hundreds of times."""
    return list(per_catalog(con, ("schedule site text", text), lambda: _sites_of_text(con, text)))


def _sites_of_text(con: duckdb.DuckDBPyConnection, text: str) -> list[str]:
    variants = [text]
    expanded = text
    for pattern, words in _SITE_WORDS.items():
        expanded = re.sub(pattern, words, expanded)
    variants.append(expanded)
    stripped = expanded
    while (shorter := _SITE_SUFFIXES.sub("", stripped)) != stripped:
        stripped = shorter
        variants.append(stripped)
    for variant in variants:
        try:
            return resolve_sites(con, variant.strip(), suggest=False)
        except UnknownNameError:
            continue
    return []


def match_site(con: duckdb.DuckDBPyConnection, raw: str) -> SiteMatch:
    """Match a schedule's site string: the first comma-separated part that names a catalog
    site is the site, the parts before it the pad; ``A or B`` names both.

    ``Site 31/6, Baikonur Cosmodrome, Kazakhstan`` -> site ``GIK-5``, pad ``LC31``.
    """
    text = re.sub(r"^TBD\s*[—-]\s*", "", raw.strip())
    sites: list[str] = []
    pad_parts: list[str] = []
    for alternative in re.split(r"\s+or\s+|\s*/\s*(?=[A-Z][a-z])", text):
        parts = [part.strip() for part in alternative.split(",") if part.strip()]
        for index, part in enumerate(parts):
            # "CCSFS/KSC" names two sites; "Site 31/6" is one pad.
            pieces = [part] if re.search(r"\d/\d", part) else part.split("/")
            found = [s for piece in pieces for s in _try_sites(con, piece.strip())]
            if found:
                sites += [s for s in found if s not in sites]
                pad_parts += parts[:index]
                break
        else:
            # Only a pad ("SLC-40 or LC-39A, Florida"): the curated spaceport that has it.
            if parts:
                sites += [s for s in _site_of_pad(con, parts[0]) if s not in sites]
    if not sites:
        return SiteMatch(raw, (), None, None, None, "no part names a catalog site")
    pad_raw = pad_parts[0] if len(pad_parts) == 1 and len(sites) == 1 else None
    pad, pad_name = (None, None)
    if pad_raw:
        pad, pad_name = _match_pad(con, sites[0], pad_raw)
    reason = None
    if len(sites) > 1:
        reason = f"names {len(sites)} sites"
    elif pad_raw and pad is None:
        reason = f"pad {pad_raw!r} is not among the catalog pads of {sites[0]}"
    return SiteMatch(raw, tuple(sites), pad, pad_name, pad_raw, reason)


def _site_of_pad(con: duckdb.DuckDBPyConnection, pad_raw: str) -> list[str]:
    wanted = pad_core(pad_raw)
    ports = [
        port
        for port in load_spaceports()
        if any(pad_core(candidate.name) == wanted for candidate in port.pads)
    ]
    return _try_sites(con, ports[0].name) if len(ports) == 1 else []


def pad_core(name: str) -> str:
    """A pad designator without its kind, to compare schedule and GCAT spellings.

    >>> pad_core("Site 31/6"), pad_core("SLC-40"), pad_core("PU1S"), pad_core("LA-Y2")
    ('31/6', '40', '1S', 'Y2')
    """
    text = name.strip().rstrip("?")
    text = _PAD_WORDS.get(text.casefold(), text)
    text = re.sub(r"\s*\(.*\)$", "", text)
    return _PAD_PREFIX.sub("", text).replace(" ", "").upper()


def _match_pad(
    con: duckdb.DuckDBPyConnection, site: str, pad_raw: str
) -> tuple[str | None, str | None]:
    gcat_pads = [
        p
        for (p,) in con.execute(
            "SELECT DISTINCT pad FROM launches WHERE site = ? AND pad IS NOT NULL", [site]
        ).fetchall()
    ]
    wanted = pad_core(pad_raw)
    complex_ = wanted.split("/")[0]
    by_core = {pad_core(p): p for p in sorted(gcat_pads) if not p.endswith("?")}
    pad = by_core.get(wanted) or by_core.get(complex_)
    curated = None
    for port in load_spaceports():
        if site in port.gcat_sites or _try_sites(con, port.name) == [site]:
            for candidate in port.pads:
                if pad_core(candidate.name) == wanted:
                    # Shown as everywhere else: the pad with all its names.
                    curated = candidate.label
    return pad, curated


def _vehicle_candidates(raw: str) -> list[str]:
    text = " ".join(raw.split())
    text = re.sub(r"^Long March\b", "Chang Zheng", text, flags=re.IGNORECASE)
    text = re.sub(r"^Space Launch System\b", "SLS", text, flags=re.IGNORECASE)
    text = re.sub(r"^Vulcan VC", "Vulcan Centaur VC", text)
    found = [text]
    base = text.split("/")[0].strip()
    for value in (text, base):
        inner = re.findall(r"\(([^)]*)\)", value)
        plain = re.sub(r"\s*\([^)]*\)", "", value).strip()
        found += [plain, *inner, re.sub(r"\s+Block\s+\w+$", "", plain, flags=re.IGNORECASE)]
    return list(dict.fromkeys(v for v in found if v))


def match_vehicle(
    con: duckdb.DuckDBPyConnection, raw: str, families: dict[str, str | None] | None = None
) -> VehicleMatch:
    """Match a scheduled vehicle to catalog vehicles, or failing that to one family.

    ``Soyuz 2.1a``, ``Soyuz-2-1A`` and ``Soyuz 2.1a/Fregat-M`` are ``Soyuz-2-1A``; a
    vehicle not flown yet (``Ariane 64`` in 2024) matches its family when its first word
    names vehicles of one family only.
    """
    families = families if families is not None else vehicle_families(con)
    candidates = _vehicle_candidates(raw)
    for candidate in candidates:
        try:
            vehicles = resolve_vehicles(con, candidate, suggest=False)
        except UnknownNameError:
            continue
        family = _one_family(vehicles, families)
        return VehicleMatch(raw, tuple(vehicles), family, "vehicle")
    first = candidates[-1].split(" ")[0].split("-")[0] if candidates else ""
    if len(first) >= 4:
        try:
            vehicles = resolve_vehicles(con, first, suggest=False)
        except UnknownNameError:
            vehicles = []
        family = _one_family(vehicles, families)
        if family:
            return VehicleMatch(
                raw, (), family, "family", f"not flown yet; family {family} by {first!r}"
            )
    return VehicleMatch(raw, (), None, "none", "no catalog vehicle or family")


def _one_family(vehicles: list[str], families: dict[str, str | None]) -> str | None:
    found = {families.get(v) for v in vehicles} - {None}
    return found.pop() if len(found) == 1 else None


def vehicle_families(con: duckdb.DuckDBPyConnection) -> dict[str, str | None]:
    rows = con.execute(
        "SELECT vehicle, any_value(vehicle_family) FROM launches GROUP BY vehicle"
    ).fetchall()
    return {vehicle: family for vehicle, family in rows}


# --- payload names ------------------------------------------------------------------------

_NUMBER_SIGNS = [
    (re.compile(r"\bn[°º]\s*", re.IGNORECASE), " no "),
    (re.compile(r"\bno\.?\s*(?=\d)", re.IGNORECASE), " no "),
    (re.compile(r"#\s*(?=\d)"), " no "),
    (re.compile(r"\bnumber\s+(?=\d)", re.IGNORECASE), " no "),
]
GENERIC_PAYLOADS = {"unknownpayload", "demoflight", "maidenflight", "testflight", "tbd"}


def payload_tokens(name: str) -> tuple[str, ...]:
    """Words of a payload name, numbering spelled one way: ``n°2``, ``No. 2`` -> ``no 2``.

    >>> payload_tokens("Kondor-FKA n°2") == payload_tokens("Kondor-FKA No. 2")
    True
    >>> payload_tokens("Starlink Group 6-61")
    ('starlink', 'group', '6', '61')
    """
    text = name
    for pattern, words in _NUMBER_SIGNS:
        text = pattern.sub(words, text)
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return tuple(re.findall(r"[0-9a-z]+", plain))


def payload_names(name: str) -> list[tuple[str, ...]]:
    """The names a payload string holds: itself, its parts (``A & B``, ``A, B``) and what it
    has in brackets (``GSAT-20 (GSAT-N2)``), as token tuples; generic names give none."""
    names = [re.sub(r"\s*\([^)]*\)", "", name), *re.findall(r"\(([^)]*)\)", name)]
    parts = [
        part for n in names for part in re.split(r"\s*(?:,|&|\+|\band\b)\s*", n) if part.strip()
    ]
    found = [payload_tokens(n) for n in [*names, *parts]]
    return [
        tokens
        for tokens in dict.fromkeys(found)
        if tokens and fold("".join(tokens)) not in GENERIC_PAYLOADS and len("".join(tokens)) > 2
    ]


def payload_key(name: str) -> str:
    """One string per payload name for grouping across snapshots (brackets dropped)."""
    return " ".join(payload_tokens(re.sub(r"\s*\([^)]*\)", "", name)))


def tokens_start(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether ``short`` is a whole-word prefix of ``long`` (6-61 of 6-61-05, not of 6-6)."""
    return bool(short) and long[: len(short)] == short


class Matcher:
    """Site and vehicle matches for one catalog connection, each raw name matched once."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._families = vehicle_families(con)
        self._sites: dict[str, SiteMatch] = {}
        self._vehicles: dict[str, VehicleMatch] = {}
        self._providers: dict[str, str | None] = {}

    def site(self, raw: str) -> SiteMatch:
        if raw not in self._sites:
            self._sites[raw] = match_site(self.con, raw)
        return self._sites[raw]

    def vehicle(self, raw: str) -> VehicleMatch:
        if raw not in self._vehicles:
            self._vehicles[raw] = match_vehicle(self.con, raw, self._families)
        return self._vehicles[raw]

    def provider(self, raw: str) -> str | None:
        """The catalog's name of a launch provider a source names ("SpaceX",
        "Russian Federal Space Agency (ROSCOSMOS)"), or ``None``."""
        if raw not in self._providers:
            self._providers[raw] = _agency_name(self.con, raw)
        return self._providers[raw]


def _agency_name(con: duckdb.DuckDBPyConnection, raw: str) -> str | None:
    names = [raw, *re.findall(r"\(([^)]*)\)", raw), re.sub(r"\s*\([^)]*\)", "", raw)]
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        try:
            codes = resolve_agencies(con, name, suggest=False)
        except UnknownNameError:
            continue
        row = con.execute(
            """SELECT agency_name FROM launches WHERE agency IN (SELECT unnest(?))
               GROUP BY agency_name ORDER BY count(*) DESC LIMIT 1""",
            [codes],
        ).fetchone()
        if row and row[0]:
            return str(row[0])
    return None
