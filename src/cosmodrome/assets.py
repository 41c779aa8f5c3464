"""Third-party files the package reads at run time: dashboard libraries and country outlines.

They come from npm packages (d3, d3-sankey, topojson-client, world-atlas), listed with their
licences in ``data/vendor.toml``. An installed wheel carries them in ``cosmodrome/_vendor/``
(``hatch_build.py`` copies them there from ``node_modules`` when the wheel or sdist is
built), so a ``pip install`` needs no Node.js. A clone run from source (``make install``)
reads them from the ``node_modules`` folder beside ``package.json``.

Lookup order, the first holding the file wins:

1. ``$COSMODROME_ASSETS``: a ``node_modules`` folder, or a folder holding one (an override,
   e.g. for other versions of the outlines);
2. the copy bundled in the installed package (``cosmodrome/_vendor/<name>/``);
3. a ``node_modules`` folder above this package or above the working directory.

>>> vendor_file("world-atlas", "countries-50m.json").name
'countries-50m.json'
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cosmodrome.errors import InputError

__all__ = [
    "BUNDLED_DIR",
    "AssetMissingError",
    "VendorPackage",
    "vendor_dir",
    "vendor_file",
    "vendor_manifest",
]

#: Where a built wheel keeps its copies (absent in a source checkout).
BUNDLED_DIR = Path(__file__).resolve().parent / "_vendor"
_MANIFEST = Path(__file__).resolve().parent / "data" / "vendor.toml"


class AssetMissingError(InputError):
    """A bundled third-party file is in neither the package nor any ``node_modules``."""


@dataclass(frozen=True)
class VendorPackage:
    """One npm package whose files the package ships (an entry of ``data/vendor.toml``)."""

    name: str
    package: str
    folder: str
    files: tuple[str, ...]
    licenses: tuple[str, ...]
    license: str

    def node_modules_folder(self, node_modules: Path) -> Path:
        """The folder of served files inside ``node_modules`` (e.g. ``d3/dist``)."""
        return (node_modules / self.package / self.folder).resolve()


@cache
def vendor_manifest() -> dict[str, VendorPackage]:
    """The vendored npm packages by their URL name under ``/vendor/``."""
    entries = tomllib.loads(_MANIFEST.read_text("utf-8"))
    return {
        name: VendorPackage(
            name=name,
            package=entry["package"],
            folder=entry["folder"],
            files=tuple(entry["files"]),
            licenses=tuple(entry["licenses"]),
            license=entry["license"],
        )
        for name, entry in entries.items()
    }


def vendor_dir(name: str) -> Path | None:
    """The folder holding the files of vendored package ``name``, or ``None`` if none does.

    A folder counts only when it holds every file the manifest lists for ``name``, so a
    half-installed ``node_modules`` never hides the bundled copy.
    """
    entry = _entry(name)
    for folder in _candidate_dirs(entry):
        if all((folder / file).is_file() for file in entry.files):
            return folder
    return None


def vendor_file(name: str, file: str) -> Path:
    """The path of ``file`` of vendored package ``name``; raises :class:`AssetMissingError`."""
    entry = _entry(name)
    if file not in entry.files:
        raise InputError(f"{file!r} is not a vendored file of {name} (known: {entry.files})")
    folder = vendor_dir(name)
    if folder is None:
        raise AssetMissingError(
            f"{name}/{file} not found: the installed package has no bundled copy and no "
            f"node_modules holds the npm package {entry.package}. Reinstall cosmodrome from "
            "a wheel or sdist; in a clone run `make install`; or set COSMODROME_ASSETS to a "
            "folder holding node_modules"
        )
    return folder / file


def _entry(name: str) -> VendorPackage:
    manifest = vendor_manifest()
    if name not in manifest:
        raise InputError(f"{name!r} is not a vendored package (known: {', '.join(manifest)})")
    return manifest[name]


def _candidate_dirs(entry: VendorPackage) -> list[Path]:
    candidates: list[Path] = []
    configured = os.environ.get("COSMODROME_ASSETS")
    if configured:
        base = Path(configured).expanduser()
        candidates += [
            entry.node_modules_folder(base),
            entry.node_modules_folder(base / "node_modules"),
        ]
    candidates.append(_bundled_dir() / entry.name)
    for start in _search_starts():
        for parent in (start, *start.parents):
            candidates.append(entry.node_modules_folder(parent / "node_modules"))
    return candidates


def _bundled_dir() -> Path:
    return BUNDLED_DIR


def _search_starts() -> list[Path]:
    return [Path(__file__).resolve().parent, Path.cwd().resolve()]
