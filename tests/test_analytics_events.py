"""Event markers and the before/after cadence comparison with exact Poisson intervals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cosmodrome.analytics.events import (
    DEFAULT_EVENTS,
    Event,
    compare_around,
    events_from,
    parse_event,
    poisson_interval,
    rate_ratio_interval,
)
from cosmodrome.errors import InputError

RATE = 1e-6  # launches per year: tolerance on interval bounds


def test_garwood_interval_matches_chi_square_tables() -> None:
    # Exact Poisson limits are chi-square quantiles / 2: for 9 events chi2(0.025, 18) = 8.2307
    # and chi2(0.975, 20) = 34.1696 (any chi-square table, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
    rate, low, high = poisson_interval(9, 5.0)
    assert rate == pytest.approx(1.8)
    assert low == pytest.approx(8.2307 / 2 / 5.0, abs=1e-4)
    assert high == pytest.approx(34.1696 / 2 / 5.0, abs=1e-4)
    # Zero events: the upper limit is -ln(0.025) = 3.6889 per exposure.
    assert poisson_interval(0, 1.0) == pytest.approx((0.0, 0.0, 3.6889), abs=1e-4)


@settings(deadline=None)  # tests never depend on wall-clock time (a loaded machine is slow)
@given(st.integers(0, 3000), st.floats(0.1, 50.0))
def test_interval_brackets_the_rate(count: int, years: float) -> None:
    rate, low, high = poisson_interval(count, years)
    assert 0.0 <= low <= rate + RATE and rate - RATE <= high


def test_rate_ratio_interval() -> None:
    ratio, low, high = rate_ratio_interval(50, 5.0, 100, 5.0)
    assert ratio == pytest.approx(0.5)
    assert low < 0.5 < high < 1.0  # a halving this large is well outside chance
    assert rate_ratio_interval(3, 1.0, 0, 1.0)[0] != rate_ratio_interval(3, 1.0, 0, 1.0)[0]  # NaN
    with pytest.raises(InputError):
        poisson_interval(-1, 1.0)


def test_default_and_user_events() -> None:
    days = {e.day for e in DEFAULT_EVENTS}
    assert date(2022, 2, 24) in days and any(d.year == 2014 and d.month == 3 for d in days)
    assert parse_event("2014-03=Crimea") == Event(date(2014, 3, 1), "Crimea")
    chosen = events_from(["2019-01-01=New rule"], defaults=False)
    assert chosen == [Event(date(2019, 1, 1), "New rule")]
    with pytest.raises(InputError, match="DATE=LABEL"):
        parse_event("soon=Later")


def test_compare_around_counts_each_window() -> None:
    event = Event(date(2020, 1, 1), "change")
    before = [date(2016, 1, 1) + timedelta(days=73 * i) for i in range(20)]  # 20 in 2016-2019
    after = [date(2020, 1, 1) + timedelta(days=146 * i) for i in range(5)]  # 5 in 2020-2021
    frame = compare_around(before + after, [event], data_end=date(2021, 12, 31), window_years=4)
    row = frame.records()[0]
    assert row["launches_before"] == 20 and row["launches_after"] == 5
    assert row["years_after"] == pytest.approx(2.0, abs=0.01)  # cut at the data date
    assert row["rate_after_per_yr"] == pytest.approx(2.5, abs=0.01)
    assert row["rate_before_low"] < row["rate_before_per_yr"] < row["rate_before_high"]
    assert (
        compare_around(
            before, [Event(date(1990, 1, 1), "too early")], data_end=date(2021, 12, 31)
        ).rows
        == []
    )


@settings(deadline=None)
@given(st.integers(0, 5000), st.sampled_from([0.8, 0.9, 0.95, 0.99, 0.999]))
def test_poisson_bounds_equal_scipy_chi_square_quantiles(count: int, confidence: float) -> None:
    """The exact bounds are chi-square quantiles / 2 (independent reference: SciPy)."""
    from scipy.stats import chi2

    tail = (1.0 - confidence) / 2.0
    _, low, high = poisson_interval(count, 1.0, confidence)
    assert low == (pytest.approx(chi2.ppf(tail, 2 * count) / 2.0, rel=1e-11) if count else 0.0)
    assert high == pytest.approx(chi2.isf(tail, 2 * count + 2) / 2.0, rel=1e-11)


@settings(deadline=None)
@given(
    st.integers(0, 2000),
    st.integers(1, 2000),
    st.sampled_from([0.8, 0.95, 0.999]),
)
def test_rate_ratio_bounds_equal_scipy_clopper_pearson(
    after: int, before: int, confidence: float
) -> None:
    """The ratio's bounds map Clopper-Pearson limits of the binomial share (beta quantiles,
    SciPy) to rates: within 1e-9 relative, 1 - p kept precise where p is near 1."""
    from scipy.stats import beta

    tail = (1.0 - confidence) / 2.0
    n = after + before
    _, low, high = rate_ratio_interval(after, 3.0, before, 7.0, confidence)

    def ratio(p: float, q: float) -> float:  # q = 1 - p
        return p / q * 7.0 / 3.0

    if not after:
        assert low == 0.0
        return
    p_low, q_low = beta.ppf(tail, after, n - after + 1), beta.isf(tail, n - after + 1, after)
    p_high, q_high = beta.isf(tail, after + 1, n - after), beta.ppf(tail, n - after, after + 1)
    assert low == pytest.approx(ratio(p_low, q_low), rel=1e-9)
    assert high == pytest.approx(ratio(p_high, q_high), rel=1e-9)
