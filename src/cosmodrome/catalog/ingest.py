"""Turn GCAT's checked tables into the catalog's rows, in SQL on the build's connection.

:func:`stage_tables` reads the TEMP tables ``raw_<file>`` (one VARCHAR column per header
column and ``line``, after :func:`.checks.screen`) and makes the TEMP tables
``built_sites``, ``built_organisations``, ``built_vehicles``, ``built_objects`` (with
``ord``, their order in the catalog: satcat, auxcat, then psatcat, each in file order),
``stage_launches`` (one row per launch, from its first readable row) and ``stage_payloads`` (one
per payload row), each with ``line``, the row's line in its file. A row that cannot be read
is left out and appended to TEMP table ``issues`` (file, line, reason, raw row).

The rows never become Python objects: Python runs once per distinct value (a launch code,
a validity bound, a code with GCAT's doubt mark, a number or date SQL cannot read as
Python would) and its answers are joined back as small tables.

A code valid over periods (a site, an organisation) resolves to its record at the launch's
date as :func:`_resolve_at` says.
"""

from __future__ import annotations

import re

import duckdb

from cosmodrome.catalog.checks import PLAIN_NUMBER
from cosmodrome.catalog.gcat import (
    MONTHS,
    VAGUE_DATE,
    GcatFormatError,
    parse_number,
    parse_period_bound,
    parse_vague_date,
)
from cosmodrome.catalog.names import shown_organisations_sql
from cosmodrome.catalog.outcomes import parse_launch_code
from cosmodrome.catalog.temp_tables import (
    column_or_null,
    quarantine_rows,
    raw_text,
    small_table,
    temp_columns,
)
from cosmodrome.spaceports import load_spaceports
from cosmodrome.states import iso_state

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
#: The object catalogs, in the order their rows take in ``objects``, with their orbit
#: columns (psatcat gives the UN registration orbit).
OBJECT_FILES = {
    "satcat": ("Perigee", "Apogee", "Inc"),
    "auxcat": ("Perigee", "Apogee", "Inc"),
    "psatcat": ("UNPerigee", "UNApogee", "UNInc"),
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
#: :data:`.gcat.VAGUE_DATE` for DuckDB (RE2): its groups unnamed, in the same order.
VAGUE_DATE_SQL = re.sub(r"\(\?P<\w+>", "(", VAGUE_DATE.pattern)


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


def stage_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Make the module's TEMP tables from the checked ``raw_<file>`` tables of ``con``."""
    tables = temp_columns(con)
    unreadable = _parse_numbers(
        con,
        [
            *(("sites", c) for c in (*COORDINATE_COLUMNS.values(), "Error")),
            *(("orgs", c) for c in COORDINATE_COLUMNS.values()),
            *(("lv", c) for c in VEHICLE_NUMBERS.values()),
        ],
    )
    _stage_periodic(con, "sites", tables["raw_sites"], unreadable)
    _stage_periodic(con, "orgs", tables["raw_orgs"], unreadable)
    _stage_vehicles(con, tables["raw_lv"], unreadable)
    con.execute("DROP TABLE _numbers")
    stage_objects(con, tables)
    _stage_launches_and_payloads(con, tables["raw_launchlog"])


def _parse_numbers(con: duckdb.DuckDBPyConnection, sources: list[tuple[str, str]]) -> bool:
    """TEMP table ``_numbers`` (text, value, error): every distinct text of the numeric
    ``(file, column)`` sources as :func:`.gcat.parse_number` reads it (``error``: why it
    cannot); whether any cannot be read. SQL reads the plain numbers; Python each other
    distinct text."""
    texts = " UNION ".join(
        [f'SELECT "{column}" AS text FROM raw_{file}' for file, column in sources]
        or ["SELECT NULL::VARCHAR AS text"]
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _numbers AS SELECT text, CAST(text AS DOUBLE) AS value, "
        f"NULL::VARCHAR AS error FROM ({texts}) WHERE regexp_full_match(text, '{PLAIN_NUMBER}')"
    )
    others = con.execute(
        f"SELECT text FROM ({texts}) WHERE NOT regexp_full_match(text, '{PLAIN_NUMBER}')"
    ).fetchall()
    if not others:
        return False
    parsed = [_number_or_error(text) for (text,) in others]
    small_table(
        con, "_other_numbers", {"text": "VARCHAR", "value": "DOUBLE", "error": "VARCHAR"}, parsed
    )
    con.execute("INSERT INTO _numbers SELECT * FROM _other_numbers; DROP TABLE _other_numbers")
    return any(error is not None for _, _, error in parsed)


def _number_or_error(text: str) -> tuple[str, float | None, str | None]:
    try:
        return text, parse_number(text), None
    except ValueError as error:
        return text, None, str(error)


def _numbers_of(columns: dict[str, str], alias: str = "r") -> tuple[str, str, str]:
    """SQL for numeric columns (catalog name -> GCAT name): the values, the first error
    among them, and the joins to ``_numbers`` they need."""
    values = ", ".join(f'n_{name}.value AS "{name}"' for name in columns)
    error = "coalesce(" + ", ".join(f"n_{name}.error" for name in columns) + ", NULL)"
    joins = " ".join(
        f'LEFT JOIN _numbers n_{name} ON n_{name}.text = {alias}."{source}"'
        for name, source in columns.items()
    )
    return values, error, joins


#: For sites and organisations: the key column, the named and the numeric columns besides
#: those they share (catalog name -> GCAT name), and the table made.
PERIODIC_FILES: dict[str, tuple[str, dict[str, str], dict[str, str], str]] = {
    "sites": ("Site", {}, {"error_deg": "Error"}, "built_sites"),
    "orgs": ("Code", {"class": "Class"}, {}, "built_organisations"),
}


def _stage_periodic(
    con: duckdb.DuckDBPyConnection, file: str, columns: list[str], unreadable: bool
) -> None:
    """``built_sites`` or ``built_organisations``: code, canonical code, validity period,
    named and numeric columns; a row whose period cannot be read is quarantined. A number
    that cannot be read (``unreadable``: whether any can't) is left out of its row, which
    is kept (a site without its coordinates still names its launches), and quarantined."""
    key, extra, numbers, target = PERIODIC_FILES[file]
    bounds = [
        (text, end, *_bound_or_error(text, end=end))
        for end, text in con.execute(
            f'SELECT DISTINCT false, "TStart" FROM raw_{file} WHERE "TStart" IS NOT NULL UNION '
            f'SELECT DISTINCT true, "TStop" FROM raw_{file} WHERE "TStop" IS NOT NULL'
        ).fetchall()
    ]
    small_table(
        con,
        "_bounds",
        {"text": "VARCHAR", "is_end": "BOOLEAN", "day": "DATE", "error": "VARCHAR"},
        bounds,
    )
    periods = (
        "SELECT r.line, s.day AS valid_from, e.day AS valid_to, coalesce(s.error, e.error) "
        f"AS reason FROM raw_{file} r "
        'LEFT JOIN _bounds s ON s.text = r."TStart" AND NOT s.is_end '
        'LEFT JOIN _bounds e ON e.text = r."TStop" AND e.is_end'
    )
    if any(error is not None for *_, error in bounds):
        quarantine_rows(
            con, file, columns, f"SELECT line, reason FROM ({periods}) WHERE reason IS NOT NULL"
        )
    values, error, joins = _numbers_of({**COORDINATE_COLUMNS, **numbers})
    named = ", ".join(
        f'r."{source}" AS "{name}"' for name, source in {**PERIODIC_COLUMNS, **extra}.items()
    )
    host = ""
    if file == "sites":
        small_table(con, "_hosts", {"code": "VARCHAR", "host": "VARCHAR"}, _site_hosts().items())
        host = ", coalesce(nullif(h.host, ''), r.\"StateCode\") AS host_country"
        joins += ' LEFT JOIN _hosts h ON h.code = r."Site"'
    sql = (
        f'SELECT r."{key}" AS code, coalesce(r."UCode", r."{key}") AS ucode, p.valid_from, '
        f"p.valid_to, {named}, {values}{host}, r.line "
        f"FROM raw_{file} r JOIN ({periods}) p ON p.line = r.line {joins} WHERE p.reason IS NULL"
    )
    if unreadable:
        quarantine_rows(
            con,
            file,
            columns,
            f"SELECT r.line, 'bad number: ' || {error} || '; left out, the row kept' AS reason "
            f"FROM raw_{file} r JOIN ({periods}) p ON p.line = r.line {joins} "
            f"WHERE p.reason IS NULL AND {error} IS NOT NULL",
        )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target} AS {sql} ORDER BY r.line; DROP TABLE _bounds; "
        "DROP TABLE IF EXISTS _hosts"
    )


def _bound_or_error(text: str, *, end: bool) -> tuple[object, str | None]:
    try:
        return parse_period_bound(text, end=end), None
    except GcatFormatError as error:
        return None, str(error)


def _site_hosts() -> dict[str, str]:
    """The host country of each curated site code. The curated facts give it in ISO (GF);
    the catalog keeps GCAT's codes (GUF), so that every state column speaks one vocabulary."""
    return {
        code: iso_state(port.country).code for port in load_spaceports() for code in port.gcat_sites
    }


def _stage_vehicles(con: duckdb.DuckDBPyConnection, columns: list[str], unreadable: bool) -> None:
    """``built_vehicles``; a row with an unreadable number is quarantined (``unreadable``:
    whether any number of the tables is)."""
    _values, error, joins = _numbers_of(VEHICLE_NUMBERS)
    if unreadable:
        quarantine_rows(
            con,
            "lv",
            columns,
            f"SELECT r.line, 'bad number: ' || {error} AS reason FROM raw_lv r {joins} "
            f"WHERE {error} IS NOT NULL",
        )
    # GCAT writes 0 for "unknown" capacities and masses.
    numbers = ", ".join(f'nullif(n_{name}.value, 0) AS "{name}"' for name in VEHICLE_NUMBERS)
    con.execute(
        'CREATE OR REPLACE TEMP TABLE built_vehicles AS SELECT r."LV_Name" AS lv_name, '
        'r."LV_Family" AS family, r."LV_Manufacturer" AS manufacturer, '
        'r."LV_Variant" AS variant, r."LV_Alias" AS alias, '
        f'{numbers}, r."Class" AS class, r.line FROM raw_lv r {joins} WHERE {error} IS NULL '
        "ORDER BY r.line"
    )


def _satcat_number(jcat: str, satcat: str | None = None) -> str:
    """SQL for a catalog number: ``satcat``'s digits where the row has a value there, else
    those of an ``S`` JCAT."""
    of_jcat = (
        f"CASE WHEN regexp_full_match({jcat}, 'S[0-9]+') THEN CAST(substr({jcat}, 2) AS BIGINT) END"
    )
    if satcat is None:
        return of_jcat
    return (
        f"CASE WHEN {satcat} IS NULL THEN {of_jcat} WHEN regexp_full_match({satcat}, '[0-9]+') "
        f"THEN CAST({satcat} AS BIGINT) END"
    )


def stage_objects(
    con: duckdb.DuckDBPyConnection, tables: dict[str, list[str]] | None = None
) -> None:
    """``built_objects`` from whichever object catalogs ``con`` has (``tables``: its TEMP
    tables and their columns, when known); satcat/auxcat layout, or psatcat with UN orbit
    values. A row with an unreadable orbit value is quarantined."""
    tables = tables if tables is not None else temp_columns(con)
    files = [name for name in OBJECT_FILES if f"raw_{name}" in tables]
    unreadable = _parse_numbers(con, [(name, c) for name in files for c in OBJECT_FILES[name]])
    parts = []
    for rank, file in enumerate(files):
        columns = tables[f"raw_{file}"]
        _values, error, joins = _numbers_of(
            dict(zip(("perigee_km", "apogee_km", "inc_deg"), OBJECT_FILES[file], strict=True))
        )
        if unreadable:
            quarantine_rows(
                con,
                file,
                columns,
                f"SELECT r.line, 'bad orbit value: ' || {error} AS reason FROM raw_{file} r "
                f"{joins} WHERE {error} IS NOT NULL",
            )
        satcat = _satcat_number('r."JCAT"', 'r."Satcat"' if "Satcat" in columns else None)
        state = (
            f"coalesce({column_or_null(columns, 'State', 'r')}, "
            f"{column_or_null(columns, 'UNState', 'r')})"
        )
        # GCAT writes 0 inclination with 0 perigee/apogee for "no orbit known".
        parts.append(
            f'SELECT r."JCAT" AS jcat, {satcat} AS satcat, r."Piece" AS piece, '
            f'{column_or_null(columns, "Launch_Tag", "r")} AS launch_tag, r."Name" AS name, '
            f"{column_or_null(columns, 'Type', 'r')} AS type, "
            f"{column_or_null(columns, 'Owner', 'r')} AS owner, {state} AS state, "
            "n_perigee_km.value AS perigee_km, n_apogee_km.value AS apogee_km, "
            "CASE WHEN n_inc_deg.value = 0 AND coalesce(n_apogee_km.value, 0) = 0 THEN NULL "
            "ELSE n_inc_deg.value END AS inc_deg, "
            f"'{file}.tsv' AS source_file, r.line, {rank} AS file_rank "
            f"FROM raw_{file} r {joins} WHERE {error} IS NULL"
        )
    if not parts:  # no object catalog: an empty table of the right columns
        parts.append(
            "SELECT NULL::VARCHAR AS jcat, NULL::BIGINT AS satcat, "
            + ", ".join(f"NULL::VARCHAR AS {c}" for c in OBJECT_COLUMNS[2:8])
            + ", NULL::DOUBLE AS perigee_km, NULL::DOUBLE AS apogee_km, NULL::DOUBLE AS inc_deg, "
            "NULL::VARCHAR AS source_file, NULL::INTEGER AS line, 0 AS file_rank WHERE false"
        )
    # ord: the file's rank in the high bits, the line in the low ones.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE built_objects AS SELECT * EXCLUDE (file_rank), "
        "(CAST(file_rank AS BIGINT) << 32) + line AS ord FROM ("
        + " UNION ALL ".join(parts)
        + "); DROP TABLE _numbers"
    )


def _vague_dates(con: duckdb.DuckDBPyConnection, target: str, texts: str) -> None:
    """TEMP table ``target`` (text, start_utc, day, year, precision, uncertain, error): each
    text of the query ``texts`` read as :func:`.gcat.parse_vague_date` reads it. SQL reads
    the dates it matches with a valid day; Python each other text, for its exact error."""
    groups = list(VAGUE_DATE.groupindex)
    number = "CASE WHEN p.{0} = '' THEN {1} ELSE CAST(p.{0} AS INTEGER) END".format
    precision = " ".join(
        f"WHEN p.{group} <> '' THEN '{name}'"
        for name, group in (("second", "ss"), ("minute", "mm"), ("day", "day"), ("month", "month"))
    )
    # A text the pattern does not match gives empty groups, the year's too (filtered in
    # a second statement: filtered here, DuckDB would match each text twice). A month
    # ([A-Z][a-z]{2}) can only be found at a month's place in the string of them.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _date_parts AS SELECT text, "
        f"regexp_extract(text, '{VAGUE_DATE_SQL}', {groups}) AS p FROM ({texts})"
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target} AS "
        "WITH v AS (SELECT text, CAST(p.year AS INTEGER) AS y, CASE WHEN p.month = '' THEN 1 "
        f"ELSE (strpos('{''.join(MONTHS)}', p.month) + 2) // 3 END AS m, "
        f"{number('day', 1)} AS d, {number('hh', 0)} AS hh, {number('mm', 0)} AS mi, "
        f"{number('ss', 0)} AS s, CASE {precision} ELSE 'year' END AS precision, "
        "p.uncertain = '?' AS uncertain FROM _date_parts WHERE p.year <> '') "
        "SELECT text, make_timestamptz(y, m, d, hh, mi, s, 'UTC') AS start_utc, "
        "make_date(y, m, d) AS day, y AS year, precision, uncertain, NULL::VARCHAR AS error "
        "FROM v WHERE y >= 1 AND m BETWEEN 1 AND 12 AND d >= 1 "
        "AND d <= day(last_day(make_date(y, m, 1))) AND hh < 24 AND mi < 60 AND s < 60; "
        "DROP TABLE _date_parts"
    )
    unread = con.execute(
        f"SELECT text FROM ({texts}) WHERE text NOT IN (SELECT text FROM {target})"
    ).fetchall()
    if unread:
        small_table(
            con,
            "_unread_dates",
            {
                "text": "VARCHAR",
                "start_utc": "TIMESTAMPTZ",
                "day": "DATE",
                "year": "INTEGER",
                "precision": "VARCHAR",
                "uncertain": "BOOLEAN",
                "error": "VARCHAR",
            },
            (_date_or_error(text) for (text,) in unread),
        )
        con.execute(f"INSERT INTO {target} SELECT * FROM _unread_dates; DROP TABLE _unread_dates")


def _date_or_error(text: str) -> tuple[object, ...]:
    try:
        when = parse_vague_date(text)
    except GcatFormatError as error:
        return text, None, None, None, None, None, str(error)
    start = when.start_utc
    return text, start, start.date(), start.year, when.precision, when.uncertain, None


def _launch_codes(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP table ``_launch_codes``: each distinct launch code decoded, or why it cannot be."""
    rows: list[tuple[object, ...]] = []
    for (text,) in con.execute(
        "SELECT DISTINCT coalesce(\"Launch_Code\", '') FROM raw_launchlog"
    ).fetchall():
        try:
            code = parse_launch_code(text)
        except ValueError as error:
            rows.append((text, None, None, None, str(error)))
            continue
        rows.append((text, code.orbit_class, code.outcome, code.is_success, None))
    small_table(
        con,
        "_launch_codes",
        {
            "text": "VARCHAR",
            "orbit_class": "VARCHAR",
            "outcome": "VARCHAR",
            "is_success": "BOOLEAN",
            "error": "VARCHAR",
        },
        rows,
    )


def _codes(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP tables ``_certain`` (text, plain, uncertain: :func:`certain` of each distinct
    agency, pad and owner) and ``_leads`` (text, lead: :func:`first_code` of each plain
    agency and owner and of each vehicle maker)."""
    texts = con.execute(
        'SELECT "Agency" FROM raw_launchlog UNION SELECT "Launch_Pad" FROM raw_launchlog '
        'UNION SELECT "SatOwner" FROM raw_launchlog'
    ).fetchall()
    small_table(
        con,
        "_certain",
        {"text": "VARCHAR", "plain": "VARCHAR", "uncertain": "BOOLEAN"},
        ((text, *certain(text)) for (text,) in texts if text is not None),
    )
    leads = con.execute(
        "SELECT plain FROM _certain UNION SELECT manufacturer FROM built_vehicles"
    ).fetchall()
    small_table(
        con,
        "_leads",
        {"text": "VARCHAR", "lead": "VARCHAR"},
        ((text, first_code(text)) for (text,) in leads if text is not None),
    )


def _resolve_at(
    con: duckdb.DuckDBPyConnection, target: str, records: str, pairs: str, fields: list[str]
) -> None:
    """TEMP table ``target`` (code, day, ``fields``): for each distinct (code, day) of the
    query ``pairs``, the ``fields`` of the record of ``records`` for ``code`` on ``day``:
    its one record; else, of those valid on the day, the one that started last
    (an open start counts as the earliest; GCAT's year-only bounds make the switch year
    ambiguous); else the nearest in days; ties go to the first in file order."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {target} AS "
        f"WITH q AS (SELECT DISTINCT code, day FROM ({pairs}) WHERE code IS NOT NULL), "
        f"c AS (SELECT q.code, q.day, p.line, p.valid_from, {', '.join(f'p.{f}' for f in fields)}, "
        "(p.valid_from IS NULL OR p.valid_from <= q.day) "
        "AND (p.valid_to IS NULL OR q.day <= p.valid_to) AS valid, "
        "CASE WHEN p.valid_from IS NOT NULL AND q.day < p.valid_from THEN p.valid_from - q.day "
        "WHEN p.valid_to IS NOT NULL AND q.day > p.valid_to THEN q.day - p.valid_to "
        f"ELSE 0 END AS distance FROM q JOIN {records} p ON p.code = q.code) "
        f"SELECT code, day, {', '.join(fields)} FROM c QUALIFY row_number() OVER (PARTITION BY code, day "
        "ORDER BY valid DESC, CASE WHEN valid THEN coalesce(valid_from, DATE '0001-01-01') END "
        "DESC, CASE WHEN NOT valid THEN distance END, line) = 1"
    )


def _organisation_names(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP table ``_org_names``: each organisation record's period, state, class and name
    as tables name it: the name people use where ``data/names.toml`` gives one (by code or
    short name: ``National Reconnaissance Office`` for GCAT's ``NRO``), else GCAT's short
    name."""
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _org_names AS WITH _shown(means, shown) AS "
        f"({shown_organisations_sql()}) SELECT o.line, o.code, o.valid_from, o.valid_to, "
        "o.state_code, o.class, coalesce(nullif(c.shown, ''), nullif(s.shown, ''), "
        "o.short_name, o.name, 'None') AS shown_name FROM built_organisations o "
        "LEFT JOIN _shown c ON c.means = o.code LEFT JOIN _shown s ON s.means = o.short_name"
    )


def _canonical_sites(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP tables ``_curated_sites`` (code, canonical, name) and ``_latest_sites`` (ucode,
    short_name): what gives a launch site code its canonical site and name.

    GCAT's canonical code (``UCode``) groups the codes a site had over time: Baikonur's
    ``NIIP-5`` and ``GIK-5`` are both ``GIK-5``. Where the curated spaceport facts group
    codes differently, they win: Plesetsk also takes in GCAT's ``GNIIP`` codes of 1993-1995,
    and Vostochny (``VOST``) is kept apart from Svobodny, which GCAT files it under. A
    curated spaceport's canonical code is its codes' common ``UCode`` when no other
    spaceport shares it, else its first listed code; its name is the curated name.
    Other sites keep GCAT's ``UCode`` and the short name of its most recent record.
    """
    ports = [port for port in load_spaceports() if port.gcat_sites]
    codes = sorted({code for port in ports for code in port.gcat_sites})
    ucode_of = dict(
        con.execute(
            "SELECT code, arg_max(ucode, line) FROM built_sites WHERE code IN "
            "(SELECT unnest($codes)) GROUP BY code",
            {"codes": codes},
        ).fetchall()
    )
    owners: dict[str, set[str]] = {}
    for port in ports:
        for code in port.gcat_sites:
            owners.setdefault(ucode_of.get(code, code), set()).add(port.key)
    curated: dict[str, tuple[str, str]] = {}
    for port in ports:
        ucodes = {ucode_of.get(code, code) for code in port.gcat_sites}
        only = next(iter(ucodes)) if len(ucodes) == 1 else None
        canonical = only if only and owners[only] == {port.key} else port.gcat_sites[0]
        for code in port.gcat_sites:
            curated[code] = (canonical, port.name)
    small_table(
        con,
        "_curated_sites",
        {"code": "VARCHAR", "canonical": "VARCHAR", "name": "VARCHAR"},
        ((code, *named) for code, named in curated.items()),
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _latest_sites AS SELECT ucode, short_name "
        "FROM built_sites QUALIFY row_number() OVER (PARTITION BY ucode ORDER BY "
        "coalesce(valid_to, DATE '9999-12-31') DESC, coalesce(valid_from, DATE '0001-01-01') "
        "DESC, line) = 1"
    )


def _stage_launches_and_payloads(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """``stage_launches`` (one row per launch tag, from its first readable row) and
    ``stage_payloads`` (one per row from there on). A row without a tag, or whose date or
    launch code cannot be read before its launch has a readable row, is quarantined; a
    payload row whose launch fields differ from its launch's is kept and quarantined."""
    _vague_dates(
        con, "_dates", "SELECT DISTINCT coalesce(\"Launch_Date\", '') AS text FROM raw_launchlog"
    )
    _launch_codes(con)
    # Each row's reason not to be read, its launch's first readable row, and whether its
    # launch fields differ from that row's: compared as one text (no field holds a tab or
    # is "-", so the text differs exactly when a field does).
    fields = raw_text(LAUNCH_FIELDS, "r")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _rows AS WITH t AS MATERIALIZED ("
        'SELECT r.line, r."Launch_Tag" AS tag, CASE WHEN r."Launch_Tag" IS NULL THEN '
        "'missing Launch_Tag' ELSE coalesce(d.error, c.error) END AS reason, "
        f'r."Launch_Tag" IS NOT NULL AND d.error IS NULL AND c.error IS NULL AS readable, '
        f"{fields} AS fields "
        "FROM raw_launchlog r JOIN _dates d ON d.text = coalesce(r.\"Launch_Date\", '') "
        "JOIN _launch_codes c ON c.text = coalesce(r.\"Launch_Code\", '')), "
        "f AS (SELECT tag, min(line) FILTER (WHERE readable) AS first_line, "
        "arg_min(fields, line) FILTER (WHERE readable) AS first_fields FROM t GROUP BY tag) "
        "SELECT t.line, t.tag, t.reason, f.first_line, t.fields <> f.first_fields AS differs "
        "FROM t LEFT JOIN f ON f.tag = t.tag"
    )
    differing = ", ".join(
        f'CASE WHEN r."{f}" IS DISTINCT FROM l."{f}" THEN \'{f}\' END' for f in LAUNCH_FIELDS
    )
    quarantine_rows(
        con,
        "launchlog",
        columns,
        "SELECT line, reason FROM _rows WHERE tag IS NULL OR first_line IS NULL "
        "OR line < first_line UNION ALL "
        "SELECT w.line, 'payload row of ' || w.tag || ' disagrees with the launch on ' || "
        f"concat_ws(', ', {differing}) || '; launch fields taken from its first row' "
        "FROM _rows w JOIN raw_launchlog r ON r.line = w.line "
        "JOIN raw_launchlog l ON l.line = w.first_line WHERE w.line > w.first_line AND w.differs",
    )
    _codes(con)
    _canonical_sites(con)
    _organisation_names(con)
    # Each launch's first row, payload count, day and the codes it resolves at that day.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _launches AS WITH n AS (SELECT tag, first_line AS line, "
        "count(*) AS payload_count FROM _rows WHERE line >= first_line GROUP BY ALL), "
        "vehicles AS (SELECT lv_name, family, manufacturer FROM built_vehicles "
        "QUALIFY row_number() OVER (PARTITION BY lv_name ORDER BY line DESC) = 1) "
        "SELECT n.tag, n.line, n.payload_count, d.day, d.start_utc, d.precision, d.uncertain, "
        "d.year, v.family, al.lead AS agency, "
        "ml.lead AS maker FROM n JOIN raw_launchlog r ON r.line = n.line "
        'JOIN _dates d ON d.text = r."Launch_Date" '
        'LEFT JOIN _certain a ON a.text = r."Agency" LEFT JOIN _leads al ON al.text = a.plain '
        'LEFT JOIN vehicles v ON v.lv_name = r."LV_Type" '
        "LEFT JOIN _leads ml ON ml.text = v.manufacturer"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _payload_rows AS SELECT w.line, l.day, ol.lead AS owner "
        "FROM _rows w JOIN _launches l ON l.tag = w.tag "
        'JOIN raw_launchlog r ON r.line = w.line LEFT JOIN _certain o ON o.text = r."SatOwner" '
        "LEFT JOIN _leads ol ON ol.text = o.plain WHERE w.line >= w.first_line"
    )
    _resolve_at(
        con,
        "_site_at",
        "built_sites",
        'SELECT r."Launch_Site" AS code, l.day FROM _launches l '
        "JOIN raw_launchlog r ON r.line = l.line",
        ["ucode", "state_code"],
    )
    _resolve_at(
        con,
        "_org_at",
        "_org_names",
        "SELECT agency AS code, day FROM _launches UNION ALL SELECT maker, day FROM _launches "
        "UNION ALL SELECT owner, day FROM _payload_rows",
        ["state_code", "class", "shown_name"],
    )
    variant = column_or_null(columns, "LV_Variant", "r")
    jcat = 'r."JCAT"'
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stage_launches AS SELECT "
        'r."Launch_Tag" AS launch_tag, l.start_utc AS time_utc, l.precision AS time_precision, '
        'l.uncertain AS time_uncertain, l.year, r."LV_Type" AS vehicle, '
        f'l.family AS vehicle_family, {variant} AS variant, r."Flight_ID" AS flight, '
        'r."Platform" AS platform, r."Launch_Site" AS site_code, '
        'CASE WHEN r."Launch_Site" IS NOT NULL THEN coalesce(cs.canonical, s.ucode, '
        'r."Launch_Site") END AS site, '
        'CASE WHEN r."Launch_Site" IS NULL THEN NULL WHEN cs.code IS NOT NULL THEN cs.name '
        "ELSE ls.short_name END AS site_name, s.state_code AS site_state, "
        "p.plain AS pad, coalesce(p.uncertain, false) AS pad_uncertain, "
        "a.plain AS agency, coalesce(a.uncertain, false) AS agency_uncertain, "
        "o.shown_name AS agency_name, "
        'coalesce(o.state_code, r."LVState") AS provider_state, r."LVState" AS lv_state, '
        'm.state_code AS vehicle_state, r."Launch_Code" AS launch_code, c.orbit_class, '
        'c.outcome, c.is_success, l.payload_count, r."LTCite" AS citation, l.line '
        "FROM _launches l JOIN raw_launchlog r ON r.line = l.line "
        "JOIN _launch_codes c ON c.text = coalesce(r.\"Launch_Code\", '') "
        'LEFT JOIN _site_at s ON s.code = r."Launch_Site" AND s.day = l.day '
        'LEFT JOIN _curated_sites cs ON cs.code = r."Launch_Site" '
        'LEFT JOIN _latest_sites ls ON ls.ucode = coalesce(s.ucode, r."Launch_Site") '
        'LEFT JOIN _certain p ON p.text = r."Launch_Pad" '
        'LEFT JOIN _certain a ON a.text = r."Agency" '
        "LEFT JOIN _org_at o ON o.code = l.agency AND o.day = l.day "
        "LEFT JOIN _org_at m ON m.code = l.maker AND m.day = l.day "
        "ORDER BY l.line"
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE stage_payloads AS SELECT "
        'r."Piece" AS piece, r."Launch_Tag" AS launch_tag, r."Name" AS name, '
        'r."PLName" AS pl_name, r."JCAT" AS jcat, '
        f'{_satcat_number(jcat)} AS satcat, r."Type" AS type, '
        "c.plain AS owner, coalesce(c.uncertain, false) AS owner_uncertain, "
        'o.shown_name AS owner_name, r."SatState" AS owner_state, '
        "o.class AS owner_class, p.line "
        "FROM _payload_rows p JOIN raw_launchlog r ON r.line = p.line "
        'LEFT JOIN _certain c ON c.text = r."SatOwner" '
        "LEFT JOIN _org_at o ON o.code = p.owner AND o.day = p.day "
        "ORDER BY p.line"
    )
    con.execute(
        "".join(
            f"DROP TABLE {table}; "
            for table in (
                "_dates",
                "_launch_codes",
                "_rows",
                "_certain",
                "_leads",
                "_curated_sites",
                "_latest_sites",
                "_org_names",
                "_launches",
                "_payload_rows",
                "_site_at",
                "_org_at",
            )
        )
    )
