"""The REST API through FastAPI's test client, on a catalog built from ../shared/data."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cosmodrome import api
from cosmodrome.web.app import create_app
from cosmodrome.web.context import etag_matches
from tests.web_support import client_class

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(mirror_home: Path) -> Iterator[Any]:
    with client_class()(create_app(mirror_home)) as test_client:
        yield test_client


def assert_error_shape(body: dict[str, Any], status: int, kind: str) -> dict[str, Any]:
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"type", "status", "message", "suggestions", "field", "name"}
    assert error["type"] == kind
    assert error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["suggestions"], list)
    return error


def test_launches_filter_by_site_and_period(client: Any, mirror_home: Path) -> None:
    response = client.get(
        "/api/launches", params={"site": "Baikonur", "from": "2022-01-01", "limit": 50}
    )
    assert response.status_code == 200
    page = response.json()
    with api.catalog(mirror_home) as con:
        expected = api.count_launches(
            con, api.LaunchFilter(site="Baikonur", start=date(2022, 1, 1))
        )
    assert page["total"] == expected > 0
    assert {row["site"] for row in page["data"]} == {"GIK-5"}
    assert all(row["time_utc"] >= "2022-01-01" for row in page["data"])
    assert page["source"]["attribution"].startswith("GCAT")
    assert page["source"]["data_date"] == "2024-12-08"


def test_every_spelling_of_baikonur_gives_the_same_launches(client: Any) -> None:
    totals = {
        name: client.get("/api/launches", params={"site": name, "limit": 0}).json()["total"]
        for name in ("Baikonur", "Tyuratam", "GIK-5", "baykonur")
    }
    assert len(set(totals.values())) == 1 and totals["Baikonur"] > 1500


def test_pagination_covers_every_row_once(client: Any) -> None:
    params = {"site": "Kourou", "limit": 100, "sort": "launch_tag"}
    first = client.get("/api/launches", params=params).json()
    total = first["total"]
    seen = [row["launch_tag"] for row in first["data"]]
    next_url = first["next"]
    while next_url:
        page = client.get(next_url).json()
        seen += [row["launch_tag"] for row in page["data"]]
        next_url = page["next"]
    assert len(seen) == total == len(set(seen))
    assert seen == sorted(seen)
    last = client.get("/api/launches", params={**params, "offset": total - 1}).json()
    assert last["next"] is None and last["previous"] is not None and len(last["data"]) == 1


def test_sorting_descending(client: Any) -> None:
    page = client.get(
        "/api/launches", params={"sort": "payload_count", "order": "desc", "limit": 5}
    ).json()
    counts = [row["payload_count"] for row in page["data"]]
    assert (
        counts == sorted(counts, reverse=True) and counts[0] > 100
    )  # Transporter-class rideshares


def test_filters_combine(client: Any) -> None:
    page = client.get(
        "/api/launches",
        params={
            "vehicle": "Soyuz-2",
            "provider_state": "RU",
            "outcome": "failure",
            "from": "2004",
            "to": "2024-12-31",
        },
    ).json()
    assert page["total"] > 0
    assert all(row["outcome"] in ("failure", "partial_failure") for row in page["data"])
    assert all(row["vehicle"].startswith("Soyuz-2") for row in page["data"])


def test_csv_download_has_every_match(client: Any) -> None:
    response = client.get("/api/launches", params={"site": "Kourou", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    total = client.get("/api/launches", params={"site": "Kourou", "limit": 0}).json()["total"]
    assert len(rows) == total > 300
    assert rows[0]["time_utc"].endswith("Z") and rows[0]["site"] == "CSG"


def test_etag_and_not_modified(client: Any) -> None:
    url = "/api/launches?site=Baikonur&limit=5"
    first = client.get(url)
    etag = first.headers["etag"]
    meta = client.get("/api/meta").json()["meta"]
    assert meta["catalog_version"] in etag
    assert "max-age" in first.headers["cache-control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert (
        client.get("/api/sites/Baikonur", headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    )


def test_etag_comparison() -> None:
    assert etag_matches('"a", W/"b"', '"b"')
    assert etag_matches("*", '"b"')
    assert not etag_matches(None, '"b"')
    assert not etag_matches('"ab"', '"b"')


def test_unknown_site_lists_closest_names(client: Any) -> None:
    response = client.get("/api/sites/Baikonurr")
    assert response.status_code == 404
    error = assert_error_shape(response.json(), 404, "UnknownNameError")
    assert "Baikonur" in error["suggestions"]
    assert response.headers["cache-control"] == "no-store"
    launches = client.get("/api/launches", params={"site": "Plesetskk"})
    assert "Plesetsk" in assert_error_shape(launches.json(), 404, "UnknownNameError")["suggestions"]


@pytest.mark.parametrize(
    ("url", "status", "kind"),
    [
        ("/api/launches?limit=-1", 422, "ValidationError"),
        ("/api/launches?sort=nonsense", 422, "ValidationError"),
        ("/api/launches?from=yesterday", 400, "InputError"),
        ("/api/launches?from=2022-01-01&to=2021-01-01", 400, "InputError"),
        ("/api/nowhere", 404, "NotFound"),
    ],
)
def test_one_error_shape(client: Any, url: str, status: int, kind: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert_error_shape(response.json(), status, kind)


def test_sites_and_site_profile(client: Any) -> None:
    sites = client.get("/api/sites").json()["data"]
    assert sites[0]["launches"] >= sites[1]["launches"]
    assert {"site", "site_name", "lat_deg", "lon_deg", "launches"} <= set(sites[0])
    profile = client.get("/api/sites/Tyuratam", params={"from": "2010", "to": "2019-12-31"}).json()
    assert profile["sites"] == ["GIK-5"]
    assert [r["year"] for r in profile["launches_per_year"]] == list(range(2010, 2020))
    assert sum(r["launches"] for r in profile["launches_per_year"]) < profile["totals"]["launches"]
    assert any(p["pad"] == "LC31" for p in profile["pads"])
    assert {h["code"] for h in profile["history"]} >= {"NIIP-5", "GIK-5"}


def test_vehicles_and_organisations(client: Any) -> None:
    vehicles = client.get("/api/vehicles", params={"name": "Soyuz-2"}).json()["data"]
    assert vehicles and all(v["vehicle"].startswith("Soyuz-2") for v in vehicles)
    providers = client.get("/api/organisations").json()["data"]
    assert any(p["agency"] == "SPX" for p in providers)
    assert client.get("/api/vehicles", params={"name": "Zzyzx-9"}).status_code == 404


def test_openapi_and_docs(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/launches" in schema["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and "/api/launches" in docs.text
    assert "cdn" not in docs.text.lower()


def test_dashboard_and_vendor_files(client: Any) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "/vendor/d3/d3.min.js" in page.text
    assert "http" not in page.text.split("<body>")[0]  # nothing loaded from another host
    assert client.get("/vendor/d3/d3.min.js").status_code == 200
    assert client.get("/vendor/world-atlas/countries-110m.json").status_code == 200


def test_missing_catalog_says_how_to_build(tmp_path: Path) -> None:
    with client_class()(create_app(tmp_path)) as empty:
        response = empty.get("/api/launches")
    error = assert_error_shape(response.json(), 503, "CatalogMissingError")
    assert "cosmodrome update" in error["message"]


def test_catalog_swap_is_picked_up_while_serving(tmp_path: Path, mirror_home: Path) -> None:
    """``update`` renames a new file into place; requests see it without a restart."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(mirror_home / "catalog.duckdb", home / "catalog.duckdb")
    with client_class()(create_app(home)) as swapped:
        before = swapped.get("/api/meta").json()["meta"]
        errors: list[int] = []

        def hammer() -> None:
            for _ in range(20):
                status = swapped.get("/api/launches?site=Kourou&limit=1").status_code
                if status != 200:
                    errors.append(status)

        threads = [threading.Thread(target=hammer) for _ in range(4)]
        for thread in threads:
            thread.start()
        replacement = home / "catalog.duckdb.building"
        shutil.copy(mirror_home / "catalog.duckdb", replacement)
        with duckdb.connect(str(replacement)) as con:
            con.execute("UPDATE meta SET value = 'swapped-version' WHERE key = 'catalog_version'")
        os.replace(replacement, home / "catalog.duckdb")
        for thread in threads:
            thread.join()
        after = swapped.get("/api/meta")
    assert errors == []
    assert before["catalog_version"] != "swapped-version"
    assert after.json()["meta"]["catalog_version"] == "swapped-version"
    assert "swapped-version" in after.headers["etag"]


def test_response_cache_serves_repeats_and_respects_the_version(client: Any) -> None:
    cache = client.app.state.cache
    url = "/api/launches?site=Mahia&limit=3"
    first = client.get(url)
    hits = cache.hits
    second = client.get(url)
    assert cache.hits == hits + 1
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]


def test_reach_endpoint(client: Any) -> None:
    body = client.get("/api/reach", params={"mass_kg": 800, "alt_km": 550, "inc_deg": 97.6}).json()
    assert body["target"]["label"] == "550 km x 97.6 deg"
    assert body["options"] and all(o["margin_kg"] >= 0 for o in body["options"])
    too_heavy = client.get("/api/reach", params={"mass_kg": 500_000, "orbit": "gto"}).json()
    assert too_heavy["options"] == [] and "nearest miss" in too_heavy["reason"]
    missing = client.get("/api/reach", params={"mass_kg": 800})
    assert_error_shape(missing.json(), 400, "InputError")


def test_coverage_job_runs_and_reports_progress(client: Any) -> None:
    request = {
        "region": "40,60,44,64",
        "resolution_deg": 2,
        "start_utc": "2025-10-03T00:00:00Z",
        "duration_s": 600,
        "step_s": 60,
        "constellation": {"planes": 3, "per_plane": 4},
    }
    started = client.post("/api/coverage/jobs", json=request)
    assert started.status_code == 202
    job_url = started.headers["location"]
    job = started.json()
    for _ in range(400):
        job = client.get(job_url).json()
        if job["status"] in ("done", "failed"):
            break
        threading.Event().wait(0.05)
    assert job["status"] == "done", job
    assert job["progress"] == 1.0
    # cell centres 41 and 43 deg N x 61 and 63 deg E (as in the coverage module doctest)
    assert job["params"]["cells"] == len(job["result"]["cells"]) == 4
    assert 0.0 <= job["result"]["summary"]["frac_ge1"] <= 1.0


def test_coverage_limits_are_clear(client: Any) -> None:
    big = client.post(
        "/api/coverage/jobs",
        json={"region": "RU", "resolution_deg": 0.1, "start_utc": "2025-10-03T00:00:00Z"},
    )
    assert (
        "coarser resolution_deg" in assert_error_shape(big.json(), 400, "JobLimitError")["message"]
    )
    long = client.post(
        "/api/coverage/jobs",
        json={
            "region": "KZ",
            "duration_s": 86400,
            "step_s": 10,
            "start_utc": "2025-10-03T00:00:00Z",
        },
    )
    assert "time steps" in assert_error_shape(long.json(), 400, "JobLimitError")["message"]
    # the limit is on the work after pruning, and the refusal names the estimate and the limit
    world = client.post(
        "/api/coverage/jobs",
        json={
            "region": "-60,0,60,30",
            "resolution_deg": 1,
            "duration_s": 86400,
            "step_s": 60,
            "mask_deg": 0,
            "start_utc": "2025-10-03T00:00:00Z",
            "constellation": {"planes": 100, "per_plane": 100, "altitude_km": 1200},
        },
    )
    message = assert_error_shape(world.json(), 400, "JobLimitError")["message"]
    assert re.search(r"about [\d,]+ million engine operations after pruning", message)
    assert "limit 150 million" in message and "10,000 satellites" in message
    unknown = client.post(
        "/api/coverage/jobs", json={"region": "XX", "start_utc": "2025-10-03T00:00:00Z"}
    )
    assert_error_shape(unknown.json(), 404, "UnknownNameError")
    assert client.get("/api/coverage/jobs/no-such-job").status_code == 404


def test_job_manager_limits_and_time_limit() -> None:
    from cosmodrome.web.errors import BusyError
    from cosmodrome.web.jobs import JobManager, JobProgress

    release = threading.Event()
    manager = JobManager(max_workers=1, max_queued=2, max_per_client=5, time_limit_s=0.0)

    def blocked(progress: JobProgress) -> int:
        release.wait(5)
        progress(0.5)  # past the (zero) time limit: stops here
        return 1

    first = manager.submit("test", {}, blocked)
    manager.submit("test", {}, blocked)
    with pytest.raises(BusyError, match="limit 2") as full:
        manager.submit("test", {}, blocked)
    assert full.value.status == 429 and full.value.retry_after_s > 0
    release.set()
    for _ in range(200):
        if manager.get(first.id).status == "failed":
            break
        threading.Event().wait(0.02)
    failed = manager.get(first.id).view()
    assert failed["status"] == "failed" and "time limit" in failed["error"]["message"]
    manager.shutdown()


def test_outcome_accepts_what_the_cli_accepts(client: Any, mirror_home: Path) -> None:
    """Every value ``outcome_filter`` (the CLI's ``--outcome``) accepts, in both spellings."""
    from cosmodrome.catalog.outcomes import OUTCOMES, outcome_filter
    from cosmodrome.web.params import outcome_names

    names = outcome_names()
    assert {o.replace("_", "-") for o in OUTCOMES} <= set(names)  # the list came back whole
    assert {"success", "failure", "partial", "full-success", "full-failure"} <= set(names)
    for name in (*names, "partial_failure", "partial_success", "Full_Failure"):
        response = client.get("/api/launches", params={"outcome": name, "limit": 200})
        assert response.status_code == 200, (name, response.text)
        page = response.json()
        with api.catalog(mirror_home) as con:
            expected = api.count_launches(con, api.LaunchFilter(outcome=name))
        assert page["total"] == expected, name
        assert {row["outcome"] for row in page["data"]} <= set(outcome_filter(name)), name
    partial_failures = client.get("/api/launches", params={"outcome": "partial_failure"}).json()
    assert partial_failures["total"] > 0
    assert {row["outcome"] for row in partial_failures["data"]} == {"partial_failure"}


def test_bad_outcome_lists_the_allowed_values(client: Any) -> None:
    from cosmodrome.web.params import outcome_names

    response = client.get("/api/launches", params={"outcome": "partial_fail"})
    error = assert_error_shape(response.json(), 422, "InvalidChoiceError")
    assert response.status_code == 422
    assert error["suggestions"] == list(outcome_names())
    assert "partial-failure" in error["suggestions"]
    assert "partial_fail" in error["message"]


def test_to_a_bare_year_covers_that_whole_year(client: Any) -> None:
    """``to=2021`` runs to 31 December 2021, as docs/WEB.md says; ``from=2021`` starts 1 January."""
    year = client.get("/api/launches", params={"from": "2021", "to": "2021", "limit": 0}).json()
    days = client.get(
        "/api/launches", params={"from": "2021-01-01", "to": "2021-12-31", "limit": 0}
    ).json()
    first_day = client.get(
        "/api/launches", params={"from": "2021-01-01", "to": "2021-01-01", "limit": 0}
    ).json()
    assert year["total"] == days["total"] > first_day["total"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/launches?from=99999",
        "/api/launches?to=99999",
        "/api/launches?from=0",
        "/api/launches?from=1800",
        "/api/launches?to=2201-01-01",
        "/api/launches?from=2023-13",
        "/api/sites/Baikonur?from=99999",
        "/api/cadence?from=99999",
        "/api/share?to=1800",
        "/api/migration?cutoff=99999",
        "/api/payloads?from=99999",
        "/api/payloads?to=1800",
        "/api/mass?from=2023-13",
        "/api/schedule?from=99999",
        "/api/slips?to=0",
    ],
)
def test_out_of_range_dates_are_400_naming_the_field(client: Any, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 400, response.text
    error = assert_error_shape(response.json(), 400, "InputError")
    field = url.split("?")[1].split("=")[0]
    assert error["message"].startswith(f"{field}:") and "--" not in error["message"]


def test_a_one_day_parameter_refuses_a_time_rather_than_cutting_it(client: Any) -> None:
    response = client.get("/api/migration", params={"cutoff": "2022-02-24T03:00Z"})
    assert response.status_code == 400, response.text
    message = assert_error_shape(response.json(), 400, "InputError")["message"]
    assert message.startswith("cutoff:") and "give a UTC day such as 2022-02-24" in message


def test_a_month_means_the_whole_month_and_a_time_stays_a_time(client: Any) -> None:
    def total(**params: str) -> int:
        response = client.get("/api/launches", params={**params, "limit": "0"})
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    month = total(**{"from": "2023-12", "to": "2023-12"})
    assert month == total(**{"from": "2023-12-01", "to": "2023-12-31"}) > 0
    day = total(**{"from": "2023-12-01", "to": "2023-12-01"})
    assert 0 < total(**{"from": "2023-12-01T12:00Z", "to": "2023-12-01"}) < day
    backwards = client.get("/api/launches", params={"from": "2022-01-01", "to": "2021-01-01"})
    message = backwards.json()["error"]["message"]
    assert "'from'" in message and "'to'" in message and "--" not in message


def _error_classes() -> set[str]:
    """Every error type the API can name: the CosmodromeError subclasses of the package
    and the fixed names of web/errors.py."""
    import importlib
    import pkgutil
    import re

    import cosmodrome
    from cosmodrome.errors import CosmodromeError

    for module in pkgutil.walk_packages(cosmodrome.__path__, "cosmodrome."):
        if ".cli" not in module.name:
            importlib.import_module(module.name)
    found: set[str] = set()
    pending: list[type] = [CosmodromeError]
    while pending:
        cls = pending.pop()
        if not cls.__name__.startswith("_"):  # private helpers never reach a client
            found.add(cls.__name__)
        pending += cls.__subclasses__()
    found.discard("CosmodromeError")  # abstract: never answered as such
    handlers = (Path(__file__).parents[1] / "src/cosmodrome/web/errors.py").read_text()
    found |= set(re.findall(r'"([A-Z][A-Za-z]+(?:Error|Limit|Found|Allowed))"', handlers))
    return found


def test_every_error_class_is_in_the_web_md_table() -> None:
    web_md = (Path(__file__).parents[1] / "docs" / "WEB.md").read_text(encoding="utf-8")
    table = web_md.split("## Errors", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in _error_classes() if f"`{name}`" not in table)
    assert missing == [], f"error classes missing from docs/WEB.md's error table: {missing}"


@pytest.mark.parametrize(
    ("url", "word"),
    [
        ("/api/cadence?by=nonsense", "provider-state"),
        ("/api/share?period=week", "quarter"),
        ("/api/launches?sort=nonsense", "time_utc"),
    ],
)
def test_a_word_outside_its_set_lists_the_accepted_ones(client: Any, url: str, word: str) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert word in assert_error_shape(response.json(), 422, "ValidationError")["suggestions"]


def test_next_link_carries_the_page_size_served(client: Any) -> None:
    page = client.get("/api/launches", params={"limit": 5000}).json()
    assert page["limit"] == 1000 and len(page["data"]) == 1000
    assert "limit=1000" in page["next"] and "limit=5000" not in page["next"]
    following = client.get(page["next"]).json()
    assert following["offset"] == 1000 and following["data"][0] != page["data"][0]


def test_site_years_are_continuous_with_zeros(client: Any) -> None:
    years = client.get("/api/sites/Kennedy Space Center").json()["launches_per_year"]
    numbers = [r["year"] for r in years]
    assert numbers == list(range(numbers[0], numbers[-1] + 1))
    assert {1974, 2011, 2012, 2016} <= set(numbers)
    assert any(r["launches"] == 0 for r in years)


def test_named_orbit_is_not_mixed_with_explicit_elements(client: Any) -> None:
    mixed = client.get("/api/reach", params={"orbit": "gto", "alt_km": 550, "mass_kg": 4500})
    assert mixed.status_code == 400
    assert "fixes" in assert_error_shape(mixed.json(), 400, "InputError")["message"]
    retro = client.get("/api/reach", params={"orbit": "gto", "inc_deg": 97.6, "mass_kg": 4500})
    assert retro.status_code == 400
    gto = client.get("/api/reach", params={"orbit": "gto", "mass_kg": 4500}).json()
    assert gto["target"]["perigee_km"] < 300 and "97.6" not in json.dumps(gto["target"])


def test_near_misses_never_list_a_vehicle_that_cannot_reach_the_orbit(client: Any) -> None:
    heavy = client.get("/api/reach", params={"alt_km": 550, "inc_deg": 97.6, "mass_kg": 500_000})
    misses = heavy.json()["near_misses"]
    assert misses and all(m["capacity_kg"] > 0 for m in misses)


def test_meta_carries_display_precision(client: Any) -> None:
    display = client.get("/api/meta").json()["display"]
    angle = next(q for q in display["quantities"] if q["name"] == "angle")
    assert angle["decimals"] == 1 and "_deg" in angle["suffixes"]


def _finished(client: Any, started: Any) -> dict[str, Any]:
    assert started.status_code == 202, started.text
    job: dict[str, Any] = started.json()
    for _ in range(600):
        job = client.get(started.headers["location"]).json()
        if job["status"] in ("done", "failed"):
            break
        threading.Event().wait(0.05)
    return job


def test_coverage_runs_an_element_store_group_with_the_cli_epoch_count(
    mirror_home: Path, shared_data: Path, tmp_path: Path
) -> None:
    from tests.web_support import home_with_elements

    home = home_with_elements(mirror_home, shared_data, tmp_path)
    with client_class()(create_app(home)) as stored:
        meta = stored.get("/api/meta").json()
        assert meta["elements"]["element_sets"] > 0 and meta["elements"]["epoch_to"]
        request = {
            "region": "40,60,44,64",
            "resolution_deg": 2,
            "start_utc": meta["elements"]["epoch_to"],
            "duration_s": 3600,
            "step_s": 60,
            "group": "iss",
        }
        job = _finished(stored, stored.post("/api/coverage/jobs", json=request))
        assert job["status"] == "done", job
        assert job["params"]["epochs"] == 60  # as `cosmodrome coverage --hours 1 --step 60`
        assert job["result"]["satellites"] >= 1 and "stations" in job["result"]["source"]
        unknown = stored.post("/api/coverage/jobs", json={**request, "group": "nosuchsat"})
        message = unknown.json()["error"]["message"]
        assert unknown.status_code == 400 and "nosuchsat" in message
        assert "--" not in message and str(home) not in message


def test_a_site_beyond_the_plane_is_an_answer_not_an_error(client: Any) -> None:
    """No launch window at all is a valid answer (200, no rows, the reason in ``none``); a
    mistake in the request stays a 4xx naming its field."""
    answer = client.get(
        "/api/windows",
        params={"site": "Plesetsk", "raan_deg": 10, "inc_deg": 51.6, "start": "2025-01-01"},
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["data"] == [] and body["total"] == 0
    assert "farther from the equator" in body["none"] and "62.9" in body["none"]
    wrong = client.get(
        "/api/windows",
        params={"site": "Plesetsk", "raan_deg": 10, "inc_deg": 500, "start": "2025-01-01"},
    )
    assert assert_error_shape(wrong.json(), 422, "ValidationError")["field"] == "inc_deg"
    unknown = client.get("/api/sites/Baikonurr")
    assert assert_error_shape(unknown.json(), 404, "UnknownNameError")["name"] == "Baikonurr"


def test_launches_per_year_by_outcome_follow_the_filters(client: Any) -> None:
    answer = client.get("/api/launches/per-year", params={"site": "Baikonur", "from": "2010"})
    assert answer.status_code == 200
    rows = answer.json()["data"]
    assert [r["year"] for r in rows] == list(range(2010, 2025))
    listed = client.get(
        "/api/launches", params={"site": "Baikonur", "from": "2010", "limit": 1}
    ).json()["total"]
    outcomes = ("success", "partial_success", "partial_failure", "failure")
    assert sum(r[k] for r in rows for k in outcomes) == sum(r["launches"] for r in rows) == listed
