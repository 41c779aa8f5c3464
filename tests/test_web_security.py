"""Security headers, the vendor route, client identity and the bounds the schema states."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cosmodrome.astro.elements import parse_text
from cosmodrome.astro.store import ElementStore, elements_path
from cosmodrome.errors import InputError
from cosmodrome.timeutil import DATE_PATTERN, FIRST_YEAR, LAST_YEAR
from cosmodrome.web.app import create_app
from cosmodrome.web.assets import vendor_files
from tests.web_support import client_class

ISS_TLE = """ISS (ZARYA)
1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"""
FORTY_DIGITS = "9" * 40


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home without a catalog, with the ISS in its element store."""
    folder = tmp_path_factory.mktemp("security-home")
    with ElementStore(elements_path(folder), read_only=False) as store:
        store.add(parse_text(ISS_TLE).records)
    return folder


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[Any]:
    with client_class()(create_app(home, cache_entries=0)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "url", ["/", "/api/health", "/api/launches", "/api/no-such-thing", "/static/styles.css"]
)
def test_every_answer_carries_the_security_headers(client: Any, url: str) -> None:
    response = client.get(url)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_dashboard_loads_only_its_own_scripts(client: Any) -> None:
    page = client.get("/").text
    sources = re.findall(r"<script[^>]*src=\"([^\"]+)\"", page)
    assert sources and all(src.startswith(("/static/", "/vendor/")) for src in sources)
    assert not re.search(r"<script(?![^>]*src=)[^>]*>", page), "an inline script"
    assert " style=" not in page and "<style" not in page


def test_the_vendor_route_serves_only_the_manifest_files(client: Any) -> None:
    served = vendor_files()
    if ("d3", "d3.min.js") not in served:
        pytest.skip("node_modules has no d3 (run `make install`)")
    assert client.get("/vendor/d3/d3.min.js").status_code == 200
    for outside in (
        "/vendor/world-atlas/package.json",
        "/vendor/d3/package.json",
        "/vendor/d3/..%2Fpackage.json",
        "/vendor/nothing/d3.min.js",
    ):
        assert client.get(outside).status_code == 404, outside


@pytest.mark.parametrize("sat", [FORTY_DIGITS, "0", "1000000000"])
def test_a_catalog_number_out_of_range_is_a_400_not_a_500(client: Any, sat: str) -> None:
    response = client.get("/api/passes", params={"sat": sat, "at": "43.25,76.92"})
    assert response.status_code == 400, response.text
    assert "catalog number" in response.json()["error"]["message"]


def test_the_store_refuses_numbers_past_the_catalog_range(home: Path) -> None:
    with ElementStore(elements_path(home)) as store:
        assert store.resolve("25544") == 25544
        with pytest.raises(InputError, match="1 to 999,999,999"):
            store.resolve(FORTY_DIGITS)


def test_the_schema_states_the_year_bounds_the_server_enforces(client: Any) -> None:
    schema = client.get("/api/openapi.json").json()
    parameters = schema["paths"]["/api/launches"]["get"]["parameters"]
    start = next(p for p in parameters if p["name"] == "from")
    patterns = [s.get("pattern") for s in start["schema"].get("anyOf", [start["schema"]])]
    assert DATE_PATTERN in patterns
    pattern = re.compile(DATE_PATTERN)
    for good in (str(FIRST_YEAR), str(LAST_YEAR), "2023-12", "2023-12-01", "2023-12-01T12:00Z"):
        assert pattern.match(good), good
    for bad in (str(FIRST_YEAR - 1), str(LAST_YEAR + 1), "99999", "2023-13", "0"):
        assert not pattern.match(bad), bad


def test_a_date_outside_the_pattern_is_still_a_400_naming_the_field(client: Any) -> None:
    params = {"sat": "25544", "at": "43.25,76.92", "start": "1899-01-01"}
    response = client.get("/api/passes", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["message"].startswith("start: '1899-01-01' is outside the")


def test_walker_phasing_must_be_an_integer_not_a_boolean(client: Any) -> None:
    body = {"constellation": {"phasing": False}, "start_utc": "2024-01-01T00:00:00Z"}
    response = client.post("/api/coverage/jobs", json=body)
    assert response.status_code == 422, response.text
    assert "phasing" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("args", "trusted", "allowed"),
    [((), False, None), (("--forwarded-allow-ips", "10.0.0.1"), True, "10.0.0.1")],
)
def test_forwarded_headers_are_believed_only_from_named_proxies(
    monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], trusted: bool, allowed: str | None
) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from cosmodrome.cli.main import app

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *_a, **kw: seen.update(kw))
    result = CliRunner().invoke(app, ["serve", "--workers", "2", *args])
    assert result.exit_code == 0, result.output
    assert seen["proxy_headers"] is trusted
    assert seen["forwarded_allow_ips"] == allowed
