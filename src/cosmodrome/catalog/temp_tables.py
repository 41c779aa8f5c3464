"""Helpers for the build's working tables: the TEMP tables of one DuckDB connection.

The build keeps GCAT's rows in TEMP tables (``raw_<file>``, one VARCHAR column per header
column plus ``line``) and never turns them into Python objects; Python answers only for the
distinct values SQL cannot judge, registered back as small tables (:func:`small_table`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb
import pandas as pd


def temp_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the connection's TEMP tables."""
    found = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    return {name for (name,) in found}


def columns_of(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of ``table``, in order."""
    return [d[0] for d in con.execute(f'SELECT * FROM "{table}" LIMIT 0').description]


def raw_text(columns: Sequence[str], alias: str = "") -> str:
    """SQL for a row as its file had it, for the quarantine: the fields (every column but
    ``line``) joined by a tab, an empty field written ``-``."""
    prefix = f"{alias}." if alias else ""
    fields = ", ".join(f"coalesce({prefix}\"{c}\", '-')" for c in columns if c != "line")
    return f"concat_ws(chr(9), {fields})"


def column_or_null(columns: Sequence[str], column: str, alias: str = "") -> str:
    """SQL for ``column`` where the file has it, else a NULL of its type."""
    prefix = f"{alias}." if alias else ""
    return f'{prefix}"{column}"' if column in columns else "CAST(NULL AS VARCHAR)"


def small_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    types: dict[str, str],
    rows: Iterable[Sequence[object]],
) -> None:
    """A TEMP table ``name`` of Python's answers (``types``: column -> SQL type)."""
    frame = pd.DataFrame(list(rows), columns=list(types), dtype=object)
    view = f"_{name}_rows"
    con.register(view, frame)
    try:
        casts = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in types.items())
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT {casts} FROM "{view}"')
    finally:
        con.unregister(view)
