"""Reliability: the Beta-binomial posterior, its family-pooled prior, and its backtest."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosmodrome import api
from cosmodrome.cli.forecast import percent
from cosmodrome.errors import ThinHistoryError
from cosmodrome.forecast.reliability import (
    WEIGHT_BOUNDS,
    BetaPrior,
    Record,
    Reliability,
    Tally,
    backtest,
    fit_shared_prior,
    vehicle_priors,
)
from tests.conftest import CliRunner


def _record(successes: int, failures: int, partial: int = 0) -> Record:
    flights = successes + failures + partial
    return Record(
        key="X", name="X", family="F", flights=flights, successes=successes,
        failures=failures, partial_failures=partial, since_last_failure=0,
        last_failure=None, first_flight=date(2020, 1, 1), last_flight=date(2020, 1, 1),
    )  # fmt: skip


priors = st.builds(
    BetaPrior,
    st.floats(0.05, 0.99),
    st.floats(WEIGHT_BOUNDS[0], WEIGHT_BOUNDS[1]),
)


@given(priors, st.integers(1, 50))
def test_a_perfect_record_never_reads_certain(prior: BetaPrior, n: int) -> None:
    row = Reliability(_record(n, 0), prior, "test", 0.9).row()
    assert row["p_success"] < 1.0
    assert row["p_high"] <= 1.0
    assert percent(row["p_success"]) != "100.0 %"
    assert percent(row["p_high"]) != "100.0 %"


def test_three_for_three_is_not_100_percent() -> None:
    shared = fit_shared_prior([95, 48, 3], [100, 50, 3])
    row = Reliability(_record(3, 0), shared, "test", 0.9).row()
    assert row["raw_rate"] == 1.0
    assert 0.5 < row["p_success"] < 0.99
    assert row["p_low"] < row["p_success"] < row["p_high"]


@given(priors, st.integers(0, 40), st.integers(0, 40))
def test_posterior_moves_the_right_way(prior: BetaPrior, s: int, f: int) -> None:
    base = Reliability(_record(s, f), prior, "t", 0.9).row()
    more_success = Reliability(_record(s + 1, f), prior, "t", 0.9).row()
    more_failure = Reliability(_record(s, f + 1), prior, "t", 0.9).row()
    partial = Reliability(_record(s, f, 1), prior, "t", 0.9).row()
    assert more_success["p_success"] > base["p_success"]
    assert more_failure["p_success"] < base["p_success"]
    # A partial failure weighs as a failure but is counted apart.
    assert partial["p_success"] == pytest.approx(more_failure["p_success"])
    assert partial["failures"] == f and partial["partial_failures"] == 1


@given(priors, st.integers(0, 40), st.integers(0, 40))
def test_wider_interval_contains_narrower(prior: BetaPrior, s: int, f: int) -> None:
    narrow = Reliability(_record(s, f), prior, "t", 0.8).row()
    wide = Reliability(_record(s, f), prior, "t", 0.95).row()
    assert wide["p_low"] <= narrow["p_low"] < narrow["p_high"] <= wide["p_high"]


def test_a_variant_borrows_from_its_family_without_drowning() -> None:
    # A family of 400 successes in 400; its new variant failed half of 100 flights.
    tallies: list[Tally] = [("old", "F", 400, 400), ("new", "F", 50, 100), ("solo", "G", 20, 30),
               ("b", "H", 90, 100), ("c", "H", 9, 10)]  # fmt: skip
    found, _ = vehicle_priors(tallies)
    prior = found["new"][0]
    assert prior.weight <= WEIGHT_BOUNDS[1]
    posterior = (prior.alpha + 50) / (prior.weight + 100)
    assert 0.5 < posterior < 0.6  # its own 100 flights dominate
    # A fresh variant with no flights starts at the family's record, not the global one.
    fresh, _ = vehicle_priors([*tallies, ("fresh", "F", 0, 0)])
    assert fresh["fresh"][0].mean == pytest.approx(450 / 500, abs=0.01)  # F: 450 of 500
    assert "family F" in fresh["fresh"][1]


def test_shared_prior_weight_is_bounded() -> None:
    # Identical records would push an unbounded weight to infinity.
    prior = fit_shared_prior([9] * 30, [10] * 30)
    assert WEIGHT_BOUNDS[0] <= prior.weight <= WEIGHT_BOUNDS[1]
    assert prior.mean == pytest.approx(0.9, abs=0.02)


@pytest.mark.integration
def test_backtest_beats_the_naive_rates(mirror_con: duckdb.DuckDBPyConnection) -> None:
    scores = backtest(mirror_con, 2000, 2024)
    n = np.array([s.launches for s in scores])
    assert len(scores) == 25 and n.sum() > 2000

    def mean(field: str) -> float:
        return float((np.array([getattr(s, field) for s in scores]) * n).sum() / n.sum())

    assert mean("brier_model") < mean("brier_naive")
    assert mean("brier_model") < mean("brier_everyone")
    assert mean("log_model") < mean("log_everyone")
    # Expected failures track the real ones over the whole period (within 25 %).
    expected = sum(s.expected_model for s in scores)
    actual = sum(s.failures for s in scores)
    assert abs(expected - actual) < 0.25 * actual


@pytest.mark.integration
def test_cli_json_fields(mirror_home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(mirror_home, "reliability", "--vehicle", "Soyuz-2.1b", "--format", "json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    (row,) = answer["rows"]
    assert row["name"] == "Soyuz-2-1B"
    assert row["flights"] == row["successes"] + row["failures"] + row["partial_failures"]
    assert row["p_low"] < row["p_success"] < row["p_high"] < 1
    assert row["interval"] == 0.9
    assert 0 <= row["since_last_failure"] <= row["flights"]
    assert answer["rests_on"]["flights"] > 6000


@pytest.mark.integration
def test_as_of_sees_only_earlier_flights(mirror_con: duckdb.DuckDBPyConnection) -> None:
    answer = api.reliability(
        mirror_con, api.ReliabilityRequest(vehicle="Falcon 9", as_of=date(2016, 1, 1))
    )
    (row,) = answer.rows
    assert row["last_flight"] < date(2016, 1, 1)
    assert row["flights"] == 20  # Falcon 9's flights to the end of 2015 (GCAT)


@pytest.mark.integration
def test_thin_history_refuses(mirror_con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ThinHistoryError, match="at least"):
        api.reliability(mirror_con, api.ReliabilityRequest(as_of=date(1958, 6, 1)))
