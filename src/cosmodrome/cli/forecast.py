"""Forecast commands: ``reliability`` and ``forecast``; ``next`` (cli/schedule.py) adds the
launch probability by date."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer

from cosmodrome.cli.app import (
    AllOption,
    ColumnsOption,
    FormatOption,
    FromOption,
    HomeOption,
    WideOption,
    app,
)
from cosmodrome.cli.output import Choice, Listing, Record, check_format, emit, emit_json
from cosmodrome.tables import Rows, json_safe
from cosmodrome.timeutil import parse_day

AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Use only what was known before this day (2024-10-18): a backtest of the answer.",
    ),
]


def tenths(value: float) -> str:
    """A forecast probability in percent to 0.1, rounded down and at most ``99.9``: a
    posterior's upper quantile can round to 1.0 in floating point, yet no forecast here is
    certain, so none reads as certain."""
    return f"{min(math.floor(1000 * value) / 10, 99.9):.1f}"


def percent(value: Any) -> str:
    return f"{tenths(value)} %" if isinstance(value, float) else ""


def _p_interval(record: Record) -> str:
    """``97.1 % (93.6-99.4)``: the posterior mean and its credible interval."""
    return f"{percent(record['p_success'])} ({tenths(record['p_low'])}-{tenths(record['p_high'])})"


def _outcomes(record: Record) -> str:
    """Successes, failures and partial failures kept apart: ``72/2/0``."""
    return f"{record['successes']}/{record['failures']}/{record['partial_failures']}"


RELIABILITY = Listing(
    default=("name", "flights", "outcomes", "since_last_failure", "p_interval"),
    derived={"outcomes": _outcomes, "p_interval": _p_interval},
    labels={
        "outcomes": "ok/fail/part",
        "since_last_failure": "since fail",
        "p_interval": "P(success)",
    },
    truncate=frozenset({"name"}),
    whole=frozenset({"p_interval"}),
    truncate_width=24,
)


def rows_of(records: list[dict[str, Any]]) -> Rows:
    """Plain rows of a list of records (the columns of the first)."""
    columns = list(records[0]) if records else []
    return Rows(columns, [tuple(r[c] for c in columns) for r in records])


@app.command()
def reliability(
    by: Annotated[str, typer.Option(help="vehicle, family or provider.")] = "vehicle",
    vehicle: Annotated[
        str | None, typer.Option(help="Only this vehicle (or family) by name (Soyuz-2.1b).")
    ] = None,
    provider: Annotated[str | None, typer.Option(help="Only this launch provider.")] = None,
    start: FromOption = None,
    as_of: AsOfOption = None,
    interval: Annotated[float, typer.Option(help="Credible interval, e.g. 0.9.")] = 0.9,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Launch success probability per vehicle, family or provider, with a credible interval.

    A Beta-binomial posterior: each vehicle's prior comes from its family's other flights
    (empirical Bayes, worth 2 to 20 flights), so a 3-for-3 vehicle never reads 100 %.
    Partial failures count as failures and are shown apart (ok/fail/part).
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
    request = api.ReliabilityRequest(
        by=by,
        vehicle=vehicle,
        provider=provider,
        start=parse_day(start) if start else None,
        as_of=parse_day(as_of) if as_of else None,
        interval=interval,
    )
    with api.catalog(home) as con:
        answer = api.reliability(con, request)
    if fmt == "json":
        emit_json(json_safe({"by": answer.by, "interval": answer.interval,
                             "rests_on": answer.rests_on, "rows": answer.rows}))  # fmt: skip
        return
    rests = answer.rests_on
    emit(
        rows_of(answer.rows),
        fmt,
        title=f"Reliability by {by}",
        caption=(
            f"{rests['model']}; {rests['flights']:,} flights {rests['years'][0]}-"
            f"{rests['years'][1]}; P(success) with its {100 * interval:g} % credible "
            "interval. Source: GCAT (J. McDowell)"
        ),
        listing=RELIABILITY,
        choice=choice,
    )


def _interval(level: int) -> Any:
    return lambda r: f"{r[f'low_{level}']}-{r[f'high_{level}']}"


FORECAST = Listing(
    default=("name", "last", "mean", "median", "i80", "i95"),
    derived={
        "last": lambda r: (
            f"{r['last_count']} ({r['last_year']}{', part' if r['last_year_share'] < 1 else ''})"
        ),
        "mean": lambda r: f"{r['mean']:.1f}",
        "i80": _interval(80),
        "i95": _interval(95),
    },
    labels={"last": "last year", "i80": "80 %", "i95": "95 %"},
    truncate=frozenset({"name"}),
    truncate_width=24,
)


@app.command("forecast")
def forecast_command(
    by: Annotated[
        str, typer.Option(help="provider-state, provider, site or family.")
    ] = "provider-state",
    year: Annotated[
        int | None, typer.Option(help="The year to forecast (default: the next one).")
    ] = None,
    sites: Annotated[
        str | None, typer.Option(help="Only these sites, comma-separated (with --by site).")
    ] = None,
    as_of: AsOfOption = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Launches in a coming year per provider state, provider, site or vehicle family: the
    expected count with 80 % and 95 % intervals (a negative binomial over the last eight
    years' trend; docs/FORECASTS.md has its backtest)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB
    from cosmodrome.cli.app import split_names

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
    request = api.CadenceRequest(
        by=by,
        year=year,
        sites=tuple(split_names(sites)),
        as_of=parse_day(as_of) if as_of else None,
    )
    with api.catalog(home) as con:
        answer = api.cadence_forecast(con, request, home)
    if fmt == "json":
        emit_json(json_safe({"by": answer.by, "year": answer.year,
                             "rests_on": answer.rests_on, "rows": answer.rows}))  # fmt: skip
        return
    rests = answer.rests_on
    emit(
        rows_of([{k: v for k, v in r.items() if k != "history"} for r in answer.rows]),
        fmt,
        title=f"Launches in {answer.year} by {by} (forecast)",
        caption=(
            f"{rests['model']}; years {rests['years'][0]}-{rests['years'][1]}, known to "
            f"{rests['known_to']}; manifest: {rests['manifest']}. Source: GCAT "
            "(J. McDowell), schedule snapshots"
        ),
        listing=FORECAST,
        choice=choice,
    )
