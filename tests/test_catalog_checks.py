"""A GCAT source is complete and sane or refused: duplicated rows, impossible dates, cut
reference tables, swapped headers, broken references and values outside physical ranges."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cosmodrome.catalog.build import CatalogShrinkError, build_catalog
from cosmodrome.catalog.checks import BrokenReferencesError, screen
from cosmodrome.catalog.db import open_catalog
from cosmodrome.catalog.gcat import read_table
from tests.conftest import CliRunner
from tests.gcat_factory import (
    LAUNCHLOG_COLUMNS,
    LV_COLUMNS,
    VEHICLES,
    launch_row,
    rows_of,
    tsv,
    write_mini_gcat,
)

LAUNCHLOG = "tsv/derived/launchlog.tsv"
SITES = "tsv/tables/sites.tsv"
LV = "tsv/tables/lv.tsv"
PSATCAT = "tsv/cat/psatcat.tsv"
LAUNCHES = [
    launch_row(
        f"{1990 + i // 12}-{i % 12 + 1:03d}", f"{1990 + i // 12} Jan {i % 12 + 1:2d}", "GIK-5"
    )
    for i in range(60)
]


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    return write_mini_gcat(tmp_path / "src", LAUNCHES)


@pytest.fixture()
def home(source: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    build_catalog(str(source), home)
    return home


def one(home: Path, sql: str) -> object:
    with open_catalog(home) as con:
        row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


def quarantined(home: Path, like: str) -> int:
    with open_catalog(home) as con:
        row = con.execute("SELECT count(*) FROM quarantine WHERE reason LIKE ?", [like]).fetchone()
    return int(row[0]) if row else 0


def test_a_launch_log_appended_to_itself_counts_nothing_twice(home: Path, source: Path) -> None:
    path = source / LAUNCHLOG
    header, updated, *body = path.read_text().splitlines(keepends=True)
    path.write_text(header + updated + "".join(body) + "".join(body))
    build_catalog(str(source), home)
    assert one(home, "SELECT count(*) FROM payloads") == 60
    assert one(home, "SELECT max(payload_count) FROM launches") == 1
    assert quarantined(home, "duplicate of line %") == 60


def test_duplicated_object_rows_are_quarantined(home: Path, source: Path) -> None:
    path = source / PSATCAT
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(lines) + lines[-1] * 5)
    build_catalog(str(source), home)
    assert one(home, "SELECT count(*) FROM objects WHERE source_file = 'psatcat.tsv'") == 1
    assert quarantined(home, "duplicate of line 3 (JCAT repeated)") == 5


@pytest.mark.parametrize(
    ("when", "reason"),
    [("9999 Dec 31 2359:59", "is outside 1957 to"), ("1850 Jan  1", "is outside 1957 to")],
)
def test_an_impossible_date_is_quarantined_and_never_the_data_date(
    home: Path, source: Path, when: str, reason: str
) -> None:
    rows = [*LAUNCHES, launch_row("2000-999", when, "GIK-5")]
    write_mini_gcat(source, rows)
    build_catalog(str(source), home)
    assert one(home, "SELECT value FROM meta WHERE key = 'data_date'") == "1994-01-12"
    assert quarantined(home, f"launch date %{reason}%") == 1


def test_a_launch_after_the_files_own_update_date_is_quarantined(home: Path, source: Path) -> None:
    path = source / LAUNCHLOG
    rows = [*LAUNCHES, launch_row("2025-999", "2025 Dec 20", "GIK-5")]
    path.write_text(tsv(LAUNCHLOG_COLUMNS, rows, updated="2025 Dec  1 0108:57"))
    build_catalog(str(source), home)
    assert str(one(home, "SELECT max(time_utc) FROM launches"))[:10] == "1994-01-12"
    assert quarantined(home, "%after the file's own date (Updated 2025-12-01)%") == 1


def test_swapped_site_and_pad_headers_are_refused(home: Path, source: Path) -> None:
    path = source / LAUNCHLOG
    text = path.read_text()
    path.write_text(text.replace("Launch_Site\tLaunch_Pad", "Launch_Pad\tLaunch_Site", 1))
    with pytest.raises(BrokenReferencesError) as caught:
        build_catalog(str(source), home)
    message = str(caught.value)
    assert "60 launches name a Launch_Site that sites.tsv does not define" in message
    assert "'LC31'" in message and "--allow-shrink" in message and "\n" not in message
    assert one(home, "SELECT count(*) FROM launches WHERE site_name IS NULL") == 0


def test_a_site_table_without_baikonur_is_refused(home: Path, source: Path) -> None:
    path = source / SITES
    kept = [line for line in path.read_text().splitlines(keepends=True) if "GIK-5" not in line]
    path.write_text("".join(kept))
    with pytest.raises(BrokenReferencesError, match=r"Launch_Site that sites\.tsv"):
        build_catalog(str(source), home)


def test_one_broken_reference_is_kept_and_recorded(home: Path, source: Path) -> None:
    rows = [*LAUNCHES, launch_row("2000-999", "2000 Jan  1", "GIK-\u04215")]  # Cyrillic Es
    write_mini_gcat(source, rows)
    build_catalog(str(source), home)
    assert one(home, "SELECT count(*) FROM launches") == 61
    assert quarantined(home, "Launch_Site 'GIK-\u04215' is not defined in sites.tsv%") == 1


def test_a_cut_reference_table_is_refused_against_the_installed_catalog(
    home: Path, source: Path
) -> None:
    path = source / SITES
    kept = [line for line in path.read_text().splitlines(keepends=True) if "CSG" not in line]
    path.write_text("".join(kept))
    with pytest.raises(CatalogShrinkError, match=r"sites.tsv: 2 sites where the installed"):
        build_catalog(str(source), home)
    build_catalog(str(source), home, allow_shrink=True)
    assert one(home, "SELECT count(*) FROM sites") == 2


def test_values_outside_physical_ranges_are_quarantined_and_removed(
    home: Path, source: Path
) -> None:
    wild = {**VEHICLES[0], "LV_Name": "Wild", "LEO_Capacity": "-23000", "GTO_Capacity": "inf"}
    (source / LV).write_text(tsv(LV_COLUMNS, [*VEHICLES, wild]))
    psatcat = source / PSATCAT
    text = psatcat.read_text()
    psatcat.write_text(text.replace("51.6", "720").replace("400", "1e308"))
    build_catalog(str(source), home)
    assert one(home, "SELECT leo_capacity_kg FROM vehicles WHERE lv_name = 'Wild'") is None
    assert one(home, "SELECT gto_capacity_kg FROM vehicles WHERE lv_name = 'Wild'") is None
    assert quarantined(home, "LEO_Capacity '-23000' is outside 0 to %") == 1
    assert quarantined(home, "GTO_Capacity 'inf' is outside 0 to %") == 1
    assert quarantined(home, "UNInc '720' is outside 0 to 180%") == 1
    assert quarantined(home, "UNPerigee '1e308' is outside%") == 1
    for value in (
        one(home, "SELECT max(inc_deg) FROM objects"),
        one(home, "SELECT max(perigee_km) FROM objects"),
    ):
        assert value is None or (math.isfinite(value) and value <= 1e10)  # type: ignore[arg-type]


def test_an_unreadable_coordinate_is_quarantined_and_the_site_kept(
    home: Path, source: Path
) -> None:
    # A site row with Latitude "north" used to stop the whole build with a ValueError.
    path = source / SITES
    path.write_text(path.read_text().replace("\t46.0", "\tnorth", 1))
    build_catalog(str(source), home)
    assert quarantined(home, "bad number: could not convert string to float: 'north'%") == 1
    assert one(home, "SELECT count(*) FROM sites WHERE code = 'NIIP-5' AND lat_deg IS NULL") == 1
    assert one(home, "SELECT count(*) FROM launches WHERE site = 'GIK-5'") == len(LAUNCHES)


def test_control_characters_are_stripped_from_names(tmp_path: Path) -> None:
    path = tmp_path / "lv.tsv"
    path.write_text(tsv(LV_COLUMNS, [{**VEHICLES[0], "LV_Name": "Soy\x00uz\x07"}]))
    (_, row), *_ = rows_of(read_table(path))
    assert row["LV_Name"] == "Soyuz"


def test_the_mirror_passes_every_check(shared_data: Path) -> None:
    from cosmodrome.catalog.build import REQUIRED_FILES, read_tables, stage_sources

    tables = read_tables({name: shared_data / "gcat" / rel for name, rel in REQUIRED_FILES.items()})
    with duckdb.connect() as con:
        stage_sources(con, tables, [], None)
        updated = {name: table.updated for name, table in tables.items()}
        screened = screen(con, updated, date(2026, 12, 7))
    assert screened.launches > 6000
    assert all(b.launches <= 0.01 * screened.launches for b in screened.broken)


def test_update_refuses_a_broken_source_with_one_line(
    cosmodrome: CliRunner, home: Path, source: Path
) -> None:
    path = source / LAUNCHLOG
    path.write_text(path.read_text().replace("Launch_Site\tLaunch_Pad", "Launch_Pad\tLaunch_Site"))
    result = cosmodrome(home, "update", "--source", str(source))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "does not define" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
