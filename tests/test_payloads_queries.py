"""The payloads query, payload names in launches, market analyses by sector, mission and orbit
regime, and mass to orbit: on the frozen mirror, checked against counts computed another way."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cosmodrome import api
from cosmodrome.errors import InputError, UnknownNameError
from cosmodrome.web.app import create_app
from tests.conftest import CliRunner
from tests.probes import modules_loaded_by
from tests.web_support import client_class

pytestmark = pytest.mark.integration


def raw_psatcat(shared_data: Path) -> dict[str, list[str]]:
    """psatcat rows by JCAT, read with nothing but str.split."""
    path = shared_data / "gcat/tsv/cat/psatcat.tsv"
    header: list[str] = []
    rows: dict[str, list[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            fields = [f.strip() for f in line.rstrip("\n").split("\t")]
            if line.startswith("#"):
                header = header or [f.lstrip("#") for f in fields]
                continue
            rows[fields[0]] = fields
    rows["__header__"] = header
    return rows


def test_search_finds_every_spelling(mirror_con: duckdb.DuckDBPyConnection) -> None:
    for spelling in ("Arktika-M", "arktika m", "ARKTIKA_M"):
        found = api.payloads(mirror_con, api.PayloadFilter(search=spelling))
        assert set(found["piece"]) == {"2021-016A", "2023-198A"}
    with pytest.raises(UnknownNameError) as error:
        api.payloads(mirror_con, api.PayloadFilter(search="Arktikka-N"))
    assert any("Arktika" in s for s in error.value.suggestions)
    with pytest.raises(InputError):
        api.payloads(mirror_con, api.PayloadFilter(search="--"))


def test_sector_counts_match_psatcat_classes(
    mirror_con: duckdb.DuckDBPyConnection, shared_data: Path
) -> None:
    psat = raw_psatcat(shared_data)
    header = psat.pop("__header__")
    class_at = header.index("Class")
    logged = {
        jcat
        for (jcat,) in mirror_con.execute(
            "SELECT jcat FROM payloads WHERE sector_source = 'psatcat Class'"
        ).fetchall()
    }
    letters = Counter(psat[j][class_at] for j in logged if j in psat)
    commercial = api.count_payloads(mirror_con, api.PayloadFilter(sector="commercial"))
    own_b = mirror_con.execute(
        "SELECT count(*) FROM payloads WHERE sector = 'commercial' AND sector_source = 'owner class'"
    ).fetchone()
    assert own_b is not None
    # launchlog rows can repeat a JCAT; count the catalog's rows for those JCATs instead.
    b_rows = mirror_con.execute("SELECT count(*) FROM payloads WHERE gcat_class = 'B'").fetchone()
    assert b_rows is not None and letters["B"] > 0
    assert commercial == b_rows[0] + own_b[0]


def test_geo_commercial_since_2015(mirror_con: duckdb.DuckDBPyConnection) -> None:
    f = api.PayloadFilter(
        sector="commercial", orbit="geo", start=date(2015, 1, 1), end=date(2024, 12, 31)
    )
    frame = api.payloads(mirror_con, f)
    assert len(frame) == api.count_payloads(mirror_con, f) > 50
    assert set(frame["orbit_regime"]) == {"GEO"} and set(frame["sector"]) == {"commercial"}
    assert frame["launch_time_utc"].min().year >= 2015


def test_owner_filter_uses_the_owner_resolver(mirror_con: duckdb.DuckDBPyConnection) -> None:
    oneweb = api.payloads(mirror_con, api.PayloadFilter(owner="OneWeb", start=date(2019, 1, 1)))
    assert len(oneweb) > 600 and set(oneweb["owner"]) <= {"ONEWEB", "ONEWEBN", "ONEWEBE"}
    with pytest.raises(UnknownNameError):
        api.payloads(mirror_con, api.PayloadFilter(owner="OneWebbb"))


def test_mission_filter_keeps_secondary_missions(mirror_con: duckdb.DuckDBPyConnection) -> None:
    ro = api.count_payloads(mirror_con, api.PayloadFilter(mission="radio occultation"))
    listed = mirror_con.execute(
        "SELECT count(*) FROM payloads WHERE category LIKE '%MET-RO%'"
    ).fetchone()
    assert listed is not None and ro == listed[0] > 200


def test_one_primary_payload_per_launch_and_launch_columns_follow_it(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    mismatched = mirror_con.execute(
        """SELECT count(*) FROM launches l JOIN payloads p
           ON p.launch_tag = l.launch_tag AND p.is_primary
           WHERE l.sector <> p.sector OR l.mission <> p.mission
              OR l.orbit_regime <> p.orbit_regime OR l.primary_piece <> p.piece"""
    ).fetchone()
    assert mismatched == (0,)


def test_launches_show_payload_names_in_every_format(
    cosmodrome: CliRunner, mirror_home: Path
) -> None:
    args = ("launches", "--site", "Baikonur", "--from", "2023-12-01", "--to", "2023-12-31")
    table = cosmodrome(mirror_home, *args)
    # Cells fold in a narrow table: the name's first word and the column's header show.
    assert table.returncode == 0 and "Arktika" in table.stdout and "payloads" in table.stdout
    rows = list(csv.DictReader(io.StringIO(cosmodrome(mirror_home, *args, "-f", "csv").stdout)))
    assert {r["payloads"] for r in rows} >= {"Arktika-M No. 2", "Progress MS-25"}
    data = json.loads(cosmodrome(mirror_home, *args, "-f", "json").stdout)
    assert ["Arktika-M No. 2"] in [r["payloads"] for r in data]  # JSON: a list
    # (the stored short list: tests/test_principal_payload.py)
    # Data formats never cut the names: a Starlink launch lists every satellite
    starlink = ("launches", "--vehicle", "Falcon 9", "--from", "2024-12-04", "--to", "2024-12-04")
    listed = json.loads(cosmodrome(mirror_home, *starlink, "-f", "json").stdout)[0]
    assert listed["payload_count"] == len(listed["payloads"]) > 20
    joined = next(
        csv.DictReader(io.StringIO(cosmodrome(mirror_home, *starlink, "-f", "csv").stdout))
    )
    assert joined["payloads"].split("; ") == listed["payloads"] and "more" not in joined["payloads"]
    # the terminal table shortens it
    shown = " ".join(cosmodrome(mirror_home, *starlink).stdout.split())
    assert f"{listed['payloads'][0]} +{len(listed['payloads']) - 1}" in shown


def test_payloads_command(cosmodrome: CliRunner, mirror_home: Path) -> None:
    result = cosmodrome(mirror_home, "payloads", "--search", "Arktika-M")
    assert result.returncode == 0 and "HEO" in result.stdout and "Arktika-M No. 2" in result.stdout
    rows = list(
        csv.DictReader(
            io.StringIO(
                cosmodrome(
                    mirror_home, "payloads", "--owner", "OneWeb", "--from", "2019", "-f", "csv"
                ).stdout
            )
        )
    )
    assert len(rows) > 600 and {r["sector"] for r in rows} == {"commercial"}
    bad = cosmodrome(mirror_home, "payloads", "--sector", "comercial-ish")
    assert bad.returncode == 1 and "Unknown sector" in bad.stderr


def test_share_by_sector_adds_up(mirror_con: duckdb.DuckDBPyConnection) -> None:
    frame = api.share(mirror_con, "owner-sector", start=date(2010, 1, 1)).to_frame()
    per_year = frame.groupby("period")[["launches", "payloads"]].sum()
    world = frame.groupby("period")[["world_launches", "world_payloads"]].first()
    assert (per_year["launches"].to_numpy() == world["world_launches"].to_numpy()).all()
    assert (per_year["payloads"].to_numpy() == world["world_payloads"].to_numpy()).all()
    # Computed another way: commercial launches of 2024 by the primary payload's sector.
    direct = mirror_con.execute(
        """SELECT count(*) FROM launches WHERE sector = 'commercial' AND year = 2024
           AND orbit_class <> 'other'"""
    ).fetchone()
    row = frame[(frame["period"] == "2024") & (frame["group"] == "commercial")]
    assert direct is not None and int(row["launches"].iloc[0]) == direct[0]


def test_share_of_commercial_launches_by_provider(mirror_con: duckdb.DuckDBPyConnection) -> None:
    frame = api.share(
        mirror_con,
        "provider",
        start=date(2018, 1, 1),
        where=api.LaunchFilter(sector="commercial"),
        only=["SpaceX"],
    ).to_frame()
    spacex_2024 = frame[frame["period"] == "2024"].iloc[0]
    direct = mirror_con.execute(
        """SELECT count(*) FILTER (WHERE split_part(agency, '/', 1) = 'SPX'), count(*)
           FROM launches WHERE sector = 'commercial' AND year = 2024 AND orbit_class <> 'other'"""
    ).fetchone()
    assert direct is not None
    assert spacex_2024["launches"] == direct[0]
    assert spacex_2024["world_launches"] == direct[1]
    assert 0.5 < spacex_2024["launch_share"] < 1


def test_cadence_by_orbit_regime_at_baikonur(mirror_con: duckdb.DuckDBPyConnection) -> None:
    frame = api.cadence(
        mirror_con,
        "orbit-regime",
        start=date(2010, 1, 1),
        where=api.LaunchFilter(site="Baikonur"),
    ).to_frame()
    total = frame["launches"].sum()
    assert total == api.count_launches(
        mirror_con, api.LaunchFilter(site="Baikonur", start=date(2010, 1, 1))
    )
    heo_2023 = frame[(frame["period"] == "2023") & (frame["group"] == "HEO")]
    assert int(heo_2023["launches"].iloc[0]) >= 1  # Arktika-M No. 2
    only = api.cadence(mirror_con, "mission", only=["crew"], start=date(2022, 1, 1))
    assert set(only.column("group")) == {"SS"}
    with pytest.raises(UnknownNameError):
        api.cadence(mirror_con, "orbit-regime", only=["LOE"])


def test_mass_says_unknown_rather_than_zero(cosmodrome: CliRunner, mirror_home: Path) -> None:
    result = cosmodrome(mirror_home, "mass", "--by", "provider-state", "--from", "2015")
    assert result.returncode == 0
    assert "unknown" in result.stdout and "no satcat.tsv" in result.stdout
    data = json.loads(
        cosmodrome(
            mirror_home, "mass", "--by", "orbit-regime", "--from", "2015", "-f", "json"
        ).stdout
    )
    for row in data:
        assert row["payloads"] == row["payloads_with_mass"] + row["payloads_without_mass"]
        assert (row["mass_kg"] is None) == (row["payloads_with_mass"] == 0)
        assert row["mass_kg"] != 0


def test_mass_against_a_direct_sum(mirror_con: duckdb.DuckDBPyConnection) -> None:
    rows = api.mass_to_orbit(
        mirror_con, "provider-state", start=date(2016, 1, 1), end=date(2016, 12, 31)
    )
    direct = mirror_con.execute(
        """SELECT sum(p.mass_kg), count(*) FROM payloads p JOIN launches l USING (launch_tag)
           WHERE l.year = 2016 AND l.is_success AND l.orbit_class <> 'other'"""
    ).fetchone()
    assert direct is not None
    assert sum(m for m in rows.column("mass_kg") if m is not None) == pytest.approx(direct[0])
    assert sum(rows.column("payloads")) == direct[1]
    # states by name, and only the groups asked for
    assert "Russia (RU)" in rows.column("label")
    only = api.mass_to_orbit(mirror_con, "provider-state", only=["Russia"], start=date(2016, 1, 1))
    assert set(only.column("group")) == {"RU"}


@pytest.fixture(scope="module")
def client(mirror_home: Path) -> Iterator[Any]:
    with client_class()(create_app(mirror_home)) as test_client:
        yield test_client


def test_api_payloads_paginates_like_launches(client: Any, mirror_home: Path) -> None:
    params = {"sector": "commercial", "orbit": "GEO", "from": "2015", "limit": 20}
    page = client.get("/api/payloads", params=params).json()
    assert page["limit"] == 20 and page["total"] > 20 and len(page["data"]) == 20
    assert page["next"] and "offset=20" in page["next"]
    second = client.get(page["next"]).json()
    assert {r["piece"] for r in second["data"]}.isdisjoint({r["piece"] for r in page["data"]})
    found = client.get("/api/payloads", params={"search": "Arktika-M No. 2"}).json()
    assert found["total"] == 1 and found["data"][0]["orbit_regime"] == "HEO"
    assert found["data"][0]["mass_kg"] is None
    missing = client.get("/api/payloads", params={"search": "Arktikka-N"})
    assert missing.status_code == 404 and missing.json()["error"]["suggestions"]
    # OneWeb's mass simulators (auxcat objects) have no NORAD number: JSON null.
    mfs = client.get("/api/payloads", params={"search": "MFS 1", "owner": "OneWeb"}).json()
    assert mfs["data"] and all(r["satcat"] is None for r in mfs["data"])
    csv_text = client.get("/api/payloads", params={"owner": "OneWeb", "format": "csv"}).text
    assert csv_text.startswith("piece,name,launch_tag")


def test_api_share_and_mass_by_new_dimensions(client: Any) -> None:
    share = client.get(
        "/api/share", params={"by": "provider", "sector": "commercial", "from": "2018", "top": 3}
    ).json()
    assert share["total"] > 0
    cadence = client.get("/api/cadence", params={"by": "orbit-regime", "site": "Baikonur"})
    assert cadence.status_code == 200
    mass = client.get("/api/mass", params={"by": "owner-sector", "from": "2015"}).json()
    assert mass["coverage"]["has_satcat"] is False and mass["data"]


def test_ucs_check_command(cosmodrome: CliRunner, mirror_home: Path) -> None:
    table = cosmodrome(mirror_home, "ucs-check", "--what", "orbit-class")
    assert table.returncode == 0 and "orbit class agrees" in table.stdout
    data = json.loads(cosmodrome(mirror_home, "ucs-check", "-f", "json").stdout)
    assert (
        data["sector"]["agree"] + len(data["sector"]["disagreements"]) == data["sector"]["compared"]
    )
    bad = cosmodrome(mirror_home, "ucs-check", "--what", "mass")
    assert bad.returncode == 1


def test_profile_mix_per_period(mirror_con: duckdb.DuckDBPyConnection) -> None:
    profile = api.site_profile(mirror_con, "Baikonur")
    sectors, missions = profile.sector_mix.to_frame(), profile.mission_mix.to_frame()
    last_era = sectors["era"].iloc[-1]
    assert last_era.startswith("2022-02-24")
    # Launches by primary payload add up to the site's launches of the period.
    start = date.fromisoformat(last_era[:10])
    direct = api.count_launches(mirror_con, api.LaunchFilter(site="Baikonur", start=start))
    assert sectors[sectors["era"] == last_era]["launches"].sum() == direct
    assert missions[missions["era"] == last_era]["launches"].sum() == direct
    crew = missions[(missions["era"] == last_era) & (missions["group"] == "SS")]
    assert crew["label"].iloc[0] == "crew and cargo (space station)"
    shares = sectors.groupby("era")["launch_share"].sum()
    assert ((shares - 1).abs() < 1e-9).all()
    assert "sector_mix" in profile.tables() and "mission_mix" in profile.tables()


def test_report_has_the_mix(mirror_con: duckdb.DuckDBPyConnection) -> None:
    html = api.site_report(mirror_con, "Baikonur", peers=["Vostochny"])
    assert "Sector mix by period" in html and "Mission mix by period" in html


def _payloads_launched(con: duckdb.DuckDBPyConnection, first: str, last: str) -> int:
    """Payloads whose launch time is in ``[first, last)`` (UTC instants), counted in SQL."""
    row = con.execute(
        "SELECT count(*) FROM payloads p JOIN launches l USING (launch_tag) "
        "WHERE l.time_utc >= ?::TIMESTAMPTZ AND l.time_utc < ?::TIMESTAMPTZ",
        [first, last],
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_payload_periods_read_like_launch_periods(
    client: Any, mirror_con: duckdb.DuckDBPyConnection, cosmodrome: CliRunner, mirror_home: Path
) -> None:
    def total(url: str = "/api/payloads", **period: str) -> int:
        response = client.get(url, params={**period, "limit": 0})
        assert response.status_code == 200, response.text
        return int(response.json()["total"])

    # A month is the whole month, a bare year as an end is the end of that year.
    december = _payloads_launched(mirror_con, "2023-12-01 00:00Z", "2024-01-01 00:00Z")
    assert total(**{"from": "2023-12", "to": "2023-12"}) == december > 0
    year = _payloads_launched(mirror_con, "2024-01-01 00:00Z", "2025-01-01 00:00Z")
    assert total(**{"from": "2024", "to": "2024"}) == year > december
    # A time stays a time: the afternoon of 2023-12-01 holds fewer payloads than the day.
    afternoon = _payloads_launched(mirror_con, "2023-12-01 12:00Z", "2023-12-02 00:00Z")
    assert total(**{"from": "2023-12-01T12:00Z", "to": "2023-12-01"}) == afternoon
    assert 0 < afternoon < total(**{"from": "2023-12-01", "to": "2023-12-01"})
    # The command reads its period the same way.
    result = cosmodrome(
        mirror_home, "payloads", "--from", "2023-12-01T12:00", "--to", "2023-12-01", "-f", "json"
    )
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == afternoon
    # Mass to orbit takes the same period: December's known mass, not a day's.
    mass = client.get("/api/mass", params={"from": "2023-12", "to": "2023-12", "by": "site"})
    assert mass.status_code == 200 and {r["period"] for r in mass.json()["data"]} == {"2023"}


def test_a_backwards_payload_period_names_the_fields(
    client: Any, cosmodrome: CliRunner, mirror_home: Path
) -> None:
    for url in ("/api/payloads", "/api/mass", "/api/schedule", "/api/slips"):
        response = client.get(url, params={"from": "2024", "to": "2023-06"})
        assert response.status_code == 400, (url, response.text)
        message = response.json()["error"]["message"]
        assert "'from'" in message and "'to'" in message and "--" not in message, message
    with pytest.raises(InputError, match="after the end"):
        api.PayloadFilter(start=date(2024, 1, 1), end=date(2023, 12, 31))
    result = cosmodrome(mirror_home, "payloads", "--from", "2024", "--to", "2023-06")
    assert result.returncode == 1 and "--from 2024 is after --to 2023-06" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


#: What a command answering in plain rows does without (the analyses' and orbits' libraries).
HEAVY_FOR_ROWS = ("pandas", "matplotlib", "scipy", "skyfield", "dask")

#: The README's payload commands: answered from DuckDB as plain rows, pandas never loaded.
LIGHT_COMMANDS = [
    ("payloads", "--search", "Arktika-M"),
    ("payloads", "--sector", "commercial", "--orbit", "geo", "--from", "2015", "--to", "2024"),
    ("payloads", "--owner", "OneWeb", "--format", "json"),
    ("mass", "--by", "provider-state", "--from", "2015"),
    ("mass", "--by", "site", "--only", "Baikonur", "--format", "csv"),
    ("ucs-check", "--what", "orbit-class"),
    ("ucs-check", "--format", "json"),
]


@pytest.mark.parametrize("command", LIGHT_COMMANDS, ids=" ".join)
def test_payload_commands_load_no_pandas(mirror_home: Path, command: tuple[str, ...]) -> None:
    assert modules_loaded_by(command, HEAVY_FOR_ROWS, mirror_home) == set()


def test_payload_rows_and_page_agree_with_the_frame(mirror_con: duckdb.DuckDBPyConnection) -> None:
    f = api.PayloadFilter(sector="commercial", orbit="GEO", start=date(2015, 1, 1))
    frame = api.payloads(mirror_con, f)
    rows = api.payload_rows(mirror_con, f)
    assert rows.columns == list(frame.columns) and rows.column("piece") == list(frame["piece"])
    total, page = api.payload_page(mirror_con, f, limit=10, offset=5)
    assert total == len(frame) and page.column("piece") == list(frame["piece"][5:15])
    past_end = api.payload_page(mirror_con, f, limit=10, offset=total)
    assert past_end[0] == total and not past_end[1].rows
    with pytest.raises(UnknownNameError):
        api.payload_page(mirror_con, api.PayloadFilter(search="Arktikka-N"), limit=10)
    # a known name that the other filters leave out is an empty answer, not an error
    none = api.PayloadFilter(search="Arktika-M", start=date(1990, 1, 1), end=date(1990, 12, 31))
    assert api.payload_page(mirror_con, none, limit=10)[0] == 0
    assert len(api.payload_rows(mirror_con, none)) == 0 == api.count_payloads(mirror_con, none)


def test_launch_orbits_command_loads_no_pandas(
    mirror_home: Path, shared_data: Path, tmp_path: Path, cosmodrome: CliRunner
) -> None:
    (tmp_path / "catalog.duckdb").symlink_to(mirror_home / "catalog.duckdb")
    fetched = cosmodrome(
        tmp_path, "elements", "update", "--intdes", "2023-198", "--source", str(shared_data)
    )
    assert fetched.returncode == 0, fetched.stderr
    launch_orbits = ("elements", "--launch", "2023-198")
    assert modules_loaded_by(launch_orbits, (*HEAVY_FOR_ROWS, "numpy"), tmp_path) == set()
    with api.catalog(tmp_path) as con:
        rows = api.launch_orbit_rows(con, "2023-198", home=tmp_path)
        frame = api.launch_orbits(con, "2023-198", home=tmp_path)
    assert rows.columns == list(frame.columns) and rows.column("norad_id") == [58584]
    assert frame["epoch_utc"].dt.tz is not None and frame["perigee_km"].dtype == "float64"
