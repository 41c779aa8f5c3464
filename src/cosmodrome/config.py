"""Where Cosmodrome keeps its files and which source it reads by default."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

GCAT_URL = "https://planet4589.org/space/gcat/"
CELESTRAK_URL = "https://celestrak.org/NORAD/elements/"
CATALOG_FILENAME = "catalog.duckdb"


def home() -> Path:
    """``$COSMODROME_HOME``, or the platform's user data folder."""
    configured = os.environ.get("COSMODROME_HOME")
    folder = Path(configured) if configured else Path(platformdirs.user_data_dir("cosmodrome"))
    return folder.expanduser()


def catalog_path(folder: Path | None = None) -> Path:
    """The catalog's DuckDB file inside ``folder`` (default: :func:`home`)."""
    return (folder or home()) / CATALOG_FILENAME


def cache_dir(folder: Path | None = None) -> Path:
    """Downloaded upstream files, kept for conditional requests."""
    return (folder or home()) / "cache"


def default_source() -> str:
    """``$COSMODROME_SOURCE`` or the GCAT website."""
    return os.environ.get("COSMODROME_SOURCE") or GCAT_URL
