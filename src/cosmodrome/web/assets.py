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


def vendor_files() -> dict[tuple[str, str], Path]:
    """Every file the vendor manifest lists that was found, by its URL name and file name:
    the ``/vendor/`` route serves these and nothing else of a package's folder."""
    found: dict[tuple[str, str], Path] = {}
    for name, entry in vendor_manifest().items():
        folder = vendor_dir(name)
        if folder is not None:
            found.update({(name, file): folder / file for file in entry.files})
    return found
