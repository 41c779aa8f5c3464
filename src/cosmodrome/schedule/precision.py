"""Target dates that know how precisely they are known.

A schedule says "NET Nov 21, 2024", "NET 4th Quarter, 2024" or "No earlier than 2026": each
is a :class:`TargetDate`, an interval ``[start, end)`` in UTC with its :class:`Precision`
and whether the source said "no earlier than". Output never claims more than the source:

>>> from datetime import UTC, datetime
>>> quarter(2025, 4, net=True).label
'NET 2025-Q4'
>>> month(2026, 12).label, year(2026, net=True).label
('2026-12', 'NET 2026')
>>> day(2024, 11, 21, net=True).end.isoformat()
'2024-11-22T00:00:00+00:00'
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from cosmodrome.timeutil import FIRST_YEAR, LAST_YEAR


class Precision(StrEnum):
    """How precisely a target date is known, finest first."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half-year"
    YEAR = "year"
    TBD = "tbd"

    @property
    def rank(self) -> int:
        return list(Precision).index(self)


@dataclass(frozen=True)
class TargetDate:
    """A target launch date: the interval ``[start, end)`` the source allows.

    ``start`` and ``end`` are ``None`` only for :attr:`Precision.TBD`. ``until`` is the
    precision of a "no later than" end when the source gave one ("No earlier than
    September 28, no later than May 2027"); the interval then runs to that end.
    """

    precision: Precision
    start: datetime | None
    end: datetime | None
    net: bool = False
    until: Precision | None = None

    @property
    def label(self) -> str:
        """The date as the source gave it, ISO-like: ``2024-11-21``, ``NET 2025-Q4``."""
        if self.precision is Precision.TBD or self.start is None:
            return "TBD"
        text = _format(self.start, self.precision)
        if self.until is not None and self.end is not None:
            last = self.end - timedelta(microseconds=1)
            text = f"{text} to {_format(last, self.until)}"
        return f"NET {text}" if self.net else text

    @property
    def midpoint(self) -> datetime | None:
        if self.start is None or self.end is None:
            return None
        return self.start + (self.end - self.start) / 2

    def sort_key(self) -> tuple[datetime, datetime, int]:
        """By the end of the interval (the last moment the source allows), then its start:
        2026-04-04 before NET 2026-Q2 before NET 2026; TBD last."""
        far = datetime.max.replace(tzinfo=UTC)
        return (self.end or far, self.start or far, self.precision.rank)

    def overlaps(self, first: datetime | None, last: datetime | None) -> bool:
        """Whether the interval meets ``[first, last)`` (``None`` is open); TBD meets all."""
        if self.start is None or self.end is None:
            return True
        return (last is None or self.start < last) and (first is None or self.end > first)

    def with_net(self, net: bool) -> TargetDate:
        return replace(self, net=net)


def _format(moment: datetime, precision: Precision) -> str:
    formats = {
        Precision.SECOND: "%Y-%m-%dT%H:%M:%SZ",
        Precision.MINUTE: "%Y-%m-%dT%H:%MZ",
        Precision.HOUR: "%Y-%m-%dT%HZ",
        Precision.DAY: "%Y-%m-%d",
        Precision.MONTH: "%Y-%m",
        Precision.YEAR: "%Y",
    }
    if precision in formats:
        return moment.strftime(formats[precision])
    if precision is Precision.WEEK:
        iso = moment.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if precision is Precision.QUARTER:
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    return f"{moment.year}-H{1 if moment.month <= 6 else 2}"


def _check_year(year_: int) -> None:
    """Refuse a year no schedule means (``9999``): its interval's end would overflow, and
    one such target would stretch every series to it. The year after the last is allowed
    as the end of an interval in the last."""
    if not FIRST_YEAR <= year_ <= LAST_YEAR + 1:
        raise ValueError(f"year {year_} is outside {FIRST_YEAR}-{LAST_YEAR}")


def _utc(year_: int, month_: int = 1, day_: int = 1) -> datetime:
    _check_year(year_)
    return datetime(year_, month_, day_, tzinfo=UTC)


def _months_later(start: datetime, months: int) -> datetime:
    index = start.year * 12 + start.month - 1 + months
    return _utc(index // 12, index % 12 + 1)


def instant(moment: datetime, precision: Precision, *, net: bool = False) -> TargetDate:
    """A moment known to the second, minute or hour: the interval is that unit."""
    unit = {
        Precision.SECOND: timedelta(seconds=1),
        Precision.MINUTE: timedelta(minutes=1),
        Precision.HOUR: timedelta(hours=1),
    }[precision]
    moment = moment.astimezone(UTC)
    _check_year(moment.year)
    if precision is Precision.MINUTE:
        moment = moment.replace(second=0, microsecond=0)
    elif precision is Precision.HOUR:
        moment = moment.replace(minute=0, second=0, microsecond=0)
    else:
        moment = moment.replace(microsecond=0)
    return TargetDate(precision, moment, moment + unit, net)


def day(year_: int, month_: int, day_: int, *, net: bool = False) -> TargetDate:
    start = _utc(year_, month_, day_)
    return TargetDate(Precision.DAY, start, start + timedelta(days=1), net)


def week(start_day: datetime, *, net: bool = False) -> TargetDate:
    start = _utc(start_day.year, start_day.month, start_day.day)
    start -= timedelta(days=start.weekday())
    return TargetDate(Precision.WEEK, start, start + timedelta(days=7), net)


def month(year_: int, month_: int, *, net: bool = False) -> TargetDate:
    start = _utc(year_, month_)
    return TargetDate(Precision.MONTH, start, _months_later(start, 1), net)


def quarter(year_: int, number: int, *, net: bool = False) -> TargetDate:
    start = _utc(year_, 3 * (number - 1) + 1)
    return TargetDate(Precision.QUARTER, start, _months_later(start, 3), net)


def half(year_: int, number: int, *, net: bool = False) -> TargetDate:
    start = _utc(year_, 6 * (number - 1) + 1)
    return TargetDate(Precision.HALF, start, _months_later(start, 6), net)


def year(year_: int, *, net: bool = False) -> TargetDate:
    return TargetDate(Precision.YEAR, _utc(year_), _utc(year_ + 1), net)


TBD = TargetDate(Precision.TBD, None, None)


def until(first: TargetDate, last: TargetDate) -> TargetDate:
    """From the start of ``first`` to the end of ``last`` ("NET Sep 28, NLT May 2027")."""
    return TargetDate(first.precision, first.start, last.end, first.net, until=last.precision)


def from_stored(
    precision: str, start: datetime | None, end: datetime | None, net: bool, until_: str | None
) -> TargetDate:
    """Rebuild a target date from the store's columns."""
    return TargetDate(
        Precision(precision),
        start.astimezone(UTC) if start is not None else None,
        end.astimezone(UTC) if end is not None else None,
        bool(net),
        Precision(until_) if until_ else None,
    )


def slip_days(earlier: TargetDate, later: TargetDate) -> float | None:
    """How far the target moved, in days, between the ends of the two intervals.

    The end of an interval is the last moment the source allowed ("NET 2024" allows all of
    2024), so NET 2024 -> NET 2026 is 730 days; ``None`` when either is TBD.
    """
    if earlier.end is None or later.end is None:
        return None
    return (later.end - earlier.end).total_seconds() / 86400.0


def slip_to_launch_days(target: TargetDate, launched: datetime) -> float | None:
    """Days from the target interval to the actual launch: 0 inside the interval, positive
    after its end, negative before its start; ``None`` for TBD."""
    if target.start is None or target.end is None:
        return None
    if launched >= target.end:
        return (launched - target.end).total_seconds() / 86400.0
    if launched < target.start:
        return (launched - target.start).total_seconds() / 86400.0
    return 0.0
