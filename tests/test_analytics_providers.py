"""Providers are organisations, not GCAT agency codes: one row for United Launch Alliance,
CASC with its academies; and the analysis commands answer without loading pandas."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from cosmodrome import api
from tests.probes import modules_loaded_by


def test_ula_is_one_provider(mirror_con: duckdb.DuckDBPyConnection) -> None:
    # GCAT files ULA's launches under ULAB (Boeing side, 68), ULAL (Lockheed side, 93) and
    # ULAD (Decatur, 2): counted from the mirror's launch log, 163 in all.
    rows = api.cadence(mirror_con, "provider", only=["United Launch Alliance"]).records()
    assert {r["group"] for r in rows} == {"ULA"}
    assert sum(r["launches"] for r in rows) == 163
    assert {r["label"] for r in rows} == {"United Launch Alliance (United States)"}
    everyone = api.cadence(mirror_con, "provider").records()
    assert not {"ULAB", "ULAL", "ULAD"} & {r["group"] for r in everyone}
    assert sum(r["launches"] for r in everyone if r["group"] == "ULA") == 163


def test_casc_holds_its_academies(mirror_con: duckdb.DuckDBPyConnection) -> None:
    direct = mirror_con.execute(
        """SELECT count(*) FROM launches WHERE split_part(agency, '/', 1) IN ('CALT', 'SAST')
           AND year >= 2020 AND orbit_class <> 'other'"""
    ).fetchone()
    assert direct is not None and direct[0] > 0
    rows = api.share(mirror_con, "provider", start=date(2020, 1, 1)).records()
    casc = [r for r in rows if r["group"] == "CASC"]
    assert sum(r["launches"] for r in casc) >= direct[0]
    assert {r["label"] for r in casc} == {
        "China Aerospace Science and Technology Corporation (China)"
    }
    assert not {"CALT", "SAST"} & {r["group"] for r in rows}
    # The finer grouping keeps GCAT's agencies: the academies apart.
    agencies = {r["group"] for r in api.cadence(mirror_con, "agency", only=["CASC"]).records()}
    assert {"CALT", "SAST"} <= agencies


def test_value_groups_providers_as_share_does(mirror_con: duckdb.DuckDBPyConnection) -> None:
    rows = api.launch_value(mirror_con, "provider", start=date(2006, 1, 1)).records()
    ula = [r for r in rows if r["group"] == "ULA"]
    assert sum(r["launches"] for r in ula) == 163
    assert {r["label"] for r in ula} == {"United Launch Alliance"}
    assert not {"ULAB", "ULAL", "ULAD", "CALT", "SAST"} & {r["group"] for r in rows}


def test_provider_labels_are_names(mirror_con: duckdb.DuckDBPyConnection) -> None:
    rows = api.share(mirror_con, "provider", start=date(2015, 1, 1), top=10).records()
    labels = {r["label"] for r in rows}
    codes = {r["group"] for r in rows} - {"(other)"}
    assert "United Launch Alliance (United States)" in labels
    assert not labels & {"ULA", "ULAB", "ULAL", "CASC", "CALT", "SAST"}
    assert len(labels) == len(codes) + 1  # one name per provider, and "other"


COMMANDS = {
    "cadence": ["cadence", "--by", "provider", "--from", "2020"],
    "share": ["share", "--by", "provider-state", "--from", "2015"],
    "migration": ["migration", "--provider-state", "RU", "--cutoff", "2022-02-24"],
    "profile": ["profile", "Baikonur"],
    "value": ["value", "--by", "provider", "--from", "2020"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_analysis_commands_load_no_pandas(command: str, mirror_home: Path) -> None:
    # A fresh process, as a user runs the command: what it imported is what it cost.
    # None of pandas, NumPy, matplotlib or SciPy: a table of a few hundred rows needs none.
    heavy = ("pandas", "numpy", "matplotlib", "scipy")
    assert modules_loaded_by(COMMANDS[command], heavy, mirror_home) == set()


def test_agencies_are_named_with_their_code(mirror_con: duckdb.DuckDBPyConnection) -> None:
    # GCAT's two ULA codes share a name: the finer grouping tells them apart by the code.
    rows = api.cadence(mirror_con, "agency", only=["United Launch Alliance"]).records()
    assert {(r["group"], r["label"]) for r in rows} == {
        ("ULAB", "United Launch Alliance (ULAB)"),
        ("ULAL", "United Launch Alliance (ULAL)"),
        ("ULAD", "ULA Decatur (ULAD)"),
    }
