"""Target dates as intervals with their precision: labels, sorting, the slip rule, parsing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosmodrome.schedule import precision as p
from cosmodrome.schedule.precision import Precision
from cosmodrome.schedule.readers import parse_csv_time, parse_json_window


@pytest.mark.parametrize(
    ("text", "label", "start", "end"),
    [
        ("NET Nov 21, 2024", "NET 2024-11-21", "2024-11-21", "2024-11-22"),
        ("NET November, 2024", "NET 2024-11", "2024-11-01", "2024-12-01"),
        ("NET 4th Quarter, 2024", "NET 2024-Q4", "2024-10-01", "2025-01-01"),
        ("NET 1st Quarter, 2025", "NET 2025-Q1", "2025-01-01", "2025-04-01"),
        ("NET 2nd Half 2025", "NET 2025-H2", "2025-07-01", "2026-01-01"),
        ("NET 2024", "NET 2024", "2024-01-01", "2025-01-01"),
        ("Sun Oct 20, 2024 05:13 UTC", "2024-10-20T05:13Z", "2024-10-20T05:13", "2024-10-20T05:14"),
    ],
)
def test_csv_launch_times_keep_their_precision(text: str, label: str, start: str, end: str) -> None:
    target = parse_csv_time(text)
    assert target.label == label
    assert target.start == datetime.fromisoformat(start).replace(tzinfo=UTC)
    assert target.end == datetime.fromisoformat(end).replace(tzinfo=UTC)


def test_unreadable_csv_time_names_the_accepted_forms() -> None:
    with pytest.raises(ValueError, match="NET 4th Quarter, 2024"):
        parse_csv_time("sometime next spring")


def test_json_window_wins_over_the_falsely_precise_launch_date() -> None:
    # The export writes 2026-12-15T00:00:00 for "No earlier than 2026": the window is the truth.
    target, _, _ = parse_json_window("No earlier than 2026, time TBD", datetime(2026, 12, 15))
    assert (target.precision, target.label) == (Precision.YEAR, "NET 2026")
    target, _, _ = parse_json_window("No earlier than December 2026, time TBD", None)
    assert target.label == "NET 2026-12"
    target, _, _ = parse_json_window("No earlier than H2 2026, time TBD", datetime(2026, 9, 15))
    assert target.label == "NET 2026-H2"


def test_json_day_without_year_takes_the_year_of_launch_date() -> None:
    target, _, _ = parse_json_window("No earlier than April 7, time TBD", datetime(2026, 4, 7))
    assert target.label == "NET 2026-04-07"
    with pytest.raises(ValueError, match="no year"):
        parse_json_window("No earlier than April 7, time TBD", None)


def test_json_window_closing_after_midnight_is_the_next_day() -> None:
    target, opens, closes = parse_json_window(
        "Window opens at 2224 UTC, closes at 0024 UTC", datetime(2026, 4, 1, 22, 24)
    )
    assert target.label == "2026-04-01T22:24Z"
    assert opens == datetime(2026, 4, 1, 22, 24, tzinfo=UTC)
    assert closes == datetime(2026, 4, 2, 0, 24, tzinfo=UTC)


def test_no_later_than_closes_the_interval() -> None:
    target, _, _ = parse_json_window(
        "No earlier than September 28, no later than May 2027, time TBD", datetime(2026, 9, 28)
    )
    assert target.label == "NET 2026-09-28 to 2027-05"
    assert target.end == datetime(2027, 6, 1, tzinfo=UTC)


def test_tbd_has_no_interval_and_sorts_last() -> None:
    target, _, _ = parse_json_window("TBD", datetime(2026, 6, 1))
    assert target.label == "TBD" and target.start is None
    dates = [p.TBD, p.year(2026, net=True), p.month(2026, 1), p.day(2026, 1, 1)]
    ordered = sorted(dates, key=lambda d: d.sort_key())
    assert [d.label for d in ordered] == ["2026-01-01", "2026-01", "NET 2026", "TBD"]


def test_slip_is_between_interval_ends() -> None:
    # Tundra No. 7L: NET 2024 in the 2024-10 snapshot, NET 2026 in the 2026-03 one.
    assert p.slip_days(p.year(2024, net=True), p.year(2026, net=True)) == 730.0
    assert p.slip_days(p.quarter(2025, 4), p.month(2025, 12)) == 0.0
    assert p.slip_days(p.TBD, p.year(2026)) is None


def test_slip_to_launch_is_zero_inside_the_interval() -> None:
    launched = datetime(2024, 11, 21, 12, 22, tzinfo=UTC)
    assert p.slip_to_launch_days(p.day(2024, 11, 21, net=True), launched) == 0.0
    assert p.slip_to_launch_days(p.day(2024, 11, 20), launched) == pytest.approx(12.37 / 24, 1e-3)
    # 9 days 11 h 38 min before the month began
    assert p.slip_to_launch_days(p.month(2024, 12), launched) == pytest.approx(-(9 + 698 / 1440))


@given(
    st.sampled_from(
        [Precision.DAY, Precision.MONTH, Precision.QUARTER, Precision.HALF, Precision.YEAR]
    ),
    st.dates(min_value=datetime(1990, 1, 1).date(), max_value=datetime(2100, 12, 31).date()),
)
def test_every_interval_contains_its_start_and_the_label_reads_back(
    precision: Precision, day_: object
) -> None:
    moment = datetime(day_.year, day_.month, day_.day, tzinfo=UTC)  # type: ignore[attr-defined]
    target = {
        Precision.DAY: lambda: p.day(moment.year, moment.month, moment.day),
        Precision.MONTH: lambda: p.month(moment.year, moment.month),
        Precision.QUARTER: lambda: p.quarter(moment.year, (moment.month - 1) // 3 + 1),
        Precision.HALF: lambda: p.half(moment.year, 1 if moment.month <= 6 else 2),
        Precision.YEAR: lambda: p.year(moment.year),
    }[precision]()
    assert target.start is not None and target.end is not None
    assert target.start <= moment < target.end
    # A label never says more than its precision: a month label has no day, a year no month.
    assert (
        len(target.label)
        == {"day": 10, "month": 7, "quarter": 7, "half-year": 7, "year": 4}[precision.value]
    )


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]  # fmt: skip
ORDINALS = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}


@given(st.dates(min_value=datetime(2000, 1, 1).date(), max_value=datetime(2099, 12, 31).date()))
def test_every_csv_form_of_a_day_contains_that_day(day_: object) -> None:
    """Each way the CSV export writes a date around ``day_`` parses to an interval holding it,
    and the coarser the form, the wider the interval."""
    d = day_  # a datetime.date
    moment = datetime(d.year, d.month, d.day, 12, tzinfo=UTC)  # type: ignore[attr-defined]
    month_name = MONTH_NAMES[moment.month - 1]
    forms = [
        moment.strftime("%a %b %d, %Y 12:00 UTC"),
        moment.strftime("NET %b %d, %Y"),
        f"NET {month_name}, {moment.year}",
        f"NET {ORDINALS[(moment.month - 1) // 3 + 1]} Quarter, {moment.year}",
        f"NET {ORDINALS[1 if moment.month <= 6 else 2]} Half {moment.year}",
        f"NET {moment.year}",
    ]
    widths = []
    for text in forms:
        target = parse_csv_time(text)
        assert target.start is not None and target.end is not None
        assert target.start <= moment < target.end or target.start == moment, text
        widths.append(target.end - target.start)
    assert widths == sorted(widths)
