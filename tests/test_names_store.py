"""Names stored in the catalog at build time answer exactly as names derived at read time."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from cosmodrome import states
from cosmodrome.catalog import names
from cosmodrome.catalog.db import open_catalog

pytestmark = pytest.mark.integration


@pytest.fixture()
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Empty in-process caches, so each read goes to the store or derives anew."""
    monkeypatch.setattr(names, "_PER_CATALOG", {})


def _copy(mirror_home: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(mirror_home / "catalog.duckdb", home / "catalog.duckdb")
    return home


def test_stored_indexes_equal_derived_ones(
    mirror_con: duckdb.DuckDBPyConnection, fresh_caches: None
) -> None:
    for kind, build in names._builders(mirror_con).items():
        assert names._stored(mirror_con, f"index:{kind}") == build().to_json(), kind


def test_stored_pad_labels_and_state_names_equal_derived_ones(
    mirror_con: duckdb.DuckDBPyConnection, fresh_caches: None
) -> None:
    stored = names.pad_labels(mirror_con)
    assert stored[("GIK-5", "LC31")] == "Site 31/6 (LC31)"
    codes = mirror_con.execute("SELECT DISTINCT provider_state FROM launches").fetchall()
    expected = {c: states.state_name(c) for (c,) in codes if c is not None}
    assert names.provider_state_names(mirror_con) == expected
    assert expected["F"] == "France"


@pytest.mark.parametrize("spoil", ["stale key", "no table"])
def test_a_store_that_does_not_hold_is_ignored(
    mirror_home: Path, tmp_path: Path, fresh_caches: None, spoil: str
) -> None:
    home = _copy(mirror_home, tmp_path)
    with duckdb.connect(str(home / "catalog.duckdb")) as con:
        if spoil == "stale key":
            # A store left by another package: every body is wrong and must not be read.
            con.execute(f"UPDATE {names.STORED_NAMES_TABLE} SET body = '{{}}'")
        else:
            con.execute(f"DROP TABLE {names.STORED_NAMES_TABLE}")
    con = open_catalog(home)
    try:
        assert names.resolve_sites(con, "Tyuratam") == ["GIK-5"]
        assert names.resolve_agencies(con, "Roscosmos")
        assert names.pad_labels(con, ["GIK-5"])[("GIK-5", "LC31")] == "Site 31/6 (LC31)"
        assert names.provider_state_names(con)["F"] == "France"
    finally:
        con.close()


def test_the_key_follows_the_curated_files() -> None:
    key = names.derived_names_key()
    assert len(key) == 16 and key == names.derived_names_key()
