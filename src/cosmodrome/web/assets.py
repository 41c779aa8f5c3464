"""Where the dashboard's front-end libraries are: the project's ``node_modules``.

``make install`` runs ``npm ci``, which installs d3, d3-sankey, topojson-client and
world-atlas into ``node_modules`` beside ``package.json``. The web app serves selected
folders of them under ``/vendor/`` so the dashboard works offline, with nothing from a CDN.
"""

from __future__ import annotations

import os
from pathlib import Path

#: URL name under ``/vendor/`` -> folder inside ``node_modules``.
VENDOR_FOLDERS = {
    "d3": "d3/dist",
    "d3-sankey": "d3-sankey/dist",
    "topojson-client": "topojson-client/dist",
    "world-atlas": "world-atlas",
}
STATIC_DIR = Path(__file__).resolve().parent / "static"


def node_modules_dir() -> Path | None:
    """The ``node_modules`` folder holding d3, or ``None`` when ``npm ci`` has not run.

    Looked up in ``$COSMODROME_ASSETS`` (``node_modules`` itself or a folder holding it),
    then in the folders above this package and above the working directory.
    """
    candidates: list[Path] = []
    configured = os.environ.get("COSMODROME_ASSETS")
    if configured:
        base = Path(configured).expanduser()
        candidates += [base, base / "node_modules"]
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        candidates += [
            start / "node_modules",
            *(parent / "node_modules" for parent in start.parents),
        ]
    for candidate in candidates:
        if (candidate / "d3" / "dist" / "d3.min.js").is_file():
            return candidate
    return None


def vendor_folders() -> dict[str, Path]:
    """The vendored folders that exist, by their URL name."""
    root = node_modules_dir()
    if root is None:
        return {}
    found = {name: root / sub for name, sub in VENDOR_FOLDERS.items()}
    return {name: path for name, path in found.items() if path.is_dir()}
