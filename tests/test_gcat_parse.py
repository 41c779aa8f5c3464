"""GCAT field parsers: vague dates, validity periods, launch codes, malformed rows."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosmodrome.catalog.gcat import (
    MONTHS,
    GcatFormatError,
    parse_number,
    parse_period_bound,
    parse_vague_date,
    read_table,
)
from cosmodrome.catalog.outcomes import outcome_filter, parse_launch_code
from cosmodrome.errors import InputError
from cosmodrome.text import without_control
from tests.gcat_factory import rows_of

MONTH_NAMES = {number: name for name, number in MONTHS.items()}


@pytest.mark.parametrize(
    ("text", "expected", "precision", "uncertain"),
    [
        ("1957 Oct  4 1928:34", datetime(1957, 10, 4, 19, 28, 34, tzinfo=UTC), "second", False),
        ("1963 Jan  4 0849", datetime(1963, 1, 4, 8, 49, tzinfo=UTC), "minute", False),
        ("2024 Dec  8", datetime(2024, 12, 8, tzinfo=UTC), "day", False),
        ("1961 Apr?", datetime(1961, 4, 1, tzinfo=UTC), "month", True),
        ("1965 Mar 12 0925:31?", datetime(1965, 3, 12, 9, 25, 31, tzinfo=UTC), "second", True),
        ("1970", datetime(1970, 1, 1, tzinfo=UTC), "year", False),
    ],
)
def test_vague_dates(text: str, expected: datetime, precision: str, uncertain: bool) -> None:
    parsed = parse_vague_date(text)
    assert parsed.start_utc == expected
    assert parsed.precision == precision
    assert parsed.uncertain is uncertain


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)))
def test_vague_date_round_trip(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    text = f"{moment.year} {MONTH_NAMES[moment.month]} {moment.day:2d} {moment:%H%M:%S}"
    assert parse_vague_date(text).start_utc == moment.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["1957 Okt  4", "57 Oct 4", "1957 Feb 30", "2025 Oct    -", "yesterday"]
)
def test_bad_dates_say_what_is_expected(text: str) -> None:
    with pytest.raises(GcatFormatError, match="cannot read date"):
        parse_vague_date(text)


def test_period_bounds() -> None:
    assert parse_period_bound("1989", end=False) == date(1989, 1, 1)
    assert parse_period_bound("1989", end=True) == date(1989, 12, 31)
    assert parse_period_bound("1966 Dec", end=True) == date(1966, 12, 31)
    assert parse_period_bound("2000 Feb  4", end=True) == date(2000, 2, 4)
    assert parse_period_bound("1960s", end=False) == date(1960, 1, 1)
    assert parse_period_bound("1970s?", end=True) == date(1979, 12, 31)
    assert parse_period_bound("509", end=False) == date(509, 1, 1)
    assert parse_period_bound("*", end=True) is None
    assert parse_period_bound("?", end=False) is None


def test_numbers_ignore_flags() -> None:
    assert parse_number("  7600 ") == 7600.0
    assert parse_number("10?") == 10.0
    assert parse_number(None) is None


@pytest.mark.parametrize(
    ("code", "orbit_class", "outcome", "success"),
    [
        ("OS", "orbital", "success", True),
        ("OF", "orbital", "failure", False),
        ("DS", "deep_space", "success", True),
        ("XS", "other", "success", True),
        ("OS75", "orbital", "partial_success", True),
        ("OF40", "orbital", "partial_failure", False),
    ],
)
def test_launch_codes(code: str, orbit_class: str, outcome: str, success: bool) -> None:
    decoded = parse_launch_code(code)
    assert (decoded.orbit_class, decoded.outcome, decoded.is_success) == (
        orbit_class,
        outcome,
        success,
    )


def test_bad_launch_code_and_outcome_name() -> None:
    with pytest.raises(ValueError, match="expected class O/D/X"):
        parse_launch_code("QS")
    with pytest.raises(InputError, match="unknown outcome"):
        outcome_filter("meh")
    assert outcome_filter("failure") == ("failure", "partial_failure")


def test_wrong_field_count_is_an_issue_not_a_drop(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_text("#A\tB\n# Updated 2025 Dec  1\n1\t2\n1\t2\t3\n - \t x \n")
    table = read_table(path)
    assert table.columns == ("A", "B")
    assert table.updated == "2025 Dec  1"
    assert rows_of(table) == [
        (3, {"A": "1", "B": "2"}),
        (5, {"A": None, "B": "x"}),
    ]
    assert [(i.line, i.reason) for i in table.issues] == [(4, "expected 2 fields, found 3")]


#: Characters a GCAT field may hold that cleaning treats specially: padding, the "none"
#: dash, control characters and Unicode spaces that str.strip() removes.
FIELD_CHARACTERS = st.sampled_from(" -\x00\x01\x07\x0b\x0c\x1c\x1f\x7f\x85\xa0\u2003\u3000aZ9é")


@given(st.lists(st.text(FIELD_CHARACTERS, max_size=8), min_size=1, max_size=6))
def test_each_field_is_cleaned_as_python_strips_it(fields: list[str]) -> None:
    """DuckDB's ``trim`` and Python's ``str.strip`` differ on a few characters: the reader
    gives what the documented rule gives (control characters out, stripped, ``-`` none)."""
    header = "#Key\t" + "\t".join(f"F{index}" for index in range(len(fields)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.tsv"
        path.write_text(f"{header}\nkey\t" + "\t".join(fields) + "\n", encoding="utf-8")
        ((_, row),) = rows_of(read_table(path))
    expected = [None if (v := without_control(f)) in ("", "-") else v for f in fields]
    assert list(row.values())[1:] == expected


#: Texts close to GCAT's dates: the parts of a date, spaces, doubt, and what breaks them.
DATE_LIKE = st.lists(
    st.sampled_from(
        ["1957", "2024", "0000", "0001", " ", "  ", "Oct", "Feb", "Foo", "oct", "4", "30", "31",
         "00", "1928", "2460", "1999", ":34", ":60", ".5", "h", "?", "\t", "\u00a0", "x"]
    ),
    max_size=9,
).map("".join)  # fmt: skip


@given(st.lists(DATE_LIKE, min_size=1, max_size=20))
def test_the_sql_reading_of_vague_dates_is_pythons(texts: list[str]) -> None:
    """The build reads dates in SQL (and in Python only what SQL cannot): each text gives
    the same start, precision and doubt as :func:`parse_vague_date`, or its error."""
    import duckdb

    from cosmodrome.catalog.ingest import _vague_dates

    with duckdb.connect() as con:
        con.execute("SET TimeZone = 'UTC'")
        con.execute("CREATE TEMP TABLE texts AS SELECT DISTINCT unnest($t) AS text", {"t": texts})
        _vague_dates(con, "dates", "SELECT text FROM texts")
        read = {
            text: (start, precision, uncertain, error)
            for text, start, precision, uncertain, error in con.execute(
                "SELECT text, start_utc, precision, uncertain, error FROM dates"
            ).fetchall()
        }
    for text in texts:
        try:
            when = parse_vague_date(text)
        except GcatFormatError as error:
            assert read[text] == (None, None, None, str(error))
            continue
        assert read[text] == (when.start_utc, when.precision, when.uncertain, None)


def test_a_superscript_year_is_a_format_error_not_a_crash() -> None:
    """``"²".isdigit()`` is true but ``int("²")`` fails: such a year is unreadable, the row
    quarantined, the build never stopped."""
    from cosmodrome.catalog.checks import misdated

    with pytest.raises(GcatFormatError):
        parse_period_bound("²", end=False)
    assert misdated("²957 Oct  4", date(2026, 12, 7), None) is None
