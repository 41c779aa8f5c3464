"""Docs that run: the README's examples execute, and the CLI reference matches the code."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

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
