"""Feasibility ranking, filters, bad input and the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cosmodrome.capability.reach import Target, capability_summary, reach
from cosmodrome.cli.main import app
from cosmodrome.errors import InputError, UnknownNameError


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
    assert result.output.splitlines()[0].startswith("site,site_country,vehicle")


def test_cli_capability_json() -> None:
    result = CliRunner().invoke(app, ["capability", "Kourou", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rotation_speed_m_s"] == pytest.approx(463, abs=2)
