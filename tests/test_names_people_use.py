"""Names a user would type, and what each must resolve to (or suggest first).

One table pins the behaviour across vocabularies: sites, pads, satellites, agencies,
vehicles and states. Expected values are read from the frozen mirror (GCAT and CelesTrak).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from cosmodrome.astro.elements import load_elements
from cosmodrome.astro.store import ElementStore
from cosmodrome.catalog import names
from cosmodrome.catalog.queries import LaunchFilter, count_launches, sites
from cosmodrome.errors import UnknownNameError
from cosmodrome.spaceports import find_spaceport

pytestmark = pytest.mark.integration

# (kind, what a user types, expected: the resolution, or "first: X" for the first suggestion)
NAMES: list[tuple[str, str, str]] = [
    ("site", "Baikonur", "GIK-5"),
    ("site", "baykonur", "GIK-5"),
    ("site", "Tyuratam", "GIK-5"),
    ("site", "GIK-5", "GIK-5"),
    ("site", "Alcantara", "ALCA"),
    ("site", "CLA", "ALCA"),
    ("site", "Kourou", "CSG"),
    ("site", "Vostochny", "VOST"),
    ("site", "Kennedy", "KSC"),
    ("site", "Cape", "first: Cape Canaveral"),
    ("site", "Sriharikota", "SHAR"),
    ("site", "Mahia", "MAHIA"),
    ("site", "Satish Dhawan", "SHAR"),
    ("site", "Boca Chica", "BCB"),
    ("pad", "Baikonur/LC31", "LC31"),
    ("pad", "Baikonur/Site 31/6", "LC31"),
    ("pad", "Baikonur/31", "LC31"),
    ("pad", "Baikonur/Site 1/5", "LC1"),
    ("pad", "Baikonur/Gagarin's Start", "LC1"),
    ("pad", "Baikonur/gagarin", "LC1"),
    ("pad", "Kennedy/39A", "LC39A"),
    ("pad", "Kennedy/LC-39B", "LC39B"),
    ("pad", "Cape Canaveral/SLC-40", "LC40"),
    ("pad", "Kourou/ELA-3", "ELA3"),
    ("pad", "Baikonur/LC99", "first: LC90"),
    ("satellite", "ISS", "25544"),
    ("satellite", "iss (zarya)", "25544"),
    ("satellite", "25544", "25544"),
    ("satellite", "CSS", "48274"),
    ("agency", "Roscosmos", "FKA"),
    ("agency", "Roskosmos", "FKA"),
    ("agency", "SpaceX", "SPX"),
    ("agency", "Rocket Lab", "RLABN"),
    ("agency", "Arianespace", "AE"),
    ("agency", "NASA", "MSFC"),
    ("vehicle", "Soyuz-2", "Soyuz-2-1A"),
    ("vehicle", "Falcon 9", "Falcon 9"),
    ("vehicle", "Electron", "Electron"),
    ("vehicle", "Long March 5", "Chang Zheng 5"),
    ("vehicle", "CZ-5", "Chang Zheng 5"),
    ("vehicle", "Delta IV Heavy", "Delta 4H"),
    ("vehicle", "Delta IV Heavy", "Delta 4H/Star 48BV"),
    ("vehicle", "Delta IV", "Delta 4M+(4,2)"),
    ("vehicle", "Delta II", "Delta 7925-10"),
    ("vehicle", "Titan IV", "Titan 401B/Centaur"),
    ("vehicle", "Atlas V", "Atlas V 401"),
    ("vehicle", "Atlas 5", "Atlas V 551"),
    ("vehicle", "Saturn V", "Saturn V"),
    ("vehicle", "Saturn 5", "Saturn V"),
    ("state", "FR", "F"),
    ("state", "FRA", "F"),
    ("state", "France", "F"),
    ("state", "F", "F"),
    ("state", "GB", "UK"),
    ("state", "United Kingdom", "UK"),
    ("state", "JP", "J"),
    ("state", "Germany", "D"),
    ("state", "USSR", "SU"),
    ("state", "Soviet Union", "SU"),
    ("state", "RU", "RU"),
    ("state", "ESA", "I-ESA"),
    ("state", "I-EUM", "I-EUM"),
    ("state", "eumetsat", "I-EUM"),
    ("state", "New Zealand", "NZ"),
    ("state", "Kazakh", "KZ"),
    ("state", "Frnace", "first: France"),
]


def _resolver(
    con: duckdb.DuckDBPyConnection, store: ElementStore
) -> dict[str, Callable[[str], list[str]]]:
    from cosmodrome.states import resolve_state

    def pad(text: str) -> list[str]:
        site, _, name = text.partition("/")
        return names.resolve_pads(con, name, site)

    return {
        "site": lambda t: names.resolve_sites(con, t),
        "pad": pad,
        "satellite": lambda t: [str(store.resolve(t))],
        "agency": lambda t: names.resolve_agencies(con, t),
        "vehicle": lambda t: names.resolve_vehicles(con, t),
        "state": lambda t: [resolve_state(t).code],
    }


@pytest.fixture(scope="module")
def stations_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> ElementStore:
    path = tmp_path_factory.mktemp("names") / "elements.duckdb"
    store = ElementStore(path, read_only=False)
    store.add(load_elements(shared_data / "celestrak/stations-2025-05-24.omm.json").records)
    return store


def test_the_table_is_large_enough() -> None:
    assert len(NAMES) >= 40
    assert {kind for kind, _, _ in NAMES} == {
        "site",
        "pad",
        "satellite",
        "agency",
        "vehicle",
        "state",
    }


@pytest.mark.parametrize(("kind", "typed", "expected"), NAMES)
def test_names_people_use(
    mirror_con: duckdb.DuckDBPyConnection,
    stations_store: ElementStore,
    kind: str,
    typed: str,
    expected: str,
) -> None:
    resolve = _resolver(mirror_con, stations_store)[kind]
    if expected.startswith("first: "):
        with pytest.raises(UnknownNameError) as caught:
            resolve(typed)
        assert caught.value.suggestions[0].startswith(expected.removeprefix("first: "))
    else:
        assert expected in resolve(typed)


def test_an_unknown_state_is_an_error_never_an_empty_result(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(UnknownNameError):
        count_launches(mirror_con, LaunchFilter(provider_state="ZZ"))
    with pytest.raises(UnknownNameError):
        sites(mirror_con, "Atlantis")


def test_state_spellings_select_the_same_launches(mirror_con: duckdb.DuckDBPyConnection) -> None:
    counts = {
        s: count_launches(mirror_con, LaunchFilter(provider_state=s))
        for s in ("F", "FR", "FRA", "France")
    }
    assert len(set(counts.values())) == 1
    raw = mirror_con.execute(
        "SELECT count(*) FROM launches WHERE provider_state IN ('F', 'GUF')"
    ).fetchone()
    assert raw is not None and counts["F"] == raw[0] > 0
    gb = count_launches(mirror_con, LaunchFilter(owner_state="GB"))
    assert gb == count_launches(mirror_con, LaunchFilter(owner_state="UK")) > 0


def test_france_hosts_kourou(mirror_con: duckdb.DuckDBPyConnection) -> None:
    rows = sites(mirror_con, "FR")
    assert "CSG" in set(rows.column("site"))
    assert set(rows.column("host_country_name")) >= {"French Guiana"}


def test_pad_names_select_the_same_launches(mirror_con: duckdb.DuckDBPyConnection) -> None:
    counts = {
        p: count_launches(mirror_con, LaunchFilter(site="Baikonur", pad=p))
        for p in ("LC31", "Site 31/6", "31", "lc31")
    }
    assert len(set(counts.values())) == 1
    raw = mirror_con.execute(
        "SELECT count(*) FROM launches WHERE site = 'GIK-5' AND pad LIKE 'LC31%'"
    ).fetchone()
    assert raw is not None and counts["LC31"] == raw[0] > 400


def test_unknown_pad_lists_pads_of_that_site() -> None:
    port = find_spaceport("Baikonur")
    with pytest.raises(UnknownNameError) as caught:
        port.pad("Site 99")
    assert caught.value.suggestions
    assert all(s in {p.label for p in port.pads} for s in caught.value.suggestions)
    assert port.pad("LC31").name == "Site 31/6"
    assert port.pad("Gagarin's Start").label == "Site 1/5 (Gagarin's Start, LC1)"


@pytest.fixture(scope="module")
def client(mirror_home: Path) -> Iterator[Any]:
    from cosmodrome.web.app import create_app
    from tests.web_support import client_class

    with client_class()(create_app(mirror_home)) as test_client:
        yield test_client


def test_api_takes_state_names_and_answers_with_names(client: Any) -> None:
    by_code = client.get("/api/launches", params={"provider_state": "F", "limit": 1}).json()
    by_iso = client.get("/api/launches", params={"provider_state": "FR", "limit": 1}).json()
    assert by_code["total"] == by_iso["total"] > 0
    row = by_iso["data"][0]
    assert (row["provider_state"], row["provider_state_name"]) == ("F", "France")
    sites_fr = client.get("/api/sites", params={"country": "FR"}).json()
    assert "CSG" in {s["site"] for s in sites_fr["data"]}


def test_api_unknown_state_is_a_404_with_suggestions(client: Any) -> None:
    response = client.get("/api/launches", params={"provider_state": "Frnace"})
    assert response.status_code == 404
    assert response.json()["error"]["suggestions"][0] == "France"
    assert client.get("/api/sites", params={"country": "ZZ"}).status_code == 404


def test_api_pads_by_any_name(client: Any) -> None:
    totals = {
        pad: client.get(
            "/api/launches", params={"site": "Baikonur", "pad": pad, "limit": 0}
        ).json()["total"]
        for pad in ("LC31", "Site 31/6")
    }
    assert totals["LC31"] == totals["Site 31/6"] > 400
    response = client.get("/api/launches", params={"site": "Baikonur", "pad": "LC99"})
    assert response.status_code == 404
    assert response.json()["error"]["suggestions"]


def test_share_legends_name_states(mirror_con: duckdb.DuckDBPyConnection) -> None:
    from datetime import date

    from cosmodrome.analytics import share

    frame = share(mirror_con, by="provider-state", only=["FR", "ESA"], start=date(2020, 1, 1))
    assert set(frame.column("label")) == {"France (F)", "European Space Agency"}
    providers = share(mirror_con, by="provider", only=["Rocket Lab"], start=date(2020, 1, 1))
    # Rocket Lab files its Mahia launches as RLABN (New Zealand), Wallops ones as RLABU.
    assert "Rocket Lab (New Zealand)" in set(providers.column("label"))


def test_launches_show_pads_by_their_curated_names(mirror_con: duckdb.DuckDBPyConnection) -> None:
    from cosmodrome.catalog.queries import launches

    frame = launches(mirror_con, LaunchFilter(site="Baikonur", pad="Gagarin's Start"), limit=3)
    assert set(frame["pad"]) == {"LC1"}
    assert set(frame["pad_name"]) == {"Site 1/5 (Gagarin's Start, LC1)"}
    other = launches(mirror_con, LaunchFilter(site="Baikonur", pad="LC90"), limit=1)
    assert other["pad_name"].tolist() == ["LC90"]


# Launches of each vehicle as its flight record counts them (all flew their last before the
# frozen catalog ends): Delta II 155 (1989-2018), Delta III 3, Delta IV 45 of which Heavy 16
# (2002-2024), Titan IV 39 (1989-2005), Atlas III 6 (2000-2005), Saturn V 13 (1967-1973).
FLIGHT_RECORDS = {
    "Delta II": 155,
    "Delta III": 3,
    "Delta IV": 45,
    "Delta IV Heavy": 16,
    "Titan IV": 39,
    "Atlas III": 6,
    "Saturn V": 13,
}


@pytest.mark.parametrize(("typed", "flights"), FLIGHT_RECORDS.items())
def test_roman_numeral_vehicles_count_their_whole_flight_record(
    mirror_con: duckdb.DuckDBPyConnection, typed: str, flights: int
) -> None:
    assert count_launches(mirror_con, LaunchFilter(vehicle=typed)) == flights
    # Heavy and Medium split Delta IV; no Thor-era Delta (Delta 4925-8) creeps in.
    if typed == "Delta IV":
        assert "Delta 4925-8" not in names.resolve_vehicles(mirror_con, typed)


def test_a_caller_trying_spellings_can_skip_the_suggestions(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    from cosmodrome.catalog.names import resolve_agencies, resolve_sites, resolve_vehicles

    for resolve, typo in (
        (resolve_sites, "Baikonurr"),
        (resolve_vehicles, "Soyuzz-2"),
        (resolve_agencies, "Roskosmoss"),
    ):
        with pytest.raises(UnknownNameError) as suggested:
            resolve(mirror_con, typo)
        assert suggested.value.suggestions
        with pytest.raises(UnknownNameError) as bare:
            resolve(mirror_con, typo, suggest=False)
        assert bare.value.suggestions == []


def test_api_listings_say_what_a_typed_name_matched(client: Any) -> None:
    # the line the CLI prints under its table, with the answer of every listing taking names
    launches = client.get("/api/launches", params={"vehicle": "Proton-M", "limit": 1}).json()
    assert launches["matched"] == [
        "Proton-M: 4 configurations (Proton-M, Proton-M/Briz-M, Proton-M/DM-2, "
        "Proton-M/DM-3); 115 launches"
    ]
    payloads = client.get("/api/payloads", params={"vehicle": "Proton-M", "limit": 1}).json()
    assert payloads["matched"] == launches["matched"]
    both = client.get(
        "/api/launches", params={"vehicle": "Proton-M", "provider": "CASC", "limit": 0}
    ).json()
    assert [line.split(":")[0] for line in both["matched"]] == ["Proton-M", "CASC"]
    # a name that is plainly the one thing it matched says nothing more
    plain = client.get("/api/launches", params={"site": "Baikonur", "limit": 0}).json()
    assert plain["matched"] == []


def test_an_owner_says_what_it_matched_in_payloads(client: Any) -> None:
    answer = client.get("/api/payloads", params={"owner": "NRO", "limit": 0}).json()
    [line] = answer["matched"]
    assert line.startswith("NRO: ") and " organisations (" in line
    assert line.endswith(f"; {answer['total']:,} payloads")  # the owner alone: all its payloads


def test_a_pad_says_what_it_matched(client: Any) -> None:
    answer = client.get(
        "/api/launches", params={"site": "Baikonur", "pad": "Gagarin", "limit": 0}
    ).json()
    assert answer["matched"] == [
        f"Gagarin: Site 1/5 (Gagarin's Start, LC1); {answer['total']:,} launches"
    ]
    both = client.get("/api/launches", params={"pad": "SLC-40 or LC-39A", "limit": 0}).json()
    [line] = both["matched"]
    assert line.startswith("SLC-40 or LC-39A: 2 pads (") and "Cape Canaveral" in line
    assert line.endswith(f"; {both['total']:,} launches")
