"""Shared fixtures: the frozen mirror beside the project, and a catalog built from it once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cosmodrome.catalog.build import build_catalog
from cosmodrome.catalog.db import open_catalog

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data``; tests that need it skip with a clear message when it is absent."""
    if not (SHARED_DATA / "gcat" / "tsv" / "derived" / "launchlog.tsv").is_file():
        pytest.skip(f"frozen mirror not found at {SHARED_DATA} (place shared/ beside the project)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def mirror_home(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home folder holding a catalog built from the frozen mirror (once per test process)."""
    home = tmp_path_factory.mktemp("mirror-home")
    build_catalog(str(shared_data), home)
    return home


@pytest.fixture()
def mirror_con(mirror_home: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_catalog(mirror_home)
    yield con
    con.close()
