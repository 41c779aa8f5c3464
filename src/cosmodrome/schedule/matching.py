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
    PadIdentity,
    pad_identities,
    per_catalog,
    resolve_agencies,
    resolve_sites,
    resolve_vehicles,
)
from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import fold
from cosmodrome.spaceports import match_pads, pads_named

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
    """Match a schedule's site string: the first comma-separated part that names a site is
    the site, the parts before it the pad; ``A or B`` names both (a set of sites or pads is
    an answer: ``SLC-40 or LC-39A`` is Cape Canaveral's SLC-40 and Kennedy's LC-39A).

    ``Site 31/6, Baikonur Cosmodrome, Kazakhstan`` -> site ``GIK-5``, pad ``LC31``.
    """
    text = re.sub(r"^TBD\s*[—-]\s*", "", raw.strip())
    places: list[tuple[str, str | None]] = []
    for alternative in re.split(r"\s+or\s+|\s*/\s*(?=[A-Z][a-z])", text):
        places += _places(con, [part.strip() for part in alternative.split(",") if part.strip()])
    if not places:
        return SiteMatch(raw, (), None, None, None, "no part names a catalog site")
    sites: list[str] = []
    codes: list[str] = []
    labels: list[str] = []
    unplaced: list[tuple[str, str]] = []
    for site, pad_text in places:
        pads: list[PadIdentity] = []
        if pad_text:
            site, pads = _pads_of(con, site, pad_text)
            if not pads:
                unplaced.append((site, pad_text))
        sites += [site] if site not in sites else []
        codes += [c for p in pads for c in p.gcat_pads[:1] if c not in codes]
        labels += [p.label for p in pads if p.label not in labels]
    pad_raws = [pad for _, pad in places if pad]
    pad_raw = pad_raws[0] if len(pad_raws) == 1 else None
    reason = None
    if unplaced:
        site, pad_text = unplaced[0]
        reason = f"pad {pad_text!r} is not among the pads of {site}"
    return SiteMatch(
        raw, tuple(sites), "/".join(codes) or None, " or ".join(labels) or None, pad_raw, reason
    )


def _places(con: duckdb.DuckDBPyConnection, parts: list[str]) -> list[tuple[str, str | None]]:
    """``(site, pad text)`` of one alternative's comma-separated parts."""
    for index, part in enumerate(parts):
        # "CCSFS/KSC" names two sites; "Site 31/6" is one pad.
        pieces = [part] if re.search(r"\d/\d", part) else part.split("/")
        found = list(dict.fromkeys(s for piece in pieces for s in _try_sites(con, piece.strip())))
        if found:
            pad_text = ", ".join(parts[:index]) or None
            return [(site, pad_text) for site in found]
    # Only a pad ("SLC-40 or LC-39A, Florida"): the curated spaceport that has it.
    if parts and (site := _site_of_pad(con, parts[0])):
        return [(site, parts[0])]
    return []


def _site_of_pad(con: duckdb.DuckDBPyConnection, pad_text: str) -> str | None:
    """The site of the one curated spaceport with a pad called ``pad_text``, if one."""
    ports = {port.name for port, _ in pads_named(pad_text)}
    if len(ports) != 1:
        return None
    found = _try_sites(con, ports.pop())
    return found[0] if len(found) == 1 else None


def _pad_texts(text: str) -> list[str]:
    """The ways a schedule writes a pad: as given, without a bracket, its operator or with
    the bracket's content (``Rocket Lab LC-2 (LP-0C)``), without a trailing ``pad`` (``ELV
    pad``)."""
    plain = re.sub(r"\s*\([^)]*\)", "", text).strip()
    found = [text, plain, re.sub(r"^Rocket Lab\s+", "", plain, flags=re.IGNORECASE)]
    # "Launch Complex 1" of a site whose complex has pads LC-1A and LC-1B: both.
    found.append(re.sub(r"^Launch Complex\s*", "LC-", plain, flags=re.IGNORECASE))
    found += re.findall(r"\(([^)]*)\)", text)
    found += [re.sub(r"\s+pad$", "", f, flags=re.IGNORECASE) for f in found]
    return [f for f in dict.fromkeys(found) if f]


def _pads_of(
    con: duckdb.DuckDBPyConnection, site: str, pad_text: str
) -> tuple[str, list[PadIdentity]]:
    """The pads of ``site`` that ``pad_text`` names (several for a complex: ``Launch Complex
    1`` is LC-1A and LC-1B), or of the one other spaceport that has a pad of that exact name
    (``Commercial LC-1`` is the Hainan commercial site's, whatever site the schedule says)."""
    pads = per_catalog(con, ("schedule pads", site), lambda: pad_identities(con, [site]))
    for text in _pad_texts(pad_text):
        hits = match_pads(text, [p.spellings for p in pads])
        if hits:
            return site, [pads[i] for i in hits]
    elsewhere = _site_of_pad(con, pad_text)
    if elsewhere and elsewhere != site:
        return _pads_of(con, elsewhere, pad_text)
    return site, []


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


def generic_lead(name: str) -> str | None:
    """The generic name a payload string starts with (``Demo Flight (Bion-M?)``, ``Demo
    flight — first launch of Soyuz 5``: ``demo flight``), else ``None``."""
    lead = re.split(r"\s+[—–-]\s+|\s*\(", name)[0]
    words = payload_tokens(lead)
    return " ".join(words) if "".join(words) in GENERIC_PAYLOADS else None


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
