"""Checks that a GCAT source is whole and sane before it is ingested.

The reader (:mod:`.gcat`) refuses a file that cannot be read as a whole; these checks look
at what the rows say, table by table, and at how the tables refer to each other:

- **Duplicate keys** (a payload row of ``launchlog.tsv`` by launch tag, piece and JCAT; an
  object by JCAT; a site or organisation by code and start; a vehicle by name and variant):
  every copy after the first is quarantined as a duplicate, so a file appended to itself
  counts nothing twice.
- **Dates**: a launch dated after its file's own ``# Updated`` line, or outside 1957 to a
  year after today, is quarantined: one such row would otherwise set the catalog's
  ``data_date`` and stretch every series to it.
- **Physical ranges** of every number a user sees: capacities and masses not negative and
  below the largest vehicle ever planned, orbits above the Earth's centre with inclinations
  of 0-180 degrees, coordinates on the globe, everything finite but GCAT's ``Inf`` apogee
  of an escape. A value outside is removed
  from its row (the row is kept) and quarantined with the reason.
- **References**: every launch's site (``Launch_Site``), agency (``Agency``) and vehicle
  (``LV_Type``) must be defined in ``sites.tsv``, ``orgs.tsv`` and ``lv.tsv``. Each broken
  reference is quarantined (the launch is kept, without the name); when more than
  :data:`MAX_BROKEN_FRACTION` of the launches (and more than :data:`MIN_BROKEN_TO_REFUSE`)
  break one kind of reference, the build is refused (:class:`BrokenReferencesError`): a cut
  ``sites.tsv`` or swapped ``Launch_Site``/``Launch_Pad`` header names would otherwise
  install a catalog whose launches lost their sites.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from cosmodrome.catalog.gcat import GcatFormatError, parse_number, parse_vague_date
from cosmodrome.catalog.temp_tables import quarantine_rows, small_table, temp_columns
from cosmodrome.errors import SourceError

#: The largest fraction of launches that may break one kind of reference without refusal.
MAX_BROKEN_FRACTION = 0.01
#: ... and the fewest broken references that refuse a build (a small test catalog with one
#: unknown site is not a cut file).
MIN_BROKEN_TO_REFUSE = 20
FIRST_LAUNCH_YEAR = 1957
#: GCAT lists launches that happened; a date this far after today is an error.
FUTURE_ALLOWANCE = timedelta(days=366)

#: The keys of each file's rows; a second row with the same key is a duplicate.
KEYS: dict[str, tuple[str, ...]] = {
    "launchlog": ("Launch_Tag", "Piece", "JCAT"),
    "psatcat": ("JCAT",),
    "auxcat": ("JCAT",),
    "satcat": ("JCAT",),
    "sites": ("Site", "TStart"),
    "orgs": ("Code", "TStart"),
    "lv": ("LV_Name", "LV_Variant"),
}

#: Column -> (lowest, highest) allowed, per file: the physical ranges users see.
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "lv": {
        "LEO_Capacity": (0.0, 500_000.0),  # kg; Starship's planned 150 t with room
        "GTO_Capacity": (0.0, 300_000.0),  # kg
        "Launch_Mass": (0.0, 20_000.0),  # t; Saturn V 2,970 t, Starship 5,000 t
        "Length": (0.0, 300.0),  # m
        "Diameter": (0.0, 50.0),  # m
        "TO_Thrust": (0.0, 200_000.0),  # kN; Starship 74,000 kN
    },
    "psatcat": {
        "UNPerigee": (-6_400.0, 1e10),  # km above the surface; heliocentric reaches 1e9
        # Negative for a hyperbolic orbit; GCAT's "Inf" is an escape, kept.
        "UNApogee": (-1e12, math.inf),
        "UNInc": (0.0, 180.0),  # deg
    },
    "auxcat": {"Perigee": (-6_400.0, 1e10), "Apogee": (-1e12, math.inf), "Inc": (0.0, 180.0)},
    "satcat": {"Perigee": (-6_400.0, 1e10), "Apogee": (-1e12, math.inf), "Inc": (0.0, 180.0)},
    "sites": {"Latitude": (-90.0, 90.0), "Longitude": (-180.0, 360.0), "Error": (0.0, 180.0)},
    "orgs": {"Latitude": (-90.0, 90.0), "Longitude": (-180.0, 360.0)},
}

#: Launch column -> (defining file, its key column), for the reference checks.
REFERENCES: dict[str, tuple[str, str]] = {
    "Launch_Site": ("sites", "Site"),
    "Agency": ("orgs", "Code"),
    "LV_Type": ("lv", "LV_Name"),
}


class BrokenReferencesError(SourceError):
    """Too many launches name a site, agency or vehicle their source does not define."""


@dataclass
class Broken:
    """Launches whose ``column`` names nothing in the file defining it."""

    column: str
    file: str
    launches: int
    examples: Counter[str] = field(default_factory=Counter)

    def __str__(self) -> str:
        shown = ", ".join(repr(code) for code, _ in self.examples.most_common(3))
        return (
            f"{self.launches:,} launches name a {self.column} that {self.file}.tsv does not "
            f"define (most often {shown})"
        )


@dataclass(frozen=True)
class Screened:
    """How many launches there are, and each kind of broken reference among them."""

    launches: int
    broken: list[Broken]


#: The GCAT files the checks look at, each in TEMP table ``raw_<name>``.
FILES = ("launchlog", "sites", "orgs", "lv", "psatcat", "auxcat", "satcat", "launch")


def screen(con: duckdb.DuckDBPyConnection, updated: dict[str, str | None], today: date) -> Screened:
    """Every check above except the refusal (see :func:`refuse_broken_references`), in
    place on the TEMP tables ``raw_<file>`` of ``con``: duplicates deleted, values out of
    range set to NULL, misdated launches deleted, each with its issue appended to TEMP table
    ``issues``. ``updated`` is each file's ``# Updated`` text."""
    tables = temp_columns(con)
    columns = {name: tables[f"raw_{name}"] for name in FILES if f"raw_{name}" in tables}
    for name, named in columns.items():
        _unique(con, name, named)
        _ranged(con, name, named)
    if "launchlog" not in columns:
        return Screened(0, [])
    _dated(con, columns["launchlog"], updated.get("launchlog"), today)
    return _references(con, columns)


def refuse_broken_references(screened: Screened) -> None:
    """Raise :class:`BrokenReferencesError` for the kinds broken beyond the allowance."""
    allowed = max(MIN_BROKEN_TO_REFUSE, MAX_BROKEN_FRACTION * screened.launches)
    beyond = [b for b in screened.broken if b.launches > allowed]
    if beyond:
        raise BrokenReferencesError(
            f"refusing to install the catalog: launchlog.tsv has {screened.launches:,} "
            f"launches and {'; '.join(map(str, beyond))}. A reference table looks cut short "
            "or a header's column names are swapped; the installed catalog is unchanged. "
            "Pass --allow-shrink to install it anyway."
        )


def _unique(con: duckdb.DuckDBPyConnection, name: str, columns: list[str]) -> None:
    keys = [column for column in KEYS.get(name, ()) if column in columns]
    if not keys:
        return
    partition = ", ".join(f'"{k}"' for k in keys)
    duplicates = (
        "SELECT line, first_line FROM (SELECT line, min(line) OVER "
        f"(PARTITION BY {partition}) AS first_line FROM raw_{name}) WHERE line <> first_line"
    )
    if not con.execute(f"SELECT EXISTS ({duplicates})").fetchall()[0][0]:
        return
    con.execute(f"CREATE OR REPLACE TEMP TABLE _duplicates AS {duplicates}")
    quarantine_rows(
        con,
        name,
        columns,
        "SELECT * FROM _duplicates",
        f"'duplicate of line ' || x.first_line || ' ({', '.join(keys)} repeated)'",
    )
    con.execute(
        f"DELETE FROM raw_{name} WHERE line IN (SELECT line FROM _duplicates); "
        "DROP TABLE _duplicates"
    )


#: A number SQL reads as Python's ``float`` does; other texts are judged in Python.
PLAIN_NUMBER = r"-?[0-9]+(\.[0-9]+)?"


def _ranged(con: duckdb.DuckDBPyConnection, name: str, columns: list[str]) -> None:
    """Numbers outside their physical range removed from their rows and quarantined, one
    column after the other (a row's issue shows the values removed before it). SQL passes
    the plain numbers within range; Python judges each other distinct text once."""
    ranges = {c: r for c, r in RANGES.get(name, {}).items() if c in columns}
    if not ranges:
        return
    doubtful = " UNION ALL ".join(
        f"SELECT DISTINCT '{column}', \"{column}\" FROM raw_{name} "
        f"WHERE NOT coalesce(regexp_full_match(\"{column}\", '{PLAIN_NUMBER}') AND "
        f"TRY_CAST(\"{column}\" AS DOUBLE) BETWEEN '{low!r}'::DOUBLE AND '{high!r}'::DOUBLE, true)"
        for column, (low, high) in ranges.items()
    )
    bad: dict[str, list[tuple[str, str]]] = {}
    for column, text in con.execute(doubtful).fetchall():
        reason = range_problem(text, *ranges[column]) if text is not None else None
        if reason is not None:
            bad.setdefault(column, []).append((text, reason))
    for column in ranges:  # in order: each issue shows the values removed before it
        if column not in bad:
            continue
        small_table(con, "_out_of_range", {"text": "VARCHAR", "reason": "VARCHAR"}, bad[column])
        quarantine_rows(
            con,
            name,
            columns,
            f'SELECT r.line, o.reason FROM raw_{name} r JOIN _out_of_range o ON o.text = r."{column}"',
            f"'{column} ' || x.reason",
        )
        con.execute(
            f'UPDATE raw_{name} SET "{column}" = NULL '
            f'WHERE "{column}" IN (SELECT text FROM _out_of_range); DROP TABLE _out_of_range'
        )


def range_problem(text: str, low: float, high: float) -> str | None:
    """Why a number's text is outside ``low`` to ``high``; ``None`` for one within, or for
    a text that is no number (the ingest quarantines that row with its own reason)."""
    try:  # the common case, a plain number, without parse_number's flag stripping
        if low <= float(text) <= high:
            return None
    except ValueError:
        pass
    try:
        value = parse_number(text)
    except ValueError:
        return None
    if value is None:
        return None
    if math.isnan(value) or not low <= value <= high:
        return f"{text!r} is outside {low:g} to {high:g}; removed"
    return None


def _dated(
    con: duckdb.DuckDBPyConnection, columns: list[str], updated_text: str | None, today: date
) -> None:
    """Launches dated before 1957, after a year from ``today``, or after the file's own
    ``# Updated`` date, quarantined. SQL passes the dates whose year alone is plainly
    inside; Python judges each other distinct date once."""
    last = today + FUTURE_ALLOWANCE
    updated = _updated_day(updated_text)
    bound = updated.year if updated is not None else last.year
    texts = con.execute(
        "SELECT DISTINCT coalesce(\"Launch_Date\", '') AS text FROM raw_launchlog WHERE NOT "
        "coalesce(regexp_matches(\"Launch_Date\", '^[0-9]{4}') AND "
        'TRY_CAST(left("Launch_Date", 4) AS INTEGER) BETWEEN ? AND ?, false)',
        [FIRST_LAUNCH_YEAR + 1, bound - 1],
    ).fetchall()
    bad = [(text, reason) for (text,) in texts if (reason := misdated(text, last, updated))]
    if not bad:
        return
    small_table(con, "_misdated", {"text": "VARCHAR", "reason": "VARCHAR"}, bad)
    rejected = (
        "SELECT r.line, m.reason FROM raw_launchlog r "
        "JOIN _misdated m ON m.text = coalesce(r.\"Launch_Date\", '')"
    )
    quarantine_rows(con, "launchlog", columns, rejected, "x.reason")
    con.execute(
        f"DELETE FROM raw_launchlog WHERE line IN (SELECT line FROM ({rejected})); "
        "DROP TABLE _misdated"
    )


def misdated(text: str, last: date, updated: date | None) -> str | None:
    """Why a launch date ``text`` is impossible: before 1957, after ``last``, or after the
    file's own date ``updated``; ``None`` for a possible or unreadable one (the ingest
    quarantines an unreadable date with the date's format)."""
    year = text[:4]
    if not year.isdecimal():  # int() reads decimal digits of any script, not "²"
        return None
    bound = updated.year if updated is not None else last.year
    if FIRST_LAUNCH_YEAR < int(year) < bound:
        return None  # the common case, without parsing the whole date
    try:
        day = parse_vague_date(text).start_utc.date()
    except GcatFormatError:
        return None
    if day.year < FIRST_LAUNCH_YEAR or day > last:
        return f"launch date {text!r} is outside {FIRST_LAUNCH_YEAR} to {last}"
    if updated is not None and day > updated:
        return f"launch date {text!r} is after the file's own date (Updated {updated})"
    return None


def _updated_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return parse_vague_date(" ".join(text.split()[:3])).start_utc.date()
    except GcatFormatError:
        return None


def _references(con: duckdb.DuckDBPyConnection, columns: dict[str, list[str]]) -> Screened:
    """How many launches there are, and each kind of reference some of them break (each
    broken reference quarantined with the launch's first line; the launch is kept). The
    first row of each launch tag stands for the launch: its payload rows repeat it."""
    values = con.execute(
        " UNION ".join(
            f'SELECT \'{column}\', "{column}" FROM raw_launchlog WHERE "{column}" IS NOT NULL'
            for column in REFERENCES
        )
    ).fetchall()
    small_table(
        con,
        "_codes",
        {"reference": "VARCHAR", "value": "VARCHAR", "code": "VARCHAR"},
        [(column, value, _first_code(value)) for column, value in values],
    )
    defined = " UNION ALL ".join(
        [
            f"SELECT '{column}' AS reference, \"{key}\" AS code FROM raw_{file}"
            for column, (file, key) in REFERENCES.items()
            if file in columns
        ]
        or ["SELECT NULL::VARCHAR AS reference, NULL::VARCHAR AS code WHERE false"]
    )
    launch_rows = " UNION ALL ".join(
        f"SELECT line, '{column}' AS reference, \"{column}\" AS value FROM launches"
        for column in REFERENCES
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _broken AS WITH launches AS (SELECT * FROM raw_launchlog "
        'QUALIFY row_number() OVER (PARTITION BY "Launch_Tag" ORDER BY line) = 1), '
        f"defined AS ({defined}) "
        "SELECT NULL AS reference, NULL AS code, NULL AS line, count(*) AS launches "
        f"FROM launches UNION ALL SELECT c.reference, c.code, l.line, NULL FROM ({launch_rows}) l "
        "JOIN _codes c ON c.reference = l.reference AND c.value = l.value "
        "WHERE c.code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM defined d "
        "WHERE d.reference = c.reference AND d.code = c.code)"
    )
    counted = con.execute(
        "SELECT reference, code, count(*), any_value(launches) FROM _broken "
        "GROUP BY reference, code ORDER BY reference NULLS FIRST, min(line)"
    ).fetchall()
    launches = int(counted[0][3])
    broken = []
    for column, (file, _) in REFERENCES.items():
        examples = Counter({code: n for reference, code, n, _ in counted if reference == column})
        if examples:
            broken.append(Broken(column, file, examples.total(), examples))
    if broken:
        reasons = [
            (b.column, code, f"{b.column} {code!r} is not defined in {b.file}.tsv; the launch is kept without its name")
            for b in broken
            for code in b.examples
        ]  # fmt: skip
        small_table(
            con,
            "_reasons",
            {"reference": "VARCHAR", "code": "VARCHAR", "reason": "VARCHAR"},
            reasons,
        )
        quarantine_rows(
            con,
            "launchlog",
            columns["launchlog"],
            "SELECT b.line, r.reason FROM _broken b JOIN _reasons r USING (reference, code)",
            "x.reason",
        )
        con.execute("DROP TABLE _reasons")
    con.execute("DROP TABLE _broken; DROP TABLE _codes")
    return Screened(launches, broken)


def _first_code(value: str | None) -> str | None:
    """GCAT joins codes with ``/`` (``JSC/MSFC``) and marks doubt with ``?``: the first,
    plain."""
    if not value:
        return None
    return value.split("/")[0].strip().rstrip("?") or None
