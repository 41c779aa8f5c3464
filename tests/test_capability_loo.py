"""Every published point through the public ``reach`` call, and the leave-one-out report.

Issue 17: at a published orbit the answer is the published figure for the configuration
that flew it, labelled ``published`` with its source; nothing else is labelled so; every
modelled capacity carries its vehicle's leave-one-out error; docs/CAPABILITY.md holds the
current leave-one-out table.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cosmodrome.capability import vehicles
from cosmodrome.capability.loo import (
    GCAT_BEGIN,
    GCAT_END,
    LOO_BEGIN,
    LOO_END,
    WORST_TARGET_PCT,
    accuracies,
    gcat_markdown,
    loo_markdown,
    main,
    section,
    vehicle_accuracy,
)
from cosmodrome.capability.reach import Ranking, Target, reach
from cosmodrome.capability.vehicles import CapacityPoint, Vehicle, load_vehicles
from cosmodrome.cli.main import app
from cosmodrome.errors import InputError
from cosmodrome.web.routes.reach import reach_options

DOC = Path(__file__).resolve().parents[1] / "docs" / "CAPABILITY.md"
POINTS = [(v, p) for v in load_vehicles() for p in v.points]


def _target(point: CapacityPoint) -> Target:
    if point.c3_km2_s2 is not None:
        return Target.escape(point.c3_km2_s2, point.perigee_km, point.inc_deg)
    return Target(point.perigee_km, point.apogee_km, point.inc_deg, point.orbit_text())


def _rows(vehicle: Vehicle, point: CapacityPoint) -> pd.DataFrame:
    ranking = reach(_target(point), 1.0, sites=[point.site], vehicles=[vehicle.key])
    rows = ranking.options if not ranking.options.empty else ranking.near_misses
    assert len(rows) == len(vehicle.configurations)  # one option per configuration
    return rows


def _is_published_figure(vehicle: Vehicle, row: pd.Series, point: CapacityPoint) -> bool:
    return any(
        p.payload_kg == row["capacity_kg"]
        and vehicle.configuration_label(p.optional_stages) == row["configuration"]
        and p.is_orbit(
            point.site, point.perigee_km, point.apogee_km, point.inc_deg, point.c3_km2_s2
        )
        for p in vehicle.published_points()
    )


def _gap(basis: str) -> float:
    """The delta-v of ``extrapolated 1,234 m/s`` (its words are rounded to the m/s)."""
    return float(basis.split()[1].replace(",", ""))


def _assert_uncertainty(vehicle: Vehicle, row: pd.Series) -> None:
    accuracy = vehicle_accuracy(vehicle.key)
    if row["capacity_basis"] == "interpolated" or row["capacity_basis"].startswith("extrapolated"):
        gap = 0.0 if row["capacity_basis"] == "interpolated" else _gap(row["capacity_basis"])
        # the words round the distance to the m/s: either side of it
        allowed = {accuracy.uncertainty_at_pct(max(0.0, gap + d)) for d in (-0.5, 0.0, 0.5)}
        assert row["capacity_uncertainty_pct"] in allowed, row
        assert row["capacity_uncertainty_pct"] >= accuracy.worst_pct - 1e-9
        plus_minus = f"{row['capacity_kg']:,} kg ± {int(row['capacity_uncertainty_pct'])} %"
        assert plus_minus in row["capacity_text"]
        assert row["model_error"] == accuracy.basis_text()
    else:
        assert pd.isna(row["capacity_uncertainty_pct"]), row


@pytest.mark.parametrize(
    ("vehicle", "point"),
    [(v, p) for v, p in POINTS if not p.lower_bound],
    ids=lambda x: getattr(x, "key", None) or getattr(x, "kind", ""),
)
def test_every_published_point_answers_its_own_figure(
    vehicle: Vehicle, point: CapacityPoint
) -> None:
    rows = _rows(vehicle, point)
    own = rows[rows["configuration"] == vehicle.configuration_label(point.optional_stages)]
    assert len(own) == 1
    answer = own.iloc[0]
    assert answer["capacity_kg"] == round(point.payload_kg)  # to the kg
    assert answer["capacity_kg"] == point.payload_kg  # every published figure is whole kg
    assert answer["capacity_basis"] == "published"
    assert answer["capacity_text"] == f"{point.payload_kg:,.0f} kg (published)"
    assert answer["nearest_published_source"] == point.source
    assert pd.isna(answer["capacity_uncertainty_pct"])
    for _, row in rows.iterrows():  # "published" only where it is a published figure
        if row["capacity_basis"] == "published":
            assert _is_published_figure(vehicle, row, point), row
        _assert_uncertainty(vehicle, row)
    others = rows[rows.index != own.index[0]]
    assert (others["capacity_basis"] != "published").all()  # another configuration


@pytest.mark.parametrize(
    ("vehicle", "point"),
    [(v, p) for v, p in POINTS if p.lower_bound],
    ids=lambda x: getattr(x, "key", None) or getattr(x, "kind", ""),
)
def test_flown_masses_are_lower_bounds_not_published_capacities(
    vehicle: Vehicle, point: CapacityPoint
) -> None:
    rows = _rows(vehicle, point)
    own = rows[rows["configuration"] == vehicle.configuration_label(point.optional_stages)]
    answer = own.iloc[0]
    assert answer["capacity_kg"] >= round(point.payload_kg)  # it flew, so it can
    if answer["capacity_basis"] == "published":  # a published figure to the same orbit
        assert _is_published_figure(vehicle, answer, point)
    else:
        assert "flown to this orbit: a lower bound" in answer["notes"]
        assert answer["flown_mass"].startswith(f"{point.payload_kg:,.0f} kg flown")
    _assert_uncertainty(vehicle, answer)


def test_the_issue_contradictions_are_gone() -> None:
    soyuz5 = reach(Target.circular(200, 51.6), 15000, vehicles=["Soyuz-5"]).options
    by_config = soyuz5.set_index("configuration")
    two_stage = by_config.loc["expendable, without Blok DM-03"]
    assert two_stage["capacity_kg"] == 17000 and two_stage["capacity_basis"] == "published"
    with_dm = by_config.loc["expendable, with Blok DM-03"]
    assert with_dm["capacity_basis"].startswith("extrapolated")
    assert "±" in with_dm["capacity_text"]
    lm6a = reach(Target.circular(200, 45.0), 1.0, vehicles=["Long March 6A"]).options.iloc[0]
    assert lm6a["capacity_kg"] == 8000 and lm6a["capacity_basis"] == "published"
    assert "reference orbit" in lm6a["notes"]


def test_off_published_orbits_are_never_labelled_published() -> None:
    for alt, inc in [(300, 51.6), (450, 53.0), (1200, 60.0), (650, 97.9), (201, 28.5)]:
        options = reach(Target.circular(alt, inc), 1.0).options
        assert not options.empty
        assert (options["capacity_basis"] != "published").all(), (alt, inc)
        assert options["capacity_uncertainty_pct"].notna().all()
        assert options["capacity_text"].str.contains("±").all()


def test_uncertainty_says_when_a_vehicle_misses_the_target() -> None:
    for accuracy in accuracies().values():
        assert ("beyond the 35 % target" in accuracy.text()) == (
            accuracy.worst_pct > WORST_TARGET_PCT
        )
        assert accuracy.uncertainty_pct >= accuracy.worst_pct


def test_leave_one_out_table_in_the_doc_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert section(text, LOO_BEGIN, LOO_END) == loo_markdown(), (
        "docs/CAPABILITY.md is out of date: run "
        "python -m cosmodrome.capability.loo --write docs/CAPABILITY.md"
    )
    assert main(["--check", str(DOC)]) == 0
    for accuracy in accuracies().values():
        assert f"| {accuracy.vehicle} | {accuracy.points} | {accuracy.median_pct:.1f} |" in text


def test_loo_check_fails_on_a_stale_doc(tmp_path: Path) -> None:
    stale = tmp_path / "CAPABILITY.md"
    stale.write_text(f"x\n{LOO_BEGIN}\nold table\n{LOO_END}\ny\n", encoding="utf-8")
    assert main(["--check", str(stale)]) == 1
    assert main(["--write", str(stale)]) == 0
    assert main(["--check", str(stale)]) == 0
    assert stale.read_text(encoding="utf-8").startswith(f"x\n{LOO_BEGIN}\n")


@pytest.mark.integration
def test_gcat_cross_check_in_the_doc_is_current(mirror_con: object) -> None:
    text = DOC.read_text(encoding="utf-8")
    assert section(text, GCAT_BEGIN, GCAT_END) == gcat_markdown(mirror_con), (
        "run python -m cosmodrome.capability.loo --gcat HOME --write docs/CAPABILITY.md"
    )


def _option(ranking_json: dict[str, object], configuration: str) -> dict[str, object]:
    options = ranking_json["options"]
    assert isinstance(options, list)
    return next(o for o in options if o["configuration"] == configuration)


def test_cli_json_and_api_carry_configuration_basis_and_uncertainty() -> None:
    args = ["reach", "--alt", "200", "--inc", "51.6", "--mass", "15000", "--vehicle", "Soyuz-5"]
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    published = _option(cli, "expendable, without Blok DM-03")
    assert published["capacity_kg"] == 17000 and published["capacity_basis"] == "published"
    assert published["capacity_uncertainty_pct"] is None
    modelled = _option(cli, "expendable, with Blok DM-03")
    assert isinstance(modelled["capacity_uncertainty_pct"], (int, float))
    assert f"± {modelled['capacity_uncertainty_pct']:.0f} %" in str(modelled["capacity_text"])
    response = reach_options(15000, alt_km=200, inc_deg=51.6, vehicle="Soyuz-5")
    api = json.loads(bytes(response.body))
    assert _option(api, "expendable, with Blok DM-03") == modelled
    assert api["options"] == cli["options"]


def test_cli_table_shows_configuration_and_uncertainty() -> None:
    args = ["reach", "--alt", "200", "--inc", "51.6", "--mass", "15000", "--vehicle", "Soyuz-5"]
    table = CliRunner().invoke(app, args, env={"COLUMNS": "200"})
    assert table.exit_code == 0, table.output
    assert "configuration" in table.output
    assert "without Blok DM-03" in table.output and "with Blok DM-03" in table.output
    assert "17,000" in table.output and "published" in table.output
    assert "19,923 ± 2 %" in table.output


def test_escape_targets_reach_the_published_c3_figures() -> None:
    falcon_9 = ["--vehicle", "Falcon 9", "--site", "Cape Canaveral"]
    result = CliRunner().invoke(
        app, ["reach", "--c3", "12", "--mass", "4000", *falcon_9, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["target"]["c3_km2_s2"] == 12.0
    falcon = body["options"][0]
    assert falcon["capacity_kg"] == 4020 and falcon["capacity_basis"] == "published"
    ranking: Ranking = reach(Target.escape(12.0), 4000, vehicles=["Falcon 9"], sites=["Kennedy"])
    assert ranking.options.iloc[0]["capacity_basis"] != "published"  # another site


def test_a_point_without_the_optional_stage_needs_a_vehicle_that_has_one() -> None:
    stage = {"name": "s", "propellant_kg": 9000, "dry_kg": 1000, "isp_vac_s": 300}
    point = {
        "site": "kourou",
        "kind": "leo",
        "perigee_km": 200,
        "apogee_km": 200,
        "inc_deg": 6.0,
        "payload_kg": 100,
        "source": "test",
        "verified": False,
        "optional_stages": False,
    }
    entry = {
        "name": "Test",
        "state": "FR",
        "configuration": "expendable",
        "stages": [{**stage, "source": "test", "verified": False}],
        "points": [point],
    }
    with pytest.raises(InputError, match="no optional stage"):
        vehicles._vehicle("test", entry)


def test_an_impossible_c3_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="below that of a circular orbit at 200 km"):
        reach(Target.escape(-80.0), 1000)
    result = CliRunner().invoke(app, ["reach", "--c3", "-80", "--mass", "1000"])
    assert result.exit_code != 0
