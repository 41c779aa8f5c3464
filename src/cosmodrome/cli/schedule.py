"""Schedule commands: ``schedule update|snapshots|report|ics``, ``next`` and ``slips``."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cosmodrome.cli.app import AllOption, ColumnsOption, FormatOption, HomeOption, WideOption, app
from cosmodrome.cli.forecast import percent
from cosmodrome.cli.output import Choice, Listing, Record, check_format, console, emit, emit_json
from cosmodrome.display import format_value, plural
from cosmodrome.errors import SourceError
from cosmodrome.tables import Rows, json_records, json_safe
from cosmodrome.timeutil import parse_day, parse_period

if TYPE_CHECKING:
    from cosmodrome import api

schedule_app = typer.Typer(
    help="Launch schedule snapshots: ingest, list, report bad input, calendar feed.",
    no_args_is_help=True,
)
app.add_typer(schedule_app, name="schedule")

SiteOption = Annotated[str | None, typer.Option(help="Site name or code (Baikonur, Kourou).")]
VehicleOption = Annotated[
    str | None, typer.Option(help="Vehicle or family (Soyuz-2, Angara, Soyuz-5).")
]
ProviderOption = Annotated[str | None, typer.Option(help="Launch provider (part of its name).")]
FromOption = Annotated[
    str | None,
    typer.Option("--from", help="Targets from: 2024, 2024-03, 2024-03-01 or 2024-03-01T12:00Z."),
]
ToOption = Annotated[
    str | None,
    typer.Option("--to", help="Targets up to, inclusive: 2025 is to the end of 2025 (UTC)."),
]


def _filter(
    site: str | None,
    vehicle: str | None,
    provider: str | None,
    start: str | None,
    end: str | None,
) -> api.ScheduleFilter:
    first, last = parse_period(start, end)
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    return api.ScheduleFilter(site=site, vehicle=vehicle, provider=provider, start=first, end=last)


def _target(text: object) -> object:
    """A target as a table shows it: ``2026-04-04T11:00Z`` as ``2026-04-04 11:00`` (UTC in
    the header), at the precision its source gave; ``NET 2026-Q2`` and ``TBD`` unchanged."""
    if not isinstance(text, str):
        return text
    return _CLOCK.sub(r"\1 \2", text).removesuffix("Z")


_CLOCK = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)")


def _site_pad(record: Record) -> str:
    """The site by its name, as ``launches`` shows it, and the pad by its own name without
    the aliases in brackets (``Baikonur Site 45/1``; ``--columns pad_name`` gives them)."""
    site = record.get("site_name") or record.get("site_raw")
    pad = record.get("pad_name") or record.get("pad")
    if isinstance(pad, str):
        pad = pad.split(" (")[0]
    return " ".join(str(v) for v in (site, pad) if v)


def _flown(record: Record) -> str | None:
    """The GCAT launch and how many days after its first target it flew (``2025-012 +2.0``)."""
    tag = record.get("flown_tag")
    if not tag:
        return None
    late = record.get("slip_to_launch_days")
    days = format_value("slip_to_launch_days", late)
    return f"{tag} {'+' if isinstance(late, int | float) and late > 0 else ''}{days}".strip()


#: What the terminal shows of an upcoming launch; ``--wide`` adds every column.
NEXT = Listing(
    default=("target", "payload", "vehicle_raw", "site_pad", "p"),
    derived={
        "target": lambda r: _target(r.get("target")),
        "site_pad": _site_pad,
        "p": lambda r: percent(r.get("p_by")),
    },
    labels={
        "target": "target (UTC)",
        "vehicle_raw": "vehicle",
        "site_pad": "site / pad",
        "p": "p_by",
        "median_date": "median date",
    },
    truncate=frozenset({"payload", "vehicle_raw"}),
    truncate_width=24,
)
SLIPS = Listing(
    default=(
        "payload",
        "vehicle",
        "first_target",
        "last_target",
        "slip_days",
        "flown",
    ),
    derived={
        "flown": _flown,
        "first_target": lambda r: _target(r.get("first_target")),
        "last_target": lambda r: _target(r.get("last_target")),
        "vehicle": lambda r: r.get("vehicle") or r.get("vehicle_raw"),
    },
    labels={
        "first_target": "first target (UTC)",
        "last_target": "last target (UTC)",
        "slip_days": "slip (days)",
        "flown": "flown (days late)",
    },
    truncate=frozenset({"payload"}),
    truncate_width=24,
)
#: Per vehicle, site or provider: the group's label first (a site by its name).
SLIP_GROUPS = {
    by: Listing(
        default=(
            "site_name" if by == "site" else by,
            "launches",
            "seen_2plus",
            "moved",
            "moved_pct",
            "median_slip_days",
            "flown",
            "median_to_launch_days",
        ),
        labels={
            "site_name": "site",
            "seen_2plus": "seen 2+",
            "moved_pct": "moved",
            "median_slip_days": "median slip (days)",
            "median_to_launch_days": "median to launch (days)",
        },
        truncate=frozenset({"site_name", by}),
        truncate_width=22,
    )
    for by in ("vehicle", "site", "provider")
}
#: One snapshot file's issues (the file is the table's title).
REPORT = Listing(default=("line", "field", "raw", "reason"), footnotes=frozenset({"reason"}))
SNAPSHOTS = Listing(
    default=("snapshot_id", "file", "as_of", "entries", "issues"),
    labels={"snapshot_id": "id", "as_of": "as of (UTC)"},
)


@schedule_app.command("update")
def schedule_update(
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            envvar="COSMODROME_SCHEDULE_SOURCE",
            help="Launch Library 2 base URL, a folder laid out like schedule/ (or a mirror "
            "holding one), or one CSV/JSON export. Default: Launch Library 2.",
        ),
    ] = None,
    fallback_source: Annotated[
        Path | None,
        typer.Option(help="Local mirror to read when Launch Library 2 cannot be reached."),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Ingest schedule snapshots, keeping every earlier one (nothing is overwritten)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    out = console()
    try:
        report = api.update_schedule(source, home)
    except SourceError:
        # As `cosmodrome update --fallback-source`: the mirror only when the default source
        # was asked for and could not be read; said once, as a notice, not as an error.
        if fallback_source is None or source is not None or not fallback_source.is_dir():
            raise
        console(stderr=True).print(
            f"[yellow]Launch Library 2 unreachable; reading the schedules of the local mirror "
            f"{fallback_source}[/yellow]",
            highlight=False,
            soft_wrap=True,
        )
        report = api.update_schedule(str(fallback_source), home)
    for kept in report.kept:
        state = "new" if kept.new else "already kept"
        out.print(
            f"snapshot {kept.snapshot_id} {kept.file} as of {kept.as_of:%Y-%m-%d %H:%M} UTC: "
            f"{plural(kept.entries, 'launch')}, {plural(kept.issues, 'input issue')} ({state})",
            highlight=False,
        )
    deliveries = api.notify(report.changes, home) if report.changes is not None else []
    if deliveries:
        failed = sum(1 for d in deliveries if not d.ok)
        out.print(f"webhooks: {len(deliveries) - failed} delivered, {failed} failed")
    for issue in report.issues[:10]:
        out.print(f"  {issue.file}:{issue.line}: {issue.field} {issue.raw!r}: {issue.reason}")
    if len(report.issues) > 10:
        out.print(f"  ... and {len(report.issues) - 10} more (`cosmodrome schedule report`)")


@schedule_app.command("snapshots")
def schedule_snapshots(
    columns: ColumnsOption = None,
    wide: WideOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """List the kept snapshots, oldest first, with their dates and counts (``--wide``: kind,
    retrieval time and source too)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(columns, wide)
    frame = api.schedule_snapshot_rows(home)
    emit(frame, fmt, title="Schedule snapshots", listing=SNAPSHOTS, choice=choice)


@schedule_app.command("report")
def schedule_report(
    all_rows: AllOption = False, fmt: FormatOption = "table", home: HomeOption = None
) -> None:
    """Every unreadable date and unmatched site, pad or vehicle, with file, line and raw value
    (the table: one per snapshot file)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    with api.catalog(home) as con:
        report = api.schedule_report_rows(con, home)
    if fmt != "table":
        emit(report, fmt)
        return
    if not report.rows:
        emit(report, "table", title="0 schedule input issues")
        return
    choice = Choice.of(all_rows=all_rows)
    by_file: dict[str, list[tuple[Any, ...]]] = {}
    for row in report.rows:
        by_file.setdefault(row[0], []).append(row)
    for file, issues in by_file.items():
        title = f"{file}: {plural(len(issues), 'input issue')}"
        emit(Rows(report.columns, issues), "table", title=title, listing=REPORT, choice=choice)


@schedule_app.command("ics")
def schedule_ics(
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    home: HomeOption = None,
) -> None:
    """Write an iCalendar feed of the upcoming launches to stdout (all-day or month-long
    events for imprecise dates, the window as the duration, the site as GEO)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    with api.catalog(home) as con:
        feed = api.schedule_ics(con, _filter(site, vehicle, provider, None, None), home)
    sys.stdout.buffer.write(feed)


@app.command("next")
def next_launches(
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    start: FromOption = None,
    end: ToOption = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", help="P(flown by this day), p_by; default: the end of the current quarter."
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Use only the snapshots and flights known on this day (a backtest).",
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many launches.")] = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Upcoming launches as of the latest schedule snapshot, in target order; each date at
    the precision its source gave ("NET 2026", "2025-Q4"), with the probability that it has
    flown by ``--by`` (p_by) and its median expected date.

    p_by comes from a time-to-launch model fitted on the kept snapshots matched to the
    flights that followed (docs/FORECASTS.md). The table shows target, payload, vehicle,
    site and pad, and p_by; ``--wide`` or ``--columns`` (``median_date``, ``provider``,
    ``status`` ...) show the others (every column is in CSV and JSON).
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
    by_day = parse_day(by, end=True) if by else None
    as_of_day = parse_day(as_of) if as_of else None
    with api.catalog(home) as con:
        frame, note = api.next_rows(
            con, _filter(site, vehicle, provider, start, end), by_day, as_of_day, home
        )
    if limit is not None:
        frame = Rows(frame.columns, frame.rows[:limit])
    if fmt == "json":
        emit_json(json_safe({**note, "launches": json_records(frame)}))
        return
    if fmt == "csv":
        emit(frame, "csv")
        return
    emit(
        frame,
        "table",
        title=f"Next launches ({len(frame)})",
        caption=f"as of {note['snapshot']} ({note['as_of']:%Y-%m-%d}, {note['age_days']:.0f} days "
        "ago); sites and pads as in the catalog; " + _p_by_caption(note),
        listing=NEXT,
        choice=choice,
    )


def _p_by_caption(note: dict[str, Any]) -> str:
    """What p_by means and rests on, or why there is none."""
    if note.get("p_by_refused"):
        return f"no p_by: {note['p_by_refused']}"
    rests = note["p_by_rests_on"]
    return (
        f"p_by = P(flown by {note['by']:%Y-%m-%d}); median dates with --wide or "
        f"--format json; model from {rests['entries']} entries of "
        f"{len(rests['snapshots'])} snapshot(s) ({', '.join(rests['snapshots'])}), "
        f"{rests['matched_flights']} matched flights, followed to {rests['follow_up_to']}"
    )


@app.command()
def slips(
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    start: FromOption = None,
    end: ToOption = None,
    by: Annotated[str, typer.Option(help="launch, vehicle, site or provider.")] = "launch",
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """How target dates moved across snapshots, and against the actual launch (GCAT).

    Slips are in whole days (the schedules give days at best); ``--wide`` or ``--columns``
    show every column of CSV and JSON.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
    with api.catalog(home) as con:
        frame = api.slip_rows(con, _filter(site, vehicle, provider, start, end), by, home)
    if fmt == "json":
        emit_json({"rule": api.SLIP_RULE, "by": by, "rows": json_records(frame)})
        return
    shown = frame.without("history") if "history" in frame.columns else frame
    if fmt == "csv":
        emit(shown, "csv")
        return
    listing = SLIPS if by == "launch" else SLIP_GROUPS.get(by)
    emit(
        shown,
        "table",
        title=f"Slips by {by}",
        caption=api.SLIP_RULE,
        listing=listing,
        choice=choice,
    )
