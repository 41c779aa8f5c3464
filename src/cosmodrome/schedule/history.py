"""Every kept schedule entry, matched to the catalog, to itself across snapshots, and to
the GCAT launch that flew it.

One row per entry of every snapshot (:func:`matched_entries`), with:

- ``site``/``pad``/``vehicle``/``family``: the catalog's names (:mod:`.matching`);
- ``launch_id``: one id per scheduled launch across snapshots. Entries of two snapshots are
  the same launch when a payload name agrees (``Tundra n°7L`` = ``Tundra n°7L (EKS)``,
  ``n°2`` = ``No. 2``), the vehicles agree (same catalog vehicle or family, or the same
  spelling) and the sites do not disagree. A name listed twice in one snapshot on one
  vehicle ("Project Kuiper", "Demo Flight") links nothing: it cannot say which is which.
- ``flown_tag``/``flown_utc``: the GCAT launch after the snapshot date whose payload name
  starts with the entry's name (whole words: 6-61 is not 6-6), on a compatible vehicle and
  site; for an entry known to the day or better without a usable name, the only launch of
  that vehicle from that site inside its interval (a day either side).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb

from cosmodrome.naming import fold
from cosmodrome.schedule.matching import (
    Matcher,
    generic_lead,
    payload_key,
    payload_names,
    payload_tokens,
    tokens_start,
)
from cosmodrome.schedule.precision import Precision, TargetDate, from_stored


@dataclass
class _Row:
    values: dict[str, Any]
    target: TargetDate
    names: list[tuple[str, ...]]
    vehicle_key: str
    family: str | None
    sites: tuple[str, ...]


@dataclass
class _Identity:
    launch_id: int
    names: set[tuple[str, ...]] = field(default_factory=set)
    vehicle_key: str = ""
    family: str | None = None
    sites: set[str] = field(default_factory=set)
    generic: tuple[str, str, str] | None = None


def _generic_key(row: _Row) -> tuple[str, str, str] | None:
    """A launch known by a generic name ("Demo Flight (Bion-M?)", "Demo flight — first
    launch of Soyuz 5") or none, by vehicle, site and the generic name's first word."""
    payload = row.values["payload"] or ""
    lead = generic_lead(payload)
    if (row.names and lead is None) or not row.sites:
        return None
    words = (lead or payload_key(payload)).split()
    return (row.vehicle_key, "/".join(row.sites), words[0] if words else "")


def _load_rows(store: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = store.execute(
        """SELECT e.*, s.file, s.kind, s.as_of FROM entries e JOIN snapshots s USING (snapshot_id)
           ORDER BY s.as_of, e.snapshot_id, e.line"""
    )
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def matched_entries(
    store: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection
) -> list[dict[str, Any]]:
    """Every entry of every kept snapshot, matched (see the module docstring): one dict of
    :data:`COLUMNS` per entry, times as UTC datetimes, in the order of the snapshots' dates."""
    matcher = Matcher(con)
    rows = [_matched(raw, matcher) for raw in _load_rows(store)]
    _link_snapshots(rows)
    _link_flown(rows, con)
    _add_providers(rows, con)
    names = site_names(con)
    return [{**r.values, "site_name": _site_name(r.values["site"], names)} for r in rows]


def site_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The names people read for catalog site codes (``GIK-5`` -> ``Baikonur``), as the
    launches table names them."""
    return dict(
        con.execute(
            "SELECT site, any_value(site_name) FROM launches WHERE site IS NOT NULL GROUP BY 1"
        ).fetchall()
    )


def _site_name(codes: str | None, names: dict[str, str]) -> str | None:
    """A site's name; ``GIK-5/GIK-1`` (an entry naming two sites) joins both."""
    if not codes:
        return None
    return " / ".join(names.get(code) or code for code in codes.split("/"))


COLUMNS = [
    "launch_id", "snapshot_id", "as_of", "file", "line", "payload", "target",
    "precision", "net", "target_start_utc", "target_end_utc", "window_start_utc",
    "window_end_utc", "site", "pad", "pad_name", "vehicle", "family", "provider",
    "customer", "status", "site_raw", "vehicle_raw", "site_match", "vehicle_match",
    "flown_tag", "flown_utc", "flown_by", "target_text", "until_precision", "site_name",
]  # fmt: skip


def _matched(raw: dict[str, Any], matcher: Matcher) -> _Row:
    target = from_stored(
        raw["precision"], raw["target_start"], raw["target_end"], raw["net"],
        raw["until_precision"],
    )  # fmt: skip
    site = matcher.site(raw["site"] or "")
    vehicle = matcher.vehicle(raw["vehicle"] or "")
    vehicle_key = (
        vehicle.vehicles[0]
        if vehicle.vehicles
        else vehicle.family or fold((raw["vehicle"] or "").split("/")[0])
    )
    provider_raw = raw["provider"]
    values = {
        "launch_id": None,
        "snapshot_id": raw["snapshot_id"],
        "as_of": raw["as_of"],
        "file": raw["file"],
        "line": raw["line"],
        "payload": raw["payload"],
        "target": target.label,
        "precision": target.precision.value,
        "net": target.net,
        "target_start_utc": target.start,
        "target_end_utc": target.end,
        "window_start_utc": raw["window_start"],
        "window_end_utc": raw["window_end"],
        "site": "/".join(site.sites) or None,
        "pad": site.pad,
        "pad_name": site.pad_name or site.pad_raw,
        "vehicle": vehicle.vehicles[0] if vehicle.vehicles else None,
        "family": vehicle.family,
        "provider": (matcher.provider(provider_raw) or provider_raw) if provider_raw else None,
        "customer": raw["customer"],
        "status": raw["status"],
        "site_raw": raw["site"],
        "vehicle_raw": raw["vehicle"],
        "site_match": "unmatched" if not site.sites else (site.reason or "matched"),
        "vehicle_match": vehicle.how if not vehicle.reason else f"{vehicle.how}: {vehicle.reason}",
        "flown_tag": None,
        "flown_utc": None,
        "flown_by": None,
        "target_text": raw["target_text"],
        "until_precision": raw["until_precision"],
    }
    names = payload_names(raw["payload"] or "")
    return _Row(values, target, names, vehicle_key, vehicle.family, site.sites)


def _vehicles_agree(a_key: str, a_family: str | None, b_key: str, b_family: str | None) -> bool:
    return a_key == b_key or (a_family is not None and a_family == b_family)


def _sites_agree(a: tuple[str, ...] | set[str], b: tuple[str, ...] | set[str]) -> bool:
    return not a or not b or bool(set(a) & set(b))


def _link_snapshots(rows: list[_Row]) -> None:
    identities: list[_Identity] = []
    by_snapshot: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_snapshot[row.values["snapshot_id"]].append(row)
    for snapshot_rows in by_snapshot.values():
        repeated = Counter(
            (row.vehicle_key, payload_key(row.values["payload"] or "")) for row in snapshot_rows
        )
        generics = Counter(_generic_key(row) for row in snapshot_rows)
        used: set[int] = set()
        for row in snapshot_rows:
            key = (row.vehicle_key, payload_key(row.values["payload"] or ""))
            found = None
            if repeated[key] == 1 and row.names:
                candidates = [
                    ident
                    for ident in identities
                    if ident.launch_id not in used
                    and ident.names & set(row.names)
                    and _vehicles_agree(
                        ident.vehicle_key, ident.family, row.vehicle_key, row.family
                    )
                    and _sites_agree(ident.sites, row.sites)
                ]
                found = candidates[0] if len(candidates) == 1 else None
            generic = _generic_key(row)
            if found is None and generic is not None and generics[generic] == 1:
                candidates = [
                    ident
                    for ident in identities
                    if ident.launch_id not in used and ident.generic == generic
                ]
                found = candidates[0] if len(candidates) == 1 else None
            if found is None:
                found = _Identity(
                    len(identities) + 1, vehicle_key=row.vehicle_key, family=row.family
                )
                if generic is not None and generics[generic] == 1:
                    found.generic = generic
                identities.append(found)
            if repeated[key] == 1:
                found.names |= set(row.names)
            found.sites |= set(row.sites)
            used.add(found.launch_id)
            row.values["launch_id"] = found.launch_id


@dataclass(frozen=True)
class _Flight:
    tag: str
    time_utc: datetime
    vehicle: str | None
    family: str | None
    site: str | None
    agency: str | None
    names: tuple[tuple[str, ...], ...]


def _flights(con: duckdb.DuckDBPyConnection, since: datetime) -> list[_Flight]:
    rows = con.execute(
        """SELECT l.launch_tag, l.time_utc, l.vehicle, l.vehicle_family, l.site, l.agency_name,
                  list(DISTINCT p.name) || list(DISTINCT p.pl_name)
           FROM launches l LEFT JOIN payloads p USING (launch_tag)
           WHERE l.time_utc >= ? GROUP BY ALL ORDER BY l.time_utc""",
        [since],
    ).fetchall()
    return [
        _Flight(tag, when, vehicle, family, site, agency,
                tuple(payload_tokens(n) for n in names if n))
        for tag, when, vehicle, family, site, agency, names in rows
    ]  # fmt: skip


def _link_flown(rows: list[_Row], con: duckdb.DuckDBPyConnection) -> None:
    if not rows:
        return
    since = min(r.values["as_of"] for r in rows) - timedelta(days=1)
    flights = _flights(con, since)
    flown: dict[int, tuple[_Flight, str]] = {}
    for row in rows:
        launch_id = row.values["launch_id"]
        if launch_id in flown:
            continue
        match = _flight_of(row, flights)
        if match is not None:
            flown[launch_id] = match
    for row in rows:
        if (hit := flown.get(row.values["launch_id"])) is not None:
            flight, how = hit
            row.values.update(flown_tag=flight.tag, flown_utc=flight.time_utc, flown_by=how)
            row.values["provider"] = row.values["provider"] or flight.agency


def _compatible(row: _Row, flight: _Flight) -> bool:
    vehicle_ok = (
        row.values["vehicle"] == flight.vehicle
        or (row.family is not None and row.family == flight.family)
        or (row.values["vehicle"] is None and row.family is None)
    )
    return vehicle_ok and _sites_agree(row.sites, (flight.site,) if flight.site else ())


def _flight_of(row: _Row, flights: list[_Flight]) -> tuple[_Flight, str] | None:
    after = row.values["as_of"] - timedelta(days=1)
    for flight in flights:
        if flight.time_utc < after or not _compatible(row, flight):
            continue
        if any(tokens_start(name, pl) for name in row.names for pl in flight.names):
            return flight, "payload name"
    target = row.target
    if target.start is None or target.end is None or target.precision.rank > Precision.DAY.rank:
        return None
    if not row.sites or (row.values["vehicle"] is None and row.family is None):
        return None
    slack = timedelta(days=1)
    inside = [
        f for f in flights
        if target.start - slack <= f.time_utc < target.end + slack and _compatible(row, f)
    ]  # fmt: skip
    return (inside[0], "vehicle, site and day") if len(inside) == 1 else None


def _add_providers(rows: list[_Row], con: duckdb.DuckDBPyConnection) -> None:
    """A file snapshot names no launch provider: take the agency that flew the vehicle (or
    its family) most often from that site in the catalog's last ten years, else anywhere."""
    counts = con.execute(
        """SELECT vehicle, vehicle_family, site, agency_name, count(*) FROM launches
           WHERE year >= (SELECT max(year) - 9 FROM launches) GROUP BY ALL"""
    ).fetchall()
    tallies: dict[tuple[str, str | None], Counter[str]] = defaultdict(Counter)
    for vehicle, family, site, agency, n in counts:
        if agency:
            for key in ((f"v:{vehicle}", site), (f"v:{vehicle}", None),
                        (f"f:{family}", site), (f"f:{family}", None)):  # fmt: skip
                tallies[key][agency] += n
    for row in rows:
        if row.values["provider"]:
            continue
        keys = []
        for site in (row.sites[0] if len(row.sites) == 1 else None, None):
            if row.values["vehicle"]:
                keys.append((f"v:{row.values['vehicle']}", site))
            if row.family:
                keys.append((f"f:{row.family}", site))
        for key in keys:
            if tallies.get(key):
                row.values["provider"] = tallies[key].most_common(1)[0][0]
                break
