"""Per-table digest of a catalog, to check that a change to the build changes no result.

``python -m benchmarks.catalog_digest CATALOG.duckdb`` prints, for every table, its row
count, a hash of its rows in any order, an MD5 of its rows in stored order and an MD5 of its
column names and types. Build the mirror catalog before and after a change (with
``PYTHONHASHSEED=0``) and ``diff`` the two outputs.

Left out, as they differ between identical builds: ``meta.built_at_utc``, and the stored
order of the summary tables (``site_totals``, ``pad_totals``, ``vehicle_totals``: an
unordered ``GROUP BY`` each; compare their order-free hashes). ``derived_names`` is compared on its
JSON with every list sorted (DuckDB's ``DISTINCT`` order varies), without its ``key`` row
(a hash of the naming modules' source, which changes with them).
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

import duckdb

#: Tables stored in no set order.
SUMMARIES = ("site_totals", "pad_totals", "vehicle_totals")


def canonical(value: Any) -> Any:
    """``value`` with dict keys and list items in one order."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def digest_lines(con: duckdb.DuckDBPyConnection) -> list[str]:
    tables = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
    ).fetchall()
    lines = []
    for (table,) in tables:
        columns = con.execute(
            "SELECT column_name || ':' || data_type FROM information_schema.columns "
            "WHERE table_name = ? ORDER BY ordinal_position",
            [table],
        ).fetchall()
        schema = hashlib.md5(repr(columns).encode()).hexdigest()[:8]
        if table == "derived_names":
            rows = con.execute(
                "SELECT name, body FROM derived_names WHERE name <> 'key' ORDER BY name"
            ).fetchall()
            text = json.dumps([(n, canonical(json.loads(b))) for n, b in rows], sort_keys=True)
            lines.append(
                f"{table:24} {len(rows):8} {hashlib.md5(text.encode()).hexdigest()} {schema}"
            )
            continue
        where = "WHERE key <> 'built_at_utc'" if table == "meta" else ""
        count, unordered = con.execute(
            f'SELECT count(*), sum(hash(t)) FROM "{table}" t {where}'
        ).fetchone() or (0, None)
        ordered = (
            "-"
            if table in SUMMARIES
            else (
                con.execute(
                    f"SELECT md5(string_agg(t::VARCHAR, chr(10) ORDER BY rowid)) "
                    f'FROM "{table}" t {where}'
                ).fetchone()
                or ("",)
            )[0]
        )
        lines.append(f"{table:24} {count:8} {unordered} {ordered} {schema}")
    return lines


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m benchmarks.catalog_digest CATALOG.duckdb")
    con = duckdb.connect(sys.argv[1], read_only=True)
    try:
        print("\n".join(digest_lines(con)))
    finally:
        con.close()


if __name__ == "__main__":
    main()
