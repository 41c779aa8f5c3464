"""Time is timezone-aware UTC everywhere; these helpers enforce it at the boundaries.

Every command option and API parameter that takes a date reads it with :func:`parse_span`,
which accepts four forms, each naming a span of time:

======================  ==========================================================
``2023``                the whole year 2023 (UTC)
``2023-12``             the whole month of December 2023
``2023-12-01``          that UTC day
``2023-12-01T12:00Z``   that moment (an offset such as ``+05:00`` is converted; no
                        offset means UTC); a time stays a time, never cut to its day
======================  ==========================================================

A start (``--from``, ``from=``) is the beginning of its span and an end (``--to``, ``to=``)
its end, so ``--from 2023-12 --to 2023-12`` is all of December. Years outside
:data:`FIRST_YEAR`-:data:`LAST_YEAR` are refused with one line saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cosmodrome.errors import InputError

#: Years every date parameter accepts: the space age with room on both sides.
FIRST_YEAR = 1900
LAST_YEAR = 2200

FORMS = "2023, 2023-12, 2023-12-01 or 2023-12-01T12:00Z"
#: The forms above as the OpenAPI schema states them (``pattern`` of every date parameter),
#: years bounded to FIRST_YEAR-LAST_YEAR, so a client learns the bounds before it asks.
DATE_PATTERN = (
    r"^\s*(19[0-9]{2}|2[01][0-9]{2}|2200)"
    r"(-(0?[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01])"
    r"([T ][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?)?)?\s*$"
)

_YEAR = re.compile(r"^[+-]?\d+$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Span:
    """The time a date names: ``start`` (inclusive) to ``end`` (exclusive), UTC.

    ``precision`` is ``year``, ``month``, ``day`` or ``time``; a time's span is that instant.
    """

    start: datetime
    end: datetime
    precision: str

    @property
    def last_day(self) -> date:
        """The span's last UTC day (its own day for a time)."""
        if self.precision == "time":
            return self.start.date()
        return (self.end - timedelta(days=1)).date()


def require_utc(moment: datetime) -> datetime:
    """Return ``moment`` converted to UTC; refuse a naive datetime with the fix."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(
            f"cannot interpret a datetime that lacks a time zone: {moment!r}; "
            "pass e.g. datetime(2025, 6, 1, tzinfo=datetime.UTC)"
        )
    return moment.astimezone(UTC)


def _check_year(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"{text.strip()!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")


def _unreadable(text: str) -> InputError:
    return InputError(f"cannot read {text.strip()!r} as a date or time; use {FORMS}")


def parse_span(text: str) -> Span:
    """The span of time a date or time names (see the module's table).

    >>> s = parse_span("2023-12"); s.start.isoformat(), s.end.isoformat(), s.precision
    ('2023-12-01T00:00:00+00:00', '2024-01-01T00:00:00+00:00', 'month')
    >>> parse_span("2023-12-01T12:00").start.isoformat()
    '2023-12-01T12:00:00+00:00'
    >>> parse_span("99999")
    Traceback (most recent call last):
    cosmodrome.errors.InputError: '99999' is outside the years 1900-2200
    """
    cleaned = text.strip()
    if _YEAR.match(cleaned):
        year = int(cleaned)
        _check_year(year, text)
        start = datetime(year, 1, 1, tzinfo=UTC)
        return Span(start, start.replace(year=year + 1), "year")
    month = _MONTH.match(cleaned)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        _check_year(year, text)
        if not 1 <= number <= 12:
            raise _unreadable(text)
        start = datetime(year, number, 1, tzinfo=UTC)
        following = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=UTC)
        return Span(start, following, "month")
    iso = cleaned[:-1] + "+00:00" if cleaned.endswith(("Z", "z")) else cleaned
    leading = re.match(r"^(\d+)-", iso)
    if leading:
        _check_year(int(leading.group(1)), text)
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        raise _unreadable(text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    _check_year(moment.year, text)
    if len(cleaned) <= 10:  # a bare day: 2023-12-01 or 20231201
        return Span(moment, moment + timedelta(days=1), "day")
    return Span(moment, moment, "time")


def parse_utc(text: str) -> datetime:
    """Parse a date or a time as the UTC moment it starts; a value without offset is UTC.

    >>> parse_utc("2025-05-24T12:00Z").isoformat()
    '2025-05-24T12:00:00+00:00'
    >>> parse_utc("2022-02-24").isoformat(), parse_utc("2022-02").isoformat()
    ('2022-02-24T00:00:00+00:00', '2022-02-01T00:00:00+00:00')
    """
    return parse_span(text).start


def parse_day(text: str, *, end: bool = False) -> date:
    """Parse a date as a UTC day: the first of its span, or its last when it ends a period
    (``end=True``), so ``--from 2019 --to 2019`` covers the whole of 2019. For values that
    are one day (a migration cutoff, an event): a time is refused, never cut to its day.

    >>> parse_day("2019"), parse_day("2019", end=True), parse_day("2024-02", end=True)
    (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31), datetime.date(2024, 2, 29))
    >>> parse_day("2022-02-24T03:00Z")
    Traceback (most recent call last):
    cosmodrome.errors.InputError: '2022-02-24T03:00Z' is a time; give a UTC day such as 2022-02-24
    """
    span = parse_span(text)
    if span.precision == "time":
        raise InputError(
            f"{text.strip()!r} is a time; give a UTC day such as {span.start.date().isoformat()}"
        )
    return span.last_day if end else span.start.date()


def period_bound(text: str | None, *, end: bool = False) -> date | datetime | None:
    """A start (or, with ``end``, an inclusive end) as a filter takes it: a UTC day for a
    year, month or day, a UTC moment for a time; ``None`` for an empty value."""
    if text is None or not text.strip():
        return None
    span = parse_span(text)
    if span.precision == "time":
        return span.start
    return span.last_day if end else span.start.date()


def first_moment(bound: date | datetime) -> datetime:
    """A start as a moment: a day begins at midnight UTC, a time is itself.

    >>> first_moment(date(2024, 12, 1)).isoformat()
    '2024-12-01T00:00:00+00:00'
    """
    if isinstance(bound, datetime):
        return require_utc(bound)
    return datetime(bound.year, bound.month, bound.day, tzinfo=UTC)


def last_moment(bound: date | datetime) -> datetime:
    """An inclusive end as a moment: a day lasts to its last microsecond, a time is itself.

    >>> last_moment(date(2024, 12, 31)).isoformat()
    '2024-12-31T23:59:59.999999+00:00'
    """
    if isinstance(bound, datetime):
        return require_utc(bound)
    return first_moment(bound) + timedelta(days=1) - timedelta(microseconds=1)


def parse_period(
    start: str | None, end: str | None, *, names: tuple[str, str] = ("--from", "--to")
) -> tuple[date | datetime | None, date | datetime | None]:
    """``start`` and ``end`` as :func:`period_bound` reads them, refusing a period that
    runs backwards; ``names`` are how the message calls the two (flags, or API fields).

    >>> parse_period("2023-12", "2023-12")
    (datetime.date(2023, 12, 1), datetime.date(2023, 12, 31))
    """
    first, last = period_bound(start), period_bound(end, end=True)
    backwards = first is not None and last is not None and first_moment(first) > last_moment(last)
    if backwards:
        raise InputError(
            f"{names[0]} {start!s} is after {names[1]} {end!s}: the period runs backwards"
        )
    return first, last


def isoformat_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix, as in every JSON output."""
    return require_utc(moment).isoformat().replace("+00:00", "Z")
