"""The built wheel and sdist carry every file the package reads at run time.

``python -m build`` makes the sdist, then the wheel from the sdist (as pip does), so a file
missing from either fails here. The wheel is then installed into a fresh virtual environment
in a temporary folder with no ``node_modules`` and no source tree, where the README's first
audience starts: ``cosmodrome update``, a coverage over a country, and ``cosmodrome serve``.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tarfile
import time
import venv
import zipfile
from pathlib import Path

import httpx
import pytest

from cosmodrome.assets import vendor_file, vendor_manifest
from cosmodrome.astro.coverage.regions import country_region
from cosmodrome.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
# One worker builds and installs the wheel once (make test runs with --dist loadgroup).
pytestmark = pytest.mark.xdist_group("wheel")
STATIC = ROOT / "src" / "cosmodrome" / "web" / "static"
VENDOR_URL = re.compile(r"/vendor/([\w.-]+)/([\w.-]+)")


def vendored_paths() -> set[str]:
    """``name/file`` of every file and licence the manifest promises to ship."""
    return {
        f"{entry.name}/{Path(file).name}"
        for entry in vendor_manifest().values()
        for file in (*entry.files, *entry.licenses)
    }


def test_every_vendor_url_of_the_dashboard_is_shipped() -> None:
    referenced = {
        f"{name}/{file}"
        for path in STATIC.rglob("*")
        if path.suffix in {".html", ".js"}
        for name, file in VENDOR_URL.findall(path.read_text("utf-8"))
    }
    assert referenced, "the dashboard names no /vendor/ file; has the URL scheme changed?"
    assert referenced <= vendored_paths()


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / "node_modules" / "d3").is_dir():
        pytest.skip("node_modules missing: run `make install` (npm ci) before building")
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
    )
    return out


@pytest.mark.slow
def test_wheel_and_sdist_carry_the_vendored_files_and_licences(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
    with tarfile.open(sdist) as archive:
        in_sdist = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    expected = vendored_paths()
    assert {f"cosmodrome/_vendor/{p}" for p in expected} <= in_wheel
    assert {f"src/cosmodrome/_vendor/{p}" for p in expected} <= in_sdist
    assert {"cosmodrome/data/vendor.toml", "cosmodrome/web/static/index.html"} <= in_wheel
    assert "hatch_build.py" in in_sdist
    assert not any("node_modules" in name for name in in_wheel | in_sdist)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the wheel (and its dependencies, from the constraints) in it."""
    folder = tmp_path_factory.mktemp("installed")
    assert ROOT not in folder.parents
    venv.create(folder / "venv", with_pip=True)
    python = folder / "venv" / "bin" / "python"
    (wheel,) = dist.glob("*.whl")
    subprocess.run(
        [python, "-m", "pip", "install", "-q", "-c", ROOT / "constraints.txt", wheel],
        check=True,
        capture_output=True,
        text=True,
    )
    return folder


def bare_environment(folder: Path) -> dict[str, str]:
    """The user's environment: no override of the assets, a home of its own, no source tree."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COSMODROME_", "PYTHON"))}
    env["COSMODROME_HOME"] = str(folder / "home")
    env["COLUMNS"] = "100"
    return env


def readme_pip_commands() -> list[list[str]]:
    """The commands of the README's pip quick start, split at ``&&``, comments dropped."""
    text = (ROOT / "README.md").read_text("utf-8")
    (block,) = [b for b in re.findall(r"```console\n(.*?)```", text, re.DOTALL) if "pip" in b]
    commands = []
    for line in block.splitlines():
        for part in " ".join(shlex.split(line, comments=True)).split("&&"):
            if part.strip():
                commands.append(part.split())
    return commands


def test_readme_pip_quick_start_installs_the_wheel_then_updates_and_serves() -> None:
    commands = readme_pip_commands()
    assert commands[0][:4] == ["python", "-m", "pip", "install"]
    assert commands[0][4].endswith(".whl")
    assert commands[1:] == [["cosmodrome", "update"], ["cosmodrome", "serve"]]


@pytest.mark.slow
@pytest.mark.integration
def test_installed_wheel_updates_computes_coverage_and_serves(
    installed: Path, shared_data: Path
) -> None:
    """The README's pip quick start, run where a Python user runs it (a mirror for GCAT)."""
    command = installed / "venv" / "bin" / "cosmodrome"
    env = bare_environment(installed) | {"COSMODROME_SOURCE": str(shared_data)}

    def cosmodrome(*args: str) -> str:
        result = subprocess.run(
            [command, *args], cwd=installed, env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, (args, result.stderr)
        return result.stdout

    site_packages = next((installed / "venv" / "lib").glob("python*/site-packages"))
    assert (site_packages / "cosmodrome" / "_vendor" / "d3" / "d3.min.js").is_file()
    assert not any(parent.joinpath("node_modules").exists() for parent in site_packages.parents)

    assert ["cosmodrome", "update"] in readme_pip_commands()
    cosmodrome("update")  # exactly the README's command; COSMODROME_SOURCE names the mirror
    cosmodrome("elements", "update", "stations")
    window = ["--start", "2025-05-24T13:00Z", "--hours", "1", "--step", "60"]
    region = ["--group", "ISS", "--region", "KZ", "--mask", "10", *window]
    coverage = json.loads(cosmodrome("coverage", *region, "--format", "json"))
    # the bundled outlines are node_modules' own: the same cells as the source tree's region
    assert coverage["region"] == "Kazakhstan (KZ)" and coverage["epochs"] == 60
    assert coverage["summary"]["cells"] == len(country_region("KZ").grid(0.5))
    assert coverage["satellites"] == 2  # ISS (ZARYA) and ISS (NAUKA) of the stations group
    assert coverage["summary"]["frac_ge1"] > 0  # the ISS crosses Kazakhstan in this hour

    port = free_port()
    log = installed / "serve.log"
    with log.open("w") as errors:
        server = subprocess.Popen(
            [command, "serve", "--port", str(port)],  # the README's, on a free port
            cwd=installed,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_serving(base, server, log)
            check_served_pages(base)
        finally:
            server.terminate()
            server.wait(timeout=30)


def check_served_pages(base: str) -> None:
    """The dashboard, one vendored library and one API listing answer 200."""
    with httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/")
        assert page.status_code == 200 and "/vendor/d3/d3.min.js" in page.text
        script = client.get("/vendor/d3/d3.min.js")
        assert script.status_code == 200 and script.text.startswith("// https://d3js.org")
        assert client.get("/vendor/world-atlas/countries-110m.json").status_code == 200
        launches = client.get("/api/launches", params={"site": "Baikonur", "limit": 5})
        assert launches.status_code == 200 and len(launches.json()["data"]) == 5


def wait_until_serving(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``/api/health`` until the server answers (it loads the catalog first)."""
    for _ in range(300):
        if server.poll() is not None:
            raise AssertionError(f"cosmodrome serve exited: {log.read_text()}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError(f"cosmodrome serve did not answer within a minute: {log.read_text()}")


def test_cosmodrome_assets_overrides_the_bundled_and_cloned_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "node_modules" / "world-atlas"
    folder.mkdir(parents=True)
    for name in vendor_manifest()["world-atlas"].files:
        (folder / name).write_text('{"type": "Topology"}')
    monkeypatch.setenv("COSMODROME_ASSETS", str(tmp_path))  # a folder holding node_modules
    assert vendor_file("world-atlas", "countries-50m.json") == folder / "countries-50m.json"
    monkeypatch.setenv("COSMODROME_ASSETS", str(tmp_path / "node_modules"))  # or node_modules
    assert vendor_file("world-atlas", "countries-50m.json") == folder / "countries-50m.json"
    monkeypatch.delenv("COSMODROME_ASSETS")
    assert vendor_file("world-atlas", "countries-50m.json") != folder / "countries-50m.json"
    with pytest.raises(InputError, match="not a vendored file"):
        vendor_file("world-atlas", "land-10m.json")


@pytest.mark.slow
def test_building_without_node_modules_says_to_run_npm_ci(tmp_path: Path) -> None:
    clone = tmp_path / "clone"  # the project's own files, without node_modules
    clone.mkdir()
    for name in ("pyproject.toml", "hatch_build.py", "README.md"):
        (clone / name).write_bytes((ROOT / name).read_bytes())
    sources = [p for p in (ROOT / "src").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in sources:
        target = clone / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    build = subprocess.run(
        [sys.executable, "-m", "build", "--sdist", "--outdir", str(tmp_path / "out"), str(clone)],
        capture_output=True,
        text=True,
    )
    assert build.returncode != 0
    assert "node_modules/d3/dist/d3.min.js" in build.stdout + build.stderr
    assert "Run `npm ci` (or `make install`)" in build.stdout + build.stderr
