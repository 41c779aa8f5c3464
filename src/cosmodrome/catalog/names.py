"""Names people use, resolved to catalog codes: sites, vehicles, agencies and owners.

``Baikonur``, ``Baykonur``, ``Tyuratam``, ``GIK-5`` and ``baikonur`` all name one site.
Spellings come from the catalog (codes, GCAT names) and from the curated spaceport facts
(aliases). Matching ignores case, accents, spaces and punctuation. An unknown name raises
:class:`~cosmodrome.errors.UnknownNameError` listing the closest names.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tomllib
import weakref
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from cosmodrome import naming, spaceports, states
from cosmodrome.errors import UnknownNameError
from cosmodrome.naming import NameIndex, closest_names, fold
from cosmodrome.spaceports import load_spaceports, match_pads
from cosmodrome.text import name_list

T = TypeVar("T")


def site_index(con: duckdb.DuckDBPyConnection) -> NameIndex:
    """Canonical sites (``launches.site``) by every spelling of the sites that have launches.

    A GCAT code or name names the canonical site its launches were filed under
    (``NIIP-5`` -> ``GIK-5``); a curated spaceport name or alias names its canonical site
    and wins over a GCAT name spelled the same.
    """
    index = NameIndex("site")
    launched = con.execute("SELECT DISTINCT site_code, site, site_name FROM launches").fetchall()
    canonical_of = {code: site for code, site, _ in launched}
    counts = con.execute("SELECT site, count(*) FROM launches GROUP BY site").fetchall()
    index.weights = {str(site): float(n) for site, n in counts}
    for _, site, site_name in launched:
        index.add(site, {site})
        index.add(site_name, {site})
    records = con.execute("SELECT code, short_name, name, location FROM sites").fetchall()
    for code, short_name, name, location in records:
        if code in canonical_of:
            index.add(code, {canonical_of[code]})
            index.add(short_name, {canonical_of[code]})
            index.add(name, {canonical_of[code]}, display=False)
            index.add(location, {canonical_of[code]}, display=False)
    for port in load_spaceports():
        # A spaceport with no launch yet (SaxaVord) is a site too, by its GCAT code where
        # GCAT has one, else by its name: it resolves, to no launches.
        sites = {canonical_of[c] for c in port.gcat_sites if c in canonical_of} or set(
            port.gcat_sites[:1] or [port.name]
        )
        for spelling in (port.name, port.key, *port.aliases):
            index.add(spelling, sites, preferred=True)
        index.primary.add(port.name)
    return index


@cache
def curated_names() -> dict[str, Any]:
    """The curated names of ``data/names.toml`` (vehicles, prefixes, organisations)."""
    text = resources.files("cosmodrome").joinpath("data", "names.toml").read_text("utf-8")
    return tomllib.loads(text)


def shown_organisations() -> dict[str, str]:
    """How tables name the organisations GCAT codes or short-names as each key: the name
    people use (``shown`` in ``data/names.toml``) where GCAT's short name reads as a code
    (``NRO``, ``MOM``) or is a transliteration (``Xinghe Dongli`` for Galactic Energy)."""
    entries = curated_names().get("organisation", [])
    return {str(e["means"]): str(e["shown"]) for e in entries if "shown" in e}


def shown_organisations_sql() -> str:
    """:func:`shown_organisations` as SQL rows ``(means, shown)``, for a query to join
    (``WITH shown(means, shown) AS (...)``): the build's names and summaries read the same."""
    rows = [
        "(" + ", ".join("'" + text.replace("'", "''") + "'" for text in pair) + ")"
        for pair in sorted(shown_organisations().items())
    ]
    return "VALUES " + ", ".join(rows) if rows else "SELECT NULL, NULL WHERE false"


def _capability_names() -> list[tuple[str, ...]]:
    """Each vehicle the project models (``capability/data/vehicles.toml``): its name, then
    its aliases. Read as TOML: the model module is too heavy for a name lookup."""
    text = (
        resources.files("cosmodrome.capability").joinpath("data/vehicles.toml").read_text("utf-8")
    )
    return [
        (str(entry["name"]), *(str(a) for a in entry.get("aliases", ())))
        for entry in tomllib.loads(text)["vehicle"].values()
    ]


def vehicle_index(con: duckdb.DuckDBPyConnection) -> NameIndex:
    """Vehicle configurations (GCAT ``LV_Type``) by every name that covers them.

    A configuration is a vehicle GCAT lists (launched, or orbital in ``lv.tsv``), a vehicle
    the project models (``Soyuz-5``) or a configuration its maker announced (``names.toml``);
    a name covers the configurations it begins (:meth:`NameIndex.starting`), so ``Proton-M``
    is Proton-M, Proton-M/Briz-M, /DM-2 and /DM-3. GCAT's alias column joins two vehicles
    (LVM3 and GSLV Mk III); the curated names (``names.toml``) cover what they mean and win
    over GCAT's spellings.
    """
    index = NameIndex("vehicle")
    counts = dict(
        con.execute(
            "SELECT vehicle, count(*) FROM launches WHERE vehicle IS NOT NULL GROUP BY 1"
        ).fetchall()
    )
    # In one order: each alias joins what its name already means, so the order decides
    # which chained aliases share an entity (DISTINCT alone gave builds different indexes).
    rows = con.execute(
        "SELECT DISTINCT lv_name, alias, class FROM vehicles ORDER BY ALL"
    ).fetchall()
    configurations = set(counts) | {lv for lv, _, kind in rows if kind == "O"}
    for configuration in configurations:
        index.add(configuration, {configuration})
    for lv_name, alias, _ in rows:
        if lv_name in configurations and alias and alias != "-":
            joined = {lv_name} | index.lookup(alias)
            index.add(alias, joined)
            index.add(lv_name, joined)
    curated = curated_names()
    prefixes = _vehicle_prefixes()
    for names_ in _capability_names():
        if not any(_vehicle_codes(index, n, prefixes) for n in names_):
            for spelling in names_:
                index.add(spelling, {names_[0]})
    for entry in curated.get("configuration", []):
        for spelling in entry["names"]:
            index.add(spelling, {entry["names"][0]})
    for entry in curated.get("vehicle", []):
        codes = {
            c
            for means in entry["means"]
            for c in _vehicle_codes(index, means, prefixes) or index.prefixed(means)
        }
        # A catalog without the vehicle (a small test one) leaves the names unknown.
        if codes:
            for spelling in entry["names"]:
                index.add(spelling, codes, preferred=True)
    index.weights = {str(v): float(n) for v, n in counts.items()}
    return index


def family_index(con: duckdb.DuckDBPyConnection) -> NameIndex:
    """GCAT vehicle families (``Proton``, ``DF5``, ``R-7``) by their code: the last resort
    for a vehicle name, as GCAT's families lump vehicles (Ariane 62 is in ``Ariane5``)."""
    index = NameIndex("vehicle family")
    rows = con.execute(
        """SELECT DISTINCT family, lv_name FROM vehicles
           WHERE family IS NOT NULL AND lv_name IN (SELECT vehicle FROM launches)"""
    ).fetchall()
    for family, lv_name in rows:
        index.add(family, {lv_name})
    return index


#: Each curated vehicle prefix's words (``Long March``) and the name GCAT writes in its place
#: (``Chang Zheng``).
Prefixes = list[tuple[tuple[str, ...], str]]


def _vehicle_prefixes() -> Prefixes:
    """The curated vehicle prefixes (``data/names.toml``), folded once for all the names a
    caller spells with them."""
    return [
        (naming.fold_words(prefix), str(entry["means"]))
        for entry in curated_names().get("vehicle_prefix", [])
        for prefix in entry["names"]
    ]


def _vehicle_spellings(name: str, prefixes: Prefixes) -> list[str]:
    """``name`` and the same name with a prefix written as GCAT writes it
    (``Long March 3B`` -> ``Chang Zheng 3B``, ``Ceres-1`` -> ``Gushenxing 1``)."""
    words = naming.fold_words(name)
    squeezed = "".join(words)
    found = [name]
    for head, means in prefixes:
        if words[: len(head)] == head:
            found.append(" ".join((means, *words[len(head) :])))
        elif len(head) == 1 and squeezed.startswith(head[0]):
            # Written together: CZ3B, LM3B.
            rest = squeezed[len(head[0]) :]
            if rest[:1].isdigit():
                found.append(f"{means} {rest}")
    return found


def _vehicle_codes(index: NameIndex, name: str, prefixes: Prefixes) -> set[str]:
    """Configurations ``name`` covers: a curated name's, else every configuration a
    spelling of ``name`` (or of its GCAT spelling) begins."""
    found: set[str] = set()
    for spelling in _vehicle_spellings(name, prefixes):
        key = fold(spelling)
        if key in index._preferred:
            found |= index._preferred[key]
        else:
            found |= index.lookup(spelling) | index.starting(spelling)
    return found


def organisation_index(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    column: str,
    table: str,
    organisations: Organisations | None = None,
) -> NameIndex:
    """Organisation codes by code and name: each organisation with its other codes over
    time (one ``ucode``) and every organisation under it (``parent``: CASC has CALT and
    SAST), as used in ``table.column`` (``organisations``: read for another index)."""
    organisations = organisations or Organisations.read(con)
    index = NameIndex(kind)
    counts = con.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY 1").fetchall()
    used = {str(c) for c, _ in counts if c is not None}
    # A joint code (NRO/SAFSP) belongs to its lead organisation (NRO) too.
    joint: dict[str, set[str]] = defaultdict(set)
    for value in used:
        joint[value.split("/")[0]].add(value)
    codes_of = organisations.codes_under(joint)
    for value in used:
        index.add(value, {value})
    for code, ucode, short_name, name, _ in organisations.records:
        if codes := codes_of.get(code):
            # A spelling the record repeats (most codes are their own ucode) adds nothing.
            index.add(code, codes)
            if ucode != code:
                index.add(ucode, codes, display=False)
            if short_name != code:
                index.add(short_name, codes)
            if name not in (code, ucode, short_name):
                index.add(name, codes, display=False)
    for entry in curated_names().get("organisation", []):
        if codes := index.lookup(entry["means"]):
            for spelling in entry.get("names", []):
                index.add(spelling, codes, display=False, preferred=True)
            if "shown" in entry:  # the name tables show is offered among the closest names
                index.add(entry["shown"], codes, preferred=True)
    index.weights = {str(code): float(n) for code, n in counts if code is not None}
    return index


@dataclass(frozen=True)
class Organisations:
    """Every organisation record (``code, ucode, short_name, name, parent``) and who is
    above each code: its other codes over time (one ``ucode``) and its parent."""

    records: list[tuple[Any, ...]]
    above: dict[str, set[str]]

    @classmethod
    def read(cls, con: duckdb.DuckDBPyConnection) -> Organisations:
        records = con.execute(
            "SELECT code, ucode, short_name, name, parent FROM organisations"
        ).fetchall()
        ucode_of = {code: ucode for code, ucode, *_ in records}
        lineage: dict[str, set[str]] = defaultdict(set)
        for code, ucode, *_ in records:
            lineage[ucode].add(code)
        # A code alone under its ucode is above only itself.
        above: dict[str, set[str]] = defaultdict(set)
        for code, ucode in ucode_of.items():
            if len(group := lineage[ucode]) > 1:
                for other in group:
                    above[other].add(code)
        for code, *_, parent in records:
            if parent and parent != code:
                above[code].add(parent)
        return cls(records, above)

    def codes_under(self, joint: dict[str, set[str]]) -> dict[str, set[str]]:
        """Per organisation code, the used codes (``joint``: per lead code) of it, of its
        other codes over time and, recursively, of every organisation under them.

        Found upwards from each used code: few organisations are above a used code, where
        every organisation has some under it."""
        codes_of: dict[str, set[str]] = defaultdict(set)
        for lead, values in joint.items():
            reached = {lead}
            todo = [lead]
            while todo:
                for code in self.above.get(todo.pop(), ()):
                    if code not in reached:
                        reached.add(code)
                        todo.append(code)
            for code in reached:
                codes_of[code] |= values
        return codes_of


_VERSIONS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str] = weakref.WeakKeyDictionary()


def catalog_generation(con: duckdb.DuckDBPyConnection) -> str | None:
    """Which catalog ``con`` reads, read once per connection: the version of its input
    files and when it was built. Two builds of the same files are two catalogs (a newer
    package or other curated names makes other tables from them), so what is derived from
    one never stands for the other."""
    if con not in _VERSIONS:
        row = con.execute(
            "SELECT max(value) FILTER (key = 'catalog_version') || '@' || "
            "max(value) FILTER (key = 'built_at_utc') FROM meta"
        ).fetchone()
        if row is None or row[0] is None:
            return None
        _VERSIONS[con] = str(row[0])
    return _VERSIONS[con]


#: What :func:`per_catalog` keeps: catalog generation -> key -> value, the latest only.
_PER_CATALOG: dict[str, dict[Hashable, Any]] = {}
#: Catalog generations :func:`per_catalog` keeps (a server serves at most the old and the
#: new one across an update).
KEPT_GENERATIONS = 2


def per_catalog(con: duckdb.DuckDBPyConnection, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per catalog generation and ``key``: a catalog never changes in
    place (``update`` swaps in a new file, a new generation), so what is derived from it
    holds until the generation changes. Without one (a catalog being built, before its
    ``meta``) it is computed."""
    generation = catalog_generation(con)
    if generation is None:
        return compute()
    memo = _PER_CATALOG.get(generation)
    if memo is None:
        memo = _PER_CATALOG[generation] = {}
        while len(_PER_CATALOG) > KEPT_GENERATIONS:
            del _PER_CATALOG[next(iter(_PER_CATALOG))]
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def _builders(
    con: duckdb.DuckDBPyConnection, organisations: Organisations | None = None
) -> dict[str, Callable[[], NameIndex]]:
    """How each index is built (``organisations``: read once for both of theirs)."""
    return {
        "site": lambda: site_index(con),
        "vehicle": lambda: vehicle_index(con),
        "vehicle_family": lambda: family_index(con),
        "agency": lambda: organisation_index(con, "agency", "agency", "launches", organisations),
        "owner": lambda: organisation_index(con, "owner", "owner", "payloads", organisations),
    }


def _cached(con: duckdb.DuckDBPyConnection, kind: str) -> NameIndex:
    """The index of ``kind`` for this catalog generation: read from the catalog where
    :func:`store_names` left it, else built."""

    def read_or_build() -> NameIndex:
        stored = _stored(con, f"index:{kind}")
        return NameIndex.from_json(stored) if stored else _builders(con)[kind]()

    return per_catalog(con, ("index", kind), read_or_build)


def resolve_sites(con: duckdb.DuckDBPyConnection, name: str, *, suggest: bool = True) -> list[str]:
    return _cached(con, "site").resolve(name, unique_prefix=True, suggest=suggest)


class VehicleNames:
    """The vehicle names of a catalog (its vehicle index, the curated prefixes folded once):
    what resolves one vehicle name, or the many a build maps its prices with."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self.index = _cached(con, "vehicle")
        self._prefixes = _vehicle_prefixes()

    def resolve(self, name: str, *, suggest: bool = True) -> list[str]:
        """:func:`resolve_vehicles`."""
        codes = _vehicle_codes(self.index, name, self._prefixes)
        if not codes:
            codes = set(_cached(self._con, "vehicle_family").lookup(name))
        if not codes:
            raise UnknownNameError("vehicle", name, self.index.suggest(name) if suggest else [])
        return sorted(codes)

    def configuration(self, name: str) -> str | None:
        """:func:`vehicle_configuration`."""
        found: set[str] = set()
        for spelling in _vehicle_spellings(name, self._prefixes):
            found |= self.index.lookup(spelling)
        return next(iter(found)) if len(found) == 1 else None


def resolve_vehicles(
    con: duckdb.DuckDBPyConnection, name: str, *, suggest: bool = True
) -> list[str]:
    """Every configuration (``launches.vehicle``) the vehicle ``name`` covers: its
    configurations (``Proton-M``: Proton-M/Briz-M, /DM-2, /DM-3), the vehicles a curated or
    GCAT alias joins to it (``LVM3`` and GSLV Mk III), else those of a GCAT family (``DF5``).
    A vehicle the project knows that has not flown yet resolves to its own name (no
    launches); an unknown name raises with the closest names."""
    return VehicleNames(con).resolve(name, suggest=suggest)


def vehicle_configuration(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    """The one configuration ``name`` spells exactly (GCAT's name, an alias, an English
    spelling: ``Long March 2C`` is Chang Zheng 2C alone), or None where it spells several or
    none: how a price written for one configuration finds it (catalog/prices.py)."""
    return VehicleNames(con).configuration(name)


def resolve_agencies(
    con: duckdb.DuckDBPyConnection, name: str, *, suggest: bool = True
) -> list[str]:
    index = _cached(con, "agency")
    return index.resolve(name, word_prefix=True, suggest=suggest)


def resolve_owners(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    index = _cached(con, "owner")
    return index.resolve(name, word_prefix=True)


#: Per kind of name: the table (named as its rows in the plural) and column its codes are
#: matched on, what a code is called, what one row is, and the column naming a code's rows
#: where its code is not a name to show (a site's or an organisation's; a configuration's
#: and a pad's label are).
_MATCHED_ON: dict[str, tuple[str, str, str, str, str | None]] = {
    "vehicle": ("launches", "vehicle", "configuration", "launch", None),
    "site": ("launches", "site", "site", "launch", "site_name"),
    "agency": ("launches", "agency", "organisation", "launch", "agency_name"),
    "owner": ("payloads", "owner", "organisation", "payload", "owner_name"),
    "pad": ("launches", "pad", "pad", "launch", None),
}


@dataclass(frozen=True)
class Resolution:
    """What a typed name matched: the codes it covers, how many rows they have (launches;
    payloads for an owner) and, for a curated name, the note that says how it was matched."""

    kind: str
    name: str
    codes: tuple[str, ...]
    count: int
    note: str | None = None
    #: How the matched things are shown, the most rows first (names, never bare codes);
    #: the codes where none has rows.
    shown: tuple[str, ...] = ()

    @property
    def flown(self) -> bool:
        return self.count > 0

    def summary(self) -> str | None:
        """``Proton-M: 4 configurations (...); 115 launches``, or ``None`` where the name is
        plainly the one thing it matched (``Electron``, ``Baikonur``)."""
        rows, _, what, row, _ = _MATCHED_ON[self.kind]
        # a vehicle's configurations and a pad's labels may say what the name did not
        plain = self.kind not in ("vehicle", "pad") or fold(self.codes[0]) == fold(self.name)
        if len(self.codes) == 1 and plain and self.flown:
            # A site or organisation code says nothing the name does not.
            return None
        if len(self.codes) == 1:
            matched = "" if plain else self.codes[0]
        else:
            matched = f"{len(self.codes)} {what}s ({name_list(self.shown or self.codes, 4)})"
        if self.flown:
            counted = f"{self.count:,} {row if self.count == 1 else rows}"
        else:
            counted = "not flown yet" if row == "launch" else f"no {rows}"
        parts = [p for p in (matched, counted, self.note) if p]
        return f"{self.name}: {'; '.join(parts)}"


def resolution(con: duckdb.DuckDBPyConnection, kind: str, name: str) -> Resolution:
    """What ``name`` (a ``vehicle``, ``site``, ``agency`` or ``owner``) matches, with its
    launches (an owner's payloads); an unknown name raises :class:`UnknownNameError` with
    the closest names."""
    resolve = {
        "vehicle": resolve_vehicles,
        "site": resolve_sites,
        "agency": resolve_agencies,
        "owner": resolve_owners,
    }
    codes = resolve[kind](con, name)
    table, column, _, _, named = _MATCHED_ON[kind]
    counted = con.execute(
        f"SELECT coalesce({named or column}, {column}), count(*) FROM {table} "
        f"WHERE list_contains(?, {column}) GROUP BY 1 ORDER BY 2 DESC, 1",
        [codes],
    ).fetchall()
    note = _curated_note(name) if kind == "vehicle" else None
    shown = tuple(str(label) for label, _ in counted) if named else ()
    return Resolution(kind, name, tuple(codes), sum(n for _, n in counted), note, shown)


def pad_resolution(con: duckdb.DuckDBPyConnection, name: str, site: str | None) -> Resolution:
    """What ``name`` matches among the pads of ``site`` (of every site without one, each
    then with its site's name): the pads by their labels (``Site 31/6 (LC31)``), with their
    launches there."""
    codes = resolve_pads(con, name, site)
    where, params = "list_contains(?, pad)", [codes]
    if site:
        where, params = f"{where} AND list_contains(?, site)", [codes, resolve_sites(con, site)]
    found = con.execute(
        "SELECT site, any_value(site_name), pad, count(*) FROM launches "
        f"WHERE {where} GROUP BY site, pad ORDER BY 4 DESC",
        params,
    ).fetchall()
    labels = pad_labels(con, {row[0] for row in found})
    shown = dict.fromkeys(
        labels.get((s, p), p) if site else f"{name_of_site} {labels.get((s, p), p)}"
        for s, name_of_site, p, _ in found
    )
    return Resolution("pad", name, tuple(shown or codes), sum(row[3] for row in found))


def matched_notes(
    con: duckdb.DuckDBPyConnection,
    *,
    vehicle: str | None = None,
    site: str | None = None,
    agency: str | None = None,
    owner: str | None = None,
    pad: str | None = None,
) -> list[str]:
    """What each given name matched, where that is not plain (:meth:`Resolution.summary`):
    the lines an interface shows under an answer filtered by those names (a pad among the
    pads of ``site``)."""
    given = {"vehicle": vehicle, "site": site, "agency": agency, "owner": owner}
    found = [resolution(con, kind, name) for kind, name in given.items() if name]
    if pad:
        found.append(pad_resolution(con, pad, site))
    return [line for line in (r.summary() for r in found) if line]


def _curated_note(name: str) -> str | None:
    return _curated_notes().get(fold(name))


@cache
def _curated_notes() -> dict[str, str]:
    """Each curated vehicle name, folded, and its entry's note (the first entry's where two
    share a name): folded once, not on every request that filters by a vehicle."""
    notes: dict[str, str] = {}
    for entry in curated_names().get("vehicle", []):
        if "note" in entry:
            for spelling in entry["names"]:
                notes.setdefault(fold(spelling), str(entry["note"]))
    return notes


@dataclass(frozen=True)
class PadIdentity:
    """One pad of a site with all its names and the GCAT codes its launches are filed under."""

    label: str
    gcat_pads: tuple[str, ...]
    spellings: tuple[str, ...]
    launches: int


def pad_identities(
    con: duckdb.DuckDBPyConnection, sites: list[str], counts: dict[str, int] | None = None
) -> list[PadIdentity]:
    """The pads of canonical ``sites``, busiest first.

    A curated pad (:mod:`cosmodrome.spaceports`) gathers every GCAT code it is written as
    (``Site 31/6`` is GCAT's ``LC31``); a pad only GCAT knows is its own code (``LC90``).
    ``counts`` (launches per GCAT pad of these sites) saves the query for a caller that has
    them.
    """
    if counts is None:
        from cosmodrome.catalog.summaries import summary  # it reads catalog_generation here

        rows = con.execute(
            f"SELECT pad, sum(launches)::BIGINT FROM {summary(con, 'pad_totals')} "
            "WHERE list_contains(?, site) AND pad IS NOT NULL GROUP BY pad",
            [sites],
        ).fetchall()
        counts = {str(pad): int(n) for pad, n in rows}
    used = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    folded = {code: fold(code) for code in used}
    canonical = _canonical_of_codes(con)
    wanted = set(sites)
    found: list[PadIdentity] = []
    claimed: set[str] = set()
    for port in load_spaceports():
        if not {canonical.get(c, c) for c in port.gcat_sites} & wanted:
            continue
        for pad in port.pads:
            # GCAT's codes listed for the pad, and any GCAT code spelled like one of its
            # names (SLC40 beside the listed LC40 for SLC-40).
            keys = {fold(n) for n in pad.spellings}
            # Busiest first: the code a schedule's pad is recorded under.
            mine = tuple(c for c in used if c in pad.gcat_pads or folded[c] in keys)
            claimed.update(mine)
            found.append(PadIdentity(pad.label, mine, pad.spellings, sum(used[c] for c in mine)))
    for code, launches in used.items():
        if code not in claimed:
            found.append(PadIdentity(code, (code,), (code,), launches))
    return sorted(found, key=lambda p: -p.launches)


def _canonical_of_codes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """GCAT site code -> the canonical site its launches are filed under."""

    def read() -> dict[str, str]:
        rows = con.execute("SELECT DISTINCT site_code, site FROM launches").fetchall()
        return {str(code): str(site) for code, site in rows}

    return per_catalog(con, "canonical sites", read)


def pad_labels(
    con: duckdb.DuckDBPyConnection, sites: Iterable[str] | None = None
) -> dict[tuple[str, str], str]:
    """``(canonical site, GCAT pad) -> label`` for every curated pad of ``sites`` (default:
    all) (``('GIK-5', 'LC31')`` -> ``Site 31/6 (LC31)``), each site's built once per catalog
    version, so a one-site listing costs one site's pads; a pad missing here is shown as GCAT
    writes it."""
    per_site = per_catalog(con, "pad labels", lambda: _stored_pad_labels(con))
    curated = per_catalog(con, "curated sites", lambda: frozenset(per_site) or _curated_sites(con))
    wanted = curated if sites is None else curated & set(sites)
    for site in sorted(wanted - per_site.keys()):
        per_site[site] = {(site, code): label for code, label in _site_pad_labels(con, site)}
    return {key: label for site in wanted for key, label in per_site[site].items()}


def _site_pad_labels(
    con: duckdb.DuckDBPyConnection, site: str, counts: dict[str, int] | None = None
) -> list[tuple[str, str]]:
    """``(GCAT pad, label)`` for the pads of ``site`` a curated name relabels (``counts``:
    as :func:`pad_identities`)."""
    return [
        (code, pad.label)
        for pad in pad_identities(con, [site], counts)
        if pad.label not in pad.gcat_pads
        for code in pad.gcat_pads
    ]


def _stored_pad_labels(con: duckdb.DuckDBPyConnection) -> dict[str, dict[tuple[str, str], str]]:
    """Per canonical site, the pad labels :func:`store_names` left (empty without them); the
    sites :func:`pad_labels` is asked for later are added to it."""
    stored = _stored(con, "pad_labels") or {}
    return {
        site: {(site, pad): label for pad, label in labels.items()}
        for site, labels in stored.items()
    }


def _curated_sites(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The canonical sites that curated spaceports have pads for."""
    canonical = _canonical_of_codes(con)
    return frozenset(
        canonical[c] for port in load_spaceports() for c in port.gcat_sites if c in canonical
    )


def resolve_pads(con: duckdb.DuckDBPyConnection, name: str, site: str | None = None) -> list[str]:
    """GCAT pad codes (``launches.pad``) for a pad named any way (``LC31``, ``Site 31/6``,
    ``31``, ``Gagarin's Start``), among the pads of ``site`` or, without one, of every site.

    A set of pads (``SLC-40 or LC-39A``, ``LC-39A, LC-39B``) is every pad it names. An
    unknown or ambiguous name raises :class:`UnknownNameError` listing the closest pads (of
    that site when one is given)."""
    several = [part for part in re.split(r"\s+or\s+|\s*,\s*", name.strip()) if part]
    if len(several) > 1:
        return sorted({code for part in several for code in resolve_pads(con, part, site)})
    if site:
        sites = resolve_sites(con, site)
        where = f"pad of {site}"
    else:
        sites = [s for (s,) in con.execute("SELECT DISTINCT site FROM launches").fetchall()]
        where = "pad"
    pads = pad_identities(con, sites)
    matched = match_pads(name, [p.spellings for p in pads])
    if matched and (len(matched) == 1 or len({pads[i].label for i in matched}) == 1):
        return sorted({c for i in matched for c in pads[i].gcat_pads})
    if matched and not site:
        # The same pad name at several sites (LC2): every one of them, as GCAT files them.
        return sorted({c for i in matched for c in pads[i].gcat_pads})
    if matched:
        labels = [pads[i].label for i in matched]
        raise UnknownNameError(f"{where} (several match; say which)", name, labels)
    weights = {p.label: float(p.launches) for p in pads}
    closest = closest_names(name, [p.label for p in pads], weight=weights)
    # A site's pads are few: with nothing alike, its busiest are the suggestion.
    raise UnknownNameError(where, name, closest or [p.label for p in pads[:5]] if site else closest)


# Stored names. Every index above is derived from the catalog and the curated files, which
# take a one-shot command longer to read (TOML, pycountry) than the query it runs. The build
# stores the derived names in the catalog with a key of the code and files they came from;
# a reader uses them only while that key still holds (a newer package derives its own).

STORED_NAMES_TABLE = "derived_names"


@cache
def derived_names_key() -> str:
    """A hash of what the stored names are derived from: this module, the naming, spaceport
    and state modules and their data files, the modelled vehicles, and pycountry's
    version."""
    digest = hashlib.sha256(metadata.version("pycountry").encode())
    for module in (sys.modules[__name__], naming, spaceports, states):
        digest.update(Path(str(module.__file__)).read_bytes())
    for data in ("spaceports.toml", "gcat_states.toml", "names.toml"):
        digest.update(resources.files("cosmodrome").joinpath("data", data).read_bytes())
    digest.update(
        resources.files("cosmodrome.capability").joinpath("data/vehicles.toml").read_bytes()
    )
    return digest.hexdigest()[:16]


def derive_provider_entities(con: duckdb.DuckDBPyConnection) -> dict[str, list[str | None]]:
    """Every launch agency code (the lead code of a joint one) -> ``[provider key, label]``.

    A provider is the organisation a launch is bought from, as the name resolver knows it:

    * a curated organisation of ``data/names.toml`` takes every code the resolver gives for
      it (``United Launch Alliance`` -> ULAB, ULAL, ULAD; ``CASC`` -> its academies CALT and
      SAST, GCAT parent CASC); where curated organisations nest, the widest wins (CALT is
      CASC's), so a market share counts China's state launches under CASC. Its label is
      its curated name (``United Launch Alliance``, never a code);
    * any other code joins the other codes of its organisation over time (GCAT ``UCode``,
      as customers are grouped), labelled by the launches' agency name (``None`` here).

    The finer grouping, GCAT's agency as recorded, is the ``agency`` dimension."""
    return _provider_entities(con, _cached(con, "agency"))


def _provider_entities(
    con: duckdb.DuckDBPyConnection, index: NameIndex
) -> dict[str, list[str | None]]:
    """:func:`derive_provider_entities` with the agency index at hand."""
    entities: dict[str, list[str | None]] = {}
    widest: dict[str, int] = {}
    # Only the organisations people name (``names``): an entry that only says how a code
    # is shown groups nothing.
    for entry in (e for e in curated_names().get("organisation", []) if "names" in e):
        codes = {code.split("/")[0] for code in index.lookup(entry["means"])}
        label = entry.get("shown") or _curated_label(
            str(entry["means"]), [str(n) for n in entry["names"]]
        )
        for code in codes:
            if len(codes) > widest.get(code, 0):
                widest[code] = len(codes)
                entities[code] = [str(entry["means"]), label]
    rows = con.execute(
        "SELECT DISTINCT a.code, coalesce(o.ucode, a.code) FROM "
        "(SELECT DISTINCT split_part(agency, '/', 1) AS code FROM launches) a "
        "LEFT JOIN organisations o ON o.code = a.code WHERE a.code IS NOT NULL"
    ).fetchall()
    for code, ucode in rows:
        entities.setdefault(str(code), [str(ucode), None])
    return entities


def _curated_label(means: str, spellings: list[str]) -> str:
    """A curated organisation's display name: ``means`` where it is a name (``Rocket Lab``),
    else its first spelling that is not that code (``United Launch Alliance`` for ``ULA``)."""
    if means != means.upper():
        return means
    return next((s for s in spellings if s != means), means)


def provider_entities(con: duckdb.DuckDBPyConnection) -> dict[str, list[str | None]]:
    """:func:`derive_provider_entities` of this catalog: stored at build, else derived (once
    per catalog generation)."""

    def read_or_derive() -> dict[str, list[str | None]]:
        stored = _stored(con, "provider_entities")
        return stored if stored is not None else derive_provider_entities(con)

    return per_catalog(con, "provider entities", read_or_derive)


def warm_names(con: duckdb.DuckDBPyConnection) -> None:
    """Read (or derive) every name index, pad label and state name of the catalog now."""
    for kind in _builders(con):
        _cached(con, kind)
    pad_labels(con)
    provider_state_names(con)
    provider_entities(con)


def store_names(con: duckdb.DuckDBPyConnection) -> None:
    """Derive every name index, pad label and state name of the catalog being built on
    ``con`` and store them in it, under :func:`derived_names_key`."""
    counts = _pad_counts(con)
    pads = {
        site: dict(_site_pad_labels(con, site, counts.get(site, {})))
        for site in sorted(_curated_sites(con))
    }
    builders = _builders(con, Organisations.read(con))
    indexes = {kind: build() for kind, build in builders.items()}
    bodies: dict[str, Any] = {
        **{f"index:{kind}": index.to_json() for kind, index in indexes.items()},
        "pad_labels": pads,
        "state_names": {code: states.state_name(code) for code in _state_codes(con)},
        # From the agency index just built, not from a second one.
        "provider_entities": _provider_entities(con, indexes["agency"]),
    }
    con.execute(f"CREATE TABLE {STORED_NAMES_TABLE} (name VARCHAR PRIMARY KEY, body VARCHAR)")
    con.executemany(
        f"INSERT INTO {STORED_NAMES_TABLE} VALUES (?, ?)",
        [("key", derived_names_key()), *((n, json.dumps(b)) for n, b in bodies.items())],
    )


def _pad_counts(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, int]]:
    """Launches per GCAT pad of every canonical site, in one query (not one per site)."""
    from cosmodrome.catalog.summaries import summary  # it reads catalog_generation here

    rows = con.execute(
        f"SELECT site, pad, sum(launches)::BIGINT FROM {summary(con, 'pad_totals')} "
        "WHERE site IS NOT NULL AND pad IS NOT NULL GROUP BY site, pad"
    ).fetchall()
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for site, pad, n in rows:
        counts[str(site)][str(pad)] = int(n)
    return counts


def _state_codes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The state codes of the launches' providers (what listings name on every row)."""
    rows = con.execute(
        "SELECT DISTINCT provider_state FROM launches WHERE provider_state IS NOT NULL"
    ).fetchall()
    return sorted(str(code) for (code,) in rows)


def _stored(con: duckdb.DuckDBPyConnection, name: str) -> Any | None:
    """The stored body called ``name``, or ``None`` where the catalog has none that holds
    (built by an older package, or with other curated files)."""

    def holds() -> bool:
        try:
            row = con.execute(
                f"SELECT body FROM {STORED_NAMES_TABLE} WHERE name = 'key'"
            ).fetchone()
        except duckdb.CatalogException:
            return False
        return row is not None and row[0] == derived_names_key()

    if catalog_generation(con) is None or not per_catalog(con, "stored names hold", holds):
        return None
    found = con.execute(f"SELECT body FROM {STORED_NAMES_TABLE} WHERE name = ?", [name]).fetchone()
    return json.loads(found[0]) if found else None


def provider_state_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Names of the catalog's provider states (``F`` -> ``France``), stored or derived."""

    def read_or_derive() -> dict[str, str]:
        stored = _stored(con, "state_names")
        if stored is not None:
            return {str(code): str(name) for code, name in stored.items()}
        return {code: states.state_name(code) or code for code in _state_codes(con)}

    return per_catalog(con, "provider state names", read_or_derive)
