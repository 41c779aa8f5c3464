"""Run every benchmark: ``python -m benchmarks`` (or ``make bench``)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    wanted = set(sys.argv[1:])
    folder = Path(__file__).parent
    for module in sorted(
        m.name for m in pkgutil.iter_modules([str(folder)]) if m.name.startswith("bench_")
    ):
        if wanted and module.removeprefix("bench_") not in wanted:
            continue
        print(f"=== {module}")
        importlib.import_module(f"benchmarks.{module}").main()


if __name__ == "__main__":
    main()
