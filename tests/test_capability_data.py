"""Curated spaceport and vehicle facts: coverage and a source for every fact."""

from __future__ import annotations

import pytest

from cosmodrome.capability.vehicles import find_vehicle, load_vehicles
from cosmodrome.spaceports import find_spaceport, load_spaceports

REQUIRED_SITES = [
    "Baikonur",
    "Vostochny",
    "Plesetsk",
    "Cape Canaveral",
    "Kennedy",
    "Vandenberg",
    "Wallops",
    "Kodiak",
    "Starbase",
    "Kourou",
    "Alcantara",
    "Jiuquan",
    "Taiyuan",
    "Xichang",
    "Wenchang",
    "Haiyang",
    "Sriharikota",
    "Tanegashima",
    "Uchinoura",
    "Naro",
    "Sohae",
    "Semnan",
    "Shahroud",
    "Palmachim",
    "Mahia",
    "SaxaVord",
    "Andoya",
]
REQUIRED_VEHICLES = [
    "Soyuz-2.1a",
    "Soyuz-2.1b",
    "Soyuz-2.1a/Fregat",
    "Soyuz-2.1b/Fregat",
    "Soyuz-5",
    "Angara-1.2",
    "Angara-A5",
    "Proton-M",
    "Falcon 9",
    "Falcon Heavy",
    "Ariane 6",
    "Vega-C",
    "Electron",
    "LVM3",
    "PSLV",
    "GSLV Mk II",
    "H3",
    "CZ-2C",
    "CZ-2D",
    "CZ-3B",
    "CZ-5",
    "CZ-6A",
    "CZ-7",
    "Kuaizhou-1A",
    "Neutron",
    "New Glenn",
]
FACTS = ("location", "country", "operator", "status", "gcat_sites")


def _is_source(text: str) -> bool:
    return text.startswith("https://") and len(text) > 12


def test_at_least_25_sites_and_every_required_one() -> None:
    assert len(load_spaceports()) >= 25
    for name in REQUIRED_SITES:
        find_spaceport(name)


def test_every_spaceport_fact_has_a_source() -> None:
    for port in load_spaceports():
        assert port.sources and all(_is_source(s) for s in port.sources), port.key
        for fact in FACTS:
            assert _is_source(dict(port.fact_sources)[fact]), (port.key, fact)
        assert port.pads, port.key
        assert port.corridors, port.key
        for pad in port.pads:
            assert _is_source(pad.source), (port.key, pad.name)
            assert (
                abs(pad.lat_deg - port.lat_deg) < 1.0 and abs(pad.lon_deg - port.lon_deg) < 1.0
            ), pad
        for corridor in port.corridors:
            assert _is_source(corridor.source) and corridor.note, (port.key, corridor)
        assert port.status in {"active", "planned", "retired"}
        assert len(port.country) == 2 and port.country.isupper()


def test_baiterek_and_angara_pads() -> None:
    baikonur = find_spaceport("Baiterek")
    assert baikonur.country == "KZ"
    assert any("Soyuz-5" in p.vehicles and "45" in p.name for p in baikonur.pads)
    assert any("Angara-A5" in p.vehicles for p in find_spaceport("Vostochny").pads)
    assert set(find_spaceport("Tyuratam").gcat_sites) >= {"NIIP-5", "GIK-5"}


def test_vehicle_list_and_sources() -> None:
    for name in REQUIRED_VEHICLES:
        find_vehicle(name)
    for vehicle in load_vehicles():
        assert vehicle.points, vehicle.key
        assert vehicle.status in {"active", "planned", "retired"}
        for site in vehicle.sites:
            find_spaceport(site)
        for point in vehicle.points:
            assert _is_source(point.source), (vehicle.key, point)
            assert point.payload_kg > 0
    assert find_vehicle("Soyuz-5").status == "planned"
    assert find_vehicle("Neutron").status == "planned"


@pytest.mark.parametrize(("site", "state"), [("Kourou", "GF"), ("Baikonur", "KZ"), ("Mahia", "NZ")])
def test_host_countries(site: str, state: str) -> None:
    assert find_spaceport(site).country == state
