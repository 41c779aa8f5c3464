"""The schedule in the dashboard, in a real browser: the site page's "upcoming" panel and
the slips chart (Debian's Chromium driven by Playwright, as in test_web_browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cosmodrome import api
from tests.test_web_browser import ARGS, CHROMIUM
from tests.web_support import served

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def base_url(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from cosmodrome.catalog.build import build_catalog

    home = tmp_path_factory.mktemp("schedule-browser")
    build_catalog(str(shared_data), home)
    api.update_schedule(str(shared_data), home)
    with served(home) as url:
        yield url


@pytest.fixture()
def page(base_url: str) -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield page
        browser.close()
        assert errors == []


def test_site_page_lists_upcoming_launches(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/site?name=Baikonur")
    panel = page.locator("section[aria-labelledby=upcoming-h]")
    panel.wait_for(timeout=30_000)
    # dated by the snapshot's date, not its file name; targets already past listed apart
    assert "schedule of 2026-03-30" in panel.inner_text()
    assert "upcoming-2026" not in panel.inner_text()
    past = panel.locator("details.past-targets")
    past.locator("summary").click()
    assert "Progress MS-34" in past.inner_text()  # its target, 2026-04-25, has passed
    text = panel.inner_text()
    assert "NET 2026-12" in text and "Site 45/1 (Baiterek, LC45/1)" in text


def test_slips_chart_for_a_vehicle(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/slips?vehicle=Angara")
    figure = page.locator("figure.chart")
    figure.wait_for(timeout=30_000)
    assert figure.locator("svg rect").count() >= 2  # Tundra: one interval per snapshot
    assert "NET 2024" in page.inner_text("#view") and "NET 2026" in page.inner_text("#view")


def test_site_page_gives_each_upcoming_launch_its_probability(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/site?name=Baikonur")
    panel = page.locator("section[aria-labelledby=upcoming-h]")
    panel.wait_for(timeout=30_000)
    panel.get_by_text("Flown by").first.wait_for(timeout=30_000)
    text = panel.inner_text()
    assert "Median date" in text and "matched to the flight that followed" in text
    assert "%" in text and "100.0 %" not in text


def test_forecast_page_draws_a_fan_chart(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/forecast?by=site&name=Baikonur")
    figure = page.locator("figure.fan")
    figure.wait_for(timeout=60_000)
    title = figure.locator("h2").inner_text()
    assert title.startswith("Launches per year, Baikonur: history and forecast to 2027")
    assert figure.locator("path.band-95").count() == 1
    assert figure.locator("path.band-80").count() == 1
    assert figure.locator("path.median").count() == 1
    assert "launches per year" in (figure.locator("svg").text_content() or "")
    assert "GCAT" in figure.locator("p.source").inner_text()
