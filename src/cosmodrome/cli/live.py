"""Keeping the data fresh and telling people what changed: ``refresh``, ``changes`` and
``hooks add|list|remove|resume|log``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cosmodrome.cli.app import (
    AllOption,
    ColumnsOption,
    FormatOption,
    HomeOption,
    WideOption,
    app,
    split_names,
)
from cosmodrome.cli.output import Choice, Listing, check_format, console, emit, emit_json
from cosmodrome.tables import Rows, json_records
from cosmodrome.timeutil import parse_period

if TYPE_CHECKING:
    from cosmodrome import api

SiteOption = Annotated[str | None, typer.Option(help="Site name or code (Baikonur, Kourou).")]
VehicleOption = Annotated[
    str | None, typer.Option(help="Vehicle or family (Soyuz-2, Angara, Soyuz-5).")
]
ProviderOption = Annotated[str | None, typer.Option(help="Launch provider (part of its name).")]
KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind", help="Kinds of change, comma-separated: new, moved, renamed, flown, removed."
    ),
]

#: What the terminal shows of a change record; ``--wide`` adds every column.
CHANGES = Listing(
    default=("seen", "kind", "summary"),
    derived={"seen": lambda r: _minute(r.get("detected_utc"))},
    labels={"seen": "seen (UTC)"},
    whole=frozenset({"seen"}),
)


def change_filter(
    since: str | None,
    until: str | None,
    kind: str | None,
    site: str | None,
    vehicle: str | None,
    provider: str | None,
) -> api.ChangeFilter:
    """The API's change filter from the command line's options."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    first, last = parse_period(since, until, names=("--since", "--until"))
    return api.ChangeFilter(
        since=first,
        until=last,
        kinds=tuple(split_names(kind)),
        site=site,
        vehicle=vehicle,
        provider=provider,
    )


@app.command()
def changes(
    since: Annotated[
        str | None,
        typer.Option(help="Changes seen from: 2026, 2026-03, 2026-03-30 or 2026-03-30T12:00Z."),
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Changes seen up to, inclusive (2026 is to its end).")
    ] = None,
    kind: KindOption = None,
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    columns: ColumnsOption = None,
    wide: WideOption = False,
    all_rows: AllOption = False,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """What changed between consecutive schedule snapshots, newest first: launches new,
    moved (old and new target, slip in days), renamed, flown (the GCAT launch) or removed.

    Records are kept in schedule.duckdb by every `schedule update` and `refresh`.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    choice = Choice.of(columns, wide, all_rows)
    f = change_filter(since, until, kind, site, vehicle, provider)
    with api.catalog(home) as con:
        frame = api.change_rows(con, f, home)
    if fmt == "json":
        emit_json({"total": len(frame), "changes": json_records(frame)})
        return
    if fmt == "csv":
        emit(frame, "csv")
        return
    if not frame.rows:
        console(stderr=True).print("no change recorded for these filters")
        return
    emit(
        frame,
        "table",
        title=f"Schedule changes ({len(frame)})",
        caption="between consecutive snapshots; slips between the ends of the targets",
        listing=CHANGES,
        choice=choice,
    )


def _minute(value: object) -> str:
    """A UTC moment as the table shows it: ``2026-03-30 00:00``."""
    text = str(value or "")
    return text[:16].replace("T", " ")


@app.command()
def refresh(
    only: Annotated[
        str | None,
        typer.Option(help="Sources to refresh, comma-separated: gcat, celestrak, schedule."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", envvar="COSMODROME_SOURCE", help="GCAT base URL or local mirror."),
    ] = None,
    elements_source: Annotated[
        str | None, typer.Option(help="CelesTrak base URL or local mirror (default: CelesTrak).")
    ] = None,
    groups: Annotated[
        str, typer.Option(help="CelesTrak GP groups to keep current, comma-separated.")
    ] = "stations,active",
    schedule_source: Annotated[
        str | None,
        typer.Option(
            envvar="COSMODROME_SCHEDULE_SOURCE",
            help="Launch Library 2 base URL or a schedule folder (default: Launch Library 2).",
        ),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Bring every source up to date within its published limits: GCAT at most daily,
    CelesTrak's GP groups once per two-hour update cycle, Launch Library 2 within 15 requests
    an hour (conditional requests throughout).

    A source not due yet is left alone; one that fails or throttles is reported and the
    others still run (exit status 1 when one failed). A schedule snapshot is kept only when
    it differs, and its changes are recorded. Run it from cron or a systemd timer, or let
    `serve --refresh` run it; one refresh runs at a time.
    """
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    sources = api.RefreshSources(
        gcat=source,
        celestrak=elements_source,
        groups=tuple(split_names(groups)),
        schedule=schedule_source,
    )
    report = api.refresh(home, sources, only=tuple(split_names(only)) or api.REFRESH_SOURCES)
    out = console()
    for run in report.runs:
        colour = {"failed": "red", "throttled": "yellow", "updated": "green"}.get(run.outcome)
        label = f"[{colour}]{run.outcome}[/{colour}]" if colour else run.outcome
        out.print(f"{run.source}: {label}: {run.message}", highlight=False)
    if report.deliveries:
        failed = [d for d in report.deliveries if not d.ok]
        out.print(
            f"webhooks: {len(report.deliveries) - len(failed)} delivered, {len(failed)} failed"
            + (" (`cosmodrome hooks log`)" if failed else ""),
            highlight=False,
        )
    if report.failed:
        raise typer.Exit(1)


hooks_app = typer.Typer(
    help="Webhooks: POST each schedule change a receiver asked for, after each refresh.",
    no_args_is_help=True,
)
app.add_typer(hooks_app, name="hooks")

HOOKS = Listing(
    default=("id", "url", "asks_for", "state"),
    derived={
        "asks_for": lambda r: (
            ", ".join(str(v) for v in (r.get("site"), r.get("vehicle"), r.get("provider")) if v)
            + (" " if r.get("site") or r.get("vehicle") or r.get("provider") else "")
            + (",".join(r.get("kinds") or []) or "every kind")
        ),
        "state": lambda r: "paused" if r.get("paused") else f"{r.get('delivered', 0)} delivered",
    },
    labels={"asks_for": "asks for"},
)
LOG = Listing(
    default=("at_utc", "hook", "kind", "change_key", "status", "attempts", "error"),
    labels={"at_utc": "at (UTC)"},
    truncate=frozenset({"error"}),
)


@hooks_app.command("add")
def hooks_add(
    url: Annotated[str, typer.Argument(help="The receiver's http(s) URL.")],
    kind: KindOption = None,
    site: SiteOption = None,
    vehicle: VehicleOption = None,
    provider: ProviderOption = None,
    home: HomeOption = None,
) -> None:
    """Register a receiver of schedule changes (kept in the home folder). Its secret is shown
    once: the receiver checks X-Cosmodrome-Signature, the HMAC-SHA256 of each body."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    with api.catalog(home) as con:
        hook = api.add_hook(
            url, kinds=tuple(split_names(kind)), site=site, vehicle=vehicle,
            provider=provider, con=con, home=home,
        )  # fmt: skip
    out = console()
    out.print(f"webhook {hook.id} -> {hook.url}", highlight=False)
    out.print(f"secret (shown once, keep it): {hook.secret}", highlight=False)


@hooks_app.command("list")
def hooks_list(fmt: FormatOption = "table", home: HomeOption = None) -> None:
    """The receivers, with what each asks for, and whether it is paused (and why)."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    rows = [hook.public() for hook in api.read_hooks(home)]
    if fmt == "json":
        emit_json({"hooks": rows})
        return
    if not rows:
        console(stderr=True).print("no webhook registered (`cosmodrome hooks add URL`)")
        return
    emit(_rows(rows), fmt, title="Webhooks", listing=HOOKS)
    for row in rows:
        if row["paused"]:
            console().print(
                f"{row['id']} paused after {row['failures_in_a_row']} failed deliveries in a "
                f"row (last: {row['last_error']}); `cosmodrome hooks resume {row['id']}`",
                highlight=False,
            )


@hooks_app.command("remove")
def hooks_remove(
    hook_id: Annotated[str, typer.Argument(help="The receiver's id.")], home: HomeOption = None
) -> None:
    """Stop sending to a receiver and forget it."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    hook = api.remove_hook(hook_id, home)
    console().print(f"removed webhook {hook.id} ({hook.url})", highlight=False)


@hooks_app.command("resume")
def hooks_resume(
    hook_id: Annotated[str, typer.Argument(help="The receiver's id.")], home: HomeOption = None
) -> None:
    """Send to a paused receiver again."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    hook = api.resume_hook(hook_id, home)
    console().print(f"webhook {hook.id} resumed ({hook.url})", highlight=False)


@hooks_app.command("log")
def hooks_log(
    limit: Annotated[int, typer.Option(help="The last this many deliveries.")] = 50,
    fmt: FormatOption = "table",
    home: HomeOption = None,
) -> None:
    """Every delivery: when, to which receiver, which change, HTTP status, attempts, error."""
    from cosmodrome import api  # here, not at start-up: it loads DuckDB

    check_format(fmt)
    rows = api.hook_deliveries(home, limit)
    if fmt == "json":
        emit_json({"deliveries": rows})
        return
    if not rows:
        console(stderr=True).print("no delivery yet")
        return
    emit(_rows(rows), fmt, title="Webhook deliveries", listing=LOG)


def _rows(records: list[dict[str, Any]]) -> Rows:
    """Records of one shape as a table."""
    columns = list(records[0])
    return Rows(columns, [tuple(r.get(c) for c in columns) for r in records])
