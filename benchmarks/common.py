"""Timing helpers shared by the benchmarks: best-of-N and median wall time, CPU time per call,
and a printed table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def best_of(
    repeat: int, work: Callable[[], object], clock: Callable[[], float] = time.perf_counter
) -> float:
    """Fastest of ``repeat`` runs in seconds of ``clock`` (the least disturbed by a noisy
    machine): wall seconds, or with ``time.process_time`` CPU seconds of every thread."""
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        work()
        best = min(best, clock() - start)
    return best


def median_wall(work: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of ``repeat`` calls after one warm-up call, in seconds."""
    work()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cpu_per_call(work: Callable[[], object], repeat: int = 20) -> float:
    """CPU seconds (every thread of this process) per call, after one warm-up call: on a
    shared machine steadier than wall time, which waits for the other processes."""
    work()
    start = time.process_time()
    for _ in range(repeat):
        work()
    return (time.process_time() - start) / repeat


def report(title: str, rows: list[tuple[str, float, float | None]]) -> None:
    """Print name, seconds and ratio to the baseline (``None`` marks the baseline itself)."""
    print(f"\n{title}")
    print(f"  {'measurement':<48} {'seconds':>10} {'vs baseline':>12}")
    for name, seconds, ratio in rows:
        ratio_text = "baseline" if ratio is None else f"{ratio:.2f}x"
        print(f"  {name:<48} {seconds:>10.4f} {ratio_text:>12}")
