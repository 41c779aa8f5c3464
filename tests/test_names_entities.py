"""Names people use, each pinned to the entity it means and the launches that entity has on
the frozen mirror (docs/SCHEMA.md, "Names people use").

Every count is what a filter by the typed name gives (``count_launches``), checked against
the same launches selected another way (GCAT's codes written out in SQL), so that a name
that matched too little (``Proton-M`` as GCAT's one bare Proton-M) or too much (``Falcon 9``
with Falcon Heavy) fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from cosmodrome.astro.gazetteer import resolve_location
from cosmodrome.catalog import names
from cosmodrome.catalog.queries import LaunchFilter, count_launches
from cosmodrome.catalog.regimes import resolve_regime
from cosmodrome.catalog.sectors import resolve_mission, resolve_sector
from cosmodrome.errors import UnknownNameError
from cosmodrome.states import resolve_state
from tests.conftest import CliRunner

pytestmark = pytest.mark.integration

# (filter field, what a user types, launches, the same launches in SQL)
COUNTED: list[tuple[str, str, int, str]] = [
    # Vehicles: a vehicle is all its configurations.
    ("vehicle", "Proton-M", 115, "vehicle LIKE 'Proton-M%'"),
    ("vehicle", "Proton M", 115, "vehicle LIKE 'Proton-M%'"),
    ("vehicle", "proton-m", 115, "vehicle LIKE 'Proton-M%'"),
    ("vehicle", "Proton", 428, "vehicle LIKE 'Proton%' OR vehicle LIKE 'UR-500%'"),
    ("vehicle", "Angara-A5", 4, "vehicle LIKE 'Angara A5%'"),
    ("vehicle", "Angara A5", 4, "vehicle LIKE 'Angara A5%'"),
    ("vehicle", "Long March 5", 12, "vehicle LIKE 'Chang Zheng 5%'"),
    ("vehicle", "CZ-5", 12, "vehicle LIKE 'Chang Zheng 5%'"),
    ("vehicle", "LM-5", 12, "vehicle LIKE 'Chang Zheng 5%'"),
    ("vehicle", "Chang Zheng 5", 12, "vehicle LIKE 'Chang Zheng 5%'"),
    ("vehicle", "CZ-3B", 100, "vehicle LIKE 'Chang Zheng 3B%'"),
    ("vehicle", "LM-3B", 100, "vehicle LIKE 'Chang Zheng 3B%'"),
    ("vehicle", "Long March 3B", 100, "vehicle LIKE 'Chang Zheng 3B%'"),
    ("vehicle", "CZ3B", 100, "vehicle LIKE 'Chang Zheng 3B%'"),
    ("vehicle", "Long March 2", 209, "regexp_matches(vehicle, '^Chang Zheng 2[A-Z]?([/-]|$)')"),
    ("vehicle", "Long March 1", 2, "regexp_matches(vehicle, '^Chang Zheng 1[A-Z]?([/-]|$)')"),
    ("vehicle", "LVM3", 6, "vehicle IN ('LVM3', 'GSLV Mk III')"),
    ("vehicle", "GSLV Mk III", 6, "vehicle IN ('LVM3', 'GSLV Mk III')"),
    ("vehicle", "GSLV Mk 3", 6, "vehicle IN ('LVM3', 'GSLV Mk III')"),
    ("vehicle", "Soyuz-2.1b", 74, "vehicle = 'Soyuz-2-1B'"),
    ("vehicle", "Soyuz-2-1B", 74, "vehicle = 'Soyuz-2-1B'"),
    ("vehicle", "Soyuz 2.1b", 74, "vehicle = 'Soyuz-2-1B'"),
    ("vehicle", "Soyuz-2", 158, "vehicle LIKE 'Soyuz-2-%'"),
    ("vehicle", "Falcon 9", 407, "vehicle IN ('Falcon 9', 'Falcon 9R')"),
    ("vehicle", "Falcon 9 Block 5", 407, "vehicle IN ('Falcon 9', 'Falcon 9R')"),
    ("vehicle", "F9", 407, "vehicle IN ('Falcon 9', 'Falcon 9R')"),
    ("vehicle", "Falcon Heavy", 11, "vehicle = 'Falcon Heavy'"),
    ("vehicle", "Ceres-1", 15, "vehicle LIKE 'Gushenxing 1%'"),
    ("vehicle", "Ceres 1", 15, "vehicle LIKE 'Gushenxing 1%'"),
    ("vehicle", "Gushenxing 1", 15, "vehicle LIKE 'Gushenxing 1%'"),
    ("vehicle", "Kinetica-1", 5, "vehicle LIKE 'Lijian-1%'"),
    ("vehicle", "Lijian-1", 5, "vehicle LIKE 'Lijian-1%'"),
    ("vehicle", "Hyperbola-1", 7, "vehicle LIKE 'Shuang Quxian 1%'"),
    ("vehicle", "Smart Dragon 3", 4, "vehicle LIKE 'Jielong-3%'"),
    ("vehicle", "Jielong-3", 4, "vehicle LIKE 'Jielong-3%'"),
    ("vehicle", "Gravity-1", 1, "vehicle LIKE 'Yinli-1%'"),
    ("vehicle", "KSLV-II", 3, "vehicle = 'Nuri'"),
    ("vehicle", "Nuri", 3, "vehicle = 'Nuri'"),
    ("vehicle", "H3", 4, "vehicle LIKE 'H3-%'"),
    ("vehicle", "H-II", 65, "regexp_matches(vehicle, '^H-II[AB]?( |$)')"),
    ("vehicle", "H-IIA", 49, "vehicle LIKE 'H-IIA %'"),
    ("vehicle", "Delta IV Heavy", 16, "vehicle LIKE 'Delta 4H%'"),
    ("vehicle", "Delta IV", 45, "vehicle LIKE 'Delta 4H%' OR vehicle LIKE 'Delta 4M%'"),
    ("vehicle", "Delta II", 155, "vehicle LIKE 'Delta 6%' OR vehicle LIKE 'Delta 7%'"),
    ("vehicle", "Titan IV", 39, "vehicle LIKE 'Titan 40%'"),
    ("vehicle", "Atlas V", 101, "vehicle LIKE 'Atlas V %'"),
    ("vehicle", "Atlas 5", 101, "vehicle LIKE 'Atlas V %'"),
    ("vehicle", "Saturn V", 13, "vehicle = 'Saturn V'"),
    ("vehicle", "Saturn 5", 13, "vehicle = 'Saturn V'"),
    ("vehicle", "Ariane 5", 117, "vehicle LIKE 'Ariane 5%'"),
    ("vehicle", "Ariane 4", 116, "vehicle LIKE 'Ariane 4%'"),
    ("vehicle", "Ariane 6", 1, "vehicle LIKE 'Ariane 6%'"),
    ("vehicle", "Vulcan", 2, "vehicle LIKE 'Vulcan Centaur%'"),
    ("vehicle", "Electron", 54, "vehicle LIKE 'Electron%'"),
    ("vehicle", "Starship", 6, "vehicle LIKE 'Starship%'"),
    ("vehicle", "Space Launch System", 1, "vehicle LIKE 'SLS%'"),
    ("vehicle", "Zhuque-2", 4, "vehicle LIKE 'Zhuque-2%'"),
    ("vehicle", "ZQ-2", 4, "vehicle LIKE 'Zhuque-2%'"),
    ("vehicle", "Kuaizhou-1A", 28, "vehicle LIKE 'Kuaizhou-1A%'"),
    ("vehicle", "Minotaur IV", 5, "vehicle LIKE 'Minotaur IV%'"),
    ("vehicle", "Pegasus", 45, "vehicle LIKE 'Pegasus%'"),
    ("vehicle", "Vega", 25, "vehicle LIKE 'Vega%'"),
    # Known, not flown yet (on the mirror, to 2024-12): the entity, no launches.
    ("vehicle", "Soyuz-5", 0, "FALSE"),
    ("vehicle", "Irtysh", 0, "FALSE"),
    ("vehicle", "Vulcan VC4S", 0, "vehicle = 'Vulcan Centaur VC4S'"),
    ("vehicle", "H3-24L", 0, "vehicle = 'H3-24L'"),
    ("vehicle", "Ariane 64", 0, "vehicle = 'Ariane 64'"),
    ("vehicle", "New Glenn", 0, "vehicle LIKE 'New Glenn%'"),
    ("vehicle", "Neutron", 0, "vehicle = 'Neutron'"),
    ("vehicle", "Long March 8A", 0, "vehicle = 'Chang Zheng 8A'"),
    # Sites, press names with and without accents.
    ("site", "Baikonur", 1546, "site = 'GIK-5'"),
    ("site", "Tyuratam", 1546, "site = 'GIK-5'"),
    ("site", "SDSC SHAR", 94, "site = 'SHAR'"),
    ("site", "Satish Dhawan Space Centre", 94, "site = 'SHAR'"),
    ("site", "Sriharikota", 94, "site = 'SHAR'"),
    ("site", "Kourou", 323, "site = 'CSG'"),
    ("site", "Guiana Space Centre", 323, "site = 'CSG'"),
    ("site", "Alcântara", 2, "site = 'ALCA'"),
    ("site", "Alcantara", 2, "site = 'ALCA'"),
    ("site", "Māhia", 51, "site = 'MAHIA'"),
    ("site", "Mahia", 51, "site = 'MAHIA'"),
    ("site", "Vostochny", 19, "site = 'VOST'"),
    ("site", "Wenchang", 32, "site = 'WEN'"),
    ("site", "Hainan Commercial Launch Site", 1, "site = 'HCSLS'"),
    ("site", "SaxaVord", 0, "FALSE"),
    # Providers: an organisation is itself, its other codes over time and all under it.
    ("agency", "CASC", 566, "agency IN ('CALT', 'SAST', 'CZHJ', 'CAST')"),
    (
        "agency",
        "China Aerospace Science and Technology Corporation",
        566,
        "agency IN ('CALT', 'SAST', 'CZHJ', 'CAST')",
    ),
    ("agency", "CALT", 323, "agency = 'CALT'"),
    ("agency", "United Launch Alliance", 163, "agency IN ('ULAL', 'ULAB', 'ULAD')"),
    ("agency", "ULA", 163, "agency IN ('ULAL', 'ULAB', 'ULAD')"),
    ("agency", "Mitsubishi Heavy Industries", 46, "agency = 'MHI'"),
    ("agency", "Galactic Energy", 16, "agency = 'XIDO'"),
    ("agency", "LandSpace", 5, "agency = 'LANDSP'"),
    ("agency", "iSpace", 7, "agency = 'XJRY'"),
    ("agency", "Interstellar Glory", 7, "agency = 'XJRY'"),
    ("agency", "Virgin Orbit", 6, "agency = 'VORB'"),
    ("agency", "Space Pioneer", 1, "agency = 'TIANB'"),
    ("agency", "Orienspace", 1, "agency = 'DFK'"),
    (
        "agency",
        "KVR",
        1285,
        "agency IN (SELECT code FROM organisations WHERE ucode = "
        "(SELECT ucode FROM organisations WHERE code = 'KVR'))",
    ),
    (
        "agency",
        "KVR?",
        1285,
        "agency IN (SELECT code FROM organisations WHERE ucode = "
        "(SELECT ucode FROM organisations WHERE code = 'KVR'))",
    ),
    # Pads ("site/pad"), schedule-export spellings and pad sets.
    ("pad", "Baikonur/Site 1/5", 481, "site = 'GIK-5' AND pad = 'LC1'"),
    ("pad", "Baikonur/Gagarin's Start", 481, "site = 'GIK-5' AND pad = 'LC1'"),
    ("pad", "Baikonur/LC1?", 481, "site = 'GIK-5' AND pad = 'LC1'"),
    ("pad", "Kourou/ELA-4", 1, "pad = 'ELA4'"),
    ("pad", "Kourou/ELV", 50, "site = 'CSG' AND pad IN ('ZLV', 'ELA1')"),
    ("pad", "Cape Canaveral/LC-36", 144, "site = 'CC' AND regexp_matches(pad, '^S?LC36[AB]$')"),
    ("pad", "Jiuquan/Site 95A", 52, "site = 'JQ' AND pad LIKE 'LC43/95%'"),
    ("pad", "Wallops/Rocket Lab LC-2", 3, "pad = 'Pad 0C'"),
    ("pad", "Tanegashima/LA-Y1", 56, "site = 'TNSC' AND pad = 'Y'"),
    ("pad", "SLC-40 or LC-39A", 465, "pad IN ('LC40', 'SLC40', 'LC39A')"),
]


def _filter(field: str, typed: str) -> LaunchFilter:
    if field == "pad" and " or " not in typed:
        site, _, pad = typed.partition("/")
        return LaunchFilter(site=site, pad=pad)
    return LaunchFilter(**{field: typed})


def test_the_table_pins_a_hundred_names() -> None:
    assert len(COUNTED) + len(ENTITIES) >= 100
    assert {field for field, *_ in COUNTED} == {"vehicle", "site", "agency", "pad"}


@pytest.mark.parametrize(("field", "typed", "launches", "same_in_sql"), COUNTED)
def test_a_name_means_the_whole_entity(
    mirror_con: duckdb.DuckDBPyConnection, field: str, typed: str, launches: int, same_in_sql: str
) -> None:
    row = mirror_con.execute(f"SELECT count(*) FROM launches WHERE {same_in_sql}").fetchone()
    assert row is not None and row[0] == launches, "the pinned count is the data's"
    assert count_launches(mirror_con, _filter(field, typed)) == launches


def test_aliases_of_one_node_answer_identically(mirror_con: duckdb.DuckDBPyConnection) -> None:
    for same in (
        ("Long March 5", "CZ-5", "LM-5"),
        ("LVM3", "GSLV Mk III"),
        ("Soyuz-2.1b", "Soyuz-2-1B"),
        ("Ceres-1", "Gushenxing 1"),
    ):
        answers = {tuple(names.resolve_vehicles(mirror_con, n)) for n in same}
        assert len(answers) == 1, same


def test_a_vehicle_and_a_site_together(mirror_con: duckdb.DuckDBPyConnection) -> None:
    # The seed story's question: Angara-A5's flights from Vostochny.
    found = count_launches(mirror_con, LaunchFilter(vehicle="Angara-A5", site="Vostochny"))
    row = mirror_con.execute(
        "SELECT count(*) FROM launches WHERE vehicle LIKE 'Angara A5%' AND site = 'VOST'"
    ).fetchone()
    assert row is not None and found == row[0] == 1


# (vocabulary, what a user types, the entity it must resolve to)
ENTITIES: list[tuple[str, str, str]] = [
    ("state", "Fránce", "F"),
    ("state", "FRANCE", "F"),
    ("state", "Atlantis", "first: "),
    ("state", "Russia", "RU"),
    ("state", "People's Republic of China", "CN"),
    ("state", "Japan", "J"),
    ("sector", "Commércial", "commercial"),
    ("sector", "COMMERCIAL", "commercial"),
    ("sector", "defence", "military"),
    ("sector", "Civil government", "civil"),
    ("mission", "navigation", "NAV"),
    ("mission", "Navigation", "NAV"),
    ("mission", "radar imaging", "IMG-R"),
    ("regime", "GÉO", "GEO"),
    ("regime", "geo", "GEO"),
    ("regime", "Sun-synchronous", "SSO"),
    ("regime", "low Earth orbit", "LEO"),
    ("regime", "deep-space", "deep space"),
    ("place", "Bogota", "Bogotá"),
    ("place", "BOGOTÁ", "Bogotá"),
    ("place", "Sao Paulo", "São Paulo"),
    ("place", "baikonur", "Baikonur"),
    ("owner", "NRO", "NRO/SAFSP"),
    ("owner", "NASA", "GSFC"),
    ("owner", "CASC", "CAST"),
]


def _entity(con: duckdb.DuckDBPyConnection, vocabulary: str, typed: str) -> list[str]:
    if vocabulary == "state":
        return [resolve_state(typed).code]
    if vocabulary == "sector":
        return [resolve_sector(typed)]
    if vocabulary == "mission":
        return [resolve_mission(typed)]
    if vocabulary == "regime":
        return [resolve_regime(typed)]
    if vocabulary == "place":
        return [resolve_location(typed).name]
    return names.resolve_owners(con, typed)


@pytest.mark.parametrize(("vocabulary", "typed", "expected"), ENTITIES)
def test_every_vocabulary_folds_one_way(
    mirror_con: duckdb.DuckDBPyConnection, vocabulary: str, typed: str, expected: str
) -> None:
    if expected.startswith("first: "):
        with pytest.raises(UnknownNameError) as caught:
            _entity(mirror_con, vocabulary, typed)
        assert caught.value.suggestions, "an unknown name lists the closest names"
    else:
        assert expected in _entity(mirror_con, vocabulary, typed)


def test_what_a_name_matched_is_said(mirror_con: duckdb.DuckDBPyConnection) -> None:
    proton = names.resolution(mirror_con, "vehicle", "Proton-M")
    assert proton.summary() == (
        "Proton-M: 4 configurations (Proton-M, Proton-M/Briz-M, Proton-M/DM-2, "
        "Proton-M/DM-3); 115 launches"
    )
    assert names.resolution(mirror_con, "vehicle", "Electron").summary() is None
    soyuz_5 = names.resolution(mirror_con, "vehicle", "Soyuz-5")
    assert not soyuz_5.flown and soyuz_5.summary() == "Soyuz-5: not flown yet"
    ceres = names.resolution(mirror_con, "vehicle", "Ceres-1").summary()
    assert ceres == "Ceres-1: Gushenxing 1; 15 launches"
    casc = names.resolution(mirror_con, "agency", "CASC")
    assert set(casc.codes) >= {"CALT", "SAST"} and casc.count == 566


def test_uncertain_codes_are_their_entity(mirror_con: duckdb.DuckDBPyConnection) -> None:
    # GCAT's KVR? and LC1? are KVR and LC1, flagged: no provider or pad of their own.
    for column in ("agency", "pad"):
        row = mirror_con.execute(
            f"SELECT count(*) FROM launches WHERE contains({column}, '?')"
        ).fetchone()
        assert row == (0,)
    flagged = mirror_con.execute(
        "SELECT agency, count(*) FROM launches WHERE agency_uncertain GROUP BY 1"
    ).fetchall()
    assert flagged == [("KVR", 4)]
    pads = mirror_con.execute(
        "SELECT count(*), count(*) FILTER (pad_uncertain) FROM launches "
        "WHERE site = 'GIK-5' AND pad = 'LC1'"
    ).fetchone()
    assert pads == (481, 4)


@pytest.mark.parametrize(
    ("resolve", "typed"),
    [
        (names.resolve_vehicles, "Xyzzy-9"),
        (names.resolve_sites, "Atlantis Spaceport"),
        (names.resolve_agencies, "Acme Rockets"),
        (names.resolve_owners, "Acme Satellites"),
    ],
)
def test_an_unknown_name_always_suggests(
    mirror_con: duckdb.DuckDBPyConnection,
    resolve: Callable[[duckdb.DuckDBPyConnection, str], list[str]],
    typed: str,
) -> None:
    with pytest.raises(UnknownNameError) as caught:
        resolve(mirror_con, typed)
    assert caught.value.suggestions


def test_the_command_line_says_what_a_name_matched(
    mirror_home: Path, cosmodrome: CliRunner
) -> None:
    result = cosmodrome(mirror_home, "launches", "--vehicle", "Proton-M", "--site", "Baikonur")
    assert result.returncode == 0, result.stderr
    assert "Proton-M: 4 configurations" in result.stdout and "115 launches" in result.stdout
    result = cosmodrome(mirror_home, "launches", "--vehicle", "Soyuz-5")
    assert result.returncode == 0 and "Soyuz-5: not flown yet" in result.stdout
