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
import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from cosmodrome import errors, spaceports, states
from cosmodrome.errors import UnknownNameError, closest_names, fold_name
from cosmodrome.spaceports import load_spaceports, match_pads

T = TypeVar("T")


def fold(name: str) -> str:
    """Lower case, no accents, no spaces or punctuation: ``Alcântara`` -> ``alcantara``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^0-9a-z]", "", plain.casefold())


class NameIndex:
    """Spellings mapped to sets of codes, plus the display names used for suggestions."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._codes: dict[str, set[str]] = defaultdict(set)
        self._preferred: dict[str, set[str]] = defaultdict(set)
        self._display: set[str] = set()
        self._curated: set[str] = set()
        #: The one name each thing goes by (a spaceport's name, not its aliases).
        self.primary: set[str] = set()
        #: How much each code counts when suggestions tie (launches at a site, say).
        self.weights: dict[str, float] = {}

    def add(
        self,
        spelling: str | None,
        codes: Iterable[str],
        *,
        display: bool = True,
        preferred: bool = False,
    ) -> None:
        """Map ``spelling`` to ``codes``; a preferred spelling hides ordinary ones that fold
        the same (the curated "Kennedy" is KSC, not Cape Kennedy's old name for CC)."""
        if not spelling:
            return
        key = fold(spelling)
        if key:
            (self._preferred if preferred else self._codes)[key].update(codes)
            if display:
                self._display.add(spelling)
                if preferred:
                    self._curated.add(spelling)

    def lookup(self, name: str) -> set[str]:
        key = fold(name)
        return set(self._preferred.get(key) or self._codes.get(key, set()))

    def prefixed(self, name: str) -> set[str]:
        key = fold(name)
        found: set[str] = set()
        if len(key) >= 3:
            for spelling, codes in (*self._codes.items(), *self._preferred.items()):
                if spelling.startswith(key):
                    found |= codes
        return found

    def resolve(
        self,
        name: str,
        *,
        allow_prefix: bool = False,
        unique_prefix: bool = False,
        word_prefix: bool = False,
        suggest: bool = True,
    ) -> list[str]:
        """Codes of ``name``: its exact spelling; else, where allowed, every code of the
        spellings it starts (``allow_prefix``: ``Soyuz-2``), the one code of all the
        spellings it starts when there is one and it is at least 6 letters long
        (``unique_prefix``: ``Satish Dhawan``), or every code of the spellings whose first
        words it is (``word_prefix``: ``NASA`` for ``NASA LaRC``, ``NASA MSFC``).

        An unknown name raises :class:`UnknownNameError` with the closest names, or with
        none when ``suggest`` is false (a caller trying spellings, which would only discard
        them: ranking them is most of a failed lookup's cost)."""
        codes = self.lookup(name)
        if not codes and allow_prefix:
            codes = self.prefixed(name)
        if not codes and unique_prefix and len(fold(name)) >= 6:
            found = self.prefixed(name)
            codes = found if len(found) == 1 else set()
        if not codes and word_prefix:
            codes = self.word_prefixed(name)
        if not codes:
            raise UnknownNameError(self.kind, name, self.suggest(name) if suggest else [])
        return sorted(codes)

    def suggest(self, name: str, n: int = 5) -> list[str]:
        """The closest display names, ranked by :func:`closest_names` (exact, prefix, word
        prefix before edit distance), the busiest first among equals."""
        # A curated name (Cape Canaveral) before GCAT's names of the same site (Cape Kennedy).
        weight = {
            spelling: max((self.weights.get(c, 0.0) for c in self.lookup(spelling)), default=0.0)
            + (0.5 if spelling in self._curated else 0.0)
            + (0.25 if spelling in self.primary else 0.0)
            for spelling in self._display
        }
        return closest_names(name, sorted(self._display), n, weight=weight)

    def word_prefixed(self, name: str) -> set[str]:
        """Codes of the display spellings whose first words are ``name``."""
        wanted = fold_name(name)
        found: set[str] = set()
        if wanted:
            for spelling in self._display:
                if fold_name(spelling).startswith(wanted + " "):
                    found |= self.lookup(spelling)
        return found

    def names(self) -> list[str]:
        return sorted(self._display)

    def to_json(self) -> dict[str, Any]:
        """Everything the index holds, as JSON types (for :func:`store_names`)."""
        return {
            "kind": self.kind,
            "codes": {k: sorted(v) for k, v in self._codes.items()},
            "preferred": {k: sorted(v) for k, v in self._preferred.items()},
            "display": sorted(self._display),
            "curated": sorted(self._curated),
            "primary": sorted(self.primary),
            "weights": self.weights,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NameIndex:
        index = cls(str(data["kind"]))
        index._codes.update({k: set(v) for k, v in data["codes"].items()})
        index._preferred.update({k: set(v) for k, v in data["preferred"].items()})
        index._display = set(data["display"])
        index._curated = set(data["curated"])
        index.primary = set(data["primary"])
        index.weights = {str(k): float(v) for k, v in data["weights"].items()}
        return index


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
        sites = {canonical_of[c] for c in port.gcat_sites if c in canonical_of}
        if sites:
            for spelling in (port.name, port.key, *port.aliases):
                index.add(spelling, sites, preferred=True)
            index.primary.add(port.name)
    return index


def vehicle_index(con: duckdb.DuckDBPyConnection) -> NameIndex:
    """Launched vehicles by exact name, family and alias (``Soyuz-2`` also by prefix)."""
    index = NameIndex("vehicle")
    launched = {
        v
        for (v,) in con.execute(
            "SELECT DISTINCT vehicle FROM launches WHERE vehicle IS NOT NULL"
        ).fetchall()
    }
    names = {fold(v) for v in launched}
    for vehicle in launched:
        index.add(vehicle, {vehicle})
    rows = con.execute("SELECT DISTINCT lv_name, family, alias FROM vehicles").fetchall()
    for lv_name, family, alias in rows:
        # A vehicle's own name wins over a family spelled the same (Falcon 9 vs family Falcon9).
        if lv_name in launched and family and fold(family) not in names:
            index.add(family, {lv_name})
        if lv_name in launched and alias and fold(alias) not in names:
            index.add(alias, {lv_name}, display=False)
    return index


def organisation_index(
    con: duckdb.DuckDBPyConnection, kind: str, column: str, table: str
) -> NameIndex:
    """Organisation codes (all codes sharing a ``ucode``) by code and name."""
    index = NameIndex(kind)
    used = {
        c
        for (c,) in con.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL"
        ).fetchall()
    }
    members: dict[str, set[str]] = defaultdict(set)
    orgs = con.execute("SELECT code, ucode, short_name, name FROM organisations").fetchall()
    for code, ucode, *_ in orgs:
        members[ucode].add(code)
    for value in used:
        index.add(value, {value})
    for code, ucode, short_name, name in orgs:
        codes = {c for c in members[ucode] | {code} if c in used}
        if codes:
            index.add(code, codes)
            index.add(ucode, codes, display=False)
            index.add(short_name, codes)
            index.add(name, codes, display=False)
    for alias, spelling in ORGANISATION_ALIASES.items():
        if codes := index.lookup(spelling):
            index.add(alias, codes, display=False)
    counts = con.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY 1").fetchall()
    index.weights = {str(code): float(n) for code, n in counts if code is not None}
    return index


#: English names people type for organisations GCAT spells otherwise (its transliteration,
#: its own short name), mapped to GCAT's spelling; each must name an organisation in GCAT.
ORGANISATION_ALIASES = {
    "Roscosmos": "Roskosmos",
    "Russian Space Agency": "Roskosmos",
    "Rocket Lab": "Rocket Lab",
}

_VERSIONS: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, str] = weakref.WeakKeyDictionary()


def catalog_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The version of the catalog behind ``con``, read once per connection."""
    if con not in _VERSIONS:
        row = con.execute("SELECT value FROM meta WHERE key = 'catalog_version'").fetchone()
        if row is None:
            return None
        _VERSIONS[con] = str(row[0])
    return _VERSIONS[con]


#: What :func:`per_catalog` keeps: catalog version -> key -> value, the latest versions only.
_PER_CATALOG: dict[str, dict[Hashable, Any]] = {}
#: Catalog versions :func:`per_catalog` keeps (a server serves at most the old and the new
#: generation across an update).
KEPT_VERSIONS = 2


def per_catalog(con: duckdb.DuckDBPyConnection, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per catalog version and ``key``: a catalog never changes in place
    (``update`` swaps in a new file with a new version), so what is derived from it holds
    until the version changes. Without a version (a catalog being built) it is computed."""
    version = catalog_version(con)
    if version is None:
        return compute()
    memo = _PER_CATALOG.get(version)
    if memo is None:
        memo = _PER_CATALOG[version] = {}
        while len(_PER_CATALOG) > KEPT_VERSIONS:
            del _PER_CATALOG[next(iter(_PER_CATALOG))]
    if key not in memo:
        memo[key] = compute()
    value: T = memo[key]
    return value


def _builders(con: duckdb.DuckDBPyConnection) -> dict[str, Callable[[], NameIndex]]:
    return {
        "site": lambda: site_index(con),
        "vehicle": lambda: vehicle_index(con),
        "agency": lambda: organisation_index(con, "agency", "agency", "launches"),
        "owner": lambda: organisation_index(con, "owner", "owner", "payloads"),
    }


def _cached(con: duckdb.DuckDBPyConnection, kind: str) -> NameIndex:
    """The index of ``kind`` for this catalog version: read from the catalog where
    :func:`store_names` left it, else built."""

    def read_or_build() -> NameIndex:
        stored = _stored(con, f"index:{kind}")
        return NameIndex.from_json(stored) if stored else _builders(con)[kind]()

    return per_catalog(con, ("index", kind), read_or_build)


def resolve_sites(con: duckdb.DuckDBPyConnection, name: str, *, suggest: bool = True) -> list[str]:
    return _cached(con, "site").resolve(name, unique_prefix=True, suggest=suggest)


#: English names of vehicles GCAT writes in their own language: typed -> GCAT's spelling.
VEHICLE_ENGLISH = {"longmarch": "changzheng"}

#: Vehicles people name with Roman numerals where GCAT writes digits and model numbers:
#: the typed name (folded) -> GCAT's spellings, each covering every vehicle it begins
#: ("Delta 4H" is also "Delta 4H/Star 48BV", Parker Solar Probe's). Read from the launch
#: log: Delta II flew as the 6000 and 7000 series (Delta 6925, Delta 7925-10), Delta III as
#: Delta 8930, Titan IV as Titan 401A-405B.
VEHICLE_NUMERALS: dict[str, tuple[str, ...]] = {
    "deltaii": ("Delta 6", "Delta 7"),
    "deltaiii": ("Delta 8930",),
    "deltaiv": ("Delta 4H", "Delta 4M"),
    "deltaivheavy": ("Delta 4H",),
    "deltaivh": ("Delta 4H",),
    "deltaivmedium": ("Delta 4M",),
    "deltaivm": ("Delta 4M",),
    "atlasiii": ("Atlas 3",),
    "atlas5": ("Atlas V",),
    "titaniv": ("Titan 40",),
    "saturn5": ("Saturn V",),
}


def numeral_vehicles(index: NameIndex, name: str) -> list[str]:
    """The vehicles of a name written as people write it (``Delta IV Heavy``) by
    :data:`VEHICLE_NUMERALS`; empty for any other name."""
    found: set[str] = set()
    for spelling in VEHICLE_NUMERALS.get(fold(name), ()):
        found |= index.prefixed(spelling)
    return sorted(found)


def resolve_vehicles(
    con: duckdb.DuckDBPyConnection, name: str, *, suggest: bool = True
) -> list[str]:
    index = _cached(con, "vehicle")
    try:
        return index.resolve(name, allow_prefix=True, suggest=False)
    except UnknownNameError:
        if numerals := numeral_vehicles(index, name):
            return numerals
        key = fold(name)
        for english, gcat in VEHICLE_ENGLISH.items():
            if key.startswith(english):
                return index.resolve(gcat + key[len(english) :], allow_prefix=True, suggest=suggest)
        return index.resolve(name, allow_prefix=True, suggest=suggest)


def resolve_agencies(
    con: duckdb.DuckDBPyConnection, name: str, *, suggest: bool = True
) -> list[str]:
    index = _cached(con, "agency")
    return index.resolve(name, word_prefix=True, suggest=suggest)


def resolve_owners(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    index = _cached(con, "owner")
    return index.resolve(name, word_prefix=True)


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
        from cosmodrome.catalog.summaries import summary  # it reads catalog_version here

        rows = con.execute(
            f"SELECT pad, sum(launches)::BIGINT FROM {summary(con, 'pad_totals')} "
            "WHERE list_contains(?, site) AND pad IS NOT NULL GROUP BY pad",
            [sites],
        ).fetchall()
        counts = {str(pad): int(n) for pad, n in rows}
    used = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    # GCAT marks an uncertain pad with '?' (LC31?): the same pad, less sure.
    variants: dict[str, list[str]] = defaultdict(list)
    for code in used:
        variants[code.rstrip("? ").strip()].append(code)
    canonical = _canonical_of_codes(con)
    found: list[PadIdentity] = []
    claimed: set[str] = set()
    for port in load_spaceports():
        if not {canonical.get(c, c) for c in port.gcat_sites} & set(sites):
            continue
        for pad in port.pads:
            # GCAT's codes listed for the pad, and any GCAT code spelled like one of its
            # names (SLC40 beside the listed LC40 for SLC-40).
            keys = {fold(n) for n in pad.spellings}
            bases = set(pad.gcat_pads) | {b for b in variants if fold(b) in keys}
            mine = tuple(sorted({v for c in bases for v in variants.get(c, [])}))
            claimed.update(mine)
            found.append(PadIdentity(pad.label, mine, pad.spellings, sum(used[c] for c in mine)))
    for base, codes in variants.items():
        rest = tuple(sorted(c for c in codes if c not in claimed))
        if rest:
            found.append(PadIdentity(base, rest, (base,), sum(used[c] for c in rest)))
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


def _site_pad_labels(con: duckdb.DuckDBPyConnection, site: str) -> list[tuple[str, str]]:
    """``(GCAT pad, label)`` for the pads of ``site`` a curated name relabels."""
    return [
        (code, pad.label)
        for pad in pad_identities(con, [site])
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

    An unknown or ambiguous name raises :class:`UnknownNameError` listing the closest pads
    (of that site when one is given)."""
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
    raise UnknownNameError(
        where, name, closest_names(name, [p.label for p in pads], weight=weights)
    )


# Stored names. Every index above is derived from the catalog and the curated files, which
# take a one-shot command longer to read (TOML, pycountry) than the query it runs. The build
# stores the derived names in the catalog with a key of the code and files they came from;
# a reader uses them only while that key still holds (a newer package derives its own).

STORED_NAMES_TABLE = "derived_names"


@cache
def derived_names_key() -> str:
    """A hash of what the stored names are derived from: this module, the spaceport and
    state modules and their data files, and pycountry's version."""
    digest = hashlib.sha256(metadata.version("pycountry").encode())
    for module in (sys.modules[__name__], errors, spaceports, states):
        digest.update(Path(str(module.__file__)).read_bytes())
    for data in ("spaceports.toml", "gcat_states.toml"):
        digest.update(resources.files("cosmodrome").joinpath("data", data).read_bytes())
    return digest.hexdigest()[:16]


def warm_names(con: duckdb.DuckDBPyConnection) -> None:
    """Read (or derive) every name index, pad label and state name of the catalog now."""
    for kind in _builders(con):
        _cached(con, kind)
    pad_labels(con)
    provider_state_names(con)


def store_names(con: duckdb.DuckDBPyConnection) -> None:
    """Derive every name index, pad label and state name of the catalog being built on
    ``con`` and store them in it, under :func:`derived_names_key`."""
    pads = {site: dict(_site_pad_labels(con, site)) for site in sorted(_curated_sites(con))}
    bodies: dict[str, Any] = {
        **{f"index:{kind}": build().to_json() for kind, build in _builders(con).items()},
        "pad_labels": pads,
        "state_names": {code: states.state_name(code) for code in _state_codes(con)},
    }
    con.execute(f"CREATE TABLE {STORED_NAMES_TABLE} (name VARCHAR PRIMARY KEY, body VARCHAR)")
    con.executemany(
        f"INSERT INTO {STORED_NAMES_TABLE} VALUES (?, ?)",
        [("key", derived_names_key()), *((n, json.dumps(b)) for n, b in bodies.items())],
    )


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

    if catalog_version(con) is None or not per_catalog(con, "stored names hold", holds):
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
