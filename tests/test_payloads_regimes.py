"""The orbit-regime classifier, sectors and missions: pinned objects and boundary properties."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosmodrome.catalog import regimes
from cosmodrome.catalog.build import build_catalog
from cosmodrome.catalog.db import open_catalog
from cosmodrome.catalog.regimes import (
    classify_orbit,
    payload_regime,
    regime_from_op_orbit,
    resolve_regime,
    sun_synchronous_inclination_deg,
)
from cosmodrome.catalog.sectors import (
    parse_category,
    resolve_mission,
    resolve_sector,
    sector_of_class,
)
from cosmodrome.catalog.ucs import agreement as ucs_agreement
from cosmodrome.errors import UnknownNameError
from tests.gcat_factory import AUXCAT_COLUMNS, launch_row, tsv, write_mini_gcat

# Orbits as GCAT's psatcat.tsv records them (DispPeri, DispApo, DispInc; frozen mirror).
PINNED = [
    # Arktika-M No. 2 (2023-198A): a Molniya orbit; its UN-registered 61 x 193 km is the
    # parking orbit, which must not decide the regime.
    ("Arktika-M No. 2", (1522, 39273, 63.30), "HEO"),
    ("Starlink 1007 class", (548, 552, 53.05), "LEO"),
    ("GPS III SV01", (20099, 20265, 55.34), "MEO"),
    ("KazSat-2", (35783, 35790, 0.02), "GEO"),
    ("Progress MS-25", (411, 419, 51.64), "LEO"),
    ("Sentinel-2A", (785, 788, 98.57), "SSO"),
]


@pytest.mark.parametrize(("name", "orbit", "expected"), PINNED, ids=[p[0] for p in PINNED])
def test_known_objects(name: str, orbit: tuple[float, float, float], expected: str) -> None:
    assert classify_orbit(*orbit) == expected


def test_arktika_parking_orbit_alone_would_say_leo() -> None:
    # The defect the issue reports: the UN registration orbit calls Arktika-M No. 2 LEO.
    assert classify_orbit(61, 193, 62.8) == "LEO"


def test_luna_25_takes_deep_space_from_its_launch_code() -> None:
    assert payload_regime(None, None, None, None, "deep_space") == ("deep space", "launch code")
    assert payload_regime(None, None, None, None, "orbital") == ("unknown", "none")


def test_deorbit_trajectory_after_success_counts_by_apogee() -> None:
    # Soyuz MS-21 (2022-028A): GCAT's disposition orbit -18 x 414 km is its deorbit burn.
    assert payload_regime(None, -18, 414, 51.64, "orbital", True) == ("LEO", "orbit apogee")
    assert payload_regime(None, -18, 414, 51.64, "orbital", False) == ("suborbital", "orbit")


def test_op_orbit_is_preferred_over_numbers() -> None:
    assert payload_regime("GEO/D", 500, 600, 51.6, "orbital") == ("GEO", "OpOrbit")
    assert payload_regime("-", 500, 600, 51.6, "orbital") == ("LEO", "orbit")


@pytest.mark.parametrize(
    ("code", "regime"),
    [
        ("LLEO/I", "LEO"),
        ("LEO/S", "SSO"),
        ("LLEO/S", "SSO"),
        ("MEO", "MEO"),
        ("GEO/S", "GEO"),
        ("GEO/ID", "GEO"),
        ("GTO", "GTO"),
        ("HEO/M", "HEO"),
        ("VHEO", "HEO"),
        ("CLO", "deep space"),
        ("EEO", "deep space"),
        ("SO", "suborbital"),
        ("XYZ", None),
        (None, None),
    ],
)
def test_op_orbit_codes(code: str | None, regime: str | None) -> None:
    assert regime_from_op_orbit(code) == regime


def test_sun_synchronous_inclination_matches_a_textbook_value() -> None:
    # Vallado, Fundamentals of Astrodynamics, 4th ed., example 9-5 style figure: a circular
    # orbit near 800 km is sun-synchronous at about 98.6 deg.
    value = sun_synchronous_inclination_deg(800, 800)
    assert value is not None
    assert value == pytest.approx(98.6, abs=0.1)


altitudes = st.floats(min_value=0, max_value=190_000, allow_nan=False)
inclinations = st.floats(min_value=0, max_value=180, allow_nan=False)


@given(altitudes, altitudes, inclinations)
def test_every_orbit_has_exactly_one_regime(a: float, b: float, inc: float) -> None:
    assert classify_orbit(a, b, inc) in regimes.REGIMES
    assert classify_orbit(a, b, inc) == classify_orbit(b, a, inc)  # order does not matter


@given(st.floats(min_value=150, max_value=1_900), inclinations)
def test_low_circular_orbits_are_leo_or_sso(alt: float, inc: float) -> None:
    regime = classify_orbit(alt, alt, inc)
    assert regime in ("LEO", "SSO")
    assert (regime == "SSO") == regimes.is_sun_synchronous(alt, alt, inc)


@given(st.floats(min_value=150, max_value=1_900))
def test_sso_band_edges(alt: float) -> None:
    target = sun_synchronous_inclination_deg(alt, alt)
    assert target is not None
    tol = regimes.SSO_TOLERANCE_DEG
    assert classify_orbit(alt, alt, target + 0.99 * tol) == "SSO"
    assert classify_orbit(alt, alt, target - 0.99 * tol) == "SSO"
    assert classify_orbit(alt, alt, target + 1.01 * tol) == "LEO"
    assert classify_orbit(alt, alt, target - 1.01 * tol) == "LEO"


@given(st.floats(min_value=-1_999, max_value=1_999), inclinations)
def test_geo_band(offset: float, inc: float) -> None:
    alt = regimes.GEO_ALTITUDE_KM + offset
    assert classify_orbit(alt, alt, inc) == "GEO"


@given(st.floats(min_value=2_001, max_value=33_000), st.floats(min_value=0, max_value=90))
def test_circular_between_leo_and_geo_is_meo(alt: float, inc: float) -> None:
    assert classify_orbit(alt, alt, inc) == "MEO"


def test_leo_meo_boundary_is_2000_km_mean_altitude() -> None:
    assert classify_orbit(1_999, 1_999, 30) == "LEO"
    assert classify_orbit(2_001, 2_001, 30) == "MEO"


@given(
    st.floats(min_value=150, max_value=2_000),
    st.floats(min_value=regimes.GTO_MIN_APOGEE_KM, max_value=regimes.GTO_MAX_APOGEE_KM),
    st.floats(min_value=0, max_value=30),
)
def test_transfer_orbits_are_gto(perigee: float, apogee: float, inc: float) -> None:
    assert classify_orbit(perigee, apogee, inc) == "GTO"


@given(
    st.floats(min_value=150, max_value=2_000),
    st.floats(min_value=30_000, max_value=48_000),
    st.floats(min_value=-2.9, max_value=2.9),
)
def test_critical_inclination_makes_heo(perigee: float, apogee: float, offset: float) -> None:
    assert classify_orbit(perigee, apogee, 63.4 + offset) == "HEO"


@given(altitudes, st.floats(min_value=regimes.DEEP_SPACE_APOGEE_KM, max_value=2e6), inclinations)
def test_deep_space_apogee(perigee: float, apogee: float, inc: float) -> None:
    assert classify_orbit(perigee, apogee, inc) == "deep space"


@pytest.mark.parametrize("orbit", [(None, None, None), (0, 0, 0), (math.nan, 500, 51.6)])
def test_no_orbit_is_unknown(orbit: tuple[float | None, float | None, float | None]) -> None:
    assert classify_orbit(*orbit) == "unknown"


def test_negative_perigee_is_suborbital() -> None:
    assert classify_orbit(-50, 180, 51.6) == "suborbital"


def test_negative_apogee_is_an_escape() -> None:
    # Giotto (1985-056A) in psatcat.tsv: a hyperbolic orbit written with a negative apogee.
    assert classify_orbit(219051, -297637, 90.38) == "deep space"


def test_regime_names_people_use() -> None:
    assert resolve_regime("geo") == "GEO"
    assert resolve_regime("Sun-synchronous") == "SSO"
    assert resolve_regime("deep-space") == "deep space"
    with pytest.raises(UnknownNameError) as error:
        resolve_regime("LOE")
    assert "LEO" in error.value.suggestions


def test_sectors_and_missions() -> None:
    assert [sector_of_class(c) for c in ("A", "B", "C", "D", "CD", "BD", "N", None)] == [
        "academic",
        "commercial",
        "civil",
        "military",
        "mixed",
        "mixed",
        None,
        None,
    ]
    category = parse_category("COM/MET-RO")
    assert category.codes == ("COM", "MET-RO")
    assert not category.uncertain and not category.inferred
    assert parse_category("IMG-R*").inferred
    assert parse_category("TECH?").uncertain
    assert resolve_sector("business") == "commercial"
    assert resolve_mission("communications") == "COM"
    with pytest.raises(UnknownNameError):
        resolve_sector("comercial-ish")
    with pytest.raises(UnknownNameError):
        resolve_mission("zzz")


@pytest.mark.integration
@pytest.mark.parametrize(
    ("piece", "regime"),
    [
        ("2023-198A", "HEO"),  # Arktika-M No. 2
        ("2019-029A", "LEO"),  # Starlink, first batch
        ("2018-109A", "MEO"),  # GPS III SV01
        ("2011-035B", "GEO"),  # KazSat-2
        ("2023-184A", "LEO"),  # Progress MS-25
        ("2015-028A", "SSO"),  # Sentinel-2A
        ("2023-118A", "deep space"),  # Luna-25
    ],
)
def test_pinned_objects_in_the_mirror_catalog(
    mirror_con: duckdb.DuckDBPyConnection, piece: str, regime: str
) -> None:
    row = mirror_con.execute(
        "SELECT orbit_regime FROM payloads WHERE piece = ?", [piece]
    ).fetchone()
    assert row == (regime,)


@pytest.mark.integration
def test_arktika_keeps_both_orbits(mirror_con: duckdb.DuckDBPyConnection) -> None:
    row = mirror_con.execute(
        """SELECT perigee_km, apogee_km, inc_deg, orbit_source, un_perigee_km, un_apogee_km
           FROM payloads WHERE piece = '2023-198A'"""
    ).fetchone()
    assert row == (1522, 39273, 63.3, "psatcat-disposition", 61, 193)
    progress = mirror_con.execute(
        "SELECT inc_deg FROM payloads WHERE piece = '2023-184A'"
    ).fetchone()
    assert progress is not None and progress[0] == pytest.approx(51.6, abs=0.1)


@pytest.mark.integration
def test_regimes_against_a_count_computed_another_way(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    # GEO by the SQL thresholds alone equals the classifier's GEO count plus the payloads
    # in the band whose regime came from their OpOrbit code instead.
    by_sql = mirror_con.execute(
        """SELECT count(*) FROM payloads
           WHERE perigee_km >= 33786 AND apogee_km BETWEEN 0 AND 37786"""
    ).fetchone()
    by_regime = mirror_con.execute(
        "SELECT count(*) FROM payloads WHERE orbit_regime = 'GEO' AND regime_source = 'orbit'"
    ).fetchone()
    assert by_sql is not None and by_regime is not None
    op_geo = mirror_con.execute(
        """SELECT count(*) FROM payloads WHERE perigee_km >= 33786 AND apogee_km <= 37786
           AND regime_source = 'OpOrbit'"""
    ).fetchone()
    assert op_geo is not None
    assert by_sql[0] == by_regime[0] + op_geo[0]


@pytest.mark.integration
def test_masses_are_never_zero(mirror_con: duckdb.DuckDBPyConnection) -> None:
    assert mirror_con.execute("SELECT count(*) FROM payloads WHERE mass_kg = 0").fetchone() == (0,)
    primaries = mirror_con.execute("SELECT count(*) FROM payloads WHERE is_primary").fetchone()
    assert primaries == (6828,)  # one primary payload per launch


def test_a_broken_ucs_workbook_is_quarantined_and_the_build_goes_on(tmp_path: Path) -> None:
    source = write_mini_gcat(tmp_path / "src", [launch_row("2019-003", "2019 Feb 27", "CSG")])
    (source / "ucs").mkdir()
    (source / "ucs" / "UCS-Satellite-Database.xlsx").write_bytes(b"not a workbook")
    build_catalog(str(source), tmp_path / "home")
    with open_catalog(tmp_path / "home") as con:
        rows = con.execute("SELECT file, reason FROM quarantine WHERE file LIKE 'UCS%'").fetchall()
        assert con.execute("SELECT count(*) FROM ucs").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM launches").fetchone() == (1,)
    assert rows and "cannot read the workbook" in rows[0][1]


def test_mini_catalog_payload_columns(tmp_path: Path) -> None:
    # A payload absent from psatcat: sector from its owner's class (MO is class D), no
    # mission, no orbit; masses from auxcat with GCAT's 0 read as unknown.
    source = write_mini_gcat(tmp_path / "src", [launch_row("2019-003", "2019 Feb 27", "GIK-5")])
    build_catalog(str(source), tmp_path / "home")
    with open_catalog(tmp_path / "home") as con:
        row = con.execute(
            """SELECT sector, sector_source, mission, orbit_regime, is_primary, mass_kg
               FROM payloads"""
        ).fetchone()
        launch = con.execute("SELECT sector, payload_names FROM launches").fetchone()
    # The factory's auxcat object A00001 (200 x 300 km at 64.9 deg) is the payload's JCAT.
    assert row == ("military", "owner class", "unknown", "LEO", True, None)
    assert launch == ("military", "Sat 2019-003")


@pytest.mark.integration
def test_ucs_agreement_figures(mirror_con: duckdb.DuckDBPyConnection) -> None:
    result = ucs_agreement(mirror_con)
    assert result["ucs_rows"] == 7560  # every data line (shared/data/README.md)
    ranges = mirror_con.execute(
        "SELECT count(*) FROM quarantine WHERE reason LIKE 'not a number in dry_mass_kg%'"
    ).fetchone()
    assert ranges is not None and ranges[0] >= 1  # Helios 2A's '1,500-1,900' kg, kept empty
    assert result["matched"] > 7000
    for name in ("sector", "orbit_class"):
        part = result[name]
        assert part["agree"] + len(part["disagreements"]) == part["compared"]
        assert int(part["crosstab"].to_numpy().sum()) == part["compared"]
    assert result["orbit_class"]["agreement"] > 0.99
    assert 0.85 < result["sector"]["agreement"] < 0.95


def test_satcat_masses_and_op_orbit_win_and_pick_the_primary(tmp_path: Path) -> None:
    # Upstream GCAT has satcat.tsv (the mirror does not): two payloads on one launch, the
    # second listed is the heavier and becomes the primary; satcat's OpOrbit decides the
    # regime; a satcat mass of 0 is unknown, and satcat wins over auxcat for the same JCAT.
    launches = [
        launch_row("2020-001", "2020 Jan  7", "GIK-5", piece="2020-001A", jcat="S50001"),
        launch_row("2020-001", "2020 Jan  7", "GIK-5", piece="2020-001B", jcat="S50002"),
        launch_row("2020-002", "2020 Feb  7", "GIK-5", piece="2020-002A", jcat="A00001"),
    ]
    source = write_mini_gcat(tmp_path / "src", launches)
    satcat = [
        {
            "JCAT": "S50001",
            "Satcat": "50001",
            "Piece": "2020-001A",
            "Name": "Small",
            "Mass": "100",
            "Perigee": "500",
            "Apogee": "510",
            "Inc": "97.4",
            "OpOrbit": "LLEO/S",
        },
        {
            "JCAT": "S50002",
            "Satcat": "50002",
            "Piece": "2020-001B",
            "Name": "Big",
            "Mass": "5000",
            "MassFlag": "?",
            "Perigee": "35780",
            "Apogee": "35790",
            "Inc": "0.1",
            "OpOrbit": "GEO/S",
        },
        {
            "JCAT": "A00001",
            "Satcat": "NNA",
            "Piece": "2020-002A",
            "Name": "Aux",
            "Mass": "0",
            "Perigee": "200",
            "Apogee": "300",
            "Inc": "64.9",
            "OpOrbit": "GTO",
        },
    ]
    (source / "tsv/cat/satcat.tsv").write_text(tsv(AUXCAT_COLUMNS, satcat), encoding="utf-8")
    build_catalog(str(source), tmp_path / "home")
    with open_catalog(tmp_path / "home") as con:
        rows = con.execute(
            """SELECT piece, mass_kg, mass_flag, facts_source, orbit_regime, regime_source,
                      is_primary FROM payloads ORDER BY piece"""
        ).fetchall()
        launch = con.execute(
            "SELECT orbit_regime, primary_piece FROM launches WHERE launch_tag = '2020-001'"
        ).fetchone()
    assert rows == [
        ("2020-001A", 100.0, None, "satcat", "SSO", "OpOrbit", False),
        ("2020-001B", 5000.0, "?", "satcat", "GEO", "OpOrbit", True),
        ("2020-002A", None, None, "satcat", "GTO", "OpOrbit", True),
    ]
    assert launch == ("GEO", "2020-001B")


@pytest.mark.integration
def test_ucs_cache_gives_the_same_table_and_issues(shared_data: Path, tmp_path: Path) -> None:
    from cosmodrome.catalog.gcat import Issue
    from cosmodrome.catalog.ucs import find_workbook, read_ucs_cached

    workbook = find_workbook(str(shared_data))
    assert workbook is not None
    first: list[Issue] = []
    fresh = read_ucs_cached(workbook, tmp_path, first)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".parquet"]
    again: list[Issue] = []
    cached = read_ucs_cached(workbook, tmp_path, again)
    assert again == first and len(first) == 2
    assert cached.equals(fresh) or cached.astype(str).equals(fresh.astype(str))
    assert list(cached.columns) == list(fresh.columns)
