"""The market page's sector, mission and orbit toggles and its payload search, in a browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_web_browser import base_url, browser, page, shot

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]
__all__ = ["base_url", "browser", "page"]  # fixtures shared with the dashboard journeys


def test_share_of_commercial_launches_by_provider(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/share?by=provider&from=2018&to=2024&top=3&sector=commercial")
    figure = page.locator("figure.chart").first
    figure.wait_for()
    assert "SpaceX" in figure.locator(".legend").inner_text()
    assert page.locator("#share-sector").input_value() == "commercial"
    page.locator("#share-by").select_option("orbit-regime")
    page.locator("#share-orbit").select_option("GEO")
    page.get_by_role("button", name="Show").click()
    page.wait_for_function("location.hash.includes('orbit=GEO')")
    page.locator("figure.chart h2", has_text="orbit regime").wait_for()
    assert "GEO" in page.locator("figure.chart .legend").inner_text()


def test_payload_search_links_to_its_launch_and_site(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/share")
    page.locator("figure.chart").first.wait_for()
    page.locator("#payload-search").fill("arktika m")
    page.get_by_role("button", name="Find").click()
    results = page.locator("#payload-results table")
    results.wait_for()
    assert "Arktika-M No. 2" in results.inner_text() and "HEO" in results.inner_text()
    shot(page, "payload-search")
    page.locator("#payload-results a", has_text="2023-12-16").click()
    page.wait_for_function("location.hash.startsWith('#/launches')")
    assert "from=2023-12-16" in page.evaluate("location.hash")
    page.go_back()
    page.locator("#payload-results a", has_text="Baikonur").first.wait_for()
    page.locator("#payload-results a", has_text="Baikonur").first.click()
    page.wait_for_function("location.hash.startsWith('#/site')")


def test_unknown_payload_suggests_names(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/share?search=Arktikka-N")
    # an unknown name is an input mistake: its suggestions stand at the search field
    page.locator(".field-error .suggestions").wait_for()
    page.locator(".field-error .suggestions button", has_text="Arktika-M No. 2").click()
    page.locator("#payload-results table").wait_for()
