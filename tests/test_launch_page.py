"""A page of launches with its total, from one query, equals the listing and the count."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

from cosmodrome.catalog import queries

pytestmark = pytest.mark.integration

FILTERS = [
    queries.LaunchFilter(),
    queries.LaunchFilter(site="Baikonur", start=datetime(1990, 1, 1, tzinfo=UTC)),
    queries.LaunchFilter(vehicle="Falcon 9", outcome="failure"),
]


@pytest.mark.parametrize("f", FILTERS)
@pytest.mark.parametrize(("limit", "offset"), [(50, 0), (7, 3), (0, 0), (50, 100_000)])
def test_page_and_total_equal_rows_and_count(
    mirror_con: duckdb.DuckDBPyConnection, f: queries.LaunchFilter, limit: int, offset: int
) -> None:
    total, page = queries.launch_page(mirror_con, f, limit=limit, offset=offset, sort="vehicle")
    assert total == queries.count_launches(mirror_con, f) > 0
    rows = queries.launch_rows(mirror_con, f, limit=limit, offset=offset, sort="vehicle")
    assert page == rows
