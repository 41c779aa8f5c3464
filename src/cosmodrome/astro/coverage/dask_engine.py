"""The coverage computation on Dask distributed: time chunks, split by satellites if few.

Each task counts, for one time chunk and one block of satellites, how many of them each cell
sees (:meth:`CoverageProblem.count_chunk`); workers share no state. A long window is
partitioned by time alone (a world job at 24 h has dozens of chunks); a window of fewer
chunks than twice the workers' threads also splits the satellites into one block per thread.
Counts of the blocks of a chunk add up exactly (integers), and the chunks are folded into
the statistics in time order, so the result is identical to the NumPy engine's. The problem
(a few MB of arrays and element values, no ``Satrec`` objects, which do not pickle) is
scattered once to every worker.

With ``scheduler=None`` a :class:`~dask.distributed.LocalCluster` of worker processes is
started for the call and closed after it; pass ``tcp://host:8786`` to use a running cluster
(its workers need Cosmodrome installed).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import numpy as np

from cosmodrome.astro.coverage.engine import ChunkCounts, CountSink, CoverageProblem
from cosmodrome.errors import InputError


def _count(problem: CoverageProblem, first: int, end: int, sats: np.ndarray) -> ChunkCounts:
    return problem.count_chunk(first, end, sats)


def run_dask(
    problem: CoverageProblem,
    sink: CountSink,
    *,
    scheduler: str | None = None,
    n_workers: int = 2,
    progress: Callable[[int], None] | None = None,
) -> ChunkCounts:
    """Run ``problem`` on Dask and feed ``sink`` chunk by chunk; returns failures and work done.

    The returned :class:`ChunkCounts` holds no counts, only the failures and the number of
    latitude rows solved, merged over all tasks.
    """
    distributed: Any = importlib.import_module("dask.distributed")  # untyped library
    Client, LocalCluster, as_completed = (
        distributed.Client,
        distributed.LocalCluster,
        distributed.as_completed,
    )

    cluster: Any = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,
        )
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout=30)
        except OSError as error:
            raise InputError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    summary = ChunkCounts(0, np.zeros((0, 0), dtype=np.uint16))
    try:
        shared = client.scatter(problem, broadcast=True)
        chunks = problem.chunks()
        threads = max(1, sum(client.nthreads().values()))
        sat_blocks = 1 if len(chunks) >= 2 * threads else threads
        everyone = np.arange(len(problem.elements))
        blocks = [b for b in np.array_split(everyone, sat_blocks) if b.size]
        futures = {}
        for index, (first, end) in enumerate(chunks):
            for block in blocks:
                future = client.submit(_count, shared, first, end, block, pure=False)
                futures[future] = index
        partial: dict[int, ChunkCounts] = {}
        remaining = {index: len(blocks) for index in range(len(chunks))}
        next_index = 0
        for future in as_completed(futures):
            index = futures[future]
            part: ChunkCounts = future.result()
            if index in partial:
                partial[index].add(part)
            else:
                partial[index] = part
            remaining[index] -= 1
            del future
            while next_index < len(chunks) and remaining[next_index] == 0:
                done = partial.pop(next_index)
                sink.add(done.counts)
                for sat, code in done.failures.items():
                    summary.failures.setdefault(sat, code)
                summary.evaluated_rows += done.evaluated_rows
                summary.propagated += done.propagated
                if progress is not None:
                    progress(chunks[next_index][1] - chunks[next_index][0])
                next_index += 1
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return summary
