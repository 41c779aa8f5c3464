"""Feasibility ranking, filters, bad input and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cosmodrome.capability.reach import Target, capability_summary, reach
from cosmodrome.capability.vehicles import CONFIGURATIONS, load_vehicles
from cosmodrome.cli.main import app
from cosmodrome.errors import InputError, UnknownNameError
from tests.probes import modules_loaded_by


def test_sso_from_vandenberg_and_vostochny_is_direct() -> None:
    ranking = reach(Target.named("sso", 550), 800)
    direct = ranking.options[ranking.options["direct"]]
    assert {"Vandenberg", "Vostochny"} <= set(direct["site"])


def test_iss_without_russia() -> None:
    ranking = reach(Target.circular(400, 51.6), 7000, exclude_states=["RU"])
    assert not ranking.options.empty
    assert "RU" not in set(ranking.options["vehicle_state"])
    assert "Baikonur" not in set(ranking.options["site"])
    assert (ranking.options["margin_kg"] >= 0).all()
    falcon = ranking.options[
        (ranking.options["vehicle"] == "Falcon 9") & (ranking.options["site"] == "Cape Canaveral")
    ]
    assert bool(falcon["direct"].iloc[0])


def test_only_state_and_site_and_vehicle_filters() -> None:
    ranking = reach(Target.circular(500, 97.4), 100, only_states=["FR"])
    assert set(ranking.options["site"]) == {"Kourou"}
    ranking = reach(Target.named("gto"), 4500, sites=["Kourou", "Baikonur", "Cape Canaveral"])
    assert set(ranking.options["site"]) <= {"Kourou", "Baikonur", "Cape Canaveral"}
    assert "to GEO" in ranking.options["notes"].iloc[0]
    ranking = reach(Target.circular(400, 51.6), 1000, vehicles=["Soyuz-5"])
    assert set(ranking.options["vehicle"]) == {"Soyuz-5"}
    assert "vehicle planned" in ranking.options["notes"].iloc[0]
    assert reach(
        Target.circular(400, 51.6), 1000, vehicles=["Soyuz-5"], active_only=True
    ).options.empty


def test_equatorial_orbit_from_baikonur_needs_a_dog_leg() -> None:
    ranking = reach(Target.circular(400, 0.0), 500, sites=["Baikonur"])
    assert not ranking.options["direct"].any()
    assert ranking.options["notes"].str.contains("dog-leg").all()


def test_impossible_mission_explains_nearest_misses() -> None:
    ranking = reach(Target.circular(400, 51.6), 500_000)
    assert ranking.options.empty
    assert "nearest miss" in ranking.reason
    assert len(ranking.near_misses) == 5
    assert ranking.near_misses["reason"].str.contains("kg short").all()


@pytest.mark.parametrize(
    ("target", "mass"),
    [
        (Target.circular(400, 51.6), -1.0),
        (Target.circular(120, 51.6), 10.0),
        (Target.circular(400, 190.0), 10.0),
    ],
)
def test_bad_input(target: Target, mass: float) -> None:
    with pytest.raises(InputError):
        reach(target, mass)


def test_unknown_site_suggests_names() -> None:
    with pytest.raises(UnknownNameError, match="Baikonur"):
        reach(Target.circular(400, 51.6), 10, sites=["Baikonour"])


def test_capability_summary_for_baikonur() -> None:
    summary = capability_summary("Baikonur")
    assert summary["rotation_speed_m_s"] == pytest.approx(323.9, abs=1)
    assert summary["min_direct_inc_deg"] == pytest.approx(45.97, abs=0.01)
    assert "Soyuz-5" in summary["vehicles"]  # type: ignore[operator]
    json.dumps(summary)


def test_cli_reach_json() -> None:
    result = CliRunner().invoke(
        app, ["reach", "--alt", "550", "--inc", "97.6", "--mass", "800", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["options"] and data["reason"] is None
    assert {"site", "vehicle", "margin_kg", "launch_azimuth_deg", "delta_v_m_s", "notes"} <= set(
        data["options"][0]
    )


def test_cli_reach_orbit_and_sites_csv() -> None:
    result = CliRunner().invoke(
        app,
        [
            "reach",
            "--orbit",
            "gto",
            "--mass",
            "4500",
            "--site",
            "Kourou,Baikonur,Cape Canaveral",
            "-f",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()  # the notes go to stderr: the CSV stays clean
    assert rows[0].startswith("site,site_country,site_country_name,vehicle,vehicle_state,")
    assert "gto_inc_deg,gto_to_geo_m_s" in rows[0]
    assert all(not row.startswith("note:") for row in rows)
    assert "note: the options reach GTOs" in result.stderr


def test_cli_capability_json() -> None:
    result = CliRunner().invoke(app, ["capability", "Kourou", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rotation_speed_m_s"] == pytest.approx(463, abs=2)


def test_capacity_says_which_configuration_it_is_for() -> None:
    ranking = reach(
        Target.circular(400, 51.6), 7000, vehicles=["Falcon 9"], sites=["Cape Canaveral"]
    )
    falcon = ranking.options.iloc[0]
    assert falcon["configuration"] == "expendable"
    assert "capacity as published: expendable (no stage recovered" in falcon["notes"]
    assert any("column configuration: expendable)" in note for note in ranking.notes)
    proton = reach(Target.circular(400, 51.6), 7000, vehicles=["Proton-M"]).options
    assert set(proton["configuration"]) == {
        "expendable, with Briz-M",
        "expendable, without Briz-M",
    }
    new_glenn = reach(Target.circular(400, 51.6), 7000, vehicles=["New Glenn"]).options
    assert set(new_glenn["configuration"]) == {"reusable first stage"}
    assert {v.configuration for v in load_vehicles()} <= set(CONFIGURATIONS)


def test_gto_options_show_their_own_gto_and_the_cost_to_geo() -> None:
    ranking = reach(Target.named("gto"), 4500, sites=["Kourou", "Baikonur", "Cape Canaveral"])
    per_site = ranking.options.groupby("site")[["gto_inc_deg", "gto_to_geo_m_s"]].first()
    assert per_site.loc["Kourou", "gto_to_geo_m_s"] == 1493
    assert per_site.loc["Cape Canaveral", "gto_to_geo_m_s"] == 1837
    assert per_site.loc["Baikonur", "gto_to_geo_m_s"] == 2393
    assert per_site.loc["Baikonur", "gto_inc_deg"] == pytest.approx(50.24, abs=0.01)
    assert "each site's own inclination" in ranking.target.label
    assert any("GTOs of different inclinations" in note for note in ranking.notes)
    leo = reach(Target.circular(400, 51.6), 7000)
    assert not {"gto_inc_deg", "gto_to_geo_m_s"} & set(leo.options.columns)
    fixed = reach(Target.named("gto", inc_deg=20.0), 3000, sites=["Kourou"]).options
    assert set(fixed["gto_inc_deg"]) == {20.0}


def test_capability_gto_cost_names_its_inclination() -> None:
    summary = capability_summary("Baikonur")
    keys = list(summary)
    assert keys.index("gto_inc_deg") + 1 == keys.index("gto_to_geo_m_s")
    assert summary["gto_inc_deg"] == pytest.approx(50.24, abs=0.01)  # corridor, not 45.97
    assert summary["gto_to_geo_m_s"] == 2393  # what reach --orbit gto says for Baikonur
    assert capability_summary("Kourou")["gto_inc_deg"] == pytest.approx(5.23, abs=0.01)


def test_cli_reach_gto_json_and_table_notes() -> None:
    args = ["reach", "--orbit", "gto", "--mass", "4500", "--site", "Kourou,Baikonur"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"configuration", "gto_inc_deg", "gto_to_geo_m_s"} <= set(data["options"][0])
    assert any("GTOs of different inclinations" in note for note in data["notes"])
    table = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
    assert table.exit_code == 0, table.output
    assert "note: the options reach GTOs of different inclinations" in table.output
    capability = CliRunner().invoke(app, ["capability", "Baikonur"], env={"COLUMNS": "120"})
    # shown at the precision of an angle (0.1 deg), as every inclination in the terminal
    assert "gto inc (deg)" in capability.output and "50.2 " in capability.output


def test_each_capacity_says_where_it_comes_from() -> None:
    # At a published orbit the ranking prints the published figure and names it.
    at_point = reach(Target.named("sso", 600), 1000, vehicles=["PSLV-XL"]).options.iloc[0]
    assert at_point["capacity_kg"] == 1750
    assert at_point["capacity_basis"] == "published"
    assert at_point["nearest_published"] == "1,750 kg to 600 x 600 km at 97.8 deg from Sriharikota"
    assert at_point["nearest_published_source"].startswith("https://")
    # Between the LEO and GTO figures of Falcon 9 the model interpolates ...
    between = reach(Target.circular(1000, 28.5), 1000, vehicles=["Falcon 9"]).options.iloc[0]
    assert between["capacity_basis"] == "interpolated"
    assert 8300 < between["capacity_kg"] < 22800
    # ... and beyond them it says how far it extrapolates.
    beyond = reach(Target.named("geo"), 1000, vehicles=["Soyuz-2.1b"]).near_misses.iloc[0]
    assert beyond["capacity_basis"].startswith("extrapolated ")
    assert beyond["capacity_basis"].endswith(" m/s")


def test_state_filters_take_any_state_name() -> None:
    target = Target.circular(400, 51.6)
    by_iso = reach(target, 7000, exclude_states=["RU"]).options
    by_name = reach(target, 7000, exclude_states=["Russia"]).options
    assert by_iso["vehicle"].tolist() == by_name["vehicle"].tolist()
    assert "Russia" not in set(by_iso["vehicle_state_name"])
    # France keeps Kourou (French Guiana is part of France) and French-built vehicles.
    french = reach(Target.circular(550, 5.2), 500, only_states=["F"]).options
    assert set(french["site"]) <= {"Kourou"} and len(french) > 0
    with pytest.raises(UnknownNameError):
        reach(target, 7000, exclude_states=["Atlantis"])


def test_capability_lists_pads_by_every_name_and_takes_any_of_them() -> None:
    every = capability_summary("Baikonur")["pads"]
    assert "Site 1/5 (Gagarin's Start, LC1)" in [p["pad_name"] for p in every]  # type: ignore[union-attr,index]
    for name in ("LC31", "Site 31/6", "31"):
        only = capability_summary("Baikonur", name)["pads"]
        assert [p["pad"] for p in only] == ["Site 31/6"]  # type: ignore[union-attr,index]
    with pytest.raises(UnknownNameError) as caught:
        capability_summary("Baikonur", "LC99")
    assert caught.value.suggestions


#: What a capability command has no use for: the rows are computed in plain Python.
NOT_NEEDED = ("pandas", "numpy", "scipy", "skyfield", "matplotlib")


@pytest.mark.parametrize(
    "args",
    [
        ["reach", "--alt", "550", "--inc", "97.6", "--mass", "800"],
        ["reach", "--c3", "12", "--mass", "4000", "--format", "csv"],
        ["reach", "--orbit", "gto", "--mass", "4500", "--site", "Kourou", "--format", "json"],
        ["reach", "--alt", "400", "--inc", "51.6", "--mass", "150000"],  # near misses
        ["capability", "Baikonur"],
    ],
)
def test_reach_loads_no_pandas_nor_numpy(args: list[str]) -> None:
    assert modules_loaded_by(args, NOT_NEEDED) == set()


@pytest.mark.integration
def test_site_capability_loads_no_pandas_nor_numpy(mirror_home: Path) -> None:
    args = ["site", "Baikonur", "--capability"]
    assert modules_loaded_by(args, NOT_NEEDED, mirror_home) == set()
