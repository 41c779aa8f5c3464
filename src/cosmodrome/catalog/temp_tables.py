"""Helpers for the build's working tables: the TEMP tables of one DuckDB connection.

The build keeps GCAT's rows in TEMP tables (``raw_<file>``, one VARCHAR column per header
column plus ``line``) and never turns them into Python objects; Python answers only for the
distinct values SQL cannot judge, registered back as small tables (:func:`small_table`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import duckdb

from cosmodrome.catalog.gcat import quoted


def temp_columns(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The connection's TEMP tables, each with its columns in order."""
    found = con.execute(
        "SELECT table_name, list(column_name ORDER BY column_index) FROM duckdb_columns() "
        "WHERE database_name = 'temp' GROUP BY table_name"
    ).fetchall()
    return {name: list(columns) for name, columns in found}


def raw_text(columns: Sequence[str], alias: str = "") -> str:
    """SQL for a row as its file had it, for the quarantine: the fields (every column but
    ``line``) joined by a tab, an empty field written ``-``."""
    prefix = f"{alias}." if alias else ""
    fields = ", ".join(f"coalesce({prefix}{quoted(c)}, '-')" for c in columns if c != "line")
    return f"concat_ws(chr(9), {fields})"


def column_or_null(columns: Sequence[str], column: str, alias: str = "") -> str:
    """SQL for ``column`` where the file has it, else a NULL of its type."""
    prefix = f"{alias}." if alias else ""
    return f"{prefix}{quoted(column)}" if column in columns else "CAST(NULL AS VARCHAR)"


def small_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    types: dict[str, str],
    rows: Iterable[Sequence[object]],
) -> None:
    """A TEMP table ``name`` of Python's answers (``types``: column -> SQL type), passed
    to DuckDB as one list per column."""
    values = list(zip(*rows, strict=True)) or [() for _ in types]
    params = {f"c{i}": list(column) for i, column in enumerate(values)}
    columns = ", ".join(
        f'unnest(CAST($c{i} AS {sql_type}[])) AS "{column}"'
        for i, (column, sql_type) in enumerate(types.items())
    )
    con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT {columns}', params)


def quarantine_rows(
    con: duckdb.DuckDBPyConnection,
    file: str,
    columns: Sequence[str],
    rejected: str,
    reason: str = "x.reason",
) -> None:
    """Append to TEMP table ``issues`` each row of ``raw_<file>`` (of ``columns``) that the
    query ``rejected`` names by its ``line``, as the file had it; ``reason`` is SQL over
    ``r`` (the row) and ``x`` (the query's row), its ``reason`` column by default."""
    con.execute(
        f"INSERT INTO issues SELECT ?, r.line, {reason}, {raw_text(columns, 'r')} "
        f'FROM "raw_{file}" r JOIN ({rejected}) x ON x.line = r.line',
        [f"{file}.tsv"],
    )
