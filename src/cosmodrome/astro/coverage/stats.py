"""Per-cell coverage statistics, accumulated chunk by chunk over time.

For each cell the accumulator keeps, over all epochs: the mean, minimum and maximum number of
satellites above the mask, the fraction of epochs with at least 1 and with at least
``min_sats`` in view, the number of **outages** and the **longest outage**.

An outage is a maximal run of consecutive epochs with fewer than ``min_sats`` satellites in
view (with the default ``min_sats=1``: none). Each epoch stands for one step, so an outage of
``k`` epochs lasts ``k * step_s`` seconds; a run touching the start or the end of the window is
counted (it is cut by the window, so its true length may be longer).

>>> acc = StatsAccumulator(n_cells=1, min_sats=1)
>>> acc.add(np.array([[2, 0, 0, 1]], dtype=np.uint16))
>>> acc.add(np.array([[0, 3]], dtype=np.uint16))
>>> int(acc.outages[0]), int(acc.longest_run[0]), float(acc.frac_at_least_1()[0])
(2, 2, 0.5)
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class StatsAccumulator:
    """Streaming statistics of visible-satellite counts ``(cells, epochs)``, chunk after chunk."""

    def __init__(self, n_cells: int, min_sats: int = 1) -> None:
        if min_sats < 1:
            raise ValueError("min_sats must be at least 1")
        self.min_sats = int(min_sats)
        self.epochs = 0
        self.total = np.zeros(n_cells, dtype=np.int64)
        self.minimum = np.full(n_cells, np.iinfo(np.int64).max, dtype=np.int64)
        self.maximum = np.zeros(n_cells, dtype=np.int64)
        self.at_least_1 = np.zeros(n_cells, dtype=np.int64)
        self.at_least_n = np.zeros(n_cells, dtype=np.int64)
        self.outages = np.zeros(n_cells, dtype=np.int64)
        self.longest_run = np.zeros(n_cells, dtype=np.int64)
        self._run = np.zeros(n_cells, dtype=np.int64)  # length of the outage still open
        self._in_outage = np.zeros(n_cells, dtype=bool)

    def add(self, counts: npt.NDArray[np.integer]) -> None:
        """Fold in the counts of the next epochs (a ``(cells, k)`` integer array)."""
        counts = np.asarray(counts)
        n_t = counts.shape[1]
        if n_t == 0:
            return
        self.epochs += n_t
        self.total += counts.sum(axis=1, dtype=np.int64)
        self.minimum = np.minimum(self.minimum, counts.min(axis=1))
        self.maximum = np.maximum(self.maximum, counts.max(axis=1))
        self.at_least_1 += (counts >= 1).sum(axis=1)
        self.at_least_n += (counts >= self.min_sats).sum(axis=1)
        down = counts < self.min_sats
        previous = np.concatenate([self._in_outage[:, None], down[:, :-1]], axis=1)
        self.outages += (down & ~previous).sum(axis=1)
        index = np.arange(n_t)
        last_up = np.maximum.accumulate(np.where(down, -1, index), axis=1)
        run = index[None, :] - last_up
        run += np.where(last_up < 0, self._run[:, None], 0)
        self.longest_run = np.maximum(self.longest_run, run.max(axis=1))
        self._run = run[:, -1].astype(np.int64)
        self._in_outage = down[:, -1].copy()

    def mean(self) -> FloatArray:
        return self.total / max(self.epochs, 1)

    def frac_at_least_1(self) -> FloatArray:
        return self.at_least_1 / max(self.epochs, 1)

    def frac_at_least_n(self) -> FloatArray:
        return self.at_least_n / max(self.epochs, 1)
