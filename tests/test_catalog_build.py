"""Building the catalog from small GCAT-shaped folders made in code."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cosmodrome.catalog.build import build_catalog
from cosmodrome.catalog.db import open_catalog
from cosmodrome.catalog.names import resolve_sites, resolve_vehicles
from cosmodrome.catalog.queries import LaunchFilter, launches, launches_per_year
from cosmodrome.errors import CatalogMissingError, InputError, SourceError, UnknownNameError
from tests.gcat_factory import launch_row, write_mini_gcat

LAUNCHES = [
    launch_row("1985-001", "1985 Jan  5 1200:00", "NIIP-5"),
    launch_row("1985-001", "1985 Jan  5 1200:00", "NIIP-5", piece="1985-001B"),
    launch_row("2015-010", "2015 Mar  3 0101", "GIK-5", code="OF40"),
    launch_row("2016-F01", "2016 Jul?", "GIK-5", code="OF", agency="RVSN"),
    launch_row(
        "2019-003", "2019 Feb 27 2137:21", "CSG", vehicle="Ariane 5ECA", agency="AE", owner="MO"
    ),
]


@pytest.fixture()
def mini_source(tmp_path: Path) -> Path:
    return write_mini_gcat(
        tmp_path / "src", LAUNCHES, extra_launchlog_lines=["2020-001\tnot enough fields"]
    )


@pytest.fixture()
def mini_home(mini_source: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    build_catalog(str(mini_source), home)
    return home


def test_one_row_per_launch_and_per_payload(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        assert con.execute("SELECT count(*) FROM launches").fetchone() == (4,)
        assert con.execute("SELECT count(*) FROM payloads").fetchone() == (5,)
        assert con.execute(
            "SELECT payload_count FROM launches WHERE launch_tag = '1985-001'"
        ).fetchone() == (2,)


def test_both_baikonur_codes_resolve_to_the_canonical_site(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        rows = con.execute(
            "SELECT site_code, site, site_name FROM launches ORDER BY time_utc"
        ).fetchall()
    assert rows[:3] == [("NIIP-5", "GIK-5", "Baikonur")] + [("GIK-5", "GIK-5", "Baikonur")] * 2


def test_codes_resolve_by_period(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        states = dict(con.execute("SELECT launch_tag, provider_state FROM launches").fetchall())
    assert states["1985-001"] == "SU"  # RVSN was Soviet until 1991
    assert states["2015-010"] == "RU"


def test_outcomes_and_precision(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        rows = dict(
            con.execute(
                "SELECT launch_tag, (outcome, time_precision, time_uncertain) FROM launches"
            ).fetchall()
        )
    assert rows["2015-010"] == ("partial_failure", "minute", False)
    assert rows["2016-F01"] == ("failure", "month", True)


def test_malformed_row_is_quarantined_with_file_line_and_reason(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        rows = con.execute("SELECT file, line, reason FROM quarantine").fetchall()
    assert rows == [("launchlog.tsv", 8, "expected 20 fields, found 2")]


def test_orbits_attached_from_object_catalogs(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        incs = con.execute("SELECT DISTINCT inc_deg, orbit_source FROM payloads").fetchall()
    assert incs == [(64.9, "auxcat")]


def test_names_people_use(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        for name in ("Baikonur", "Baykonur", "Tyuratam", "GIK-5", "NIIP-5", "baikonur"):
            assert resolve_sites(con, name) == ["GIK-5"], name
        # The one Soyuz-2 this small log has, and the modelled ones it lacks (not flown here).
        soyuz_2 = resolve_vehicles(con, "Soyuz-2")
        assert "Soyuz-2-1A" in soyuz_2 and all(v.startswith("Soyuz-2") for v in soyuz_2)
        with pytest.raises(UnknownNameError) as caught:
            resolve_sites(con, "Baikonr")
        assert "Baikonur" in caught.value.suggestions


def test_filters(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        failures = launches(con, LaunchFilter(site="Baikonur", outcome="failure"))
        assert list(failures["launch_tag"]) == ["2015-010", "2016-F01"]
        per_year = launches_per_year(con, LaunchFilter(vehicle="Soyuz-2"))
        # every year of the span, zeros included: a time axis is continuous
        flown = per_year[per_year["launches"] > 0][["year", "launches", "successes", "failures"]]
        assert flown.to_dict("list") == {
            "year": [1985, 2015, 2016],
            "launches": [1, 1, 1],
            "successes": [1, 0, 0],
            "failures": [0, 1, 1],
        }
        assert list(per_year["year"]) == list(range(1985, 2017))
        assert per_year["launches"].sum() == 3
        with pytest.raises(InputError, match="after"):
            LaunchFilter(
                start=__import__("datetime").date(2020, 1, 1),
                end=__import__("datetime").date(2019, 1, 1),
            )


def test_interrupted_update_keeps_previous_catalog(mini_home: Path, mini_source: Path) -> None:
    def interrupt(_: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build_catalog(str(mini_source), mini_home, before_swap=interrupt)
    with open_catalog(mini_home) as con:
        assert con.execute("SELECT count(*) FROM launches").fetchone() == (4,)
    assert sorted(p.name for p in mini_home.iterdir() if p.is_file()) == [
        "catalog.duckdb",
        "catalog.lock",
    ]


def test_missing_catalog_and_missing_source_explain_the_fix(tmp_path: Path) -> None:
    with pytest.raises(CatalogMissingError, match="cosmodrome update"):
        open_catalog(tmp_path)
    with pytest.raises(SourceError, match="laid out"):
        build_catalog(str(tmp_path / "nowhere"), tmp_path / "home")


def test_duckdb_file_is_a_plain_duckdb_database(mini_home: Path) -> None:
    con = duckdb.connect(str(mini_home / "catalog.duckdb"), read_only=True)
    tables = {
        name
        for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    con.close()
    assert {
        "launches",
        "payloads",
        "sites",
        "organisations",
        "vehicles",
        "objects",
        "quarantine",
        "meta",
    } <= tables


def test_readers_see_a_swapped_catalog_while_an_old_connection_is_open(
    mini_home: Path, tmp_path: Path
) -> None:
    old = open_catalog(mini_home)
    bigger = write_mini_gcat(
        tmp_path / "bigger", [*LAUNCHES, launch_row("2024-001", "2024 Jan  1", "CSG")]
    )
    build_catalog(str(bigger), mini_home)
    with open_catalog(mini_home) as new:
        assert new.execute("SELECT count(*) FROM launches").fetchone() == (5,)
    assert old.execute("SELECT count(*) FROM launches").fetchone() == (4,)
    old.close()


def test_sessions_compare_dates_in_utc(mini_home: Path) -> None:
    with open_catalog(mini_home) as con:
        assert con.execute("SELECT current_setting('TimeZone')").fetchone() == ("UTC",)


def test_object_rows_with_unreadable_orbits_are_quarantined_and_left_out(tmp_path: Path) -> None:
    from cosmodrome.catalog.build import stage_sources
    from cosmodrome.catalog.gcat import Issue, read_table
    from cosmodrome.catalog.ingest import stage_objects
    from tests.gcat_factory import AUXCAT_COLUMNS, tsv

    rows = [
        {"JCAT": "S00005", "Piece": "1958-002B", "Name": "Vanguard 1",
         "Perigee": "650", "Apogee": "3840?", "Inc": "34.25"},
        {"JCAT": "A00002", "Satcat": "NNA", "Piece": "1958-002C", "Name": "Bad perigee",
         "Perigee": "low", "Apogee": "x", "Inc": "1"},
        {"JCAT": "A00003", "Piece": "1958-002D", "Name": "Bad inclination",
         "Perigee": "200", "Apogee": "300", "Inc": "n/a"},
        {"JCAT": "A00004", "Satcat": "44", "Piece": "1958-002E", "Name": "No orbit",
         "Perigee": "0", "Apogee": "0", "Inc": "0"},
    ]  # fmt: skip
    path = tmp_path / "auxcat.tsv"
    path.write_text(tsv(AUXCAT_COLUMNS, rows), encoding="utf-8")
    with duckdb.connect() as con:
        stage_sources(con, {"auxcat": read_table(path)}, [], None)
        stage_objects(con)
        frame = con.execute("SELECT * FROM built_objects ORDER BY ord").df()
        issues = [
            Issue(*row) for row in con.execute("SELECT * FROM issues ORDER BY line").fetchall()
        ]
    assert [(i.file, i.line, i.reason) for i in issues] == [
        ("auxcat.tsv", 4, "bad orbit value: could not convert string to float: 'low'"),
        ("auxcat.tsv", 5, "bad orbit value: could not convert string to float: 'n/a'"),
    ]
    assert issues[0].raw.startswith("A00002\tNNA\t-\t1958-002C\t")
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    assert [(r["jcat"], r["satcat"], r["perigee_km"], r["apogee_km"], r["inc_deg"]) for r in records] == [
        ("S00005", 5, 650.0, 3840.0, 34.25),
        ("A00004", 44, 0.0, 0.0, None),
    ]  # fmt: skip
    assert set(frame["source_file"]) == {"auxcat.tsv"}


def test_payload_row_disagreeing_with_its_launch_is_quarantined(tmp_path: Path) -> None:
    rows = [
        launch_row("1985-001", "1985 Jan  5 1200:00", "NIIP-5"),
        launch_row("1985-001", "1985 Jan  5 1200:00", "GIK-5", piece="1985-001B"),
        launch_row("1985-001", "1985 Jan  5 1200:00", "NIIP-5", piece="1985-001C"),
    ]
    home = tmp_path / "home"
    build_catalog(str(write_mini_gcat(tmp_path / "src", rows)), home)
    with open_catalog(home) as con:
        found = con.execute("SELECT file, line, reason FROM quarantine").fetchall()
        payloads, site = con.execute(
            "SELECT payload_count, site_code FROM launches WHERE launch_tag = '1985-001'"
        ).fetchone() or (None, None)
    assert found == [
        (
            "launchlog.tsv",
            4,
            "payload row of 1985-001 disagrees with the launch on Launch_Site; launch fields "
            "taken from its first row",
        )
    ]
    assert (payloads, site) == (3, "NIIP-5")


def test_rows_that_cannot_be_a_launch_are_quarantined_and_the_next_row_leads(
    tmp_path: Path,
) -> None:
    rows = [
        launch_row("", "1985 Jan  5", "GIK-5"),
        launch_row("1985-002", "1985 Feb 30", "GIK-5"),
        launch_row("1985-002", "1985 Feb  3", "GIK-5", piece="1985-002B"),
    ]
    home = tmp_path / "home"
    build_catalog(str(write_mini_gcat(tmp_path / "src", rows)), home)
    with open_catalog(home) as con:
        found = con.execute("SELECT line, reason FROM quarantine ORDER BY line").fetchall()
        launches = con.execute("SELECT launch_tag, payload_count FROM launches").fetchall()
    assert found == [
        (3, "missing Launch_Tag"),
        (4, "cannot read date '1985 Feb 30': day is out of range for month"),
    ]
    assert launches == [("1985-002", 1)]


def test_two_builds_of_the_same_files_are_two_catalogs(mini_source: Path, tmp_path: Path) -> None:
    """What is derived from a catalog is kept per generation (``per_catalog``, the schedule
    matching): a rebuild of the same files by another package or with other curated names
    must never be served what was derived from the first build."""
    from cosmodrome.catalog.names import catalog_generation

    generations, versions = [], []
    for home in (tmp_path / "a", tmp_path / "b"):
        build_catalog(str(mini_source), home)
        con = open_catalog(home)
        generations.append(catalog_generation(con))
        versions.append(
            con.execute("SELECT value FROM meta WHERE key = 'catalog_version'").fetchall()
        )
        con.close()
    assert versions[0] == versions[1]
    assert None not in generations
    assert generations[0] != generations[1]
