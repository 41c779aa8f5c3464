"""Where the dashboard's front-end libraries are, for serving under ``/vendor/``.

d3, d3-sankey, topojson-client and the world-atlas outlines are found by
:mod:`cosmodrome.assets`: the copy bundled in an installed wheel, or ``node_modules`` in a
clone (``make install``), or ``$COSMODROME_ASSETS``. The dashboard works offline, with
nothing from a CDN.
"""

from __future__ import annotations

from pathlib import Path

from cosmodrome.assets import vendor_dir, vendor_manifest

STATIC_DIR = Path(__file__).resolve().parent / "static"


def vendor_folders() -> dict[str, Path]:
    """The folders of the vendored packages that were found, by their URL name."""
    found = {name: vendor_dir(name) for name in vendor_manifest()}
    return {name: folder for name, folder in found.items() if folder is not None}
