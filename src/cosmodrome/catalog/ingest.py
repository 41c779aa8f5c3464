"""Turn GCAT tables into the normalised catalog's rows (pure Python, no database).

Every row that cannot be read becomes an :class:`~cosmodrome.catalog.gcat.Issue`; the
builder stores those in the ``quarantine`` table.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from cosmodrome.catalog.gcat import (
    GcatFormatError,
    Issue,
    Table,
    parse_number,
    parse_period_bound,
    parse_vague_date,
)
from cosmodrome.catalog.names import shown_organisations
from cosmodrome.catalog.outcomes import parse_launch_code
from cosmodrome.catalog.periods import Period, PeriodIndex
from cosmodrome.spaceports import load_spaceports
from cosmodrome.states import iso_state

Row = dict[str, str | None]
LAUNCH_FIELDS = (
    "Launch_Date",
    "LV_Type",
    "Flight_ID",
    "Platform",
    "Launch_Site",
    "Launch_Pad",
    "Ascent_Site",
    "Ascent_Pad",
    "Agency",
    "LVState",
    "Launch_Code",
    "LTCite",
)


@dataclass
class Ingested:
    """Tables ready to load, plus every problem met on the way."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)


def first_code(value: str | None) -> str | None:
    """GCAT joins several codes with ``/`` (``JSC/MSFC``); the first names the lead."""
    return value.split("/")[0].strip() if value else None


def certain(code: str | None) -> tuple[str | None, bool]:
    """A code without GCAT's mark of doubt, and whether it had one: ``KVR?`` is KVR,
    ``LC603  ?`` is LC603, ``ICEYE/ICEUS?`` is ICEYE/ICEUS, each flagged uncertain, so that
    a doubted code belongs to its entity instead of making another one.

    >>> certain("KVR?"), certain("LC603  ?"), certain("LC1"), certain(None)
    (('KVR', True), ('LC603', True), ('LC1', False), (None, False))
    """
    if not code or "?" not in code:
        return code, False
    plain = "/".join(part.replace("?", "").strip() for part in code.split("/"))
    return plain.strip("/") or None, True


def periodic_records(
    table: Table, key: str, label: str, issues: list[Issue]
) -> list[dict[str, Any]]:
    """Rows of a sites/orgs table with parsed validity periods."""
    records = []
    for line, row in table.rows:
        try:
            valid_from = parse_period_bound(row["TStart"], end=False)
            valid_to = parse_period_bound(row["TStop"], end=True)
        except GcatFormatError as error:
            issues.append(Issue(label, line, str(error), "\t".join(v or "-" for v in row.values())))
            continue
        records.append({**row, "_key": row[key], "valid_from": valid_from, "valid_to": valid_to})
    return records


def index_by_period(records: list[dict[str, Any]]) -> PeriodIndex[dict[str, Any]]:
    return PeriodIndex(
        (r["_key"], Period(r["valid_from"], r["valid_to"], r)) for r in records if r["_key"]
    )


#: Columns shared by GCAT's sites and organisations tables: catalog name -> GCAT name.
PERIODIC_COLUMNS = {
    "state_code": "StateCode",
    "type": "Type",
    "short_name": "ShortName",
    "name": "Name",
    "location": "Location",
    "parent": "Parent",
}
COORDINATE_COLUMNS = {"lon_deg": "Longitude", "lat_deg": "Latitude"}


def periodic_frame(
    records: list[dict[str, Any]], key: str, extra: dict[str, str], numbers: dict[str, str]
) -> pd.DataFrame:
    """A sites/orgs table: code, canonical code, validity period, named and numeric columns."""
    columns: dict[str, list[Any]] = {
        "code": [r[key] for r in records],
        "ucode": [r["UCode"] or r[key] for r in records],
        "valid_from": [r["valid_from"] for r in records],
        "valid_to": [r["valid_to"] for r in records],
    }
    for name, source in {**PERIODIC_COLUMNS, **extra}.items():
        columns[name] = [r[source] for r in records]
    for name, source in {**COORDINATE_COLUMNS, **numbers}.items():
        columns[name] = [parse_number(r[source]) for r in records]
    return pd.DataFrame(columns)


def sites_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    # The curated facts give the host country in ISO (GF); the catalog keeps GCAT's codes
    # (GUF), so that every state column speaks one vocabulary.
    host = {
        code: iso_state(port.country).code for port in load_spaceports() for code in port.gcat_sites
    }
    frame = periodic_frame(records, "Site", {}, {"error_deg": "Error"})
    frame["host_country"] = [host.get(r["Site"]) or r["StateCode"] for r in records]
    return frame


def orgs_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    return periodic_frame(records, "Code", {"class": "Class"}, {})


#: Numeric columns of GCAT's vehicle table: catalog name -> GCAT name.
VEHICLE_NUMBERS = {
    "min_stage": "LV_Min_Stage",
    "max_stage": "LV_Max_Stage",
    "length_m": "Length",
    "diameter_m": "Diameter",
    "launch_mass_t": "Launch_Mass",
    "leo_capacity_kg": "LEO_Capacity",
    "gto_capacity_kg": "GTO_Capacity",
    "takeoff_thrust_kn": "TO_Thrust",
}


def vehicles_frame(table: Table, issues: list[Issue]) -> pd.DataFrame:
    out: dict[str, list[Any]] = {
        k: []
        for k in (
            "lv_name",
            "family",
            "manufacturer",
            "variant",
            "alias",
            "min_stage",
            "max_stage",
            "length_m",
            "diameter_m",
            "launch_mass_t",
            "leo_capacity_kg",
            "gto_capacity_kg",
            "takeoff_thrust_kn",
            "class",
        )
    }
    for line, row in table.rows:
        try:
            numbers = {k: parse_number(row[src]) for k, src in VEHICLE_NUMBERS.items()}
        except ValueError as error:
            issues.append(
                Issue(
                    "lv.tsv",
                    line,
                    f"bad number: {error}",
                    "\t".join(v or "-" for v in row.values()),
                )
            )
            continue
        out["lv_name"].append(row["LV_Name"])
        out["family"].append(row["LV_Family"])
        out["manufacturer"].append(row["LV_Manufacturer"])
        out["variant"].append(row["LV_Variant"])
        out["alias"].append(row["LV_Alias"])
        out["class"].append(row["Class"])
        for key, value in numbers.items():
            # GCAT writes 0 for "unknown" capacities and masses.
            out[key].append(value if value else None)
    return pd.DataFrame(out)


@dataclass(frozen=True)
class Resolvers:
    sites: PeriodIndex[dict[str, Any]]
    orgs: PeriodIndex[dict[str, Any]]
    canonical_site: Callable[[str, str], tuple[str, str | None]]
    family_of: dict[str, str | None]
    manufacturer_of: dict[str, str | None]
    #: The names people use for some organisations, read once (not once per payload).
    shown: dict[str, str] = field(default_factory=shown_organisations)


def launches_and_payloads(
    launchlog: Table, resolve: Resolvers, issues: list[Issue]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per launch (first payload row of each tag) and one row per payload, each with
    its ``line`` (a launch's: its first row's)."""
    launches: dict[str, dict[str, Any]] = {}
    payloads: list[dict[str, Any]] = []
    for line, row in launchlog.rows:
        tag = row["Launch_Tag"]
        if not tag:
            issues.append(Issue("launchlog.tsv", line, "missing Launch_Tag", raw_row(row)))
            continue
        if tag not in launches:
            try:
                launches[tag] = launch_record(row, resolve) | {"line": line}
            except (GcatFormatError, ValueError) as error:
                issues.append(Issue("launchlog.tsv", line, str(error), raw_row(row)))
                continue
        elif _launch_fields(row) != _launch_fields(first := launches[tag]["_row"]):
            differing = [k for k in LAUNCH_FIELDS if row[k] != first[k]]
            issues.append(
                Issue(
                    "launchlog.tsv",
                    line,
                    f"payload row of {tag} disagrees with the launch on {', '.join(differing)}; launch fields taken from its first row",
                    raw_row(row),
                )
            )
        launch = launches[tag]
        launch["payload_count"] += 1
        payloads.append(payload_record(row, launch["time_utc"].date(), resolve) | {"line": line})
    for launch in launches.values():
        del launch["_row"]
    return pd.DataFrame(list(launches.values())), pd.DataFrame(payloads)


#: A row's launch fields, which every payload row of a launch repeats.
_launch_fields = operator.itemgetter(*LAUNCH_FIELDS)


def raw_row(row: Row) -> str:
    """A row as its file had it, for the quarantine (made only for rows that go there)."""
    return "\t".join(v or "-" for v in row.values())


def launch_record(row: Row, resolve: Resolvers) -> dict[str, Any]:
    when = parse_vague_date(row["Launch_Date"] or "")
    code = parse_launch_code(row["Launch_Code"] or "")
    day = when.start_utc.date()
    site_code = row["Launch_Site"]
    site = resolve.sites.at(site_code, day) if site_code else None
    ucode = (site["UCode"] or site["Site"]) if site else site_code
    canonical, canonical_name = (
        resolve.canonical_site(site_code, str(ucode)) if site_code else (None, None)
    )
    agency, agency_uncertain = certain(row["Agency"])
    pad, pad_uncertain = certain(row["Launch_Pad"])
    org = resolve.orgs.at(first_code(agency), day) if agency else None  # type: ignore[arg-type]
    vehicle = row["LV_Type"]
    maker_code = first_code(resolve.manufacturer_of.get(vehicle or ""))
    maker = resolve.orgs.at(maker_code, day) if maker_code else None
    return {
        "launch_tag": row["Launch_Tag"],
        "time_utc": when.start_utc,
        "time_precision": when.precision,
        "time_uncertain": when.uncertain,
        "year": when.start_utc.year,
        "vehicle": vehicle,
        "vehicle_family": resolve.family_of.get(vehicle or ""),
        "variant": row.get("LV_Variant"),
        "flight": row["Flight_ID"],
        "platform": row["Platform"],
        "site_code": site_code,
        "site": canonical,
        "site_name": canonical_name,
        "site_state": site["StateCode"] if site else None,
        "pad": pad,
        "pad_uncertain": pad_uncertain,
        "agency": agency,
        "agency_uncertain": agency_uncertain,
        "agency_name": organisation_name(org, resolve.shown) if org else None,
        "provider_state": (org["StateCode"] if org else None) or row["LVState"],
        "lv_state": row["LVState"],
        "vehicle_state": maker["StateCode"] if maker else None,
        "launch_code": row["Launch_Code"],
        "orbit_class": code.orbit_class,
        "outcome": code.outcome,
        "is_success": code.is_success,
        "payload_count": 0,
        "citation": row["LTCite"],
        "_row": row,
    }


def organisation_name(org: dict[str, Any], shown: dict[str, str]) -> str:
    """An organisation as tables name it: the name people use where ``data/names.toml``
    gives one (``shown``, by code or short name: ``National Reconnaissance Office`` for
    GCAT's ``NRO``), else GCAT's short name."""
    return str(
        shown.get(org["Code"]) or shown.get(org["ShortName"]) or org["ShortName"] or org["Name"]
    )


def payload_record(row: Row, day: date, resolve: Resolvers) -> dict[str, Any]:
    owner, owner_uncertain = certain(row["SatOwner"])
    org = resolve.orgs.at(first_code(owner), day) if owner else None  # type: ignore[arg-type]
    jcat = row["JCAT"]
    return {
        "piece": row["Piece"],
        "launch_tag": row["Launch_Tag"],
        "name": row["Name"],
        "pl_name": row["PLName"],
        "jcat": jcat,
        "satcat": int(jcat[1:]) if jcat and jcat.startswith("S") and jcat[1:].isdigit() else None,
        "type": row["Type"],
        "owner": owner,
        "owner_uncertain": owner_uncertain,
        "owner_name": organisation_name(org, resolve.shown) if org else None,
        "owner_state": row["SatState"],
        "owner_class": org["Class"] if org else None,
    }


#: The columns of the ``objects`` table, in order.
OBJECT_COLUMNS = (
    "jcat",
    "satcat",
    "piece",
    "launch_tag",
    "name",
    "type",
    "owner",
    "state",
    "perigee_km",
    "apogee_km",
    "inc_deg",
    "source_file",
)


def objects_frame(table: Table, label: str, issues: list[Issue]) -> pd.DataFrame:
    """Object catalog rows (satcat/auxcat layout, or psatcat with UN orbit values), built
    column by column (a dict per row cost more than reading them)."""
    is_psatcat = "UNInc" in table.columns
    keys = ("UNPerigee", "UNApogee", "UNInc") if is_psatcat else ("Perigee", "Apogee", "Inc")
    out: dict[str, list[Any]] = {name: [] for name in OBJECT_COLUMNS}
    for line, row in table.rows:
        try:
            perigee, apogee, inc = (parse_number(row[k]) for k in keys)
        except ValueError as error:
            issues.append(Issue(label, line, f"bad orbit value: {error}", raw_row(row)))
            continue
        satcat = row.get("Satcat")
        jcat = row["JCAT"]
        if satcat is None and jcat and jcat.startswith("S") and jcat[1:].isdigit():
            satcat = jcat[1:]
        out["jcat"].append(jcat)
        out["satcat"].append(int(satcat) if satcat and satcat.isdigit() else None)
        out["piece"].append(row["Piece"])
        out["launch_tag"].append(row.get("Launch_Tag"))
        out["name"].append(row["Name"])
        out["type"].append(row.get("Type"))
        out["owner"].append(row.get("Owner"))
        out["state"].append(row.get("State") or row.get("UNState"))
        out["perigee_km"].append(perigee)
        out["apogee_km"].append(apogee)
        # GCAT writes 0 inclination with 0 perigee/apogee for "no orbit known".
        out["inc_deg"].append(None if inc is not None and inc == 0 and not apogee else inc)
    out["source_file"] = [label] * len(out["jcat"])
    return pd.DataFrame(out)


def canonical_sites(
    site_records: list[dict[str, Any]],
) -> Callable[[str, str], tuple[str, str | None]]:
    """The canonical site of a launch site code, and its name.

    GCAT's canonical code (``UCode``) groups the codes a site had over time: Baikonur's
    ``NIIP-5`` and ``GIK-5`` are both ``GIK-5``. Where the curated spaceport facts group
    codes differently, they win: Plesetsk also takes in GCAT's ``GNIIP`` codes of 1993-1995,
    and Vostochny (``VOST``) is kept apart from Svobodny, which GCAT files it under. A
    curated spaceport's canonical code is its codes' common ``UCode`` when no other
    spaceport shares it, else its first listed code; its name is the curated name.
    Other sites keep GCAT's ``UCode`` and the short name of its most recent record.
    """
    ucode_of = {r["Site"]: r["UCode"] or r["Site"] for r in site_records}
    ports = load_spaceports()
    owners: dict[str, set[str]] = {}
    for port in ports:
        for code in port.gcat_sites:
            owners.setdefault(ucode_of.get(code, code), set()).add(port.key)
    curated: dict[str, tuple[str, str]] = {}
    for port in (p for p in ports if p.gcat_sites):
        ucodes = {ucode_of.get(code, code) for code in port.gcat_sites}
        only = next(iter(ucodes)) if len(ucodes) == 1 else None
        canonical = only if only and owners[only] == {port.key} else port.gcat_sites[0]
        for code in port.gcat_sites:
            curated[code] = (canonical, port.name)
    latest: dict[str, tuple[date, date, str | None]] = {}
    for r in site_records:
        ucode = r["UCode"] or r["Site"]
        rank = (r["valid_to"] or date.max, r["valid_from"] or date.min, r["ShortName"])
        if ucode not in latest or rank[:2] > latest[ucode][:2]:
            latest[ucode] = rank

    def canonical_site(code: str, ucode: str) -> tuple[str, str | None]:
        if code in curated:
            return curated[code]
        return ucode, latest[ucode][2] if ucode in latest else None

    return canonical_site


def by_vehicle_name(vehicles: pd.DataFrame, column: str) -> dict[str, str | None]:
    """``column`` of each vehicle name (GCAT lists one row per variant; these agree)."""
    return dict(zip(vehicles["lv_name"], vehicles[column], strict=True))
