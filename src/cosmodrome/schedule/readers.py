"""Readers for schedule snapshots: the CSV and JSON exports, and Launch Library 2 pages.

Each reader returns a :class:`Snapshot`: the entries it could read and an :class:`Issue`
(file, line, field, raw value, reason) for every value it could not, so nothing is dropped
silently. Traps of the exports (see ``../shared/data/README.md``):

- CSV ``launch_time`` mixes exact times (``Sun Oct 20, 2024 05:13 UTC``) with "NET" days,
  months, ordinal quarters (``NET 4th Quarter, 2024``), halves (``NET 1st Half 2025``) and
  years (``NET 2024``).
- JSON ``launch_date`` is falsely precise (``2026-12-15T00:00:00`` for "No earlier than
  2026"); the real precision is in ``launch_window``, which wins. A day in the window
  often lacks its year (``No earlier than April 7``), which then comes from ``launch_date``;
  ``launch_date`` may be null.
- A window's close time earlier than its open time is on the next day.

A file that cannot be read as a whole (not UTF-8, not a CSV with the export's columns, not
a JSON array, unbalanced quotes or brackets, cut short) raises :class:`ScheduleFileError`
(file, line, reason) and nothing of it is kept; a row that cannot be read is an
:class:`Issue` and the rest of the file is kept. Reading is linear in the file's size.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cosmodrome.errors import SourceError
from cosmodrome.schedule import precision as p
from cosmodrome.schedule.precision import Precision, TargetDate
from cosmodrome.text import without_control

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}


class ScheduleFileError(SourceError):
    """A schedule file that cannot be read as a whole: the file, the line and why."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        self.file, self.line, self.reason = file, line, reason
        super().__init__(f"{file}, line {line}: {reason}")


#: What a row's reader may raise for a value it cannot read (a year past 9999 overflows).
ROW_ERRORS = (ValueError, OverflowError, TypeError, KeyError)


@dataclass(frozen=True)
class Issue:
    """A value that could not be read or matched: where, what, why."""

    file: str
    line: int
    field: str
    raw: str
    reason: str


@dataclass(frozen=True)
class Entry:
    """One scheduled launch as a snapshot lists it (names raw, as the source wrote them)."""

    line: int
    payload: str
    vehicle: str
    site: str
    target: TargetDate
    target_text: str
    provider: str | None = None
    customer: str | None = None
    status: str | None = None
    window_start: datetime | None = None
    window_end: datetime | None = None
    source_id: str | None = None
    description: str | None = None


@dataclass
class Snapshot:
    """What one schedule file (or API answer) listed, as of ``as_of``."""

    kind: str
    file: str
    as_of: datetime | None
    entries: list[Entry] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


_DATE_IN_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def as_of_from_name(path: Path) -> datetime | None:
    """The snapshot date in a file name such as ``upcoming-2024-10-18.csv`` (00:00 UTC)."""
    found = _DATE_IN_NAME.search(path.name)
    if not found:
        return None
    year_, month_, day_ = (int(g) for g in found.groups())
    return datetime(year_, month_, day_, tzinfo=UTC)


def read_file(path: Path) -> Snapshot:
    """Read a CSV or JSON export (or a saved Launch Library 2 page), by its suffix."""
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".json"}:
        raise ScheduleFileError(
            path.name, 1, "not a schedule export: expected a .csv or .json file"
        )
    text = read_text(path)
    if suffix == ".csv":
        return read_csv_text(text, path.name, as_of_from_name(path))
    if text.lstrip().startswith("{"):
        from cosmodrome.schedule.ll2 import read_ll2_page

        return read_ll2_page(text, path.name, as_of_from_name(path))
    return read_json_text(text, path.name, as_of_from_name(path))


def read_text(path: Path) -> str:
    """The file as UTF-8 text (a byte-order mark skipped); bytes that are not UTF-8 are an
    error naming their line."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ScheduleFileError(path.name, 1, f"cannot be read: {error.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ScheduleFileError(
            path.name, line, f"not UTF-8 text (byte 0x{data[error.start]:02x})"
        ) from None


# --- CSV export ---------------------------------------------------------------------------

_CSV_EXACT = re.compile(
    r"^(?:[A-Za-z]{3} )?(?P<mon>[A-Za-z]{3,9})\.? (?P<day>\d{1,2}), (?P<year>\d{4})"
    r"(?: (?P<hh>\d{2}):(?P<mm>\d{2})(?::(?P<ss>\d{2}))? UTC)?$"
)
_CSV_MONTH = re.compile(r"^(?P<mon>[A-Za-z]{3,9}),? (?P<year>\d{4})$")
_CSV_QUARTER = re.compile(
    r"^(?:Q(?P<q1>[1-4])|(?P<q2>[1-4])(?:st|nd|rd|th) Quarter),? (?P<year>\d{4})$"
)
_CSV_HALF = re.compile(r"^(?:H(?P<h1>[12])|(?P<h2>[12])(?:st|nd) Half),? (?P<year>\d{4})$")
_YEAR = re.compile(r"^(?P<year>\d{4})$")


def parse_csv_time(text: str) -> TargetDate:
    """Read a CSV ``launch_time``; raises ``ValueError`` naming the accepted forms.

    >>> parse_csv_time("NET 4th Quarter, 2024").label, parse_csv_time("NET 2nd Half 2025").label
    ('NET 2024-Q4', 'NET 2025-H2')
    >>> parse_csv_time("Sun Oct 20, 2024 05:13 UTC").label
    '2024-10-20T05:13Z'
    """
    cleaned = " ".join(text.split())
    net = cleaned.upper().startswith("NET ")
    body = cleaned[4:] if net else cleaned
    if body.upper() in {"TBD", ""}:
        return p.TBD
    return _parse_common(body, net, text)


def _parse_common(body: str, net: bool, raw: str) -> TargetDate:
    if found := _CSV_EXACT.match(body):
        mon = _month_number(found["mon"], raw)
        if found["hh"] is None:
            return p.day(int(found["year"]), mon, int(found["day"]), net=net)
        moment = datetime(
            int(found["year"]),
            mon,
            int(found["day"]),
            int(found["hh"]),
            int(found["mm"]),
            int(found["ss"] or 0),
            tzinfo=UTC,
        )
        return p.instant(moment, Precision.SECOND if found["ss"] else Precision.MINUTE, net=net)
    if found := _CSV_MONTH.match(body):
        return p.month(int(found["year"]), _month_number(found["mon"], raw), net=net)
    if found := _CSV_QUARTER.match(body):
        return p.quarter(int(found["year"]), int(found["q1"] or found["q2"]), net=net)
    if found := _CSV_HALF.match(body):
        return p.half(int(found["year"]), int(found["h1"] or found["h2"]), net=net)
    if found := _YEAR.match(body):
        return p.year(int(found["year"]), net=net)
    raise ValueError(
        f"cannot read {raw!r} as a launch date; expected e.g. 'Sun Oct 20, 2024 05:13 UTC', "
        "'NET Nov 21, 2024', 'NET November, 2024', 'NET 4th Quarter, 2024', "
        "'NET 1st Half 2025' or 'NET 2024'"
    )


def _month_number(name: str, raw: str) -> int:
    try:
        return MONTHS[name.casefold()]
    except KeyError:
        raise ValueError(f"cannot read the month {name!r} in {raw!r}") from None


CSV_REQUIRED = ("title", "launch_time", "location", "rocket_data.rocket_name")


def read_csv_export(path: Path) -> Snapshot:
    """Read a CSV export (``title``, ``launch_time``, ``location``, ``rocket_data.*``)."""
    return read_csv_text(read_text(path), path.name, as_of_from_name(path))


def read_csv_text(text: str, file: str, as_of: datetime | None) -> Snapshot:
    """Read a CSV export's text. Quotes are read strictly: an unclosed quote would otherwise
    swallow the rest of the file into one field."""
    snapshot = Snapshot("csv", file, as_of)
    reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
    line = 0
    try:
        missing = [name for name in CSV_REQUIRED if name not in (reader.fieldnames or [])]
        if missing:
            raise ScheduleFileError(
                file, 1, f"not a schedule CSV export: the header lacks {', '.join(missing)}"
            )
        line = reader.line_num
        for row in reader:
            # A quoted field may span lines: the record starts after the previous one ended.
            start_line, line = line + 1, reader.line_num
            _read_csv_row(snapshot, row, start_line, len(reader.fieldnames or ()))
    except csv.Error as error:
        raise ScheduleFileError(file, line + 1, f"not readable as CSV: {error}") from None
    return snapshot


def _read_csv_row(snapshot: Snapshot, row: dict[str, str], line: int, width: int) -> None:
    # DictReader puts extra fields under the key None and fills missing ones with None.
    extra = len(row.get(None) or ())  # type: ignore[call-overload]
    missing = sum(value is None for key, value in row.items() if key is not None)
    if extra or missing:
        found = width + extra - missing
        snapshot.issues.append(
            Issue(snapshot.file, line, "(row)", "", f"expected {width} fields, found {found}")
        )
        return
    raw_time = (row.get("launch_time") or "").strip()
    try:
        target = parse_csv_time(raw_time)
    except ROW_ERRORS as error:
        snapshot.issues.append(Issue(snapshot.file, line, "launch_time", raw_time, str(error)))
        target = p.TBD
    snapshot.entries.append(
        Entry(
            line=line,
            payload=without_control(row.get("title") or ""),
            vehicle=without_control(row.get("rocket_data.rocket_name") or ""),
            site=without_control(row.get("location") or ""),
            target=target,
            target_text=raw_time,
            status=(row.get("mission_status") or "").strip() or None,
            description=(row.get("mission_data.description") or "").strip() or None,
        )
    )


# --- JSON export --------------------------------------------------------------------------


def json_array_items(text: str, file: str = "(json)") -> Iterator[tuple[int, object]]:
    """Each element of a top-level JSON array with the line it starts on.

    Lines are counted as the reading goes (linear in the text); anything but an array of
    values separated by commas is a :class:`ScheduleFileError` naming its line."""
    decoder = json.JSONDecoder()
    index, line, counted = _skip_space(text, 0), 1, 0

    def line_at(position: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, position)
        counted = position
        return line

    if index >= len(text) or text[index] != "[":
        what = "the file is empty" if index >= len(text) else "expected a JSON array ([...])"
        raise ScheduleFileError(file, line_at(index), what)
    index = _skip_space(text, index + 1)
    first = True
    while True:
        if index >= len(text):
            raise ScheduleFileError(file, line_at(index), "the array is never closed (cut short?)")
        if text[index] == "]":
            break
        if not first:
            if text[index] != ",":
                raise ScheduleFileError(file, line_at(index), "expected ',' or ']'")
            index = _skip_space(text, index + 1)
        try:
            value, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError as error:
            raise ScheduleFileError(file, error.lineno, f"not JSON: {error.msg}") from None
        except RecursionError:
            raise ScheduleFileError(file, line_at(index), "JSON nested too deeply") from None
        yield line_at(index), value
        index, first = _skip_space(text, end), False
    if _skip_space(text, index + 1) < len(text):
        raise ScheduleFileError(file, line_at(index + 1), "text after the closing ']'")


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


_WINDOW_TIMES = re.compile(
    r"window opens at (?P<open>\d{4}) UTC(?:, closes at (?P<close>\d{4}) UTC)?", re.IGNORECASE
)
_NET_PREFIX = re.compile(r"^no earlier than\s+", re.IGNORECASE)
_NLT = re.compile(r",\s*no later than\s+", re.IGNORECASE)
_TIME_TBD = re.compile(r",\s*time TBD$", re.IGNORECASE)
_DAY_NO_YEAR = re.compile(r"^(?P<mon>[A-Za-z]{3,9}) (?P<day>\d{1,2})$")


def parse_json_window(
    window: str, launch_date: datetime | None
) -> tuple[TargetDate, datetime | None, datetime | None]:
    """Read ``launch_window`` (with ``launch_date`` only for a missing year or an exact day).

    Returns the target and the window's open and close times, if given.

    >>> parse_json_window("No earlier than December 2026, time TBD", None)[0].label
    'NET 2026-12'
    >>> parse_json_window("No earlier than April 7, time TBD", datetime(2026, 4, 7))[0].label
    'NET 2026-04-07'
    """
    text = " ".join(window.split())
    if text.upper() == "TBD":
        return p.TBD, None, None
    times = _WINDOW_TIMES.search(text)
    remainder = _WINDOW_TIMES.sub("", text).strip().rstrip(",").strip()
    remainder = _TIME_TBD.sub("", remainder).strip()
    net = bool(_NET_PREFIX.match(remainder))
    remainder = _NET_PREFIX.sub("", remainder)
    if not remainder:
        if launch_date is None:
            raise ValueError(f"window {window!r} gives no day and launch_date is empty")
        base = p.day(launch_date.year, launch_date.month, launch_date.day, net=net)
    else:
        parts = _NLT.split(remainder)
        base = _json_period(parts[0], net, launch_date, window)
        if len(parts) == 2:
            last = _json_period(parts[1], False, launch_date, window)
            base = p.until(base, last)
    if times is None:
        return base, None, None
    assert base.start is not None
    opens = base.start + _hhmm(times["open"])
    closes = None
    if times["close"]:
        closes = base.start + _hhmm(times["close"])
        if closes < opens:
            closes += timedelta(days=1)
    return p.instant(opens, Precision.MINUTE, net=net), opens, closes


def _hhmm(text: str) -> timedelta:
    hours, minutes = int(text[:2]), int(text[2:])
    if hours > 23 or minutes > 59:
        raise ValueError(f"{text} is not a time of day (HHMM, 0000-2359)")
    return timedelta(hours=hours, minutes=minutes)


def _json_period(text: str, net: bool, launch_date: datetime | None, raw: str) -> TargetDate:
    text = text.strip().rstrip(",")
    if found := _DAY_NO_YEAR.match(text):
        if launch_date is None:
            raise ValueError(f"{raw!r} gives no year and launch_date is empty")
        year_ = launch_date.year
        return p.day(year_, _month_number(found["mon"], raw), int(found["day"]), net=net)
    return _parse_common(text, net, raw)


def _launch_date(value: object) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def split_payload(description: str) -> tuple[str, str | None]:
    """``"Artemis 2 — first crewed ..."`` -> ``("Artemis 2", "first crewed ...")``."""
    name, dash, rest = description.partition(" \u2014 ")
    return name.strip(), (rest.strip() or None) if dash else None


JSON_FIELDS = (
    "launch_date", "vehicle", "launch_site", "operator", "payload_description",
    "launch_window", "source_id",
)  # fmt: skip


def read_json_export(path: Path) -> Snapshot:
    """Read a JSON export: an array of ``launch_date, vehicle, launch_site, operator,
    payload_description, launch_window, source_id`` objects."""
    return read_json_text(read_text(path), path.name, as_of_from_name(path))


def read_json_text(text: str, file: str, as_of: datetime | None) -> Snapshot:
    """Read a JSON export's text; an item that is not an object with the export's fields is
    an issue, and a file none of whose items is one is refused."""
    snapshot = Snapshot("json", file, as_of)
    items = 0
    for line, item in json_array_items(text, file):
        items += 1
        if not isinstance(item, dict) or not any(key in item for key in JSON_FIELDS):
            raw = json.dumps(item)[:200]
            snapshot.issues.append(
                Issue(file, line, "(row)", raw, f"not a launch: expected {', '.join(JSON_FIELDS)}")
            )
            continue
        try:
            _read_json_item(snapshot, item, line)
        except ROW_ERRORS as error:
            snapshot.issues.append(Issue(file, line, "(row)", json.dumps(item)[:200], str(error)))
    if items and not snapshot.entries:
        raise ScheduleFileError(file, 1, f"none of its {items} items is a scheduled launch")
    return snapshot


def _text(item: dict[str, object], key: str) -> str:
    """A text field of a JSON item ("" when absent, control characters removed); a list or
    object there is an error."""
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise ValueError(f"{key} is a JSON {type(value).__name__}, not text")
    return without_control(str(value))


def _read_json_item(snapshot: Snapshot, item: dict[str, object], line: int) -> None:
    window = _text(item, "launch_window")
    raw_date = _text(item, "launch_date")
    try:
        launch_date = _launch_date(raw_date)
    except ROW_ERRORS:
        snapshot.issues.append(
            Issue(snapshot.file, line, "launch_date", raw_date, "not an ISO 8601 date-time")
        )
        launch_date = None
    opens = closes = None
    try:
        target, opens, closes = parse_json_window(window or "TBD", launch_date)
    except ROW_ERRORS as error:
        snapshot.issues.append(Issue(snapshot.file, line, "launch_window", window, str(error)))
        target = p.TBD
    if target.precision is Precision.TBD and launch_date is not None:
        snapshot.issues.append(
            Issue(
                snapshot.file,
                line,
                "launch_date",
                raw_date,
                f"ignored: launch_window says {window or 'nothing'!r}, so the date is TBD",
            )
        )
    elif launch_date is not None and not target.overlaps(launch_date, launch_date + timedelta(1)):
        snapshot.issues.append(
            Issue(
                snapshot.file,
                line,
                "launch_date",
                raw_date,
                f"outside launch_window {window!r}; the window wins",
            )
        )
    name, rest = split_payload(_text(item, "payload_description"))
    snapshot.entries.append(
        Entry(
            line=line,
            payload=name,
            vehicle=_text(item, "vehicle"),
            site=_text(item, "launch_site"),
            target=target,
            target_text=window,
            customer=_text(item, "operator") or None,
            window_start=opens,
            window_end=closes,
            source_id=_text(item, "source_id") or None,
            description=rest,
        )
    )
