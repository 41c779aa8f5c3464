"""Layers only point down: sources -> catalog -> analyses/astro -> interfaces (CLI, web).

An import-linter-style contract checked with ``ast``: lower layers never import higher ones,
and the numeric core imports no database, web or CLI code.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "cosmodrome"
INTERFACES = ("cosmodrome.cli", "cosmodrome.web")
FORBIDDEN_BELOW = {
    "sources": (
        "cosmodrome.catalog",
        "cosmodrome.analytics",
        "cosmodrome.capability",
        "cosmodrome.astro",
        *INTERFACES,
    ),
    "catalog": ("cosmodrome.analytics", "cosmodrome.capability", "cosmodrome.astro", *INTERFACES),
    "analytics": INTERFACES,
    "capability": INTERFACES,
    "astro": INTERFACES,
}
NUMERIC_CORE = (
    "capability/geometry.py",
    "capability/vehicles.py",
    "astro/elements.py",
    "astro/frames.py",
    "astro/windows.py",
    "astro/passes.py",
    "astro/where.py",
    "astro/coverage/engine.py",
)
NUMERIC_FORBIDDEN = ("duckdb", "fastapi", "typer", "cosmodrome.catalog", *INTERFACES)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def violations(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(name for name in imports_of(path) if name.startswith(forbidden))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN_BELOW))
def test_layers_point_down(layer: str) -> None:
    found = {
        str(path.relative_to(PACKAGE)): bad
        for path in (PACKAGE / layer).rglob("*.py")
        if (bad := violations(path, FORBIDDEN_BELOW[layer]))
    }
    assert found == {}


@pytest.mark.parametrize("relative", NUMERIC_CORE)
def test_numeric_core_is_free_of_database_web_and_cli(relative: str) -> None:
    path = PACKAGE / relative
    if not path.is_file():
        pytest.skip(f"{relative} not present")
    assert violations(path, NUMERIC_FORBIDDEN) == []


def test_the_facade_offers_every_analysis_without_loading_pandas_at_import() -> None:
    # A fresh interpreter: this test process has long imported pandas.
    probe = (
        "import sys, cosmodrome.api as api\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'skyfield') "
        "if m in sys.modules)\n"
        "assert not heavy, heavy\n"
        "import cosmodrome.analytics as analytics\n"
        "missing = [n for n in analytics.__all__ if getattr(api, n) is not "
        "getattr(analytics, n)]\n"
        "assert not missing, missing\n"
        "assert api.save_chart is analytics.save\n"
        "unresolved = [n for n in api.__all__ if not hasattr(api, n)]\n"
        "assert not unresolved, unresolved\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
