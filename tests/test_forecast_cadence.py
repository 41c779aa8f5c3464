"""Cadence forecasts: the predictive distribution, its intervals, and the rolling-origin
backtest on the mirror."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from cosmodrome import api
from cosmodrome.errors import ThinHistoryError
from cosmodrome.forecast.cadence import DIMENSIONS, Counts, backtest, interval
from tests.conftest import CliRunner

means = st.floats(0.1, 300.0)
sizes = st.floats(0.5, 500.0)


@given(means, sizes)
def test_intervals_nest_and_hold_near_their_level(mean: float, size: float) -> None:
    dist = stats.nbinom(size, size / (size + mean))
    low80, high80 = interval(dist, 0.8)
    low95, high95 = interval(dist, 0.95)
    assert low95 <= low80 <= high80 <= high95
    mass = dist.cdf(high80) - (dist.cdf(low80 - 1) if low80 > 0 else 0.0)
    # Whole counts: the nearest mass, within one count's probability of the level.
    step = max(dist.pmf(low80), dist.pmf(high80), dist.pmf(low80 - 1), dist.pmf(high80 + 1))
    assert abs(mass - 0.8) <= step + 1e-9


@given(means, st.lists(st.floats(0.0, 1.0), max_size=12))
def test_first_flights_add_their_probabilities(mean: float, flights: list[float]) -> None:
    history = stats.poisson(mean)
    counts = Counts(history, flights)
    assert counts.pmf.sum() == pytest.approx(1.0)
    assert counts.mean() == pytest.approx(mean + sum(flights), rel=1e-4, abs=1e-4)


@pytest.mark.integration
@pytest.mark.parametrize("by", list(DIMENSIONS))
def test_rolling_origin_backtest_is_calibrated(
    mirror_con: duckdb.DuckDBPyConnection, by: str
) -> None:
    score = backtest(mirror_con, by, 2010, 2024)
    assert score["forecasts"] >= 100
    assert 0.70 <= score["coverage_80"] <= 0.90
    assert 0.88 <= score["coverage_95"] <= 0.99
    # Never much worse than "same as last year".
    assert score["mae_model"] < 1.1 * score["mae_same_as_last_year"]


@pytest.mark.integration
def test_forecast_json_says_what_it_rests_on(mirror_home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(
        mirror_home, "forecast", "--by", "site", "--sites", "Baikonur,Vostochny",
        "--year", "2025", "--as-of", "2024-06-30", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {row["name"] for row in answer["rows"]} == {"Baikonur", "Vostochny"}
    assert answer["rests_on"]["known_to"] == "2024-06-30"
    assert answer["rests_on"]["years"] == [2017, 2024]
    for row in answer["rows"]:
        assert row["low_95"] <= row["low_80"] <= row["median"] <= row["high_80"] <= row["high_95"]
        assert row["last_year_share"] < 0.6  # 2024 known to the end of June only
        assert [h["year"] for h in row["history"]] == list(range(2017, 2025))


@pytest.mark.integration
def test_a_thin_history_refuses(mirror_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ThinHistoryError, match="Svobodny"):
        api.cadence_forecast(mirror_con, api.CadenceRequest(by="site", sites=("Svobodny",)))
    with pytest.raises(ThinHistoryError):
        api.cadence_forecast(mirror_con, api.CadenceRequest(as_of=date(1958, 1, 1)))
    with pytest.raises(ThinHistoryError, match="that far ahead"):
        api.cadence_forecast(mirror_con, api.CadenceRequest(year=2200))


@pytest.mark.integration
def test_site_report_says_next_year_with_its_interval(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    html = api.site_report(mirror_con, "Baikonur")
    assert ">Next year<" in html
    assert "In 2025, Baikonur can expect about" in html
    assert "80 % interval" in html and "95 % interval" in html
