"""Read GCAT's tab-separated files: headers, padding, vague dates and validity periods.

GCAT files start with a ``#``-prefixed header line and may carry ``# Updated ...`` comment
lines; fields are space-padded; ``-`` means "none". Dates are *vague*: ``1957 Oct  4
1928:34`` (to the second), ``1957 Oct  4 1928`` (minute), ``1957 Oct  4`` (day),
``1957 Oct`` (month) or ``1957`` (year), any of them followed by ``?`` when uncertain.

Rows that cannot be read are returned as :class:`Issue` records (file, line, reason) so the
caller can quarantine them; nothing is dropped silently. A file that cannot be read as a
whole (empty, no header, a header without rows, a missing, renamed or duplicated column, or
cut in the middle of its last row) raises :class:`GcatFileError` instead: quarantining its
rows one by one would build a catalog that silently lacks them. A UTF-8 byte-order mark is
skipped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from cosmodrome.errors import SourceError
from cosmodrome.naming import closest_names
from cosmodrome.text import without_control

MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
VAGUE_DATE = re.compile(
    r"^(?P<year>\d{4})"
    r"(?:\s+(?P<month>[A-Z][a-z]{2})"
    r"(?:\s+(?P<day>\d{1,2})"
    r"(?:\s+(?P<hh>\d{2})(?P<mm>\d{2})(?::(?P<ss>\d{2})(?:\.\d+)?)?h?)?)?)?"
    r"\s*(?P<uncertain>\?)?$"
)
DECADE = re.compile(r"^(?P<decade>\d{3}0)s$")
DATE_FORMAT_HELP = "expected a GCAT date such as '1957 Oct  4 1928:34', '1957 Oct  4' or '1957 Oct'"


class GcatFormatError(ValueError):
    """A GCAT field that does not follow the documented format."""


class GcatFileError(SourceError):
    """A GCAT file that cannot be read as a whole; names the file, the line and the reason."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        super().__init__(f"{file}, line {line}: {reason}")


@dataclass(frozen=True)
class Issue:
    """An input row that could not be read: where it is and why."""

    file: str
    line: int
    reason: str
    raw: str


@dataclass(frozen=True)
class VagueDate:
    """A GCAT date: the start of the interval it names, how precise it is, and doubt."""

    start_utc: datetime
    precision: str  # second, minute, day, month or year
    uncertain: bool


@dataclass(frozen=True)
class Table:
    """The rows of one GCAT file, each with its 1-based line number."""

    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, str | None]]]
    issues: list[Issue]
    updated: str | None


def read_table(path: Path, label: str | None = None, required: Sequence[str] = ()) -> Table:
    """Read a GCAT TSV file; rows with the wrong number of fields become issues.

    ``required`` names the columns the caller reads; a header lacking one of them raises
    :class:`GcatFileError` naming the closest column the file has.
    """
    label = label or path.name
    columns: tuple[str, ...] = ()
    header_line = 0
    rows: list[tuple[int, dict[str, str | None]]] = []
    issues: list[Issue] = []
    updated: str | None = None
    number, line = 0, ""  # after the loop: the last line and its number
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            text = line.rstrip("\r\n")
            if text.startswith("#"):
                if not columns:
                    columns = tuple(name.strip() for name in text[1:].split("\t"))
                    header_line = number
                    check_header(label, number, columns, required)
                elif text[1:].strip().startswith("Updated"):
                    updated = text[1:].strip().removeprefix("Updated").strip()
                continue
            if not text or text.isspace():
                continue
            if not columns:
                raise GcatFileError(
                    label, number, "data before the '#'-prefixed header line naming the columns"
                )
            fields = text.split("\t")
            if len(fields) != len(columns):
                issues.append(
                    Issue(
                        label, number, f"expected {len(columns)} fields, found {len(fields)}", text
                    )
                )
                continue
            rows.append((number, dict(zip(columns, cleaned(text, fields), strict=True))))
    if number == 0:
        raise GcatFileError(label, 1, "the file is empty")
    if not columns:
        raise GcatFileError(label, 1, "no '#'-prefixed header line naming the columns")
    if not line.endswith("\n") and len(line.rstrip("\r\n").split("\t")) != len(columns):
        raise GcatFileError(
            label,
            number,
            "the file ends in the middle of a row (a truncated download or copy?)",
        )
    if not rows:
        raise GcatFileError(label, header_line, "the file has a header but no rows")
    return Table(columns, rows, issues, updated)


def check_header(label: str, line: int, columns: tuple[str, ...], required: Sequence[str]) -> None:
    """Refuse a header with a duplicated column or without a column the reader needs."""
    seen: set[str] = set()
    for name in columns:
        if name in seen:
            raise GcatFileError(label, line, f"column {name!r} appears twice in the header")
        seen.add(name)
    missing = [name for name in required if name not in seen]
    if missing:
        unknown = [name for name in columns if name not in required]
        hints = {name: closest_names(name, unknown, n=1) for name in missing}
        described = ", ".join(
            f"{name!r}" + (f" (found {hints[name][0]!r})" if hints[name] else "")
            for name in missing
        )
        raise GcatFileError(label, line, f"the header lacks the column(s) {described}")


#: A control character other than the tab that separates fields.
_CONTROL_IN_ROW = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def cleaned(line: str, fields: list[str]) -> list[str | None]:
    """:func:`clean` of each field of ``line``, checked for control characters once per line
    (checked per field, cleaning was most of reading the files, a quarter of a build)."""
    if _CONTROL_IN_ROW.search(line):
        return [clean(field) for field in fields]
    return [None if (value := field.strip()) in ("", "-") else value for field in fields]


def clean(field: str) -> str | None:
    """Strip GCAT's space padding and any control character (a NUL in a name would reach
    every table and page); ``-`` and the empty string mean "none"."""
    value = without_control(field)
    return None if value in ("", "-") else value


def parse_vague_date(text: str) -> VagueDate:
    """Parse a GCAT vague date into the UTC start of its interval.

    >>> parse_vague_date("1957 Oct  4 1928:34").start_utc.isoformat()
    '1957-10-04T19:28:34+00:00'
    >>> parse_vague_date("1961 Apr?").precision
    'month'
    """
    match = VAGUE_DATE.match(text.strip())
    if match is None or (match["month"] and match["month"] not in MONTHS):
        raise GcatFormatError(f"cannot read date {text!r}: {DATE_FORMAT_HELP}")
    parts = match.groupdict()
    month = MONTHS[parts["month"]] if parts["month"] else 1
    day = int(parts["day"]) if parts["day"] else 1
    hour = int(parts["hh"]) if parts["hh"] else 0
    minute = int(parts["mm"]) if parts["mm"] else 0
    second = int(parts["ss"]) if parts["ss"] else 0
    try:
        start = datetime(int(parts["year"]), month, day, hour, minute, second, tzinfo=UTC)
    except ValueError as error:
        raise GcatFormatError(f"cannot read date {text!r}: {error}") from None
    precision = next(
        name
        for name, key in (
            ("second", "ss"),
            ("minute", "mm"),
            ("day", "day"),
            ("month", "month"),
            ("year", "year"),
        )
        if parts[key]
    )
    return VagueDate(start, precision, bool(parts["uncertain"]))


def parse_period_bound(text: str | None, *, end: bool) -> date | None:
    """A validity-period bound (``TStart``/``TStop``) as a date; ``*``, ``?`` or none is open.

    An end bound names the last day of its interval: ``1989`` ends on 1989-12-31 and
    ``1960s`` on 1969-12-31. Ancient years (``509``, for historic states) are allowed.
    """
    cleaned = (text or "").strip().rstrip("?").strip()
    if cleaned in ("*", "-", ""):
        return None
    decade = DECADE.match(cleaned)
    if decade:
        first = int(decade["decade"])
        return date(first + 9, 12, 31) if end else date(first, 1, 1)
    year, _, rest = cleaned.partition(" ")
    if year.isdigit() and len(year) < 4:
        cleaned = f"{int(year):04d} {rest}".strip()
    vague = parse_vague_date(cleaned)
    start = vague.start_utc.date()
    if not end:
        return start
    if vague.precision == "year":
        return date(start.year, 12, 31)
    if vague.precision == "month":
        following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    return start


def parse_number(text: str | None) -> float | None:
    """A numeric field; GCAT flags such as ``?`` or ``~`` around it are ignored."""
    if text is None:
        return None
    stripped = text.strip().strip("?~<>*")
    if stripped in ("", "-"):
        return None
    return float(stripped)
