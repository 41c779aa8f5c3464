"""Query-parameter readers shared by the routes: bounded days, moments and name lists.

Every reader turns a bad value into :class:`~cosmodrome.errors.InputError` (400 with the one
error shape), never into a server error: a year such as ``99999`` that Python's ``date``
cannot hold, or a date far outside the catalog, is refused with the range that works.

>>> day_param("2014", end=True)
datetime.date(2014, 12, 31)
>>> name_list(" RU, US ,,")
['RU', 'US']
>>> outcome_param("partial_failure")
'partial_failure'
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from cosmodrome.catalog.outcomes import OUTCOME_NAMES, outcome_filter
from cosmodrome.errors import InputError
from cosmodrome.timeutil import parse_day, parse_utc
from cosmodrome.web.errors import InvalidChoiceError

#: Dates the API accepts: the space age with room on both sides.
FIRST_YEAR = 1900
LAST_YEAR = 2200


def _check_year(year: int, text: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InputError(f"{text!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")


def day_param(text: str | None, *, end: bool = False) -> date | None:
    """A UTC day from ``2022-02-24`` or a bare year (its last day when ``end``); ``None``
    for an empty value."""
    if text is None or not text.strip():
        return None
    try:
        day = parse_day(text, end=end)
    except (ValueError, OverflowError):
        raise InputError(f"cannot read {text!r} as a date; use 2022-02-24 or 2022") from None
    _check_year(day.year, text)
    return day


def moment_param(text: str | None) -> datetime | None:
    """A timezone-aware UTC moment from ISO 8601 (``2025-06-01T12:00Z``); ``None`` when empty."""
    if text is None or not text.strip():
        return None
    try:
        moment = parse_utc(text)
    except (ValueError, OverflowError):
        raise InputError(
            f"cannot read {text!r} as a time; use ISO 8601 such as 2025-06-01T12:00Z"
        ) from None
    _check_year(moment.year, text)
    return moment


def period_params(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    """``from`` and ``to`` as inclusive UTC days, refusing a period that runs backwards."""
    first, last = day_param(start), day_param(end, end=True)
    if first is not None and last is not None and first > last:
        raise InputError(f"'from' ({first}) is after 'to' ({last})")
    return first, last


def name_list(text: str | None, *, limit: int = 20) -> list[str]:
    """Comma-separated names, stripped, empty ones dropped; at most ``limit`` of them."""
    names = [part.strip() for part in (text or "").split(",") if part.strip()]
    if len(names) > limit:
        raise InputError(f"give at most {limit} names, got {len(names)}")
    return names


@cache
def outcome_names() -> tuple[str, ...]:
    """Every ``outcome`` value the CLI's ``--outcome`` accepts (underscores work as hyphens).

    >>> "partial-failure" in outcome_names() and "full-success" in outcome_names()
    True
    """
    return OUTCOME_NAMES


def outcome_param(text: str | None) -> str | None:
    """An ``outcome`` as ``outcome_filter`` reads it (any case, ``_`` or ``-``); ``None`` when
    empty. A value it refuses raises :class:`InvalidChoiceError` listing the accepted ones."""
    if text is None or not text.strip():
        return None
    try:
        outcome_filter(text)
    except InputError as refusal:
        raise InvalidChoiceError(f"outcome: {refusal}", list(outcome_names())) from None
    return text.strip()
