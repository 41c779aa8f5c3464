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
