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
import operator
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from cosmodrome.catalog.gcat import (
    GcatFormatError,
    Issue,
    Table,
    parse_number,
    parse_vague_date,
)
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
    """The tables after the checks, and each kind of broken reference among the launches."""

    tables: dict[str, Table]
    launches: int
    broken: list[Broken]


def screen(tables: dict[str, Table], today: date) -> Screened:
    """Every check above except the refusal (see :func:`refuse_broken_references`); the
    tables' rows and issues are changed in place (they are read once, for this build)."""
    checked = {name: _ranged(name, _unique(name, table)) for name, table in tables.items()}
    if "launchlog" in checked:
        checked["launchlog"] = _dated(checked["launchlog"], today)
    launches, broken = _references(checked)
    return Screened(checked, launches, broken)


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


def _raw(row: dict[str, str | None]) -> str:
    return "\t".join(value or "-" for value in row.values())


def _filtered(
    table: Table, label: str, reject: Callable[[dict[str, str | None]], str | None]
) -> Table:
    """``table`` without the rows ``reject`` gives a reason for, each quarantined."""
    rows = []
    for line, row in table.rows:
        reason = reject(row)
        if reason is None:
            rows.append((line, row))
        else:
            table.issues.append(Issue(label, line, reason, _raw(row)))
    return replace(table, rows=rows) if len(rows) < len(table.rows) else table


def _unique(name: str, table: Table) -> Table:
    keys = [column for column in KEYS.get(name, ()) if column in table.columns]
    if not keys:
        return table
    key_of = operator.itemgetter(*keys)  # a tuple of several keys, a value for one
    first_line: dict[object, int] = {}
    rows, issues = [], table.issues
    for line, row in table.rows:
        first = first_line.setdefault(key_of(row), line)
        if first == line:
            rows.append((line, row))
        else:
            reason = f"duplicate of line {first} ({', '.join(keys)} repeated)"
            issues.append(Issue(f"{name}.tsv", line, reason, _raw(row)))
    return replace(table, rows=rows) if len(rows) < len(table.rows) else table


def _ranged(name: str, table: Table) -> Table:
    """Numbers outside their physical range removed from their rows and quarantined."""
    ranges = [(c, *r) for c, r in RANGES.get(name, {}).items() if c in table.columns]
    for line, row in table.rows:
        for column, low, high in ranges:
            text = row[column]
            if text is None:
                continue
            try:  # the common case, a plain number, without parse_number's flag stripping
                if low <= float(text) <= high:
                    continue
            except ValueError:
                pass
            reason = _out_of_range(text, low, high)
            if reason is not None:
                table.issues.append(Issue(f"{name}.tsv", line, f"{column} {reason}", _raw(row)))
                row[column] = None
    return table


def _out_of_range(text: str | None, low: float, high: float) -> str | None:
    try:
        value = parse_number(text)
    except ValueError:
        return None  # not a number: the ingest quarantines the row with its own reason
    if value is None:
        return None
    if math.isnan(value) or not low <= value <= high:
        return f"{text!r} is outside {low:g} to {high:g}; removed"
    return None


def _dated(table: Table, today: date) -> Table:
    """Launches dated before 1957, after a year from ``today``, or after the file's own
    ``# Updated`` date, quarantined."""
    last = today + FUTURE_ALLOWANCE
    updated = _updated_day(table.updated)
    bound = updated.year if updated is not None else last.year

    def misdated(row: dict[str, str | None]) -> str | None:
        text = row.get("Launch_Date") or ""
        year = text[:4]
        if not year.isdigit():
            return None  # unreadable: the ingest quarantines it with the date's format
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

    return _filtered(table, "launchlog.tsv", misdated)


def _updated_day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return parse_vague_date(" ".join(text.split()[:3])).start_utc.date()
    except GcatFormatError:
        return None


def _codes(table: Table | None, column: str) -> set[str]:
    return {row[column] or "" for _, row in table.rows} if table is not None else set()


def _references(tables: dict[str, Table]) -> tuple[int, list[Broken]]:
    """How many launches there are, and each kind of reference some of them break (each
    broken reference quarantined with the launch's first line; the launch is kept)."""
    log = tables.get("launchlog")
    if log is None:
        return 0, []
    defined = {column: _codes(tables.get(file), key) for column, (file, key) in REFERENCES.items()}
    broken = {column: Broken(column, file, 0) for column, (file, _) in REFERENCES.items()}
    seen: set[str | None] = set()
    issues = log.issues
    for line, row in _first_rows(log.rows, seen):
        for column, codes in defined.items():
            code = _first_code(row.get(column))
            if code is not None and code not in codes:
                kind = broken[column]
                kind.launches += 1
                kind.examples[code] += 1
                issues.append(
                    Issue(
                        "launchlog.tsv",
                        line,
                        f"{column} {code!r} is not defined in {kind.file}.tsv; the launch is "
                        "kept without its name",
                        _raw(row),
                    )
                )
    return len(seen), [kind for kind in broken.values() if kind.launches]


def _first_rows(
    rows: Iterable[tuple[int, dict[str, str | None]]], seen: set[str | None]
) -> Iterable[tuple[int, dict[str, str | None]]]:
    """The first row of each launch tag (its payload rows repeat the launch's fields)."""
    for line, row in rows:
        tag = row.get("Launch_Tag")
        if tag not in seen:
            seen.add(tag)
            yield line, row


def _first_code(value: str | None) -> str | None:
    """GCAT joins codes with ``/`` (``JSC/MSFC``) and marks doubt with ``?``: the first,
    plain."""
    if not value:
        return None
    return value.split("/")[0].strip().rstrip("?") or None
