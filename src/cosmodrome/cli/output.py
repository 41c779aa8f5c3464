"""Print tables as a terminal table, CSV or JSON; every listing command goes through :func:`emit`.

A terminal table shows a reader's columns (a :class:`Listing`'s ``default``), each value at
its quantity's display precision (:mod:`cosmodrome.display`), so that it fits 80 columns
with at most two lines per row; ``--columns a,b,c`` picks others, ``--wide`` shows every
one, and long lists show their first rows with a count of the rest (``--all`` for every
row). CSV and JSON are data: every column, full precision.

Nothing here imports pandas: a quick command (``launches --format csv``) passes
:class:`Rows` straight from DuckDB, and a DataFrame is only looked at when one is given.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cosmodrome.display import format_value, plural
from cosmodrome.errors import InputError
from cosmodrome.naming import closest_names
from cosmodrome.tables import Rows, csv_cell, csv_ready, json_safe

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console

FORMATS = ("table", "csv", "json")

Record = dict[str, Any]


@dataclass(frozen=True)
class Listing:
    """How the terminal shows one kind of table.

    ``default`` are the columns a reader needs (the rest come with ``--columns``/``--wide``);
    ``derived`` are display columns made from a row (``site_pad`` from site and pad);
    ``top`` rows are shown unless ``--all`` is given.
    """

    default: tuple[str, ...]
    derived: Mapping[str, Callable[[Record], Any]] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    top: int | None = 500
    #: Columns whose lines end in an ellipsis rather than wrap (long free-text labels).
    truncate: frozenset[str] = frozenset()
    #: Columns never broken inside a line (a rate with its interval).
    whole: frozenset[str] = frozenset()
    #: Widest a cut column grows.
    truncate_width: int = 28
    #: Free-text columns shown as numbered notes under the table (``"; "`` separates notes).
    footnotes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Choice:
    """A user's ``--columns``, ``--wide`` and ``--all``."""

    columns: tuple[str, ...] = ()
    wide: bool = False
    all_rows: bool = False

    @classmethod
    def of(cls, columns: str | None = None, wide: bool = False, all_rows: bool = False) -> Choice:
        names = tuple(c.strip() for c in (columns or "").split(",") if c.strip())
        if names and wide:
            raise InputError("give --columns or --wide, not both")
        return cls(names, wide, all_rows)


ALL = Choice(all_rows=True)


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return fmt


def emit(
    table: pd.DataFrame | Rows,
    fmt: str = "table",
    *,
    title: str | None = None,
    caption: str | None = None,
    listing: Listing | None = None,
    choice: Choice = Choice(),
) -> None:
    """Write ``table`` to stdout in ``fmt``; JSON is an array of objects with ISO 8601 times.

    ``caption`` (a source line, say) is printed under a table; CSV and JSON stay bare data
    with every column.
    """
    check_format(fmt)
    if fmt == "csv":
        write_csv(table)
    elif fmt == "json":
        emit_json(records_of(table))
    else:
        print_table(table, title=title, caption=caption, listing=listing, choice=choice)


def records_of(table: pd.DataFrame | Rows) -> list[Record]:
    if isinstance(table, Rows):
        return table.records()
    from cosmodrome.tables import json_records

    return json_records(table)


def columns_of(table: pd.DataFrame | Rows) -> list[str]:
    return list(table.columns) if isinstance(table, Rows) else [str(c) for c in table.columns]


def write_csv(table: pd.DataFrame | Rows) -> None:
    if not isinstance(table, Rows):
        csv_ready(table).to_csv(sys.stdout, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(_csv_value(value) for value in row)


def _csv_value(value: Any) -> Any:
    """A CSV cell: times to the second in UTC, as a DataFrame's CSV writes them."""
    if isinstance(value, datetime):
        moment = value.astimezone(UTC) if value.tzinfo is not None else value
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    safe = json_safe(value)
    return "" if safe is None else csv_cell(safe)


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, default=json_default, indent=2, ensure_ascii=False) + "\n")


def console(stderr: bool = False, *, wide: bool = False) -> Console:
    """A rich console as wide as the terminal (``$COLUMNS`` when set); ``wide`` lets a
    table take the width it needs (``--wide``: for a pager such as ``less -S``)."""
    from rich.console import Console

    width = shutil.get_terminal_size((80, 24)).columns
    return Console(stderr=stderr, width=max(width, WIDE_WIDTH) if wide else width)


#: Cells up to this many characters keep to one line; longer text wraps.
SHORT_VALUE = 14
#: Width a ``--wide`` table may take.
WIDE_WIDTH = 400


def shown_columns(available: Sequence[str], listing: Listing | None, choice: Choice) -> list[str]:
    """The columns a table shows for a listing and a user's choice; an unknown name in
    ``--columns`` is an error listing the closest ones."""
    derived = list(listing.derived) if listing else []
    known = [*available, *[d for d in derived if d not in available]]
    if choice.columns:
        for name in choice.columns:
            if name not in known:
                raise InputError(
                    f"unknown column {name!r} for --columns; "
                    f"closest: {', '.join(closest_names(name, known)) or '-'}; "
                    f"all: {', '.join(known)}"
                )
        return list(choice.columns)
    if choice.wide or listing is None:
        return list(available)
    return [c for c in listing.default if c in known]


def print_table(
    table: pd.DataFrame | Rows,
    *,
    title: str | None = None,
    caption: str | None = None,
    listing: Listing | None = None,
    choice: Choice = Choice(),
) -> None:
    from rich import box
    from rich.table import Table as RichTable

    records = records_of(table)
    columns = shown_columns(columns_of(table), listing, choice)
    top = None if choice.all_rows or listing is None else listing.top
    if listing is None and not choice.all_rows:
        top = 500
    shown = records if top is None else records[:top]
    labels = listing.labels if listing else {}
    derived = listing.derived if listing else {}
    rendered = [[format_value(c, _cell(c, r, derived, columns)) for c in columns] for r in shown]
    notes: dict[str, int] = {}
    common: list[str] = []
    for index, column in enumerate(columns):
        if listing is not None and column in listing.footnotes and not choice.wide:
            common += _as_footnotes(rendered, index, notes)
    numeric = [
        all(isinstance(r.get(c), int | float) for r in shown if r.get(c) is not None)
        and any(r.get(c) is not None for r in shown)
        and c not in derived
        for c in columns
    ]
    out = console(wide=choice.wide)
    grid = RichTable(
        title=title, caption=caption, box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False
    )
    truncate = listing.truncate if listing else frozenset()
    headers = [labels.get(c, header_label(c)) for c in columns]
    whole = [listing is not None and c in listing.whole for c in columns]
    widths = column_widths(rendered, headers, out.width, wide=choice.wide, whole=whole)
    for index, (column, is_number) in enumerate(zip(columns, numeric, strict=True)):
        # Cells wrap at word boundaries; a word longer than its column (column_widths makes
        # room for the longest where the terminal allows) ends in an ellipsis, never breaks
        # in two: "Sriharikot / a" reads as two words. --wide shows every cell whole.
        cut = column in truncate
        grid.add_column(
            headers[index],
            justify="right" if is_number else "left",
            overflow="ellipsis",
            no_wrap=cut or whole[index],
            max_width=listing.truncate_width if cut and listing else None,
            width=widths[index],
        )
    for row in rendered:
        grid.add_row(*row)
    out.print(grid)
    for text in common:
        out.print(f"every row: {text}", highlight=False, markup=False)
    for text, number in notes.items():
        out.print(f"{number}. {text}", highlight=False, markup=False)
    if len(records) > len(shown):
        out.print(
            f"[dim]{len(shown):,} of {plural(len(records), 'row')} shown; --all shows every row, "
            "--format csv gives them as data[/dim]",
            highlight=False,
        )


def _cell(
    column: str, record: Record, derived: Mapping[str, Callable[[Record], Any]], shown: list[str]
) -> Any:
    """What a table shows of ``column``: a derived value, else the name beside a code.

    Names, never bare codes: a code column (``owner``, ``owner_state``, ``provider_state``)
    whose record carries ``<column>_name`` shows the name (the code when it has none), unless
    the name column is shown too (``--wide``). CSV and JSON keep both.
    """
    if column in derived:
        return derived[column](record)
    companion = f"{column}_name"
    name = record.get(companion) if companion not in shown else None
    return record.get(column) if name is None or name == "" else name


def column_widths(
    rendered: list[list[str]],
    headers: list[str],
    width: int,
    *,
    wide: bool = False,
    whole: list[bool] | None = None,
) -> list[int | None]:
    """Widths that fit ``width``: every column at its natural width when they all fit;
    otherwise short values (days, times, numbers: up to :data:`SHORT_VALUE` characters)
    keep theirs, so that they never break, and the longer text columns share the rest and
    wrap; ``whole`` marks columns kept whole whatever their length. ``None`` leaves a column to rich (``--wide``, or a terminal too narrow for that).

    >>> column_widths([["2024-01-01", "a long name of a thing"]], ["date", "name"], 30)
    [10, 15]
    """
    if not headers:
        return []
    longest = [
        max((len(line) for row in rendered for line in row[i].splitlines()), default=0)
        for i in range(len(headers))
    ]
    # the longest word of each column, header or cell: a column narrower cuts a word
    word = [
        max(
            (len(w) for text in [h, *(row[i] for row in rendered)] for w in text.split()),
            default=0,
        )
        for i, h in enumerate(headers)
    ]
    natural = [max(c, len(h)) for c, h in zip(longest, headers, strict=True)]
    room = width - 3 * (len(headers) - 1) - 2  # padding and a rule between, an edge each side
    if wide or sum(natural) <= room:
        return [None] * len(headers)
    keep = whole or [False] * len(headers)
    fixed = [
        max(c, w) if c <= SHORT_VALUE or k else None
        for c, w, k in zip(longest, word, keep, strict=True)
    ]
    # Too many short columns to keep them all whole: let the widest of them wrap too.
    while True:
        free = room - sum(f for f in fixed if f is not None)
        flexible = [i for i, f in enumerate(fixed) if f is None]
        if free >= 8 * max(1, len(flexible)):
            break
        loose = [i for i, f in enumerate(fixed) if f is not None and f > 8 and not keep[i]]
        if not loose:
            return [None] * len(headers)
        fixed[max(loose, key=lambda i: fixed[i] or 0)] = None
    if not flexible:
        return list(fixed)
    # Water-filling: the narrowest text columns get their natural width first, the widest
    # share what is left (a name column is not squeezed to make room for a list of names).
    widths: list[int | None] = list(fixed)
    left = free
    pending = sorted(flexible, key=lambda i: natural[i])
    while pending:
        share = left // len(pending)
        i = pending.pop(0)
        widths[i] = max(min(word[i], share), min(natural[i], share), 6)
        left -= widths[i] or 0
    return widths


def _as_footnotes(rendered: list[list[str]], index: int, notes: dict[str, int]) -> list[str]:
    """Replace column ``index``'s notes by their numbers in ``notes`` (``"1, 3"``); a note
    every row has is returned instead, to be said once."""
    split = [[p.strip() for p in row[index].split("; ") if p.strip()] for row in rendered]
    common = set.intersection(*(set(parts) for parts in split)) if len(split) > 1 else set()
    for row, parts in zip(rendered, split, strict=True):
        numbers = sorted(notes.setdefault(p, len(notes) + 1) for p in parts if p not in common)
        row[index] = ", ".join(str(n) for n in numbers)
    return [p for p in dict.fromkeys(p for parts in split for p in parts) if p in common]


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
    "_m": "(m)",
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
    """Key-value lines; each value at the precision of the quantity its key names."""
    from rich.table import Table as RichTable

    items = values.items() if isinstance(values, Mapping) else values
    grid = RichTable(title=title, show_header=False, box=None)
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in items:
        grid.add_row(header_label(str(key)), format_value(str(key), json_safe(value)))
    console().print(grid)


def json_default(value: Any) -> Any:
    """For :func:`json.dumps`: times, dates and NumPy values as JSON; anything else as text."""
    safe = json_safe(value)
    return str(safe) if safe is value else safe
