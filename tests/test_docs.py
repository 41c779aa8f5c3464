"""Docs that run: the README's examples execute, and the CLI reference matches the code."""

from __future__ import annotations

import doctest
import io
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from cosmodrome.cli.reference import reference
from tests.conftest import CliRunner

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def code_blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def readme_commands() -> list[list[str]]:
    """``cosmodrome ...`` lines of the README's shell blocks, without their comments."""
    commands = []
    for block in code_blocks(README, "sh"):
        for line in block.splitlines():
            if line.startswith("cosmodrome "):
                commands.append(shlex.split(line, comments=True)[1:])
    return commands


def test_cli_reference_is_up_to_date() -> None:
    documented = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    assert documented == reference(), (
        "docs/CLI.md is out of date: run `python -m cosmodrome.cli.reference > docs/CLI.md`"
    )


@pytest.mark.integration
def test_readme_examples_run(
    shared_data: Path, tmp_path: Path, cosmodrome: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    commands = readme_commands()
    assert any(args[:1] == ["launches"] for args in commands)
    for args in commands:
        if args[0] == "update" and "--source" not in args:
            continue  # downloads from the network; the same command with --source runs below
        args = [
            a.replace("../shared/data", str(shared_data)).replace("DIR", str(tmp_path / "out"))
            for a in args
        ]
        result = cosmodrome(home, *args)
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout.strip() or args[0] in {"update", "elements", "report"}, args
    monkeypatch.setenv("COSMODROME_HOME", str(home))
    for block in code_blocks(README, "python"):
        namespace: dict[str, object] = {}
        exec(block, namespace)
        assert namespace, block
    sessions = code_blocks(README, "pycon")
    assert sessions, "the README's Python quick start (a ```pycon block) is missing"
    for number, block in enumerate(sessions, start=1):
        check_session(block, f"README.md pycon block {number}")


def check_session(block: str, name: str) -> None:
    """Run a notebook-style ``>>>`` session; every output it shows must be the one printed."""
    parser = doctest.DocTestParser()
    test = parser.get_doctest(block, {}, name, "README.md", 0)
    assert test.examples, name
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    output = io.StringIO()
    runner.run(test, out=output.write)
    assert runner.failures == 0, output.getvalue()


@pytest.mark.slow
@pytest.mark.integration
def test_make_run_builds_the_catalog_and_serves_the_dashboard(
    shared_data: Path, tmp_path: Path
) -> None:
    """The README's clone quick start: ``make run`` (offline here: it falls back to the mirror)."""
    if not (ROOT / ".venv" / "bin" / ".installed").is_file():
        pytest.skip("run `make install` first")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COSMODROME_")}
    env |= {"COSMODROME_HOME": str(tmp_path / "home"), "COSMODROME_SOURCE": ""}
    log = tmp_path / "make-run.log"
    with log.open("w") as out:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}", f"MIRROR={shared_data}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, cosmodrome and the server
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(900):
                if make.poll() is not None:
                    raise AssertionError(f"make run stopped:\n{log.read_text()}")
                try:
                    if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                raise AssertionError(
                    f"make run did not serve within three minutes:\n{log.read_text()}"
                )
            assert httpx.get(base + "/", timeout=30).status_code == 200
            launches = httpx.get(base + "/api/launches?site=Baikonur&limit=1", timeout=30)
            assert launches.status_code == 200 and launches.json()["total"] > 1000
        finally:
            os.killpg(make.pid, signal.SIGTERM)
            make.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
