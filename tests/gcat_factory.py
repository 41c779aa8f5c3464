"""Small GCAT-shaped source folders built in code for unit tests (never copies of real files)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from cosmodrome.catalog.gcat import Table, load_table

LAUNCHLOG_COLUMNS = [
    "Launch_Tag",
    "Launch_Date",
    "Piece",
    "Type",
    "Name",
    "PLName",
    "JCAT",
    "SatOwner",
    "SatState",
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
]
SITES_COLUMNS = [
    "Site",
    "Code",
    "UCode",
    "Type",
    "StateCode",
    "TStart",
    "TStop",
    "ShortName",
    "Name",
    "Location",
    "Longitude",
    "Latitude",
    "Error",
    "Parent",
    "ShortEName",
    "EName",
    "Group",
    "UName",
]
ORGS_COLUMNS = [
    "Code",
    "UCode",
    "StateCode",
    "Type",
    "Class",
    "TStart",
    "TStop",
    "ShortName",
    "Name",
    "Location",
    "Longitude",
    "Latitude",
    "Error",
    "Parent",
    "ShortEName",
    "EName",
    "UName",
]
LV_COLUMNS = [
    "LV_Name",
    "LV_Family",
    "LV_Manufacturer",
    "LV_Variant",
    "LV_Alias",
    "LV_Min_Stage",
    "LV_Max_Stage",
    "Length",
    "LFlag",
    "Diameter",
    "DFlag",
    "Launch_Mass",
    "MFlag",
    "LEO_Capacity",
    "GTO_Capacity",
    "TO_Thrust",
    "Class",
    "Apogee",
    "Range",
]
PSATCAT_COLUMNS = [
    "JCAT",
    "Piece",
    "Name",
    "LDate",
    "TLast",
    "TOp",
    "TDate",
    "TF",
    "Program",
    "Plane",
    "Att",
    "Mvr",
    "Class",
    "Category",
    "Result",
    "Control",
    "Discipline",
    "UNState",
    "UNReg",
    "UNPeriod",
    "UNPerigee",
    "UNApogee",
    "UNInc",
    "DispEpoch",
    "DispPeri",
    "DispApo",
    "DispInc",
    "Comment",
]
AUXCAT_COLUMNS = [
    "JCAT",
    "Satcat",
    "Launch_Tag",
    "Piece",
    "Type",
    "Name",
    "PLName",
    "LDate",
    "Parent",
    "SDate",
    "Primary",
    "DDate",
    "Status",
    "Dest",
    "Owner",
    "State",
    "Manufacturer",
    "Bus",
    "Motor",
    "Mass",
    "MassFlag",
    "DryMass",
    "DryFlag",
    "TotMass",
    "TotFlag",
    "Length",
    "LFlag",
    "Diameter",
    "DFlag",
    "Span",
    "SpanFlag",
    "Shape",
    "ODate",
    "Perigee",
    "PF",
    "Apogee",
    "AF",
    "Inc",
    "IF",
    "OpOrbit",
    "OQUAL",
    "AltNames",
]


def tsv(
    columns: Sequence[str], rows: Sequence[dict[str, str]], *, updated: str = "2025 Dec  1"
) -> str:
    """A GCAT TSV: '#'-header, an 'Updated' comment, space-padded fields, '-' for none."""
    lines = ["#" + "\t".join(columns), f"# Updated {updated}"]
    for row in rows:
        lines.append("\t".join(f"{row.get(c, '-'):<6}" if c in row else "-" for c in columns))
    return "\n".join(lines) + "\n"


def launch_row(
    tag: str,
    date: str,
    site: str,
    *,
    piece: str | None = None,
    code: str = "OS",
    vehicle: str = "Soyuz-2-1A",
    agency: str = "RVSN",
    owner: str = "MO",
    owner_state: str = "RU",
    jcat: str | None = None,
    pad: str = "LC31",
) -> dict[str, str]:
    return {
        "Launch_Tag": tag,
        "Launch_Date": date,
        "Piece": piece or f"{tag}A",
        "Type": "P",
        "Name": f"Sat {tag}",
        "PLName": f"Sat {tag}",
        "JCAT": jcat or "A00001",
        "SatOwner": owner,
        "SatState": owner_state,
        "LV_Type": vehicle,
        "Flight_ID": "1",
        "Launch_Site": site,
        "Launch_Pad": pad,
        "Agency": agency,
        "LVState": "RU",
        "Launch_Code": code,
        "LTCite": "Test",
    }


SITES = [
    {
        "Site": "NIIP-5",
        "UCode": "GIK-5",
        "Type": "LS",
        "StateCode": "SU",
        "TStart": "1956",
        "TStop": "1989",
        "ShortName": "Baykonur",
        "Name": "NIIP-5, Baykonur, Kazakstan",
        "Longitude": "63.0",
        "Latitude": "46.0",
    },
    {
        "Site": "GIK-5",
        "UCode": "GIK-5",
        "Type": "LS",
        "StateCode": "RU",
        "TStart": "1989",
        "TStop": "*",
        "ShortName": "Baykonur",
        "Name": "GIK-5, Baykonur, Kazakstan",
        "Longitude": "63.0",
        "Latitude": "46.0",
    },
    {
        "Site": "CSG",
        "UCode": "CSG",
        "Type": "LS",
        "StateCode": "GUF",
        "TStart": "1968",
        "TStop": "*",
        "ShortName": "Kourou",
        "Name": "Centre Spatial Guyanais",
        "Longitude": "-52.75",
        "Latitude": "5.23",
    },
]
ORGS = [
    {
        "Code": "RVSN",
        "UCode": "RVSN",
        "StateCode": "SU",
        "Type": "LA",
        "Class": "D",
        "TStart": "1960s",
        "TStop": "1991 Dec",
        "ShortName": "RVSN",
        "Name": "Strategic Rocket Forces",
    },
    {
        "Code": "RVSN",
        "UCode": "RVSN",
        "StateCode": "RU",
        "Type": "LA",
        "Class": "D",
        "TStart": "1992",
        "TStop": "*",
        "ShortName": "RVSN",
        "Name": "Strategic Rocket Forces",
    },
    {
        "Code": "MO",
        "UCode": "MO",
        "StateCode": "RU",
        "Type": "O",
        "Class": "D",
        "TStart": "1992",
        "TStop": "*",
        "ShortName": "MO RF",
        "Name": "Ministry of Defence",
    },
    {
        "Code": "AE",
        "UCode": "AE",
        "StateCode": "F",
        "Type": "LA",
        "Class": "B",
        "TStart": "1980",
        "TStop": "*",
        "ShortName": "Arianespace",
        "Name": "Arianespace",
    },
]
VEHICLES = [
    {
        "LV_Name": "Soyuz-2-1A",
        "LV_Family": "R-7",
        "LV_Manufacturer": "PROG",
        "LEO_Capacity": "7600",
        "GTO_Capacity": "0",
        "LV_Min_Stage": "1",
        "LV_Max_Stage": "3",
    },
    {
        "LV_Name": "Ariane 5ECA",
        "LV_Family": "Ariane5",
        "LV_Manufacturer": "AE",
        "LEO_Capacity": "20000",
        "GTO_Capacity": "10500",
        "LV_Min_Stage": "1",
        "LV_Max_Stage": "2",
    },
]


def write_mini_gcat(
    root: Path, launches: Sequence[dict[str, str]], *, extra_launchlog_lines: Sequence[str] = ()
) -> Path:
    """Write a GCAT-layout folder under ``root`` with the given launchlog rows."""
    files = {
        "tsv/derived/launchlog.tsv": tsv(LAUNCHLOG_COLUMNS, launches)
        + "".join(f"{line}\n" for line in extra_launchlog_lines),
        "tsv/tables/sites.tsv": tsv(SITES_COLUMNS, SITES),
        "tsv/tables/orgs.tsv": tsv(ORGS_COLUMNS, ORGS),
        "tsv/tables/lv.tsv": tsv(LV_COLUMNS, VEHICLES),
        "tsv/cat/psatcat.tsv": tsv(
            PSATCAT_COLUMNS,
            [
                {
                    "JCAT": "S00010",
                    "Piece": "2010-001A",
                    "Name": "Sat",
                    "UNPerigee": "400",
                    "UNApogee": "410",
                    "UNInc": "51.6",
                },
            ],
        ),
        "tsv/cat/auxcat.tsv": tsv(
            AUXCAT_COLUMNS,
            [
                {
                    "JCAT": "A00001",
                    "Satcat": "NNA",
                    "Launch_Tag": "1999-001",
                    "Piece": "1999-001A",
                    "Name": "Aux",
                    "Perigee": "200",
                    "Apogee": "300",
                    "Inc": "64.9",
                },
            ],
        ),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def rows_of(table: Table) -> list[tuple[int, dict[str, str | None]]]:
    """The rows the catalog build reads from ``table`` (as DuckDB loads them), with their
    line numbers, in file order."""
    con = duckdb.connect()
    try:
        load_table(con, "t", table)
        found = con.execute("SELECT * FROM raw_t ORDER BY line")
        names = [column[0] for column in found.description][1:]
        return [(line, dict(zip(names, values, strict=True))) for line, *values in found.fetchall()]
    finally:
        con.close()
