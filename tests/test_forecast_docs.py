"""docs/FORECASTS.md is what ``python -m cosmodrome.forecast.report`` writes from the mirror:
the scores it quotes are the code's, and they pass the issue's thresholds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cosmodrome import api
from cosmodrome.forecast.report import render

DOC = Path(__file__).resolve().parents[1] / "docs" / "FORECASTS.md"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def rendered(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    from cosmodrome.catalog.build import build_catalog

    home = tmp_path_factory.mktemp("forecast-docs-home")
    build_catalog(str(shared_data), home)
    api.update_schedule(str(shared_data), home)
    with api.catalog(home) as con:
        return render(con, home)


def test_the_document_is_generated(rendered: str) -> None:
    assert DOC.read_text(encoding="utf-8") == rendered, (
        "docs/FORECASTS.md is stale: regenerate it with "
        "`python -m cosmodrome.forecast.report HOME > docs/FORECASTS.md`"
    )


def test_launch_probability_beats_both_naive_rules(rendered: str) -> None:
    found = dict(re.findall(r"^\| ([a-z ()-]+) \| \**([0-9.]+)\** \|$", rendered, re.MULTILINE))
    model = float(found["the model (cross-fitted)"])
    assert model < float(found["flies on its target date"])
    assert model < float(found["constant rate"])


def test_cadence_coverage_in_range(rendered: str) -> None:
    rows = re.findall(
        r"^\| (provider-state|provider|site|family) \| \d+ \| ([0-9.]+) % \| ([0-9.]+) % \|",
        rendered,
        re.MULTILINE,
    )
    assert len(rows) == 4
    for _, c80, c95 in rows:
        assert 70 <= float(c80) <= 90
        assert 88 <= float(c95) <= 99
