"""docs/VALUE.md is generated from the mirror and reconciles with published totals."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cosmodrome.analytics.value_docs import (
    measured_spread,
    published_totals,
    render,
    yearly_markets,
)
from cosmodrome.catalog.valuation import KIND_SPREAD, PER_YEAR

pytestmark = pytest.mark.integration
DOC = Path(__file__).resolve().parents[1] / "docs/VALUE.md"


def test_value_doc_is_up_to_date(mirror_con: duckdb.DuckDBPyConnection) -> None:
    assert DOC.read_text(encoding="utf-8") == render(mirror_con), (
        "regenerate it: python -m cosmodrome.analytics.value_docs > docs/VALUE.md"
    )


def test_yearly_totals_reconcile_with_the_published_ones(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    markets = yearly_markets(mirror_con)
    checked = 0
    for total in published_totals():
        year = markets[total.year]
        # SIA counts commercial and government customers; the FAA's share only the
        # internationally competed (commercial) launches (docs/VALUE.md).
        kinds = ("commercial",) if "commercial" in total.measure else ("commercial", "government")
        value = sum(year[k][2] for k in kinds)
        low = sum(year[k][3] for k in kinds)
        high = sum(year[k][4] for k in kinds)
        assert low <= total.billion_usd <= high, total
        assert 0.7 < value / total.billion_usd < 1.3, (total, value)
        checked += 1
    assert checked == 4


def test_the_stated_range_covers_the_measured_median(
    mirror_con: duckdb.DuckDBPyConnection,
) -> None:
    buckets = measured_spread(mirror_con)
    assert sum(pairs for _, pairs, *_ in buckets) > 200
    for label, _, _, median, _ in buckets:
        years = int(label.split("-")[0].rstrip("+"))
        assert KIND_SPREAD["list price"] + PER_YEAR * years >= median, label
