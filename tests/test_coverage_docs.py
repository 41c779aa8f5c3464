"""The coverage modules' docstring examples run, and docs/COVERAGE.md's CLI flags exist."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

MODULES = [
    "cosmodrome.astro.coverage.analysis",
    "cosmodrome.astro.coverage.countries",
    "cosmodrome.astro.coverage.engine",
    "cosmodrome.astro.coverage.frames",
    "cosmodrome.astro.coverage.regions",
    "cosmodrome.astro.coverage.sources",
    "cosmodrome.astro.coverage.stats",
]
DOC = Path(__file__).resolve().parents[1] / "docs" / "COVERAGE.md"


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_every_documented_flag_exists_and_every_flag_is_documented() -> None:
    from cosmodrome.cli.coverage import coverage

    source = Path(importlib.import_module("cosmodrome.cli.coverage").__file__ or "").read_text()
    flags = set(re.findall(r'typer\.Option\(\s*"(--[a-z-]+)"', source)) | {"--format", "--home"}
    documented = set(re.findall(r"`(--[a-z-]+)", DOC.read_text("utf-8")))
    assert coverage.__doc__
    assert flags - documented == set(), "flags missing from docs/COVERAGE.md"
    assert documented - flags == set(), "docs/COVERAGE.md names flags that do not exist"
