"""``cosmodrome coverage``: how well a constellation covers a region, per place and over time.

cosmodrome coverage --group starlink --region KZ --mask 25 --start 2025-10-03 --hours 24 --step 30
cosmodrome coverage --tle FILE --region 40.5,46.5,55.5,87.5 --resolution 0.5 --out kz.geojson
cosmodrome coverage --group starlink --point Almaty --mask 25 --hours 6 --step 10
cosmodrome coverage ... --engine dask --scheduler tcp://HOST:8786
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cosmodrome.cli.app import FormatOption, HomeOption, app
from cosmodrome.cli.output import check_format, console, emit, emit_json, print_mapping
from cosmodrome.display import format_time
from cosmodrome.errors import InputError
from cosmodrome.timeutil import isoformat_z, parse_utc

if TYPE_CHECKING:
    from cosmodrome.api import CoverageResult


@app.command("coverage")
def coverage(
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="Country code (KZ, KAZ, 398), box south,west,north,east, or a GeoJSON file.",
        ),
    ] = None,
    point: Annotated[
        str | None,
        typer.Option(
            "--point",
            help="One place instead of a region: city, spaceport or lat,lon[,height_m] "
            "(the place's height above the ellipsoid is used).",
        ),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option("--group", help="Constellation: starlink, oneweb, ... (names starting so)."),
    ] = None,
    tle: Annotated[
        Path | None,
        typer.Option("--tle", help="Element file (TLE/3LE or OMM); with --group, only that group."),
    ] = None,
    mask_deg: Annotated[
        float, typer.Option("--mask", help="Minimum elevation of the terminal, degrees (0-90).")
    ] = 25.0,
    start: Annotated[
        str | None, typer.Option("--start", help="Start, ISO 8601 UTC (default: now).")
    ] = None,
    hours: Annotated[float, typer.Option("--hours", help="Length of the window in hours.")] = 24.0,
    step_s: Annotated[float, typer.Option("--step", help="Time step in seconds.")] = 30.0,
    resolution_deg: Annotated[
        float, typer.Option("--resolution", help="Grid spacing in degrees.")
    ] = 0.5,
    min_sats: Annotated[
        int, typer.Option("--min-sats", help="Satellites needed for service (outages, frac_ge_n).")
    ] = 1,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write cells to .geojson, .csv or a .png heat map."),
    ] = None,
    engine: Annotated[str, typer.Option("--engine", help="numpy or dask.")] = "numpy",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Dask scheduler address (default: a local cluster)."),
    ] = None,
    max_age_days: Annotated[
        float, typer.Option("--max-age", help="Warn about element sets older than this (days).")
    ] = 7.0,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Satellites in view above the mask, per grid cell or at one place; outages and their length."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    request = api.CoverageRequest(
        start_utc=parse_utc(start) if start else _now_minute(),
        region=region,
        point=point,
        group=group,
        tle=tle,
        duration_s=hours * 3600.0,
        step_s=step_s,
        mask_deg=mask_deg,
        resolution_deg=resolution_deg,
        min_sats=min_sats,
        engine=engine,
        scheduler=scheduler,
        max_age_days=max_age_days,
    )
    if group is None and tle is None:
        raise InputError("give --group (element store) or --tle FILE")
    if out is not None and point is not None and out.suffix.lower() == ".png":
        raise InputError("a single place has no map; write --out as .csv or .geojson")
    plan = api.plan_coverage(request, home)
    err = console(stderr=True)
    with _progress(plan.window.count) as progress:
        result = api.run_coverage(plan, progress)
    for note in result.notes:
        err.print(f"[yellow]warning:[/yellow] {note}")
    if out is not None:
        api.write_coverage(result, out)
        err.print(f"wrote {out}")
    if point is not None:
        _emit_point(result, fmt)
    else:
        _emit_region(result, fmt)


def _now_minute() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


def _header(result: CoverageResult) -> list[tuple[str, object]]:
    first, last = result.epoch_range_utc or (None, None)
    rows: list[tuple[str, object]] = [
        ("region", result.region.name),
        (
            "window",
            f"{isoformat_z(result.window.start_utc)} + {result.window.count} x "
            f"{result.window.step_s:g} s",
        ),
        ("mask_deg", result.mask_deg),
    ]
    if result.region.point is not None:
        rows.append(("height_m", result.region.height_m))
    rows += [
        ("satellites", result.satellites),
        ("elements", result.source),
    ]
    if first and last:
        rows.append(("element epochs", f"{format_time(first)} to {format_time(last)} UTC"))
    rows.append(("computed_in_s", result.elapsed_s))
    return rows


def _emit_region(result: CoverageResult, fmt: str) -> None:
    if fmt == "json":
        from cosmodrome import api

        emit_json(
            {**api.coverage_metadata(result), "cells": result.cells.to_dict(orient="records")}
        )
        return
    if fmt == "csv":
        emit(result.cells, "csv")
        return
    print_mapping(_header(result), title="Coverage")
    print_mapping(list(result.summary.items()), title="Region (area-weighted)")


def _emit_point(result: CoverageResult, fmt: str) -> None:
    from cosmodrome import api

    series = api.point_series(result)
    if fmt == "table":
        print_mapping(_header(result) + list(result.summary.items()), title="Coverage at a point")
    emit(series, fmt, title=f"Satellites above {result.mask_deg:g} deg at {result.region.name}")


@contextmanager
def _progress(total_epochs: int, description: str = "coverage") -> Iterator[Callable[[int], None]]:
    """A rich progress bar (epochs done, time left) on stderr; yields the ``progress`` callback."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("epochs"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total_epochs)
        yield lambda done: bar.advance(task, done)
