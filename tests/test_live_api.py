"""The API's conveniences on the mirror's catalog: ``fields=`` (JSON and CSV), ``facet=``
counted against SQL of our own, ``updated_since=``, CORS (opt-in, preflight), and
``/api/sql`` with named parameters and the sandbox's limits, all in the OpenAPI schema."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cosmodrome.web.app import ServerOptions, create_app
from cosmodrome.web.routes import sql as sql_route
from tests.web_support import client_class

TestClient = client_class()

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def client(mirror_home: Path) -> Any:
    return TestClient(create_app(mirror_home, options=ServerOptions(sql=True)))


def test_fields_pick_columns_in_json_and_csv(client: Any) -> None:
    page = client.get("/api/launches", params={"site": "Baikonur", "fields": "vehicle,launch_tag"})
    assert page.status_code == 200
    assert [list(row) for row in page.json()["data"]][:1] == [["vehicle", "launch_tag"]]
    assert page.json()["total"] > 1000  # the page's other fields stay
    download = client.get(
        "/api/payloads",
        params={"site": "Kourou", "format": "csv", "limit": 5, "fields": "name,owner_state"},
    )
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["name", "owner_state"] and len(rows) == 6
    for path in ("/api/sites", "/api/vehicles", "/api/organisations"):
        first = client.get(path).json()["data"][0]
        picked = sorted(first)[:2]
        answer = client.get(path, params={"fields": ",".join(picked)})
        assert list(answer.json()["data"][0]) == picked, path
    unknown = client.get("/api/launches", params={"fields": "launch_tag,lunch_tag"})
    assert unknown.status_code == 422
    error = unknown.json()["error"]
    assert error["type"] == "InvalidChoiceError" and "launch_tag" in error["suggestions"]


def test_facets_count_every_match(client: Any, mirror_home: Path) -> None:
    answer = client.get(
        "/api/launches", params={"site": "Baikonur", "from": "2000", "facet": "vehicle,year,state"}
    ).json()
    facets = answer["facets"]
    con = duckdb.connect(str(mirror_home / "catalog.duckdb"), read_only=True)
    try:
        expected = dict(
            con.execute(
                "SELECT year, count(*) FROM launches WHERE site = 'GIK-5' AND year >= 2000 "
                "GROUP BY 1"
            ).fetchall()
        )
    finally:
        con.close()
    years = {v["value"]: v["count"] for v in facets["year"]["values"]}
    assert years == expected and not facets["year"]["truncated"]
    assert sum(v["count"] for v in facets["state"]["values"]) == answer["total"]
    assert {"Russia"} <= {v["label"] for v in facets["state"]["values"]}
    payloads = client.get("/api/payloads", params={"site": "Kourou", "facet": "state"}).json()
    assert sum(v["count"] for v in payloads["facets"]["state"]["values"]) <= payloads["total"]
    bad = client.get("/api/launches", params={"facet": "colour"})
    assert bad.status_code == 422 and bad.json()["error"]["suggestions"][0] == "site"


def test_updated_since_gives_rows_only_from_a_newer_catalog(client: Any) -> None:
    assert client.get("/api/launches", params={"updated_since": "2000"}).json()["total"] > 6000
    later = client.get("/api/launches", params={"updated_since": "2199-01-01", "facet": "site"})
    assert later.json()["total"] == 0 and later.json()["data"] == []
    assert later.json()["facets"]["site"]["values"] == []
    assert client.get("/api/payloads", params={"updated_since": "2199"}).json()["total"] == 0
    assert client.get("/api/launches", params={"updated_since": "soon"}).status_code == 400


def test_cors_is_opt_in_and_answers_preflight(mirror_home: Path, client: Any) -> None:
    origin = {"Origin": "https://newsroom.example"}
    assert "access-control-allow-origin" not in client.get("/api/sites", headers=origin).headers
    one = TestClient(
        create_app(mirror_home, options=ServerOptions(cors_origins=("https://newsroom.example",)))
    )
    preflight = one.options(
        "/api/launches",
        headers={
            **origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://newsroom.example"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    answer = one.get("/api/sites", headers=origin)
    assert answer.headers["access-control-allow-origin"] == "https://newsroom.example"
    assert "ETag" in answer.headers["access-control-expose-headers"]
    stranger = one.get("/api/sites", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in stranger.headers
    anyone = TestClient(create_app(mirror_home, options=ServerOptions(cors_origins=("*",))))
    assert anyone.get("/api/sites", headers=origin).headers["access-control-allow-origin"] == "*"


def test_server_options_reach_worker_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    options = ServerOptions(
        refresh_every_min=30, cors_origins=("https://a.example", "*"), sql=False
    )
    for name, value in options.to_env().items():
        monkeypatch.setenv(name, value)
    assert ServerOptions.from_env() == options


def test_sql_with_named_parameters_json_and_csv(client: Any) -> None:
    query = (
        "SELECT site, count(*) AS n FROM launches WHERE site = $site AND year >= $y::INT GROUP BY 1"
    )
    answer = client.get("/api/sql", params={"sql": query, "site": "GIK-5", "y": "2020"}).json()
    assert answer["columns"] == ["site", "n"] and answer["data"][0]["site"] == "GIK-5"
    assert answer["data"][0]["n"] > 0 and not answer["truncated"]
    download = client.get(
        "/api/sql", params={"sql": "SELECT 1 AS one, 'x' AS two", "format": "csv"}
    )
    assert download.text.splitlines() == ["one,two", "1,x"]
    missing = client.get("/api/sql", params={"sql": "SELECT $nothing"})
    assert missing.status_code == 400 and "$nothing" in missing.json()["error"]["message"]
    # a parameter is a value, never SQL
    injected = client.get(
        "/api/sql",
        params={"sql": "SELECT count(*) AS n FROM launches WHERE site = $s", "s": "x' OR '1'='1"},
    )
    assert injected.json()["data"] == [{"n": 0}]


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("CREATE TABLE t AS SELECT 1", "read-only"),
        ("SELECT * FROM read_csv('/etc/passwd')", "file system operations are disabled"),
        ("COPY launches TO '/tmp/out.csv'", "disabled"),
    ],
)
def test_sql_stays_read_only_and_in_its_sandbox(client: Any, query: str, words: str) -> None:
    refused = client.get("/api/sql", params={"sql": query})
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert error["type"] == "InputError" and words in error["message"]


def test_sql_limits(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql_route, "ROW_CAP", 3)
    capped = client.get("/api/sql", params={"sql": "SELECT launch_tag FROM launches"}).json()
    assert capped["truncated"] and capped["total"] == 3 and capped["limits"]["row_cap"] == 3
    monkeypatch.setattr(sql_route, "MAX_OUTPUT_BYTES", 1000)
    big = client.get("/api/sql", params={"sql": "SELECT * FROM payloads"})
    assert big.status_code == 400 and "output cap" in big.json()["error"]["message"]
    monkeypatch.setattr(sql_route, "TIME_LIMIT_S", 0.2)
    slow = client.get(
        "/api/sql",
        params={
            "sql": "SELECT count(*) FROM range(100000000) a, range(1000) b WHERE a.range % 7 = b.range"
        },
    )
    assert slow.status_code == 400 and "time limit" in slow.json()["error"]["message"]


def test_openapi_declares_them_and_no_sql_turns_the_route_off(
    client: Any, mirror_home: Path
) -> None:
    schema = client.get("/api/openapi.json").json()

    def parameters(path: str) -> set[str]:
        return {p["name"] for p in schema["paths"][path]["get"]["parameters"]}

    assert {"fields", "facet", "updated_since"} <= parameters("/api/launches")
    assert {"fields", "facet", "updated_since"} <= parameters("/api/payloads")
    for path in ("/api/sites", "/api/vehicles", "/api/schedule", "/api/changes", "/api/slips"):
        assert "fields" in parameters(path), path
    assert {"sql", "format"} <= parameters("/api/sql")
    assert "400" in schema["paths"]["/api/sql"]["get"]["responses"]
    off = TestClient(create_app(mirror_home, options=ServerOptions(sql=False)))
    assert off.get("/api/sql", params={"sql": "SELECT 1"}).status_code == 404
    assert "/api/sql" not in off.get("/api/openapi.json").json()["paths"]
