"""Layers only point down: sources -> catalog -> analyses/astro -> interfaces (CLI, web).

An import-linter-style contract checked with ``ast``: lower layers never import higher ones,
and the numeric core imports no database, web or CLI code.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

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
        "missing = [n for n in analytics.__all__ if n != 'save' and getattr(api, n) is not "
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


#: What cli/ and web/ may import of the project besides their own package: the façade, and
#: the helpers every interface shares (errors and the closest names they suggest, JSON
#: tables, display precision, times), the home folder's settings and the bundled files'
#: location.
FACADE_AND_HELPERS = (
    "cosmodrome.api",
    "cosmodrome.errors",
    "cosmodrome.naming",
    "cosmodrome.tables",
    "cosmodrome.display",
    "cosmodrome.timeutil",
    "cosmodrome.config",
    "cosmodrome.assets",
)
#: ``from cosmodrome import NAME``: the names an interface may take from the package itself.
PACKAGE_NAMES = {"api", "config", "__version__"}


def project_imports(path: Path) -> list[tuple[str, str | None]]:
    """Every ``cosmodrome`` import of a file, type-checking ones included: (module, name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, str | None]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names if a.name.startswith("cosmodrome")]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cosmodrome"):
            found += [(node.module or "", a.name) for a in node.names]
    return found


def below_the_facade(path: Path, own: str) -> list[str]:
    allowed = (*FACADE_AND_HELPERS, own)
    bad = []
    for module, name in project_imports(path):
        if module == "cosmodrome":
            if name not in PACKAGE_NAMES:
                bad.append(f"cosmodrome.{name}")
        elif module != allowed_module(module, allowed):
            bad.append(module)
    return sorted(bad)


def allowed_module(module: str, allowed: tuple[str, ...]) -> str | None:
    return module if any(module == a or module.startswith(a + ".") for a in allowed) else None


@pytest.mark.parametrize("interface", ["cli", "web"])
def test_interfaces_import_nothing_below_the_facade(interface: str) -> None:
    # The one door: cli/ and web/ turn input into api request types and format answers.
    # `cosmodrome web` (cli/web.py) starts the web app, the one crossing between interfaces.
    own = f"cosmodrome.{interface}"
    found = {
        str(path.relative_to(PACKAGE)): bad
        for path in sorted((PACKAGE / interface).rglob("*.py"))
        if (bad := [m for m in below_the_facade(path, own) if m != "cosmodrome.web.app"])
    }
    assert found == {}


def test_the_rule_catches_an_import_below_the_facade(tmp_path: Path) -> None:
    module = tmp_path / "route.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from cosmodrome import api, spaceports\n"
        "from cosmodrome.errors import InputError\n"
        "if TYPE_CHECKING:\n"
        "    from cosmodrome.astro.store import ElementStore\n"
        "def f():\n"
        "    import cosmodrome.catalog.db\n"
    )
    assert below_the_facade(module, "cosmodrome.web") == [
        "cosmodrome.astro.store",
        "cosmodrome.catalog.db",
        "cosmodrome.spaceports",
    ]


def test_route_modules_are_imported_plainly() -> None:
    # A route whose import fails must fail the server and its tests, not vanish from them.
    tree = ast.parse((PACKAGE / "web" / "app.py").read_text(encoding="utf-8"))
    handlers = [
        ast.unparse(node.type)
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and node.type is not None
    ]
    assert not [h for h in handlers if "ImportError" in h or "ModuleNotFoundError" in h]
    routes = {p.stem for p in (PACKAGE / "web" / "routes").glob("*.py") if p.stem != "__init__"}
    imported = {
        name
        for module, name in project_imports(PACKAGE / "web" / "app.py")
        if module == "cosmodrome.web.routes"
    }
    assert routes - {"elements"} <= imported  # elements.py holds helpers, no router


def _type_checking_imports() -> dict[str, tuple[str, str | None]]:
    """The names api.py imports for mypy only: façade name -> (module, attribute)."""
    tree = ast.parse((PACKAGE / "api.py").read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    names: dict[str, tuple[str, str | None]] = {}
    for node in block.body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cosmodrome"):
            for alias in node.names:
                module = node.module or ""
                value = getattr(importlib.import_module(module), alias.name, None)
                if value is None or isinstance(value, ModuleType):  # a submodule
                    names[alias.asname or alias.name] = (f"{module}.{alias.name}", None)
                else:
                    names[alias.asname or alias.name] = (module, alias.name)
    return names


def test_the_facade_lists_its_names_once() -> None:
    from cosmodrome import api

    # mypy's view of the lazy names is the lazy table and the analytics package's list.
    analytics = {name: ("cosmodrome.analytics", name) for name in api._analytics_names()}
    assert _type_checking_imports() == {**api._LAZY, **analytics}
    # Every name offered is the project's own: no stray helper imported into the façade.
    for name in api.__all__:
        value = getattr(api, name)
        origin = getattr(value, "__module__", None) or getattr(value, "__name__", "cosmodrome")
        assert str(origin).startswith("cosmodrome"), name
