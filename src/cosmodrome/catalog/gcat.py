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
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from cosmodrome.errors import SourceError
from cosmodrome.naming import closest_names

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
    """One GCAT file as read: its columns, the rows kept (as tab-separated text, each row
    prefixed by its 1-based line number), the rows that could not be read, and the text of
    its ``# Updated`` line."""

    columns: tuple[str, ...]
    rows_text: str
    rows: int
    issues: list[Issue]
    updated: str | None


#: A control character other than the tab that separates fields.
_CONTROL_IN_ROW = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
#: The characters ``str.strip()`` removes from a field that DuckDB's ``trim`` keeps: fields
#: with one are stripped here, the rest (nearly all) in SQL.
_UNTRIMMED = re.compile("[\x85\u2028\u2029]")
#: Every byte but the control characters, and the three that separate fields and lines: a
#: file's bytes without these are its control characters (``bytes.translate`` finds them
#: at memory speed, where a regular expression over the decoded text took half the read).
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 0x20 or b == 0x7F))
_SEPARATORS = b"\t\n\r"


def read_table(path: Path, label: str | None = None, required: Sequence[str] = ()) -> Table:
    """Read a GCAT TSV file; rows with the wrong number of fields become issues.

    Each line is looked at once, as a whole (its fields are split by DuckDB in
    :func:`load_table`). ``required`` names the columns the caller reads; a header lacking
    one of them raises :class:`GcatFileError` naming the closest column the file has.
    """
    label = label or path.name
    data = path.read_bytes()
    if not data:
        raise GcatFileError(label, 1, "the file is empty")
    has_control = bool(data.translate(None, _NOT_CONTROL).translate(None, _SEPARATORS))
    untrimmed = any(s.encode() in data for s in ("\x85", "\u2028", "\u2029"))
    text = data.decode("utf-8-sig", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the newline ending the last line
    columns: tuple[str, ...] = ()
    header_line = 0
    kept: list[str] = []
    issues: list[Issue] = []
    updated: str | None = None
    tabs = -1
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            if not columns:
                columns = tuple(name.strip() for name in line[1:].split("\t"))
                header_line, tabs = number, len(columns) - 1
                check_header(label, number, columns, required)
            elif line[1:].strip().startswith("Updated"):
                updated = line[1:].strip().removeprefix("Updated").strip()
            continue
        if not line or line.isspace():
            continue
        if not columns:
            raise GcatFileError(
                label, number, "data before the '#'-prefixed header line naming the columns"
            )
        if (found := line.count("\t")) != tabs:
            reason = f"expected {tabs + 1} fields, found {found + 1}"
            issues.append(Issue(label, number, reason, line))
            continue
        if has_control and _CONTROL_IN_ROW.search(line):
            line = _CONTROL_IN_ROW.sub("", line)
        if untrimmed and _UNTRIMMED.search(line):
            line = "\t".join(field.strip() for field in line.split("\t"))
        kept.append(f"{number}\t{line}")
    if not columns:
        raise GcatFileError(label, 1, "no '#'-prefixed header line naming the columns")
    last = lines[-1] if lines else ""
    if not data.endswith(b"\n") and last.count("\t") != tabs:
        raise GcatFileError(
            label,
            len(lines),
            "the file ends in the middle of a row (a truncated download or copy?)",
        )
    if not kept:
        raise GcatFileError(label, header_line, "the file has a header but no rows")
    return Table(columns, "\n".join(kept) + "\n", len(kept), issues, updated)


def load_table(con: duckdb.DuckDBPyConnection, name: str, table: Table) -> None:
    """``table`` as the temporary table ``raw_<name>``: ``line``, then one text column per
    header column, named as the header names it; each field stripped as ``str.strip()``
    strips (GCAT pads with spaces), ``-`` and the empty field NULL (both mean "none")."""
    names = [column or f"_column_{index}" for index, column in enumerate(table.columns, 1)]
    fields = {"line": "INTEGER", **{f"c{index}": "VARCHAR" for index in range(len(names))}}
    cleaned = ", ".join(
        f"nullif(nullif(trim(c{index}), ''), '-') AS {quoted(column)}"
        for index, column in enumerate(names)
    )
    with tempfile.TemporaryDirectory(prefix="cosmodrome-gcat-") as folder:
        rows = Path(folder) / f"{name}.tsv"
        rows.write_text(table.rows_text, encoding="utf-8")
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE raw_{name} AS SELECT line, {cleaned} "
            "FROM read_csv(?, delim = '\t', header = false, quote = '', escape = '', "
            f"new_line = '\\n', auto_detect = false, columns = {fields!r}, "
            f"max_line_size = {max(len(table.rows_text), 2_097_152)})",
            [str(rows)],
        )


def quoted(column: str) -> str:
    """A column name as SQL writes it."""
    return '"' + column.replace('"', '""') + '"'


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
    if year.isdecimal() and len(year) < 4:
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
