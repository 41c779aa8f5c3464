"""Every dashboard page at 1366 px and 390 px in Debian's Chromium: no sideways page scroll, no
console error, the reader's columns of each table inside the viewport, and no serious or
critical accessibility violation reported by axe-core (vendored by npm for tests only, loaded
from node_modules). A screenshot of every page at both widths is kept as a test artefact
(``<pytest tmp>/artefacts``; the path is printed)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web_support import home_with_elements, served

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"wide": (1366, 768), "narrow": (390, 844)}
#: Every page of the dashboard's menu, with the state that makes it draw its main content.
PAGES = {
    "map": "",
    "site": "?name=Baikonur&from=2010&to=2024",
    "share": "?by=provider-state&from=2010",
    "migration": "?provider_state=RU&cutoff=2022-02-24",
    "value": "?from=2015",
    "launches": "?site=Baikonur&from=2020-01-01",
    "compare": "?kind=site&names=Baikonur,Vostochny,Plesetsk&from=2010",
    "reach": "?mass_kg=800&alt_km=550&inc_deg=97.6",
    "windows": "?site=Vostochny&target=25544&start=2025-05-25&days=2",
    "passes": "?sat=25544&at=Almaty&start=2025-05-25&days=1",
    "coverage": "",
    "slips": "",
    "forecast": "",
}


@pytest.fixture(scope="module")
def artefacts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("artefacts")
    print(f"dashboard screenshots in {folder}")
    return folder


@pytest.fixture(scope="module")
def base_url(
    mirror_home: Path, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The mirror's catalog with its stations and Starlink element sets, so that the
    Coverage page's own default (Starlink over Kazakhstan) runs as a user would run it."""
    from cosmodrome.astro.store import elements_path, load_file_into_store

    home = home_with_elements(mirror_home, shared_data, tmp_path_factory.mktemp("pages"))
    starlink = sorted((shared_data / "celestrak").glob("starlink-*.omm.json"))
    if starlink:
        load_file_into_store(starlink[-1], store_path=elements_path(home))
    with served(home) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (make browser)")
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE} (make install runs npm ci)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        yield chromium
        chromium.close()


def open_page(browser: Any, url: str, width: int, height: int) -> tuple[Any, Any, list[str]]:
    # bypass_csp: the test injects axe-core and evaluates its checks; the app never needs it
    context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.goto(url)
    tab.wait_for_function("document.body.dataset.ready === 'true'", timeout=60_000)
    # the page's own requests done: no spinner left (a coverage job polls until it is drawn)
    tab.wait_for_function("!document.querySelector('#view .spinner')", timeout=90_000)
    tab.wait_for_load_state("networkidle")
    return context, tab, errors


#: The reader's columns that stick out of the viewport: header cells shown (not behind "More
#: columns") whose right edge is past the window, in tables not folded into <details>.
OUTSIDE = """() => [...document.querySelectorAll('#view table th')]
  .filter((th) => th.offsetParent !== null && !th.closest('details:not([open])'))
  .filter((th) => th.getBoundingClientRect().right > window.innerWidth + 1)
  .map((th) => th.textContent)"""


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_fits_reads_and_passes_axe(
    browser: Any, base_url: str, artefacts: Path, page: str, width: str
) -> None:
    features = json.loads(browser_get(browser, f"{base_url}/api/meta"))["features"]
    needs = {"share": "analytics", "migration": "migration", "compare": "analytics"}
    needs |= {"value": "value", "forecast": "forecast"}
    needs |= {"reach": "reach", "windows": "windows", "passes": "passes"}
    needs |= {"coverage": "coverage", "slips": "schedule"}
    if page in needs and needs[page] not in features:
        pytest.skip(f"the {needs[page]} feature is not served")
    w, h = WIDTHS[width]
    context, tab, errors = open_page(browser, f"{base_url}/#/{page}{PAGES[page]}", w, h)
    try:
        if page == "coverage":  # its pre-filled default (Starlink over KZ) completes
            tab.get_by_role("button", name="Compute coverage").click()
            tab.locator("#coverage-title").wait_for(timeout=120_000)
            assert (
                "Starlink" in tab.locator("#view").inner_text()
                or "starlink" in tab.locator("#view").inner_text().lower()
            )
        tab.screenshot(path=str(artefacts / f"{page}-{width}.png"), full_page=True)
        scroll = tab.evaluate("document.documentElement.scrollWidth")
        assert scroll <= w + 1, f"{page} scrolls sideways at {w} px ({scroll} px wide)"
        assert tab.evaluate(OUTSIDE) == [], f"{page}: reader's columns outside the viewport"
        small = tab.evaluate(
            """() => [...document.querySelectorAll('#view *')].filter((e) => e.offsetParent
            && e.childNodes.length && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
            && !e.closest('details:not([open])')
            && parseFloat(getComputedStyle(e).fontSize) * (e.closest('svg') ? 1 : 1) < 11.5)
            .map((e) => e.textContent.slice(0, 30))"""
        )
        assert small == [], f"{page}: text under 12 px: {small[:5]}"
        tab.add_script_tag(path=str(AXE))
        found = tab.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".filter((v) => ['serious', 'critical'].includes(v.impact))"
            ".map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target).join(' | ')}`)"
        )
        assert found == [], f"{page} at {w} px: {found}"
        assert errors == [], f"{page}: console errors {errors}"
    finally:
        context.close()


def browser_get(browser: Any, url: str) -> str:
    context = browser.new_context()
    try:
        return str(context.request.get(url).text())
    finally:
        context.close()
