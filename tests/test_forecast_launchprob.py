"""Launch probability by date: the censored time-to-launch model, its score on the mirror's
2024-10 snapshot, and ``next``'s p_by."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosmodrome import api
from cosmodrome.forecast.launchprob import (
    GROUPS,
    Features,
    TimeToLaunch,
    end_of_quarter,
    score_snapshot,
)
from tests.conftest import CliRunner


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_end_of_quarter(day: date) -> None:
    end = end_of_quarter(day)
    assert end >= day and end.month in (3, 6, 9, 12)
    assert (end - day).days < 92
    assert end.day in (30, 31)


@given(
    st.lists(
        st.floats(-0.5, 0.5), min_size=2 + len(GROUPS) + len(GROUPS), max_size=2 + 2 * len(GROUPS)
    ),
    st.floats(1.0, 400.0),
    st.floats(1.0, 400.0),
)
def test_p_by_grows_with_time(coef: list[float], a: float, b: float) -> None:
    model = TimeToLaunch(np.array(coef[: 2 + 2 * len(GROUPS)]), [])
    x = Features(np.array([np.log(30.0)]), np.array([1]), np.array([0.0]), np.array([0]))
    early, late = sorted((a, b))
    p_early = model.p_by(x, np.array([early]))[0]
    p_late = model.p_by(x, np.array([late]))[0]
    assert 0.0 <= p_early <= p_late <= 1.0


@pytest.fixture(scope="module")
def schedule_home(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cosmodrome.catalog.build import build_catalog

    home = tmp_path_factory.mktemp("forecast-schedule-home")
    build_catalog(str(shared_data), home)
    api.update_schedule(str(shared_data), home)
    return home


@pytest.mark.integration
def test_brier_beats_both_naive_rules(schedule_home: Path) -> None:
    from cosmodrome.schedule.service import all_entries

    with api.catalog(schedule_home) as con:
        entries = all_entries(con, schedule_home)
        snapshot = entries[entries["file"] == "upcoming-2024-10-18.csv"].reset_index(drop=True)
        by = datetime(2024, 12, 9, tzinfo=UTC)
        score = score_snapshot(con, snapshot, by)
    assert score["launches"] == 450 and score["flown"] >= 10
    assert score["brier_model"] < score["brier_target_date"]
    assert score["brier_model"] < score["brier_constant_rate"]


@pytest.mark.integration
def test_next_shows_p_by_and_what_it_rests_on(schedule_home: Path, cosmodrome: CliRunner) -> None:
    result = cosmodrome(
        schedule_home, "next", "--site", "Baikonur", "--by", "2026-12-31", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["by"] == "2026-12-31"
    rests = answer["p_by_rests_on"]
    assert rests["snapshots"] == ["2024-10-18"] and rests["matched_flights"] >= 10
    launches = answer["launches"]
    assert launches and all(0 <= row["p_by"] <= 1 for row in launches)
    # Later targets are less likely to have flown by the same day.
    ordered = [row["p_by"] for row in launches if row["precision"] == "minute"]
    assert ordered[0] >= ordered[-1]
    assert all(row["median_date"] for row in launches)


@pytest.mark.integration
def test_as_of_with_no_followed_snapshot_refuses(
    schedule_home: Path, cosmodrome: CliRunner
) -> None:
    result = cosmodrome(schedule_home, "next", "--as-of", "2024-10-18", "--by", "2024-12-08")
    assert result.returncode == 1
    assert "too thin a history" in result.stderr and "0 entries matched" in result.stderr
