"""Time is timezone-aware UTC everywhere; these helpers enforce it at the boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime

from cosmodrome.errors import InputError


def require_utc(moment: datetime) -> datetime:
    """Return ``moment`` converted to UTC; refuse a naive datetime with the fix."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(
            f"cannot interpret a datetime that lacks a time zone: {moment!r}; "
            "pass e.g. datetime(2025, 6, 1, tzinfo=datetime.UTC)"
        )
    return moment.astimezone(UTC)


def parse_utc(text: str) -> datetime:
    """Parse an ISO 8601 date or date-time; a value without offset is taken as UTC.

    >>> parse_utc("2025-05-24T12:00Z").isoformat()
    '2025-05-24T12:00:00+00:00'
    >>> parse_utc("2022-02-24").isoformat()
    '2022-02-24T00:00:00+00:00'
    """
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        try:
            year = int(cleaned)
        except ValueError:
            raise InputError(
                f"cannot read {text!r} as a date; use ISO 8601 such as 2022-02-24 "
                "or 2025-05-24T12:00Z"
            ) from None
        moment = datetime(year, 1, 1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_day(text: str, *, end: bool = False) -> date:
    """Parse a date (``2022-02-24``) or a bare year.

    A bare year names its first day, or its last day when it ends a period (``end=True``),
    so ``--from 2019 --to 2019`` covers the whole of 2019.

    >>> parse_day("2019"), parse_day("2019", end=True)
    (datetime.date(2019, 1, 1), datetime.date(2019, 12, 31))
    """
    day = parse_utc(text).date()
    if end and text.strip().isdigit():
        return date(day.year, 12, 31)
    return day


def isoformat_z(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z`` suffix, as in every JSON output."""
    return require_utc(moment).isoformat().replace("+00:00", "Z")
