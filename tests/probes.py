"""What a fresh ``cosmodrome`` process imports: the start-up cost a user pays for a command.

The test process itself has long imported pandas and the rest, so each probe runs the CLI in
a new interpreter and reports which of the named modules it loaded by the time it ended.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

_PROBE = """
import sys
from cosmodrome.cli.main import main
modules = sys.argv[1].split(",")
sys.argv = ["cosmodrome", *sys.argv[2:]]
try:
    main()
except SystemExit as stop:
    assert not stop.code, f"exit status {stop.code}"
print("LOADED:" + ",".join(m for m in modules if m in sys.modules), file=sys.stderr)
"""


def modules_loaded_by(
    args: Iterable[str], modules: Iterable[str], home: Path | None = None
) -> set[str]:
    """Which of ``modules`` a fresh ``cosmodrome ARGS`` process has imported when it ends
    (with ``COSMODROME_HOME=home`` when given); the command must succeed."""
    env = {**os.environ, "COLUMNS": "100"}
    if home is not None:
        env["COSMODROME_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, ",".join(modules), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    line = next(x for x in reversed(done.stderr.splitlines()) if x.startswith("LOADED:"))
    return set(filter(None, line.removeprefix("LOADED:").split(",")))
