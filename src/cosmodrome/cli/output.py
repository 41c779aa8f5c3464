"""Print tables as a rich table, CSV or JSON; every listing command goes through :func:`emit`."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from cosmodrome.errors import InputError
from cosmodrome.tables import json_records, json_safe

FORMATS = ("table", "csv", "json")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return fmt


def emit(
    frame: pd.DataFrame, fmt: str = "table", *, title: str | None = None, caption: str | None = None
) -> None:
    """Write ``frame`` to stdout in ``fmt``; JSON is an array of objects with ISO 8601 times.

    ``caption`` (a source line, say) is printed under a table; CSV and JSON stay bare data.
    """
    check_format(fmt)
    if fmt == "csv":
        frame.to_csv(sys.stdout, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    elif fmt == "json":
        emit_json(json_records(frame))
    else:
        print_table(frame, title=title, caption=caption)


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=json_default, indent=2, ensure_ascii=False) + "\n")


def print_table(
    frame: pd.DataFrame,
    *,
    title: str | None = None,
    caption: str | None = None,
    max_rows: int = 500,
) -> None:
    table = Table(title=title, caption=caption, show_lines=False, header_style="bold")
    shown = frame.head(max_rows)
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        # Headers break between words and cells fold rather than end in an ellipsis: a narrow
        # terminal shows every character of a name or number.
        table.add_column(
            header_label(str(column)), justify="right" if numeric else "left", overflow="fold"
        )
    for row in shown.itertuples(index=False):
        table.add_row(*(_cell(v) for v in row))
    console = Console()
    console.print(table)
    if len(frame) > max_rows:
        console.print(
            f"[dim]... {len(frame) - max_rows} more rows (use --format csv for all)[/dim]"
        )


#: Unit suffixes of column names and how a table header writes them.
_UNITS = {
    "_m_s": "(m/s)",
    "_km_s": "(km/s)",
    "_km2_s2": "(km2/s2)",
    "_kg": "(kg)",
    "_km": "(km)",
    "_deg": "(deg)",
    "_pct": "(%)",
    "_utc": "(UTC)",
    "_s": "(s)",
}


def header_label(column: str) -> str:
    """A column name as a table header: words, with its unit suffix in brackets.

    >>> header_label("launch_azimuth_deg"), header_label("delta_v_m_s"), header_label("site")
    ('launch azimuth (deg)', 'delta v (m/s)', 'site')
    """
    for suffix, unit in _UNITS.items():
        if column.endswith(suffix) and len(column) > len(suffix):
            return f"{column[: -len(suffix)].replace('_', ' ')} {unit}"
    return column.replace("_", " ")


def print_mapping(
    values: Mapping[str, Any] | Sequence[tuple[str, Any]], title: str | None = None
) -> None:
    items = values.items() if isinstance(values, Mapping) else values
    table = Table(title=title, show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for key, value in items:
        table.add_row(str(key), _cell(value))
    Console().print(table)


def json_default(value: Any) -> Any:
    """For :func:`json.dumps`: times, dates and NumPy values as JSON; anything else as text."""
    safe = json_safe(value)
    return str(safe) if safe is value else safe


def _cell(value: Any) -> str:
    value = json_safe(value)
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    return str(value)
