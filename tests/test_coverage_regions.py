"""Regions: Natural Earth outlines from TopoJSON, boxes, GeoJSON files, grid sampling."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cosmodrome import assets
from cosmodrome.assets import AssetMissingError
from cosmodrome.astro.coverage import regions
from cosmodrome.astro.coverage.countries import countries, lookup_country
from cosmodrome.astro.coverage.regions import (
    bounding_box,
    cell_area_km2,
    country_region,
    decode_arcs,
    geojson_region,
    parse_region,
    point_region,
)
from cosmodrome.errors import InputError, UnknownNameError


def test_topojson_decoding_of_a_tiny_topology() -> None:
    # TopoJSON specification 2.1.1: quantized, delta-encoded arcs.
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 4]], [[2, 4], [-2, 0], [0, -4]]],
    }
    arcs = decode_arcs(topology)
    assert arcs[0].tolist() == [[10.0, 20.0], [11.0, 20.0], [11.0, 21.0]]
    assert arcs[1].tolist() == [[11.0, 21.0], [10.0, 21.0], [10.0, 20.0]]
    ring = regions.topojson_ring([0, 1], arcs)
    assert ring.tolist() == [[10, 20], [11, 20], [11, 21], [10, 21], [10, 20]]


def test_kazakhstan_outline_area_and_grid() -> None:
    kz = country_region("KZ")
    assert kz.name == "Kazakhstan (KZ)"
    grid = kz.grid(0.5)
    # Kazakhstan's area is 2,724,900 km² (CIA World Factbook); a 0.5 degree grid of cell
    # centres approximates it to within 1%.
    assert grid.area_km2.sum() == pytest.approx(2_724_900, rel=0.01)
    assert 1200 < len(grid) < 1450
    assert country_region("KAZ").grid(0.5).lat_deg.tolist() == grid.lat_deg.tolist()
    assert len(country_region("398").grid(0.5)) == len(grid)
    # Almaty and Astana are inside, Tashkent and Bishkek are not
    inside = kz.contains(
        np.array([43.24, 51.17, 41.30, 42.87]), np.array([76.95, 71.45, 69.24, 74.59])
    )
    assert inside.tolist() == [True, True, False, False]


def test_holes_follow_the_even_odd_rule() -> None:
    """Lesotho is an enclave: South Africa's outline has a hole there."""
    za = country_region("ZA")
    maseru_lat, maseru_lon = np.array([-29.6]), np.array([28.3])
    assert not za.contains(maseru_lat, maseru_lon)[0]
    assert country_region("LS").contains(maseru_lat, maseru_lon)[0]


def test_every_atlas_country_id_has_letter_codes() -> None:
    numeric = {c.numeric for c in countries()}
    atlas = regions._atlas("50m")["objects"]["countries"]["geometries"]
    ids = {g["id"] for g in atlas if "id" in g}
    assert ids <= numeric
    assert len({c.alpha2 for c in countries()}) == len(countries())


def test_unknown_country_suggests_codes() -> None:
    with pytest.raises(UnknownNameError) as caught:
        lookup_country("Kazakstan")
    assert "Kazakhstan" in caught.value.suggestions
    assert lookup_country("uk").alpha3 == "GBR"


def test_tiny_country_is_an_empty_region() -> None:
    with pytest.raises(InputError, match=r"no cell centre .* single point"):
        country_region("VA").grid(0.5)


def test_geojson_region_file(tmp_path: Path) -> None:
    path = tmp_path / "square.geojson"
    square = [[60.0, 40.0], [62.0, 40.0], [62.0, 42.0], [60.0, 42.0], [60.0, 40.0]]
    hole = [[60.5, 40.5], [61.5, 40.5], [61.5, 41.5], [60.5, 41.5], [60.5, 40.5]]
    feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [square, hole]}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    grid = geojson_region(path).grid(0.5)
    assert len(grid) == 16 - 4  # the four cells of the hole are out
    assert parse_region(str(path)).name == "square"
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InputError, match="no Polygon"):
        geojson_region(empty)


@pytest.mark.parametrize(
    "text", ["", "1,2,3", "a,b,c,d", "50,10,40,20", "10,20,30,10", "-95,0,10,10", "1,2,nan,4"]
)
def test_bad_regions_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_region(text).grid(1.0)


def test_missing_outlines_say_how_to_get_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assets, "_search_starts", lambda: [tmp_path / "pkg"])
    monkeypatch.setattr(assets, "_bundled_dir", lambda: tmp_path / "no-bundle")
    monkeypatch.delenv("COSMODROME_ASSETS", raising=False)
    with pytest.raises(AssetMissingError, match="make install") as raised:
        assets.vendor_file("world-atlas", "countries-50m.json")
    assert "Reinstall cosmodrome" in str(raised.value)
    monkeypatch.setenv("COSMODROME_ASSETS", str(tmp_path))
    with pytest.raises(AssetMissingError, match="COSMODROME_ASSETS"):
        assets.vendor_file("world-atlas", "countries-50m.json")


def test_point_region_is_one_cell() -> None:
    grid = point_region(43.24, 76.95, "Almaty").grid(0.5)
    assert len(grid) == 1 and grid.lat_deg[0] == 43.24
    with pytest.raises(InputError):
        point_region(95.0, 0.0)


def test_point_region_carries_its_height() -> None:
    assert point_region(43.24, 76.95, "Almaty").grid(0.5).height_m == 0.0
    region = point_region(43.24, 76.95, "Almaty", 800.0)
    assert region.height_m == 800.0 and region.grid(0.5).height_m == 800.0
    for height in (-600.0, 10_500.0, float("nan")):
        with pytest.raises(InputError, match="not on the ground"):
            point_region(43.24, 76.95, "Almaty", height)


@settings(max_examples=60, deadline=None)
@given(
    south=st.floats(-80, 70),
    west=st.floats(-170, 150),
    height=st.floats(1.0, 15.0),
    width=st.floats(1.0, 25.0),
    resolution=st.sampled_from([0.25, 0.5, 1.0]),
)
def test_box_grid_invariants(
    south: float, west: float, height: float, width: float, resolution: float
) -> None:
    box = bounding_box(f"{south},{west},{south + height},{west + width}")
    grid = box.grid(resolution)
    # every centre lies inside the box, on the global grid of the resolution
    assert np.all((grid.lat_deg >= south) & (grid.lat_deg <= south + height))
    assert np.all((grid.lon_deg >= west) & (grid.lon_deg <= west + width))
    assert np.allclose((grid.lat_deg / resolution - 0.5) % 1.0, 0.0, atol=1e-9) or np.allclose(
        (grid.lat_deg / resolution - 0.5) % 1.0, 1.0, atol=1e-9
    )
    # the cells' areas add up to about the box's area on the sphere (edges: one cell ring)
    r = regions.EARTH_MEAN_RADIUS_KM
    lat0, lat1 = math.radians(south), math.radians(south + height)
    box_area = r * r * math.radians(width) * (math.sin(lat1) - math.sin(lat0))
    cell = float(cell_area_km2(np.array([south + height / 2]), resolution)[0]) / math.cos(
        math.radians(south + height / 2)
    )
    edge = 2 * (height + width) / resolution * cell
    assert abs(grid.area_km2.sum() - box_area) <= edge
