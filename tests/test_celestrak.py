"""The CelesTrak client against a small HTTP server built here (never the internet).

The server answers ``gp.php`` like CelesTrak: OMM JSON and CSV, 3-line TLE, "No GP data
found", ETags and 304s. Objects numbered above 99,999 exist only as OMM, as on CelesTrak.
"""

from __future__ import annotations

import csv
import io
import json
import math
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
from sgp4 import omm
from sgp4.api import Satrec
from sgp4.exporter import export_omm, export_tle

from cosmodrome.astro import celestrak
from cosmodrome.astro.celestrak import catnr, group, intdes, update_elements, update_groups
from cosmodrome.astro.launch_orbits import launch_orbits
from cosmodrome.astro.store import ElementStore, LoadedFile, NoElementsError
from cosmodrome.errors import InputError, SourceError
from tests.conftest import CliRunner

ISS_L1 = "1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996"
ISS_L2 = "2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"
ISS = export_omm(Satrec.twoline2rv(ISS_L1, ISS_L2), "ISS (ZARYA)")
#: An object of the nine-digit era: CelesTrak serves it only as OMM.
BIG = ISS | {
    "OBJECT_NAME": "NINE DIGIT SAT",
    "OBJECT_ID": "2026-001B",
    "NORAD_CAT_ID": 270000123,
    "INCLINATION": 97.6,
    "MEAN_MOTION": 15.05,
}
NO_DATA = "No GP data found"


def tle_text(records: list[dict[str, Any]]) -> str:
    """3-line TLE of the records that a TLE can hold (five-digit catalog numbers)."""
    lines = []
    for record in records:
        if int(record["NORAD_CAT_ID"]) > 99999:
            continue
        satrec = Satrec()
        omm.initialize(satrec, {k: str(v) for k, v in record.items()})
        line1, line2 = export_tle(satrec)
        lines += [record["OBJECT_NAME"], line1, line2]
    return "\n".join(lines) + "\n" if lines else NO_DATA


def csv_text(records: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


@dataclass
class FakeCelestrak:
    """What the server holds and what it was asked."""

    objects: list[dict[str, Any]] = field(default_factory=lambda: [ISS, BIG])
    #: ``(kind, value, format)`` -> ``(status, body)`` overrides
    special: dict[tuple[str, str, str], tuple[int, str]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    base: str = ""
    #: answer like a server that closes the connection instead of sending Content-Length
    close_delimited: bool = False

    def answer(self, kind: str, value: str, fmt: str) -> tuple[int, str]:
        if (kind, value, fmt) in self.special:
            return self.special[(kind, value, fmt)]
        chosen = [o for o in self.objects if self.matches(o, kind, value)]
        if not chosen:
            return 200, NO_DATA
        if fmt == "json":
            return 200, json.dumps(chosen, indent=1)
        if fmt == "csv":
            return 200, csv_text(chosen)
        if fmt == "tle":
            return 200, tle_text(chosen)
        return 400, "Invalid query"

    @staticmethod
    def matches(record: dict[str, Any], kind: str, value: str) -> bool:
        if kind == "GROUP":
            return value in ("demo", "stations")
        if kind == "CATNR":
            return str(record["NORAD_CAT_ID"]) == value
        if kind == "INTDES":
            return str(record["OBJECT_ID"]).startswith(value)
        return kind == "NAME" and value.upper() in str(record["OBJECT_NAME"]).upper()


def _handler(fake: FakeCelestrak) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            fake.requests.append((self.path, dict(self.headers)))
            fmt = query.pop("FORMAT", "tle")
            ((kind, value),) = query.items() if len(query) == 1 else (("?", "?"),)
            status, body = fake.answer(kind, value, fmt)
            etag = f'"{abs(hash(body))}"'
            if status == 200 and self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.end_headers()
                return
            data = body.encode()
            self.send_response(status)
            if not fake.close_delimited:
                self.send_header("Content-Length", str(len(data)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:  # keep the test output clean
            pass

    return Handler


@pytest.fixture()
def server() -> Iterator[FakeCelestrak]:
    fake = FakeCelestrak()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    fake.base = f"http://127.0.0.1:{httpd.server_address[1]}/NORAD/elements/"
    try:
        yield fake
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


Update = Callable[..., list[LoadedFile]]


@pytest.fixture()
def update(server: FakeCelestrak, tmp_path: Path) -> Update:
    def run(queries: list[celestrak.GpQuery], **options: Any) -> list[LoadedFile]:
        return update_elements(
            queries,
            source=server.base,
            store_path=tmp_path / "home" / "elements.duckdb",
            progress=False,
            **options,
        )

    return run


def paths(server: FakeCelestrak) -> list[str]:
    return [path.removeprefix("/NORAD/elements/") for path, _ in server.requests]


def test_groups_come_as_omm_json_and_keep_nine_digit_numbers(
    server: FakeCelestrak, update: Update, tmp_path: Path
) -> None:
    [result] = update([group("demo")])
    assert paths(server) == ["gp.php?GROUP=demo&FORMAT=json"]
    assert (result.format, result.element_sets, result.new) == ("json", 2, 2)
    with ElementStore(tmp_path / "home" / "elements.duckdb") as store:
        big = store.nearest(270000123, datetime(2023, 11, 30, tzinfo=UTC))
        assert big.name == "NINE DIGIT SAT" and big.format == "omm"
        assert store.resolve("nine digit sat") == 270000123


def test_tle_asked_for_outright_holds_only_five_digit_numbers(
    server: FakeCelestrak, update: Update
) -> None:
    [result] = update([group("demo")], fmt="tle")
    assert paths(server) == ["gp.php?GROUP=demo&FORMAT=tle"]
    assert (result.format, result.element_sets) == ("tle", 1)


def test_omm_csv_reads_the_same_elements_as_json(server: FakeCelestrak, tmp_path: Path) -> None:
    stores = {}
    for fmt in ("json", "csv"):
        store_path = tmp_path / fmt / "elements.duckdb"
        update_elements(
            [group("demo")], source=server.base, store_path=store_path, progress=False, fmt=fmt
        )
        with ElementStore(store_path) as store:
            when = datetime(2023, 11, 30, tzinfo=UTC)
            stores[fmt] = [
                (r.norad_id, r.satrec.no_kozai, r.satrec.ecco) for r in store.group(None, when)
            ]
    assert stores["csv"] == stores["json"] and len(stores["csv"]) == 2
    assert paths(server)[-1] == "gp.php?GROUP=demo&FORMAT=csv"


def test_single_object_queries(server: FakeCelestrak, update: Update) -> None:
    results = update([catnr(270000123), intdes("1998-067"), celestrak.by_name("iss (zarya)")])
    assert paths(server) == [
        "gp.php?CATNR=270000123&FORMAT=json",
        "gp.php?INTDES=1998-067&FORMAT=json",
        "gp.php?NAME=iss%20%28zarya%29&FORMAT=json",
    ]
    assert [(r.group, r.element_sets) for r in results] == [
        ("CATNR=270000123", 1),
        ("INTDES=1998-067", 1),
        ("NAME=iss (zarya)", 1),
    ]


def test_unknown_object_is_an_error_not_an_empty_update(
    server: FakeCelestrak, update: Update
) -> None:
    with pytest.raises(SourceError, match="no element sets for CATNR=99999"):
        update([catnr(99999)])
    assert paths(server) == ["gp.php?CATNR=99999&FORMAT=json"]  # no TLE retry for "no data"


@pytest.mark.parametrize(
    ("bad_json", "reason"),
    [((404, "Not Found"), "HTTP 404"), ((200, "<html>maintenance</html>"), "maintenance")],
)
def test_unusable_omm_falls_back_to_tle_once(
    server: FakeCelestrak, update: Update, bad_json: tuple[int, str], reason: str
) -> None:
    server.special[("GROUP", "demo", "json")] = bad_json
    [result] = update([group("demo")])
    assert paths(server) == ["gp.php?GROUP=demo&FORMAT=json", "gp.php?GROUP=demo&FORMAT=tle"]
    assert (result.format, result.element_sets) == ("tle", 1)
    assert reason in result.warnings[0] and "used TLE instead" in result.warnings[0]
    [again] = update([group("demo")])  # within two hours: the TLE copy, no request at all
    assert len(server.requests) == 2 and again.format == "tle"
    assert "OMM was unusable" in again.warnings[0]


@pytest.mark.parametrize("status", [403, 429, 503])
def test_refusals_and_server_errors_stop_without_fallback_or_retry(
    server: FakeCelestrak, update: Update, status: int
) -> None:
    server.special[("GROUP", "demo", "json")] = (status, "go away")
    with pytest.raises(SourceError, match=str(status)):
        update([group("demo"), group("stations")])
    assert paths(server) == ["gp.php?GROUP=demo&FORMAT=json"]


def test_one_download_per_two_hours_then_a_conditional_request(
    server: FakeCelestrak, update: Update, tmp_path: Path
) -> None:
    update([group("demo")])
    [again] = update([group("demo")])
    assert len(server.requests) == 1 and again.new == 0  # the cached copy, no request
    (meta_file,) = (tmp_path / "home" / "cache").rglob("demo.omm.json.meta.json")
    stale = json.loads(meta_file.read_text()) | {"fetched_at": 0}
    meta_file.write_text(json.dumps(stale))  # pretend the copy is older than two hours
    update([group("demo")])
    assert len(server.requests) == 2
    assert server.requests[1][1].get("If-None-Match", "").startswith('"')


@pytest.mark.parametrize(
    ("make", "text"),
    [
        (catnr, "0"),
        (catnr, "1000000000"),
        (catnr, "25544x"),
        (intdes, "98067A"),
        (intdes, "2023-19"),
        (group, "Active Sats"),
        (celestrak.by_name, " I "),
    ],
)
def test_bad_queries_are_refused_before_any_request(
    make: Callable[[str], celestrak.GpQuery], text: str
) -> None:
    with pytest.raises(InputError):
        make(text)


def test_unknown_format_is_refused(update: Update) -> None:
    with pytest.raises(InputError, match="json, csv, tle"):
        update([group("demo")], fmt="xml")


# ------------------------------------------------------------------------ store schema


def test_store_keeps_designators_and_upgrades_old_files(tmp_path: Path) -> None:
    path = tmp_path / "elements.duckdb"
    with duckdb.connect(str(path)) as con:  # a store written before designators were kept
        con.execute(
            "CREATE TABLE element_sets (norad_id BIGINT NOT NULL, name VARCHAR NOT NULL, "
            "epoch_utc TIMESTAMP NOT NULL, source VARCHAR NOT NULL, line_number INTEGER NOT "
            "NULL, format VARCHAR NOT NULL, line1 VARCHAR, line2 VARCHAR, omm_json VARCHAR, "
            "loaded_utc TIMESTAMP NOT NULL, PRIMARY KEY (norad_id, epoch_utc))"
        )
        con.execute(
            "INSERT INTO element_sets VALUES (25544, 'ISS', TIMESTAMP '2023-11-29 21:59:18', "
            "'old.tle', 1, 'tle', ?, ?, NULL, now()), (270000123, 'BIG', TIMESTAMP "
            "'2023-11-29 21:59:18', 'old.json', 1, 'omm', NULL, NULL, ?, now())",
            [ISS_L1, ISS_L2, json.dumps({k: str(v) for k, v in BIG.items()})],
        )
    with ElementStore(path) as old, pytest.raises(NoElementsError, match="upgrade"):
        old.by_designators(["1998-067A"], [])
    with ElementStore(path, read_only=False) as store:
        found = store.by_designators(["1998-067A", "2026-001B"], [])
    assert [r.norad_id for r in found] == [25544, 270000123]


# ------------------------------------------------------------------ launches and orbits


def test_launch_payloads_follow_to_their_orbits(
    server: FakeCelestrak, update: Update, tmp_path: Path
) -> None:
    update([group("demo")])
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE payloads AS SELECT * FROM (VALUES "
        "('1998-067A', '1998-067', 'Zarya', 25544, 390.0, 420.0, 51.6), "
        "('1998-067', '1998-067', 'LignoSat', NULL, 400.0, 410.0, 51.6), "
        "('2026-001B', '2026-001', 'Nine', NULL, 500.0, 510.0, 97.6)) "
        "AS t(piece, launch_tag, name, satcat, perigee_km, apogee_km, inc_deg)"
    )
    con.execute("CREATE TABLE launches AS SELECT DISTINCT launch_tag FROM payloads")
    with ElementStore(tmp_path / "home" / "elements.duckdb") as store:
        iss = launch_orbits(con, store, "1998-067")
        nine = launch_orbits(con, store, "2026-001b")
        with pytest.raises(InputError, match="Did you mean: 1998-067"):
            launch_orbits(con, store, "1998-068")
    assert iss["piece"].tolist() == ["1998-067", "1998-067A"]
    assert iss["norad_id"].isna().tolist() == [True, False]  # decayed or not fetched: kept
    zarya = iss.iloc[1]
    assert zarya["linked_by"] == "intdes" and zarya["norad_id"] == 25544
    # mean-element heights, cross-checked against the two-body orbit of the mean motion
    # (WGS72: mu = 398600.8 km^3/s^2, equatorial radius 6378.135 km); Brouwer's and Kozai's
    # mean motions differ by ~1e-4, a few hundred metres here
    n_rad_s = ISS["MEAN_MOTION"] * 2 * math.pi / 86400
    a_km = (398600.8 / n_rad_s**2) ** (1 / 3)
    assert zarya["perigee_km"] == pytest.approx(a_km * (1 - ISS["ECCENTRICITY"]) - 6378.135, abs=2)
    assert zarya["apogee_km"] == pytest.approx(a_km * (1 + ISS["ECCENTRICITY"]) - 6378.135, abs=2)
    assert zarya["period_min"] == pytest.approx(1440 / ISS["MEAN_MOTION"], rel=1e-3)
    assert nine["norad_id"].tolist() == [270000123]  # no satcat in GCAT: the designator links


@pytest.mark.integration
def test_mirror_launch_links_match_a_join_done_in_sql(
    mirror_con: duckdb.DuckDBPyConnection, shared_data: Path, tmp_path: Path, cosmodrome: CliRunner
) -> None:
    store_path = tmp_path / "elements.duckdb"
    update_groups(["active"], source=str(shared_data), store_path=store_path, progress=False)
    with ElementStore(store_path) as store:
        arktika = launch_orbits(mirror_con, store, "2023-198")
        pairs = store.connection.execute(
            "SELECT DISTINCT intdes, norad_id FROM element_sets WHERE intdes IS NOT NULL"
        ).df()
    assert arktika[["piece", "norad_id", "linked_by"]].values.tolist() == [
        ["2023-198A", 58584, "intdes"]
    ]
    assert 1000 < arktika["perigee_km"][0] < arktika["apogee_km"][0]  # Molniya-type orbit
    # per launch of early 2024: GCAT payloads whose piece is a designator in the store,
    # counted by a join in SQL
    mirror_con.register("pairs", pairs)
    expected = dict(
        mirror_con.execute(
            "SELECT p.launch_tag, count(e.norad_id) FROM payloads p "
            "LEFT JOIN pairs e ON e.intdes = p.piece "
            "WHERE p.launch_tag BETWEEN '2024-001' AND '2024-060' GROUP BY 1"
        ).fetchall()
    )
    with ElementStore(store_path) as store:
        linked = {
            tag: int(launch_orbits(mirror_con, store, tag)["norad_id"].notna().sum())
            for tag in expected
        }
    assert linked == expected and sum(linked.values()) > 100


@pytest.mark.integration
def test_cli_elements_launch_from_the_mirror(
    mirror_home: Path, shared_data: Path, cosmodrome: CliRunner
) -> None:
    home = mirror_home
    fetched = cosmodrome(
        home, "elements", "update", "--intdes", "2023-198", "--source", str(shared_data)
    )
    assert fetched.returncode == 0 and "INTDES=2023-198: 1 element sets" in fetched.stderr
    table = cosmodrome(home, "elements", "--launch", "2023-198")
    assert table.returncode == 0 and "58584" in table.stdout and "Arktika" in table.stdout
    rows = json.loads(cosmodrome(home, "elements", "--launch", "2023-198A", "-f", "json").stdout)
    assert rows[0]["norad_id"] == 58584 and rows[0]["linked_by"] == "intdes"


def test_cli_elements_update_against_the_local_server(
    server: FakeCelestrak, tmp_path: Path, cosmodrome: CliRunner
) -> None:
    result = cosmodrome(
        tmp_path, "elements", "update", "--catnr", "270000123", "--source", server.base
    )
    assert result.returncode == 0, result.stderr
    assert "CATNR=270000123: 1 element sets (json)" in result.stderr
    bad = cosmodrome(tmp_path, "elements", "update", "--as", "xml", "--source", server.base)
    assert bad.returncode != 0 and "json, csv, tle" in bad.stderr
    assert paths(server) == ["gp.php?CATNR=270000123&FORMAT=json"]


@pytest.mark.integration
def test_mirror_files_served_over_http_omm_and_tle_fallback(
    server: FakeCelestrak, update: Update, shared_data: Path, tmp_path: Path
) -> None:
    """CelesTrak's real answers (the mirror's files, read in place) through the HTTP client."""
    folder = shared_data / "celestrak"
    server.special[("GROUP", "stations", "json")] = (
        200,
        (folder / "stations-2025-05-24.omm.json").read_text("utf-8"),
    )
    server.special[("GROUP", "active", "json")] = (404, "Not Found")  # only TLE for this one
    server.special[("GROUP", "active", "tle")] = (
        200,
        (folder / "active-2025-10-03.tle").read_text("utf-8"),
    )
    stations, active = update([group("stations"), group("active")])
    assert (stations.format, stations.element_sets, stations.new) == ("json", 13, 13)
    assert (active.format, active.element_sets) == ("tle", 12801)
    assert "used TLE instead" in active.warnings[0]
    with ElementStore(tmp_path / "home" / "elements.duckdb") as store:
        may = store.nearest(25544, datetime(2025, 5, 24, 12, tzinfo=UTC))
        pieces = store.by_designators(["1998-067A", "2023-198A"], [])
    assert may.format == "omm" and may.epoch_utc.date().isoformat() == "2025-05-24"
    assert sorted(r.norad_id for r in pieces) == [25544, 58584]


@pytest.mark.integration
def test_rest_launch_orbits(mirror_home: Path, shared_data: Path, tmp_path: Path) -> None:
    from cosmodrome.web.app import create_app
    from tests.test_web_api import assert_error_shape
    from tests.web_support import client_class, home_with_elements

    home = home_with_elements(mirror_home, shared_data, tmp_path)
    with client_class()(create_app(home)) as client:
        answer = client.get("/api/launch-orbits", params={"launch": "1998-067"})
        assert answer.status_code == 200, answer.text
        rows = {row["piece"]: row for row in answer.json()["data"]}
        zarya = rows["1998-067A"]
        assert (zarya["norad_id"], zarya["linked_by"]) == (25544, "intdes")
        assert zarya["epoch_utc"].startswith("2025-05-24")  # the stations group of the mirror
        assert 400 < zarya["perigee_km"] < zarya["apogee_km"] < 440
        again = client.get(
            "/api/launch-orbits",
            params={"launch": "1998-067"},
            headers={"If-None-Match": answer.headers["ETag"]},
        )
        assert again.status_code == 304
        unknown = client.get("/api/launch-orbits", params={"launch": "1998-999"})
        assert unknown.status_code == 404 and "1998-0" in unknown.text
        assert_error_shape(unknown.json(), 404, "UnknownNameError")
        bad = client.get("/api/launch-orbits", params={"launch": "nonsense"})
        assert bad.status_code == 400
        assert_error_shape(bad.json(), 400, "InputError")


def test_answers_without_content_length_are_checked_whole(
    server: FakeCelestrak, update: Update
) -> None:
    server.close_delimited = True
    compact = json.dumps([ISS, BIG])  # no newline at the end, as CelesTrak may send it
    server.special[("GROUP", "demo", "json")] = (200, compact)
    [result] = update([group("demo")])
    assert (result.format, result.element_sets) == ("json", 2)
    server.special[("GROUP", "cut", "json")] = (200, compact[: len(compact) // 2])
    with pytest.raises(SourceError, match="JSON answer is cut"):
        update([group("cut")])
    assert paths(server)[-1] == "gp.php?GROUP=cut&FORMAT=json"  # stopped: no TLE, no retry
