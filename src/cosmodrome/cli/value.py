"""Money commands: ``prices`` (dated, sourced price points) and ``value`` (launch value).

The rows come from DuckDB through :mod:`cosmodrome.api` as plain :class:`~cosmodrome.tables.
Rows`; nothing here loads pandas.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cosmodrome.cli.app import (
    AllOption,
    ColumnsOption,
    FormatOption,
    FromOption,
    HomeOption,
    ToOption,
    WideOption,
    app,
)
from cosmodrome.cli.output import Choice, Listing, Record, check_format, emit
from cosmodrome.timeutil import parse_period

if TYPE_CHECKING:
    from cosmodrome.tables import Rows

VALUE_BY = (
    "provider, agency (GCAT codes apart), provider-state, vehicle, vehicle-family, site, "
    "sector or market"
)


def _musd(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.0f}"


def _range(record: Record) -> str:
    if record.get("low_musd") is None:
        return ""
    return f"{_musd(record['low_musd'])}-{_musd(record['high_musd'])}"


def _valued(record: Record) -> str:
    return f"{record['launches_valued']:,} of {record['launches']:,}"


def _captive(record: Record) -> str:
    return "captive" if record.get("captive") else "market"


VALUE = Listing(
    default=("period", "label", "kind", "launches_valued", "value", "range"),
    derived={
        "kind": _captive,
        "launches_valued": _valued,
        "value": lambda r: _musd(r.get("value_musd")),
        "range": _range,
    },
    labels={"label": "group", "launches_valued": "valued", "value": "value $M"},
    whole=frozenset({"range", "launches_valued"}),
)
PER_KG = Listing(
    default=("period", "label", "launches", "price", "capacity_kg", "per_kg", "per_kg_flown"),
    derived={
        "price": lambda r: _musd(r.get("price_musd")),
        "per_kg": lambda r: _musd(r.get("usd_per_kg_capacity")),
        "per_kg_flown": lambda r: _musd(r.get("usd_per_kg_flown")),
    },
    labels={
        "label": "vehicle",
        "price": "price $M",
        "capacity_kg": "capacity kg",
        "per_kg": "$/kg capacity",
        "per_kg_flown": "$/kg flown",
    },
)
PRICES = Listing(
    default=("vehicle", "gcat", "year", "amount_text", "kind", "source"),
    derived={
        "gcat": lambda r: ", ".join(r.get("configurations") or []) or "(no GCAT vehicle)",
        "amount_text": lambda r: (
            f"{r['amount']:,.4g}"
            + (f"-{r['amount_high']:,.4g}" if r.get("amount_high") is not None else "")
            + f" M {r['currency']}"
        ),
    },
    labels={"gcat": "GCAT vehicles", "amount_text": "amount"},
    truncate=frozenset({"source", "gcat"}),
    truncate_width=24,
)


def _caption(source: str, dollars: int | None, rows: Rows, *, per_kg: bool = False) -> str:
    what = (
        "dollars per kg (capacity: GCAT lv.tsv; flown: launches whose payloads all have a mass)"
        if per_kg
        else "millions of dollars"
    )
    unknown = ""
    if "launches_valued" in rows.columns:
        launches = sum(rows.column("launches"))
        valued = sum(rows.column("launches_valued"))
        unknown = f"; {launches - valued:,} of {launches:,} launches have no price (unknown)"
    return (
        f"{source}; prices: Next Spaceflight, CSIS Aerospace Security Project, cited "
        f"contracts (docs/VALUE.md). Values in {what} of {dollars} (US CPI-U){unknown}. "
        "Captive: the provider launching its own payload, never market revenue."
    )


@app.command()
def prices(
    vehicle: Annotated[
        str | None,
        typer.Option("--vehicle", help="A vehicle as people write it (Falcon 9, Soyuz 2.1a)."),
    ] = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Dated, sourced launch price points, per vehicle configuration.

    Each row: the vehicle as its source writes it, the GCAT vehicles it covers, its year,
    amount and currency, kind (list price, contract value, estimate), the amount in
    constant dollars (musd, --wide) and its source with file and line.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    with api.catalog(home) as con:
        rows = api.prices(con, vehicle)
        dollars = api.dollar_year(con)
    emit(
        rows,
        fmt,
        title=f"Launch prices{f' of {vehicle}' if vehicle else ''}",
        caption=f"Constant dollars (musd, --wide) of {dollars} by the US BLS CPI-U",
        listing=PRICES,
        choice=Choice.of(columns, wide, all_rows),
    )


@app.command()
def value(
    by: Annotated[str, typer.Option("--by", help=f"Group by {VALUE_BY}.")] = "provider",
    period: Annotated[str, typer.Option("--period", help="year or quarter (UTC).")] = "year",
    start: FromOption = None,
    end: ToOption = None,
    sector: Annotated[
        str | None,
        typer.Option(help="Only launches whose primary payload is of this customer sector."),
    ] = None,
    orbit: Annotated[
        str | None,
        typer.Option("--orbit", help="Only launches to this regime (LEO, SSO, GTO, ...)."),
    ] = None,
    per_kg: Annotated[
        bool,
        typer.Option("--per-kg", help="Dollars per kilogram to --orbit (default LEO) per vehicle."),
    ] = False,
    captive: Annotated[
        bool,
        typer.Option("--captive/--no-captive", help="Show captive launches (rows of their own)."),
    ] = True,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """What launches were worth per year or quarter, with the range and how many are valued.

    A launch's value is its configuration's price in its year, else carried from the
    nearest dated price of the configuration or its family with an uncertainty that grows
    with the distance, else unknown (counted, never 0). JSON rows carry period, group,
    launches, launches_valued, value_musd, low_musd, high_musd, dollar_year and captive.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    first, last = parse_period(start, end)
    where = api.LaunchFilter(sector=sector, orbit=orbit)
    with api.catalog(home) as con:
        if per_kg:
            rows = api.value_per_kg(con, orbit or "LEO", period, start=first, end=last, where=where)
        else:
            rows = api.launch_value(
                con, by, period, start=first, end=last, where=where, captive=captive
            )
        caption = _caption(api.source_line(con), api.dollar_year(con), rows, per_kg=per_kg)
    title = (
        f"Dollars per kg to {(orbit or 'LEO').upper()} by vehicle per {period}"
        if per_kg
        else f"Launch value by {by} per {period}"
    )
    emit(
        rows,
        fmt,
        title=title,
        caption=caption,
        listing=PER_KG if per_kg else VALUE,
        choice=Choice.of(columns, wide, all_rows),
    )


def share_by_value(
    by: str,
    period: str,
    start: str | None,
    end: str | None,
    sector: str | None,
    fmt: str,
    home: Path | None,
    choice: Choice,
) -> None:
    """``share --measure value``: each group's share of launches beside its share of value."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    first, last = parse_period(start, end)
    with api.catalog(home) as con:
        rows = api.value_share(
            con, by, period, start=first, end=last, where=api.LaunchFilter(sector=sector)
        )
        caption = _caption(api.source_line(con), api.dollar_year(con), rows)
    emit(
        rows,
        fmt,
        title=f"Share by value beside share by count, by {by} per {period}",
        caption=caption,
        listing=SHARE_VALUE,
        choice=choice,
    )


SHARE_VALUE = Listing(
    default=("period", "label", "launches", "launch_share", "value", "value_share"),
    derived={"value": lambda r: _musd(r.get("value_musd"))},
    labels={
        "label": "group",
        "launch_share": "share of launches",
        "value": "value $M",
        "value_share": "share of value",
    },
)
