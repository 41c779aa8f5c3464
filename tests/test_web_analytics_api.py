"""The analytics and orbit endpoints of the REST API: cadence, share, migration, the site
profile's extras, windows and passes (FastAPI test client, catalog from ../shared/data)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cosmodrome.astro.elements import parse_text
from cosmodrome.astro.store import ElementStore, elements_path
from cosmodrome.web.app import create_app
from tests.test_web_api import assert_error_shape
from tests.web_support import client_class, home_with_elements

pytestmark = pytest.mark.integration

# ISS (ZARYA), the element set of python-sgp4's and the element store's doctest.
ISS_TLE = """ISS (ZARYA)
1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"""


@pytest.fixture(scope="module")
def client(
    mirror_home: Path, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Any]:
    """The app on the mirror catalog, with the mirror's stations group in its element store."""
    home = home_with_elements(mirror_home, shared_data, tmp_path_factory.mktemp("web-orbits"))
    with client_class()(create_app(home)) as test_client:
        yield test_client


# ----------------------------------------------------------------------------- cadence


def test_baikonur_cadence_2012_to_2024(client: Any) -> None:
    response = client.get(
        "/api/cadence", params={"by": "site", "only": "Baikonur", "from": "2012", "to": "2024"}
    )
    assert response.status_code == 200
    body = response.json()
    rows = body["data"]
    assert [r["period"] for r in rows] == [str(y) for y in range(2012, 2025)]
    # GCAT launch log, launches from GIK-5 per UTC year (docs/ANALYTICS.md).
    assert [r["launches"] for r in rows] == [21, 23, 21, 18, 11, 13, 9, 13, 7, 14, 7, 9, 7]
    assert {r["label"] for r in rows} == {"Baikonur"}
    assert body["source"]["data_date"] == "2024-12-08"
    assert response.headers["etag"] and "max-age" in response.headers["cache-control"]


def test_cadence_csv_and_etag(client: Any) -> None:
    params = {"by": "provider-state", "only": "RU,US", "from": "2020", "to": "2021"}
    response = client.get("/api/cadence", params={**params, "format": "csv"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["group"] for r in table} == {"RU", "US"} and len(table) == 4
    etag = response.headers["etag"]
    again = client.get("/api/cadence", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_cadence_quarters_add_up_to_years(client: Any) -> None:
    params = {"by": "site", "only": "Kourou", "from": "2019", "to": "2019"}
    year = client.get("/api/cadence", params=params).json()["data"]
    quarters = client.get("/api/cadence", params={**params, "period": "quarter"}).json()["data"]
    assert [q["period"] for q in quarters] == [f"2019-Q{i}" for i in range(1, 5)]
    assert sum(q["launches"] for q in quarters) == year[0]["launches"] > 0


@pytest.mark.parametrize(
    ("params", "kind", "status"),
    [
        ({"by": "planet"}, "ValidationError", 422),
        ({"period": "week"}, "ValidationError", 422),
        ({"from": "99999"}, "InputError", 400),
        ({"from": "2020", "to": "2010"}, "InputError", 400),
        ({"only": "Baikonurr"}, "UnknownNameError", 404),
        ({"by": "owner-state", "period": "month"}, "InputError", 400),
    ],
)
def test_cadence_errors(client: Any, params: dict[str, str], kind: str, status: int) -> None:
    response = client.get("/api/cadence", params=params)
    assert response.status_code == status
    error = assert_error_shape(response.json(), status, kind)
    if kind == "UnknownNameError":
        assert "Baikonur" in error["suggestions"]


# ------------------------------------------------------------------------------- share


@pytest.mark.parametrize("by", ["provider-state", "owner-state", "site"])
def test_share_fractions_sum_to_one_each_year(client: Any, by: str) -> None:
    body = client.get("/api/share", params={"by": by, "from": "2010", "to": "2024"}).json()
    launch_sums: dict[str, float] = defaultdict(float)
    payload_sums: dict[str, float] = defaultdict(float)
    for row in body["data"]:
        assert 0.0 <= row["launch_share"] <= 1.0
        launch_sums[row["period"]] += row["launch_share"]
        payload_sums[row["period"]] += row["payload_share"]
    assert sorted(launch_sums) == [str(y) for y in range(2010, 2025)]
    assert all(abs(total - 1.0) < 1e-9 for total in launch_sums.values())
    assert all(abs(total - 1.0) < 1e-9 for total in payload_sums.values())


def test_share_top_lumps_the_rest(client: Any) -> None:
    body = client.get(
        "/api/share", params={"by": "provider-state", "top": 3, "from": "2023", "to": "2023"}
    ).json()
    groups = {r["group"]: r for r in body["data"]}
    assert len(groups) == 4 and "(other)" in groups
    busiest = max(groups.values(), key=lambda r: r["launch_share"])
    assert busiest["group"] == "US" and busiest["launch_share"] > 0.4  # SpaceX's year
    assert sum(r["launches"] for r in body["data"]) == body["data"][0]["world_launches"]


# --------------------------------------------------------------------------- migration


def test_migration_oneweb_moved_from_russian_launchers(client: Any) -> None:
    response = client.get("/api/migration", params={"provider_state": "RU", "cutoff": "2022-02-24"})
    assert response.status_code == 200
    body = response.json()
    oneweb = next(r for r in body["customers"] if r["customer"] == "ONEWEB")
    assert oneweb["status"] == "moved"
    assert set(oneweb["provider_states_after"].split(", ")) == {"IN", "US"}
    assert oneweb["first_launch_after"] == "2022-10-22"
    assert body["status_counts"]["moved"] >= 1
    assert sum(body["status_counts"].values()) == len(body["customers"])
    nodes, links = body["diagram"]["nodes"], body["diagram"]["links"]
    assert {n["column"] for n in nodes} == {"before", "customer", "after"}
    assert all(
        0 <= link["source"] < len(nodes) and 0 <= link["target"] < len(nodes) for link in links
    )
    customer = next(i for i, n in enumerate(nodes) if n["id"] == "customer:ONEWEB")
    after = {nodes[link["target"]]["state"] for link in links if link["source"] == customer}
    assert after == {"IN", "US"}
    into = sum(link["payloads"] for link in links if link["target"] == customer)
    assert into == oneweb["payloads_before"]


def test_migration_needs_a_selection_and_a_good_cutoff(client: Any) -> None:
    response = client.get("/api/migration", params={"cutoff": "2022-02-24"})
    assert_error_shape(response.json(), 400, "InputError")
    response = client.get("/api/migration", params={"provider_state": "RU", "cutoff": "soon"})
    assert_error_shape(response.json(), 400, "InputError")
    response = client.get("/api/migration", params={"site": "Baikonurr"})
    assert "Baikonur" in assert_error_shape(response.json(), 404, "UnknownNameError")["suggestions"]


# ---------------------------------------------------------------------- site profile extras


def test_site_profile_extras_for_baikonur(client: Any) -> None:
    body = client.get(
        "/api/sites/Tyuratam/profile",
        params={"from": "2010", "to": "2019", "event": "2019-01-01=New rule"},
    ).json()
    assert body["name"] == "Baikonur"
    days = [e["day"] for e in body["events"]]
    assert days == sorted(days) and "2022-02-24" in days and "2019-01-01" in days
    invasion = next(e for e in body["event_effects"] if e["event_date"] == "2022-02-24")
    assert invasion["launches_before"] > invasion["launches_after"] > 0
    assert invasion["rate_ratio"] < 1 and invasion["rate_ratio_low"] <= invasion["rate_ratio"]
    # Launches per family in 2010-2019 add up to the site's launches in those years.
    cadence = client.get(
        "/api/cadence", params={"by": "site", "only": "Baikonur", "from": "2010", "to": "2019"}
    ).json()["data"]
    assert sum(v["launches"] for v in body["vehicles"]) == sum(r["launches"] for r in cadence)
    assert body["vehicles"][0]["vehicle_family"] in {"R-7", "Proton"}
    assert all(c["first_launch"] >= "2010-01-01" for c in body["customers"])
    assert all(c["last_launch"] <= "2019-12-31" for c in body["customers"])
    assert {c["owner_state"] for c in body["customers"]} >= {"US"}
    assert "RU" not in {c["owner_state"] for c in body["customers"]}
    assert {row["era"] for row in body["customers_by_era"]}


def test_site_profile_extras_errors(client: Any) -> None:
    response = client.get("/api/sites/Baikonurr/profile")
    assert "Baikonur" in assert_error_shape(response.json(), 404, "UnknownNameError")["suggestions"]
    response = client.get("/api/sites/Baikonur/profile", params={"event": "someday=Later"})
    assert_error_shape(response.json(), 400, "InputError")
    response = client.get("/api/sites/Baikonur/profile", params={"window": 0})
    assert_error_shape(response.json(), 422, "ValidationError")


# ----------------------------------------------------------------------- windows, passes


def test_windows_from_baikonur_to_the_iss(client: Any) -> None:
    response = client.get(
        "/api/windows",
        params={"site": "Baikonur", "target": "25544", "start": "2025-05-25", "days": 2},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["target"]["norad_id"] == 25544
    # Two in-plane passes a day (north- and southbound) over two days.
    assert body["total"] == len(body["data"]) == 4
    branches = [w["branch"] for w in body["data"]]
    assert branches.count("northbound") == 2 and branches.count("southbound") == 2
    for window in body["data"]:
        assert window["open_utc"] < window["in_plane_utc"] < window["close_utc"]
        assert "2025-05-25" <= window["in_plane_utc"] < "2025-05-27"
    assert response.headers["etag"].startswith('"elements-')
    again = client.get(
        "/api/windows",
        params={"site": "Baikonur", "target": "25544", "start": "2025-05-25", "days": 2},
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


def test_windows_to_a_bare_plane_and_errors(client: Any) -> None:
    body = client.get(
        "/api/windows",
        params={"site": "Kourou", "raan_deg": 100, "inc_deg": 51.6, "start": "2025-06-01"},
    ).json()
    assert body["target"]["norad_id"] is None and body["total"] == 2
    for params, status, kind in [
        ({"site": "Kourou", "raan_deg": 100, "start": "2025-06-01"}, 400, "InputError"),
        ({"site": "Kourou", "start": "2025-06-01"}, 400, "InputError"),
        ({"site": "Kouru", "target": "25544"}, 404, "UnknownNameError"),
        ({"site": "Baikonur", "target": "99999999"}, 404, "UnknownNameError"),
        ({"site": "Baikonur", "target": "25544", "days": 400}, 422, "ValidationError"),
    ]:
        response = client.get("/api/windows", params=params)
        assert_error_shape(response.json(), status, kind)


def test_passes_of_the_iss_over_almaty(client: Any) -> None:
    response = client.get(
        "/api/passes",
        params={"sat": "ISS (ZARYA)", "at": "Almaty", "start": "2025-05-25", "days": 1},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["place"]["country"] == "KZ" and body["time_zone"] == "Asia/Almaty"
    assert body["total"] >= 3
    for row in body["data"]:
        assert row["max_elevation_deg"] >= 10.0
        assert row["rise_utc"] < row["culmination_utc"] < row["set_utc"]
        assert row["culmination_local"].endswith("+05:00")
    higher = client.get(
        "/api/passes",
        params={
            "sat": "25544",
            "at": "43.24,76.95",
            "start": "2025-05-25",
            "min_elevation_deg": 40,
        },
    ).json()
    assert 0 < higher["total"] < body["total"]
    assert all(row["max_elevation_deg"] >= 40 for row in higher["data"])


def test_passes_errors(client: Any) -> None:
    response = client.get("/api/passes", params={"sat": "ISS ZARIA", "at": "Almaty"})
    assert (
        "ISS (ZARYA)" in assert_error_shape(response.json(), 404, "UnknownNameError")["suggestions"]
    )
    response = client.get("/api/passes", params={"sat": "25544", "at": "Almatty"})
    assert "Almaty" in assert_error_shape(response.json(), 404, "UnknownNameError")["suggestions"]
    response = client.get("/api/passes", params={"sat": "25544", "at": "95,10"})
    assert_error_shape(response.json(), 400, "InputError")
    response = client.get("/api/passes", params={"sat": "25544", "at": "Almaty", "start": "0"})
    assert_error_shape(response.json(), 400, "InputError")


def test_windows_and_passes_without_element_store(tmp_path: Path) -> None:
    with client_class()(create_app(tmp_path)) as bare:
        for url, params in [
            ("/api/passes", {"sat": "25544", "at": "Almaty"}),
            ("/api/windows", {"site": "Baikonur", "target": "25544"}),
        ]:
            response = bare.get(url, params=params)
            error = assert_error_shape(response.json(), 404, "NoElementsError")
            assert "cosmodrome elements" in error["message"]
        with ElementStore(elements_path(tmp_path), read_only=False):
            pass  # a store file with no sets in it
        response = bare.get("/api/passes", params={"sat": "25544", "at": "Almaty"})
        assert "empty" in assert_error_shape(response.json(), 404, "NoElementsError")["message"]


def test_passes_from_a_typed_element_set(tmp_path: Path) -> None:
    with ElementStore(elements_path(tmp_path), read_only=False) as store:
        store.add(parse_text(ISS_TLE).records)
    with client_class()(create_app(tmp_path)) as app_client:
        body = app_client.get(
            "/api/passes",
            params={"sat": "25544", "at": "Baikonur", "start": "2023-12-01", "days": 1},
        ).json()
    assert body["target"]["epoch_utc"].startswith("2023-11-29")
    assert body["total"] >= 3 and body["place"]["kind"] == "spaceport"
    assert all(row["max_elevation_deg"] >= 10 for row in body["data"])
