"""Market analytics on the frozen mirror: reference figures from GCAT's launch log.

Expected values were read from GCAT's ``launchlog.tsv`` (snapshot 2024-12-08, J. McDowell,
planet4589.org) and are restated in issue 3 of this project.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cosmodrome import api
from cosmodrome.cli.main import app  # every command registered
from cosmodrome.errors import InputError

pytestmark = pytest.mark.integration


def test_baikonur_launches_per_year_2012_2024(mirror_con: duckdb.DuckDBPyConnection) -> None:
    profile = api.site_profile(mirror_con, "Baikonur")
    yearly = {r["year"]: r for r in profile.yearly.records()}
    expected = [21, 23, 21, 18, 11, 13, 9, 13, 7, 14, 7, 9, 7]
    assert [yearly[y]["launches"] for y in range(2012, 2025)] == expected
    assert profile.name == "Baikonur"
    assert all(r["successes"] + r["failures"] == r["launches"] for r in yearly.values())
    # The cadence analysis agrees with the profile.
    frame = api.cadence(
        mirror_con, "site", only=["Tyuratam"], start=date(2012, 1, 1), end=date(2024, 12, 31)
    )
    assert frame.column("launches") == expected


def test_baikonur_foreign_customers_2022_2024_are_angola_and_iran(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    frame = api.foreign_customers(mirror_con, "Baikonur", date(2022, 1, 1), date(2024, 12, 31))
    assert sorted(frame.column("owner_state")) == ["AO", "IR"]
    profile = api.site_profile(mirror_con, "Baikonur")
    last_era = [
        r["owner_state"]
        for r in profile.foreign_customers.records()
        if r["era"].startswith("2022-02-24")
    ]
    assert sorted(last_era) == ["AO", "IR"]


def _raw_launches_per_year(shared_data: Path) -> dict[int, int]:
    """An independent count: GCAT launch log rows deduplicated on ``Launch_Tag``, launches
    from Earth only (launch codes starting O or D; X marks ascents from the Moon)."""
    tags_by_year: dict[int, set[str]] = defaultdict(set)
    path = shared_data / "gcat" / "tsv" / "derived" / "launchlog.tsv"
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if fields[18].strip().startswith(("O", "D")):
                tags_by_year[int(fields[1].strip()[:4])].add(fields[0].strip())
    return {year: len(tags) for year, tags in tags_by_year.items()}


def test_world_launches_per_year_match_the_raw_launch_log(
    mirror_con: duckdb.DuckDBPyConnection,
    shared_data: Path,
) -> None:
    raw = _raw_launches_per_year(shared_data)
    frame = api.share(mirror_con, "provider-state", "year").to_frame()
    world = frame.groupby("period")["world_launches"].first()
    for year, count in raw.items():
        assert int(world[str(year)]) == count, year
    by_group = (
        api.cadence(mirror_con, "vehicle-family", "year")
        .to_frame()
        .groupby("period")["launches"]
        .sum()
    )
    assert {int(k): int(v) for k, v in by_group.items() if v} == raw
    assert sum(raw.values()) == 6828 - 11  # the mirror's launch count less 11 'other' (issue 2)


def test_oneweb_moved_from_soyuz_to_spacex_and_nsil(mirror_con: duckdb.DuckDBPyConnection) -> None:
    result = api.customer_migration(mirror_con, date(2022, 2, 24), vehicles=["Soyuz"])
    oneweb = result.customers.to_frame().set_index("customer").loc["ONEWEB"]
    assert oneweb["status"] == "moved"
    assert oneweb["customer_name"] == "One Web"
    flows_before = result.flows_before.to_frame()
    before = flows_before[flows_before["customer"] == "ONEWEB"]
    assert set(before["provider"]) == {
        "STSM",
        "AE",
    }  # Starsem and Arianespace sold the Soyuz flights
    sites = {s for text in before["sites"] for s in text.split(", ")}
    assert sites == {"Baikonur", "Vostochny", "Kourou"}
    flows = result.flows.to_frame()
    after = flows[flows["customer"] == "ONEWEB"].set_index("provider")
    assert set(after.index) == {"SPX", "NSIL"}
    assert after.loc["NSIL", "provider_state"] == "IN"
    assert after.loc["SPX", "provider_state"] == "US"
    assert str(after.loc["NSIL", "first_launch"]) == "2022-10-22"
    assert oneweb["first_launch_after"] == date(2022, 10, 22)
    # Customers that stayed are listed too.
    stayed = {r["customer"] for r in result.customers.records() if r["status"] == "stayed"}
    assert "OKB1" in stayed
    diagram = result.diagram(5)
    labels = {n["label"] for n in diagram["nodes"]}
    assert {"One Web", "SpaceX", "NewSpace India Limited", "Starsem"} <= labels
    assert all(link["payloads"] > 0 for link in diagram["links"])


def test_oneweb_left_russian_launchers(mirror_con: duckdb.DuckDBPyConnection) -> None:
    # Issue 3: `migration --provider-state RU --cutoff 2022-02-24` shows OneWeb. GCAT credits
    # its Soyuz launches to Starsem (F); the vehicle's maker (Progress, RU) makes them Russian.
    result = api.customer_migration(mirror_con, date(2022, 2, 24), provider_states=["RU"])
    customers = result.customers.to_frame().set_index("customer")
    assert customers.loc["ONEWEB", "status"] == "moved"
    assert set(customers.loc["ONEWEB", "provider_states_after"].split(", ")) == {"IN", "US"}
    assert set(result.customers.column("status")) <= {"moved", "split", "stayed", "none since"}
    assert "stayed" in set(result.customers.column("status"))


def test_charts_are_written_with_the_credit_line(
    mirror_con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    source = api.source_line(mirror_con)
    assert source == "Data: GCAT, J. McDowell, CC BY 4.0; data to 2024-12-08"
    profile = api.site_profile(mirror_con, "Baikonur")
    png = api.save_chart(api.profile_chart(profile, source), tmp_path / "profile.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    frame = api.share(mirror_con, "provider-state", start=date(2015, 1, 1), top=4)
    svg = api.save_chart(
        api.share_chart(frame, source, by="provider state"), tmp_path / "share.svg"
    )
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    with pytest.raises(InputError, match=r"\.png or \.svg"):
        api.save_chart(api.share_chart(frame, source), tmp_path / "share.pdf")


def test_report_is_self_contained(mirror_con: duckdb.DuckDBPyConnection) -> None:
    html = api.site_report(mirror_con, "Baikonur")
    assert html.count("<svg") >= 4  # profile, events, peers, migration
    # Nothing to fetch: no scripts, stylesheets, fonts or images from elsewhere.
    for external in ("<script", "<link", "@import", "<img", "<iframe"):
        assert external not in html, external
    assert not re.search(r"url\((?!#)", html)  # only references inside the page (clip paths)
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", html)
    assert "Data: GCAT, J. McDowell, CC BY 4.0" in html
    assert "Method notes" in html and "One Web" in html


def test_cli_commands(mirror_home: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"COSMODROME_HOME": str(mirror_home)}
    result = runner.invoke(
        app,
        [
            "cadence",
            "--by",
            "site",
            "--sites",
            "Baikonur,Vostochny",
            "--from",
            "2022",
            "--format",
            "json",
            "--chart",
            str(tmp_path / "c.png"),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {r["label"] for r in rows} == {"Baikonur", "Vostochny"}
    assert (tmp_path / "c.png").is_file()
    result = runner.invoke(app, ["migration", "--vehicle", "Soyuz", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"customers", "flows_after", "flows_before", "diagram"} <= set(data)
    assert data["diagram"]["nodes"] and data["diagram"]["links"]
    result = runner.invoke(
        app, ["share", "--by", "owner-state", "--from", "2024", "--format", "csv"], env=env
    )
    assert result.exit_code == 0 and result.stdout.startswith("period,period_start,group")
    result = runner.invoke(app, ["profile", "Kourou", "--format", "json"], env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["site"]
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "Vostochny", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
