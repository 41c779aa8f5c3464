"""The forecasts on the REST API: ``/api/reliability``, ``/api/forecast`` and ``p_by`` on
``/api/schedule``."""

from __future__ import annotations

from pathlib import Path

import pytest

from cosmodrome import api
from cosmodrome.web.app import create_app
from tests.web_support import client_class

TestClient = client_class()

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def home(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cosmodrome.catalog.build import build_catalog

    folder = tmp_path_factory.mktemp("forecast-web-home")
    build_catalog(str(shared_data), folder)
    api.update_schedule(str(shared_data), folder)
    return folder


def test_reliability(home: Path) -> None:
    client = TestClient(create_app(home))
    answer = client.get("/api/reliability", params={"vehicle": "Soyuz-2.1b"}).json()
    (row,) = answer["data"]
    assert row["name"] == "Soyuz-2-1B"
    for field in ("flights", "successes", "failures", "partial_failures", "p_success",
                  "p_low", "p_high", "interval", "since_last_failure"):  # fmt: skip
        assert field in row
    assert row["p_low"] < row["p_success"] < row["p_high"] < 1
    thin = client.get("/api/reliability", params={"as_of": "1958-06-01"})
    assert thin.status_code == 400 and "at least" in thin.text
    unknown = client.get("/api/reliability", params={"vehicle": "Soyuz-9"})
    assert unknown.status_code == 404


def test_forecast(home: Path) -> None:
    client = TestClient(create_app(home))
    answer = client.get(
        "/api/forecast", params={"by": "site", "sites": "Baikonur", "year": "2025"}
    ).json()
    (row,) = answer["data"]
    assert row["name"] == "Baikonur"
    assert row["low_95"] <= row["low_80"] <= row["mean"] <= row["high_80"] <= row["high_95"]
    assert answer["rests_on"]["years"][1] == 2024


def test_schedule_has_p_by(home: Path) -> None:
    client = TestClient(create_app(home))
    answer = client.get("/api/schedule", params={"site": "Baikonur", "by": "2026-12-31"}).json()
    assert answer["by"] == "2026-12-31"
    assert answer["p_by_rests_on"]["matched_flights"] >= 10
    assert all(0 <= row["p_by"] <= 1 and row["median_date"] for row in answer["data"])
