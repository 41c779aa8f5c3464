"""The Typer application every command module registers on, and its shared options."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="cosmodrome",
    help="The world's spaceports and launch market, measured from public catalogs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    # A root with no options of its own keeps ``cosmodrome NAME`` a group even when start-up
    # builds only the invoked command (see cosmodrome.cli.main).
    pass


FormatOption = Annotated[
    str,
    typer.Option("--format", "-f", help="Output format: table, csv or json."),
]
HomeOption = Annotated[
    Path | None,
    typer.Option("--home", envvar="COSMODROME_HOME", help="Folder holding the catalog."),
]


def split_names(values: str | Sequence[str] | None) -> list[str]:
    """Names from a comma-separated option (or a repeated one), stripped, empty ones dropped.

    >>> split_names(["Kourou, Baikonur", "Cape Canaveral"]), split_names(None)
    (['Kourou', 'Baikonur', 'Cape Canaveral'], [])
    """
    texts = [values] if isinstance(values, str) else list(values or [])
    return [part.strip() for text in texts for part in text.split(",") if part.strip()]


ColumnsOption = Annotated[
    str | None,
    typer.Option(
        "--columns",
        help="Table columns to show, comma-separated (any column of --format csv).",
    ),
]
WideOption = Annotated[
    bool, typer.Option("--wide", help="Show every column in the table (as in CSV).")
]
AllOption = Annotated[
    bool, typer.Option("--all", help="Show every row of long tables (default: the first ones).")
]
FromOption = Annotated[
    str | None,
    typer.Option("--from", help="Start: 2022, 2022-03, 2022-03-01 or 2022-03-01T12:00Z."),
]
ToOption = Annotated[
    str | None,
    typer.Option("--to", help="End, inclusive: 2024 is to the end of 2024 (UTC)."),
]


# The catalog's filter fields, declared once: every command listing launches or payloads (or
# counting them) offers the same option for the same field. Sector, mission and orbit are
# the payload's own on ``payloads``, the primary payload's on launch commands.
SiteOption = Annotated[
    str | None, typer.Option("--site", help="Site name or code (Baikonur, GIK-5, Kourou).")
]
PadOption = Annotated[
    str | None, typer.Option("--pad", help="Pad by any name (LC31, Site 31/6, Gagarin's Start).")
]
VehicleOption = Annotated[
    str | None, typer.Option("--vehicle", help="Vehicle, family or prefix (Soyuz-2).")
]
ProviderOption = Annotated[
    str | None,
    typer.Option(
        "--provider",
        "--agency",
        help="Launch provider name or code (SpaceX, Roscosmos); --agency is its old name.",
    ),
]
OwnerOption = Annotated[
    str | None, typer.Option("--owner", help="Payload owner (customer) name or code (OneWeb).")
]
OwnerStateOption = Annotated[
    str | None,
    typer.Option("--owner-state", help="Payload owner state (GB, GBR, UK, United Kingdom)."),
]
ProviderStateOption = Annotated[
    str | None, typer.Option("--provider-state", help="Provider state (FR, FRA, F, France).")
]
OutcomeOption = Annotated[
    str | None,
    typer.Option(
        "--outcome", help="success, failure, partial, full-success, full-failure (of launches)."
    ),
]
SectorOption = Annotated[
    str | None,
    typer.Option(
        "--sector",
        help="Sector: commercial, civil, military, academic or mixed (launches: of their "
        "primary payload).",
    ),
]
MissionOption = Annotated[
    str | None,
    typer.Option(
        "--mission",
        help="Mission: a GCAT code or its words (COM, navigation, crew; launches: of their "
        "primary payload).",
    ),
]
OrbitOption = Annotated[
    str | None,
    typer.Option(
        "--orbit",
        help="Orbit regime: LEO, SSO, MEO, GEO, GTO, HEO, deep-space (launches: of their "
        "primary payload).",
    ),
]
