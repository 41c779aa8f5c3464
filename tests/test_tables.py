"""Rows as JSON records: the column-wise conversion equals json_safe value by value."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from cosmodrome.tables import Rows, json_safe

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
    st.lists(st.integers(), max_size=3),
)


@given(st.integers(1, 4).flatmap(lambda n: st.lists(st.tuples(*[values] * n), max_size=6)))
def test_records_equal_json_safe_cell_by_cell(rows: list[tuple[object, ...]]) -> None:
    width = len(rows[0]) if rows else 2
    columns = [f"c{i}" for i in range(width)]
    expected = [dict(zip(columns, map(json_safe, row), strict=True)) for row in rows]
    assert Rows(columns, rows).records() == expected


def test_times_and_missing_numbers_become_json() -> None:
    rows = Rows(
        ["t", "d", "x"],
        [(datetime(2024, 11, 21, 12, 22, 24, tzinfo=UTC), date(2024, 1, 2), float("nan"))],
    )
    assert rows.records() == [{"t": "2024-11-21T12:22:24Z", "d": "2024-01-02", "x": None}]
