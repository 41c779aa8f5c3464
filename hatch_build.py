"""Hatch build hook: put the third-party run-time files into the wheel and the sdist.

The dashboard's JavaScript libraries and the Natural Earth country outlines come from npm
packages (``src/cosmodrome/data/vendor.toml`` lists the files and their licences). This hook
copies them from ``node_modules`` (``npm ci``, run by ``make install``) into
``cosmodrome/_vendor/<name>/`` of the wheel and ``src/cosmodrome/_vendor/<name>/`` of the
sdist, so an installed package needs no Node.js. A wheel built from the sdist finds them
already in place. Editable installs read ``node_modules`` directly and get nothing copied.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MANIFEST = Path("src") / "cosmodrome" / "data" / "vendor.toml"
BUNDLED = Path("src") / "cosmodrome" / "_vendor"


class VendorAssetsHook(BuildHookInterface):  # type: ignore[misc, type-arg, unused-ignore]
    """Force-include every file of the vendor manifest, with its licence files."""

    PLUGIN_NAME = "vendor-assets"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name == "wheel" and version == "editable":
            return
        root = Path(self.root)
        prefix = "cosmodrome/_vendor" if self.target_name == "wheel" else "src/cosmodrome/_vendor"
        missing: list[str] = []
        for name, source, bundled in _vendor_files(root):
            if source.is_file():
                build_data["force_include"][str(source)] = f"{prefix}/{name}/{source.name}"
            elif not bundled.is_file():  # a build from the sdist already holds its copy
                missing.append(str(source.relative_to(root)))
        if missing:
            raise RuntimeError(
                "cannot build cosmodrome: these run-time files are missing: "
                + ", ".join(missing)
                + ". Run `npm ci` (or `make install`) in the project folder first."
            )


def _vendor_files(root: Path) -> list[tuple[str, Path, Path]]:
    """``(name, file in node_modules, bundled copy)`` for every file of the manifest."""
    manifest = tomllib.loads((root / MANIFEST).read_text("utf-8"))
    found = []
    for name, entry in manifest.items():
        package = root / "node_modules" / entry["package"]
        sources = [package / entry["folder"] / file for file in entry["files"]]
        sources += [package / file for file in entry["licenses"]]
        for source in sources:
            found.append((name, source.resolve(), root / BUNDLED / name / source.name))
    return found
