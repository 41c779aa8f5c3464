"""Query-parameter readers shared by every route: periods, days, moments and name lists.

Every period bound of the API (``from``, ``to``) goes through :func:`period_params`; a single
day (a migration ``cutoff``) through :func:`day_param` and a single moment (a window or pass
``start``) through :func:`moment_param`. All three read it with
:func:`cosmodrome.timeutil.parse_span` (``2023``, ``2023-12``, ``2023-12-01``,
``2023-12-01T12:00Z``; a month is the whole month, a time stays a time). A bad value becomes :class:`~cosmodrome.errors.InputError` (400 with the one
error shape) naming the field, never a server error: a year such as ``99999`` or ``1800``
is refused with the range that works (:data:`FIRST_YEAR`-:data:`LAST_YEAR`).

>>> day_param("2014", end=True)
datetime.date(2014, 12, 31)
>>> period_params("2023-12", None)
(datetime.date(2023, 12, 1), None)
>>> name_list(" RU, US ,,")
['RU', 'US']
>>> outcome_param("partial_failure")
'partial_failure'
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Annotated, Any, Literal

from fastapi import Depends, Query

from cosmodrome import api
from cosmodrome.errors import InputError
from cosmodrome.timeutil import (
    DATE_PATTERN,
    FIRST_YEAR,
    LAST_YEAR,
    parse_day,
    parse_period,
    parse_span,
)
from cosmodrome.web.errors import InvalidChoiceError

__all__ = [
    "DATE_PATTERN",
    "FIRST_YEAR",
    "LAST_YEAR",
    "PERIOD_END_HELP",
    "PERIOD_START_HELP",
    "AgencyQuery",
    "FacetQuery",
    "FormatQuery",
    "FromQuery",
    "KindQuery",
    "LaunchProviderQuery",
    "MissionQuery",
    "OrbitQuery",
    "OwnerQuery",
    "OwnerStateQuery",
    "ProviderQuery",
    "ProviderStateQuery",
    "RowFields",
    "SectorQuery",
    "SinceQuery",
    "SiteQuery",
    "ToQuery",
    "UntilQuery",
    "UpdatedSinceQuery",
    "VehicleQuery",
    "day_param",
    "moment_param",
    "name_list",
    "outcome_param",
    "period_params",
    "provider_param",
    "row_fields",
]

#: How a ``from`` / ``to`` field is described in the OpenAPI schema.
PERIOD_START_HELP = "Start: 2022, 2022-03 (the whole month), 2022-03-01 or 2022-03-01T12:00Z."
PERIOD_END_HELP = "End, inclusive: 2024 runs to the end of 2024, 2024-03 to 31 March (UTC)."

FormatQuery = Annotated[Literal["json", "csv"], Query(description="json, or csv (a download).")]

# The filter fields several routes share, declared once so that a field means and reads the
# same wherever it appears (read with period_params and the catalog's name resolvers).
FromQuery = Annotated[
    str | None,
    Query(alias="from", max_length=40, pattern=DATE_PATTERN, description=PERIOD_START_HELP),
]
ToQuery = Annotated[
    str | None,
    Query(alias="to", max_length=40, pattern=DATE_PATTERN, description=PERIOD_END_HELP),
]
SiteQuery = Annotated[
    str | None, Query(max_length=200, description="Site name or code: Baikonur, GIK-5, Kourou.")
]
VehicleQuery = Annotated[
    str | None, Query(max_length=200, description="Vehicle, family or prefix (Soyuz-2).")
]
LaunchProviderQuery = Annotated[
    str | None,
    Query(
        alias="provider",
        max_length=200,
        description="Launch provider name or code (SpaceX, Roscosmos), as the CLI's --provider.",
    ),
]
AgencyQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        deprecated=True,
        description="The old name of `provider`, still read.",
    ),
]
# Sector, mission and orbit regime: the payload's own on /payloads, the primary payload's on
# launch listings and counts.
SectorQuery = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Sector: commercial, civil, military, academic or mixed (launches: of "
        "their primary payload).",
    ),
]
MissionQuery = Annotated[
    str | None,
    Query(
        max_length=60,
        description="Mission: GCAT code or its words (COM, navigation; launches: of their "
        "primary payload).",
    ),
]
OrbitQuery = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Orbit regime: LEO, SSO, MEO, GEO, GTO, HEO, deep space (launches: of "
        "their primary payload).",
    ),
]
OwnerQuery = Annotated[
    str | None, Query(max_length=200, description="Payload owner (customer) name or code.")
]
OwnerStateQuery = Annotated[
    str | None,
    Query(max_length=60, description="Payload owner state: ISO code, GCAT code or name (GB, UK)."),
]
ProviderStateQuery = Annotated[
    str | None,
    Query(
        max_length=60, description="Provider state: ISO code, GCAT code or name (FR, F, France)."
    ),
]

# The schedule's fields: a provider as the schedule spells it, and when a change was seen.
ProviderQuery = Annotated[
    str | None, Query(max_length=200, description="Launch provider (part of its name).")
]
SinceQuery = Annotated[
    str | None,
    Query(max_length=40, description="Changes seen from: 2026, 2026-03, 2026-03-30T12:00Z."),
]
UntilQuery = Annotated[
    str | None,
    Query(max_length=40, description="Changes seen up to, inclusive: 2026 runs to its end."),
]
KindQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        description="Kinds of change, comma-separated: new, moved, renamed, flown, removed.",
    ),
]

# Conveniences of the listings (launches, payloads).
FacetQuery = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Counts of the filtered rows by site, vehicle, provider, state, outcome "
        "or year, comma-separated (facet=site,year): the answer's `facets`.",
    ),
]
UpdatedSinceQuery = Annotated[
    str | None,
    Query(
        max_length=40,
        description="Rows only if the catalog was built at or after this time "
        "(2026-03-30T12:00Z); none otherwise, as Launch Library 2's last_updated__gte.",
    ),
]


async def row_fields(
    site: SiteQuery = None,
    vehicle: VehicleQuery = None,
    provider: LaunchProviderQuery = None,
    agency: AgencyQuery = None,
    provider_state: ProviderStateQuery = None,
    owner: OwnerQuery = None,
    owner_state: OwnerStateQuery = None,
    sector: SectorQuery = None,
    mission: MissionQuery = None,
    orbit: OrbitQuery = None,
    start: FromQuery = None,
    end: ToQuery = None,
) -> dict[str, Any]:
    """The fields of :class:`cosmodrome.api.RowFilter`, read once for every route listing
    launches or payloads (async: it only parses, on the event loop)."""
    first, last = period_params(start, end)
    return {
        "site": site or None,
        "vehicle": vehicle or None,
        "agency": provider_param(provider, agency),
        "provider_state": provider_state or None,
        "owner": owner or None,
        "owner_state": owner_state or None,
        "sector": sector or None,
        "mission": mission or None,
        "orbit": orbit or None,
        "start": first,
        "end": last,
    }


#: The shared filter fields as a route's dependency: ``api.LaunchFilter(**fields, ...)``.
RowFields = Annotated[dict[str, Any], Depends(row_fields)]


def provider_param(provider: str | None, agency: str | None) -> str | None:
    """The launch provider from ``provider``, or from ``agency``, its old name."""
    new, old = (provider or "").strip(), (agency or "").strip()
    if new and old and new != old:
        raise InputError("provider and agency are one field (agency is its old name): give one")
    return new or old or None


def _field(name: str, error: InputError) -> InputError:
    return InputError(f"{name}: {error}")


def day_param(text: str | None, *, end: bool = False, field: str = "date") -> date | None:
    """A UTC day from a year, month or day (its last day when ``end``); ``None`` when
    empty. A time is refused: the value is one day, and cutting a time to it would hide
    that."""
    if text is None or not text.strip():
        return None
    try:
        return parse_day(text, end=end)
    except InputError as error:
        raise _field(field, error) from None


def moment_param(text: str | None, *, field: str = "start") -> datetime | None:
    """A timezone-aware UTC moment (a date is its first instant); ``None`` when empty."""
    if text is None or not text.strip():
        return None
    try:
        return parse_span(text).start
    except InputError as error:
        raise _field(field, error) from None


def period_params(
    start: str | None, end: str | None, *, names: tuple[str, str] = ("from", "to")
) -> tuple[date | datetime | None, date | datetime | None]:
    """``from`` and ``to`` (or the fields ``names``) as a filter takes them (a day, or a
    moment for a time), refusing a period that runs backwards."""
    for name, text in zip(names, (start, end), strict=True):
        if text is not None and text.strip():
            try:
                parse_span(text)
            except InputError as error:
                raise _field(name, error) from None
    return parse_period(start, end, names=(f"'{names[0]}'", f"'{names[1]}'"))


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
    return api.OUTCOME_NAMES


def outcome_param(text: str | None) -> str | None:
    """An ``outcome`` as ``outcome_filter`` reads it (any case, ``_`` or ``-``); ``None`` when
    empty. A value it refuses raises :class:`InvalidChoiceError` listing the accepted ones."""
    if text is None or not text.strip():
        return None
    try:
        api.outcome_filter(text)
    except InputError as refusal:
        raise InvalidChoiceError(f"outcome: {refusal}", list(outcome_names())) from None
    return text.strip()
