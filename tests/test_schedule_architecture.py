"""The schedule package sits beside the analyses: it may read the catalog, never the
interfaces; and its docstring examples run."""

from __future__ import annotations

import doctest
import importlib

import pytest

from tests.test_architecture import INTERFACES, PACKAGE, violations


def test_schedule_imports_no_interface() -> None:
    found = {
        str(path.relative_to(PACKAGE)): bad
        for path in (PACKAGE / "schedule").rglob("*.py")
        if (bad := violations(path, INTERFACES))
    }
    assert found == {}


@pytest.mark.parametrize("module", ["precision", "readers", "matching", "ll2"])
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(f"cosmodrome.schedule.{module}"))
    assert result.attempted > 0 and result.failed == 0
