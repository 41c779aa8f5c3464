"""The dashboard's main journeys in a real browser (Debian's Chromium, driven by Playwright).

The app runs under uvicorn in a background thread on 127.0.0.1 with a free port. Screenshots
of every journey, at 1280 px and 390 px wide, go to tests/screenshots/ (git-ignored).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web_support import home_with_elements, served

pytestmark = [pytest.mark.browser, pytest.mark.integration, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"wide": 1280, "narrow": 390}


@pytest.fixture(scope="module")
def base_url(
    mirror_home: Path, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    home = home_with_elements(mirror_home, shared_data, tmp_path_factory.mktemp("web-browser"))
    with served(home) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(
            "Debian's chromium is not installed at /usr/bin/chromium "
            "(apt-get install -y chromium); browser tests never download a browser"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(params=list(WIDTHS), ids=list(WIDTHS))
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": WIDTHS[request.param], "height": 900}, accept_downloads=True
    )
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )

    def bad_response(response: Any) -> None:  # API 4xx answers are expected in some journeys
        if response.status >= 500 or (response.status >= 400 and "/api/" not in response.url):
            errors.append(f"{response.status} {response.url}")

    tab.on("response", bad_response)
    tab.width_name = request.param
    yield tab
    context.close()
    assert errors == [], f"browser errors: {errors}"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.width_name}.png"), full_page=True)


def test_dashboard_map_opens_baikonur(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/")
    circles = page.locator("svg circle.site")
    circles.first.wait_for()
    assert circles.count() > 40
    assert "data to 2024-12-08" in page.locator("#footer").inner_text()
    assert "Data: GCAT" in page.locator("figure.chart").inner_text()
    assert page.locator("table").first.locator("tbody tr").count() == 25
    shot(page, "map")
    baikonur = page.locator('circle[data-site="GIK-5"]')
    baikonur.focus()  # keyboard: a focused site opens with Enter
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#/site\?name=GIK-5"))
    heading = page.locator("h1")
    heading.filter(has_text="Baikonur").wait_for()
    assert "LC31" in page.locator("#pads-h + div").inner_text()


def test_site_profile_change_period(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/site")
    page.locator("h1", has_text="Baikonur").wait_for()  # Baikonur by default
    shot(page, "site-all-years")
    page.get_by_label("From year").fill("2010")
    page.get_by_label("To year").fill("2019")
    page.get_by_role("button", name="Show").click()
    page.locator("figure.chart h2", has_text="2010–2019").wait_for()
    assert "from=2010" in page.url and "to=2019" in page.url
    rows = page.locator("figure.chart details tbody tr")
    assert rows.count() == 10
    assert rows.first.locator("td").first.text_content() == "2010"  # in a closed <details>
    shot(page, "site-2010-2019")
    page.reload()  # the link is shareable: the period survives a reload
    page.locator("figure.chart h2", has_text="2010–2019").wait_for()


def test_unknown_site_shows_suggestions(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/site?name=Baikonurr")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Did you mean" in alert.inner_text()
    page.get_by_role("button", name="Baikonur", exact=True).click()
    page.locator("h1", has_text="Baikonur").wait_for()


def test_launch_table_filters_and_csv(page: Any, base_url: str, tmp_path: Path) -> None:
    page.goto(f"{base_url}/#/launches?site=Kourou&from=2020-01-01")
    summary = page.locator("#launch-summary")
    summary.filter(has_text="launches").wait_for()
    total = int(re.search(r"of ([\d,]+) launches", summary.inner_text()).group(1).replace(",", ""))
    assert 0 < total < 100
    assert page.locator("#launch-rows tbody tr").count() == min(total, 50)
    assert all(
        cell == "Kourou"
        for cell in page.locator("#launch-rows tbody tr td:nth-child(4)").all_inner_texts()
    )
    # the filtered launches per year, stacked by outcome, above the table
    chart = page.locator("#launch-chart figure.chart")
    assert "Launches per year by outcome, site Kourou" in chart.locator("h2").inner_text()
    assert chart.locator(".chart-downloads button").count() == 2
    assert "Data: GCAT" in chart.locator(".source").inner_text()
    shot(page, "launches")
    with page.expect_download() as info:
        page.locator("#csv-download").click()
    path = tmp_path / "launches.csv"
    info.value.save_as(path)
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == total
    assert {row["site"] for row in rows} == {"CSG"}
    page.get_by_label("Site", exact=True).fill("Nowhereville")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("alert").wait_for()


def test_launches_say_what_a_typed_vehicle_matched(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/launches?from=2020")
    page.locator("#launch-summary").filter(has_text="launches").wait_for()
    assert page.locator("#launch-matched p").count() == 0  # no name typed, nothing to say
    page.get_by_label("From (UTC day)").fill("")
    page.get_by_label("Vehicle or family").fill("Proton-M")
    page.get_by_role("button", name="Apply").click()
    line = page.locator("#launch-matched p")
    line.first.wait_for()
    # the line the CLI prints under its table: every Proton-M configuration, 115 launches
    assert line.all_inner_texts() == [
        "Proton-M: 4 configurations (Proton-M, Proton-M/Briz-M, Proton-M/DM-2, "
        "Proton-M/DM-3); 115 launches"
    ]
    assert page.locator("#launch-matched p *").count() == 0  # plain text, no markup
    assert "of 115 launches" in page.locator("#launch-summary").inner_text()
    shot(page, "launches-matched")
    # a name that is plainly the one site it names says nothing more
    page.get_by_label("Vehicle or family").fill("")
    page.get_by_label("Site", exact=True).fill("Kourou")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"site=Kourou"))
    page.locator("#launch-rows tbody tr").first.wait_for()
    assert page.locator("#launch-matched p").count() == 0
    # a pad by the name people use: the one the site's table names it by
    page.get_by_label("Site", exact=True).fill("Baikonur")
    page.get_by_label("Pad", exact=True).fill("Gagarin")
    page.get_by_role("button", name="Apply").click()
    line.first.wait_for()
    assert line.first.inner_text().startswith("Gagarin: Site 1/5 (Gagarin's Start, LC1); ")


def test_compare_two_providers_by_their_names(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/compare?kind=provider&names=SpaceX,United Launch Alliance&from=2015")
    charts = page.locator("figure.chart")
    charts.nth(2).wait_for()
    shot(page, "compare-providers")
    # the launches-per-year and share charts: one line each, named (with their state)
    for chart in (charts.nth(0), charts.nth(1)):
        legend = chart.locator(".legend li").all_inner_texts()
        assert sorted(legend) == [
            "SpaceX (United States)",
            "United Launch Alliance (United States)",
        ], legend
    # the vehicle mix: a bar each, named as the provider's entity, and its vehicles by name
    mix = charts.nth(2).text_content()
    assert "SpaceX" in mix and "United Launch Alliance" in mix
    assert "Falcon 9" in mix and "Atlas V" in mix
    # what each name matched, where not plain, under the form (codes there say which)
    lines = page.locator("#cmp-matched p").all_inner_texts()
    assert [line.split(":")[0] for line in lines] == ["United Launch Alliance"]
    assert lines[0].endswith(" launches") and "organisations (" in lines[0]
    shown = page.locator("#cmp-matched ~ div").text_content()
    assert not re.search(r"\b(SPX|ULAL|ULAB|ULA)\b", shown), "a provider shown by its code"


def test_map_country_box_takes_names(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/map?country=FR")
    table = page.locator("table").first
    table.wait_for()
    assert "Kourou" in table.inner_text() and "French Guiana" in table.inner_text()
    page.get_by_label("Country or operator state (KZ, France, FRA, F)").fill("Frnace")
    page.get_by_label("Country or operator state (KZ, France, FRA, F)").press("Enter")
    page.get_by_role("button", name="France", exact=True).click()
    page.locator("table").first.filter(has_text="Kourou").wait_for()


def test_reach_state_suggestion_goes_back_into_the_state_box(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/reach")
    page.get_by_label("Exclude states").fill("Rusia")
    page.get_by_role("button", name="Find options").click()
    page.get_by_role("button", name="Russia", exact=True).click()
    page.locator("#reach-result").wait_for()
    assert page.get_by_label("Exclude states").input_value() == "Russia"
    assert "(Russia)" not in page.locator("tbody").first.inner_text()


def test_reach_query(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/reach")
    page.get_by_label("Payload mass (kg)").fill("800")
    page.get_by_role("button", name="Find options").click()
    heading = page.locator("#reach-result")
    heading.wait_for()
    assert "800 kg to 550 km x 97.6 deg" in heading.inner_text()
    assert page.locator("tbody tr").count() > 3
    assert "mass_kg=800" in page.url
    headers = page.locator("thead th").all_text_contents()  # some behind "More columns"
    assert "Configuration" in headers and "Model error" in headers
    page.get_by_role("button", name="More columns").first.click()
    assert page.locator("thead th", has_text="Model error").is_visible()
    assert " ± " in page.locator("tbody").inner_text()  # modelled capacities carry their error
    shot(page, "reach")


def test_coverage_map(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/coverage")
    page.get_by_label("Cell size (deg)").fill("2")
    page.get_by_label("Duration (s)").fill("1800")
    page.get_by_role("button", name="Compute coverage").click()
    page.locator("#coverage-title").wait_for(timeout=60_000)
    assert "Kazakhstan" in page.locator("#coverage-title").inner_text()
    cells = page.locator("figure.chart svg g:nth-of-type(2) path")
    assert cells.count() > 50
    assert "job=" in page.url
    shot(page, "coverage")


# --------------------------------------------------- market share, migration, orbits pages


def test_market_share_toggle_and_period_survive_reload(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/share?by=provider-state&from=2000&to=2024&top=5")
    figure = page.locator("figure.chart").first
    figure.wait_for()
    assert "Share of launches by provider state, 2000–2024" in figure.locator("h2").inner_text()
    legend = figure.locator(".legend").inner_text()
    assert {"United States (US)", "Russia (RU)", "China (CN)", "other"} <= set(legend.split("\n"))
    assert "data to 2024-12-08" in figure.locator(".source").inner_text()
    # 2024 ends on 2024-12-08 in the frozen catalog: marked as the bar charts mark it
    assert "2024: partial, data to 2024-12-08" in figure.locator(".legend").inner_text()
    assert figure.locator("svg rect.partial").count() == 1
    assert (
        "partial: data to 2024-12-08"
        in page.locator("table caption", has_text="Shares in 2024").inner_text()
    )
    page.get_by_role("radio", name="payloads").check()  # the radio in the 'Share of' group
    page.wait_for_function("location.hash.includes('measure=payloads')")
    assert "Share of payloads" in page.locator("figure.chart h2").inner_text()
    shot(page, "share")
    page.reload()
    page.locator("figure.chart").first.wait_for()
    assert page.get_by_role("radio", name="payloads").is_checked()
    assert (
        "Share of payloads by provider state, 2000–2024"
        in page.locator("figure.chart h2").inner_text()
    )


def test_share_marks_a_partial_quarter_and_not_a_complete_year(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/share?by=provider-state&period=quarter&from=2022&top=3")
    figure = page.locator("figure.chart").first
    figure.wait_for()
    assert "2024-Q4: partial, data to 2024-12-08" in figure.locator(".legend").inner_text()
    page.goto(f"{base_url}/#/share?by=provider-state&from=2015&to=2023&top=3")
    # A locator, not wait_for_function: the Content-Security-Policy forbids evaluating strings.
    page.locator("figure.chart h2", has_text="2023").first.wait_for()
    figure = page.locator("figure.chart").first
    assert "partial" not in figure.locator(".legend").inner_text()
    assert figure.locator("svg rect.partial").count() == 0


def test_migration_flow_diagram_shows_oneweb(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/migration?provider_state=RU&cutoff=2022-02-24")
    figure = page.locator("figure.chart")
    figure.wait_for()
    assert "provided or built by Russia (RU)" in figure.locator("h2").inner_text()
    assert page.locator("figure.chart svg path").count() > 10  # the flows
    row = page.locator("table tr", has_text="One Web").last
    # on a phone "Providers after" waits behind "More columns": read the row's every cell
    assert "moved" in row.text_content() and "SpaceX (United States)" in row.text_content()
    assert "data to 2024-12-08" in figure.locator(".source").inner_text()
    shot(page, "migration")
    page.get_by_label("Site").fill("Baikonurr")
    page.get_by_label("Provider state (RU)").fill("")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("button", name="Baikonur", exact=True).click()
    page.locator("figure.chart").wait_for()
    assert "site Baikonur" in page.locator("figure.chart h2").inner_text()


def test_site_profile_event_markers_vehicles_and_customers(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/site?name=Baikonur&from=2010&to=2024")
    page.locator("#veh-h").wait_for()
    chart = page.locator("figure.chart").first
    assert chart.locator("g.events line").count() == 3  # 2014, 2020, 2022 in 2010-2024
    assert "Russian invasion of Ukraine" in chart.locator("g.events").text_content()
    assert "R-7" in page.locator("section", has=page.locator("#veh-h")).inner_text()
    customers = page.locator("section", has=page.locator("#cust-h")).inner_text()
    assert "Foreign customers, 2010–2024" in customers and "US" in customers
    events = page.locator("section", has=page.locator("#events-h")).inner_text()
    assert "Crimea sanctions" in events and "After ÷ before" in events
    shot(page, "site-events")


def test_windows_calendar_for_baikonur_and_the_iss(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/windows?site=Baikonur&target=25544&start=2025-05-25&days=3")
    calendar = page.locator("ul.calendar")
    calendar.wait_for()
    assert calendar.locator(":scope > li").count() == 3
    assert re.search(r"\d\d:\d\d–\d\d:\d\d N", calendar.inner_text())
    assert "ISS (ZARYA) (25544)" in page.locator("h2").first.inner_text()
    assert "stations-" in page.locator(".source").first.inner_text()
    shot(page, "windows")
    page.get_by_label("Target (NORAD number or name)").fill("99999999")
    page.get_by_role("button", name="Show").click()
    # an input mistake, shown at the field it concerns (not "Something went wrong")
    message = page.locator(".field-error")
    assert "no element set" in message.inner_text()
    assert "Something went wrong" not in message.inner_text()
    assert page.get_by_label("Target (NORAD number or name)").get_attribute("aria-invalid")
    # a site beyond the target's plane is an answer, not an error
    page.goto(f"{base_url}/#/windows?site=Plesetsk&target=25544&start=2025-05-25&days=1")
    answer = page.locator(".status.answer")
    answer.wait_for()
    assert "farther from the equator" in answer.inner_text()
    assert page.locator(".status.error").count() == 0


def test_pass_list_for_almaty_by_keyboard(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/passes?sat=25544&at=Almaty&start=2025-05-25&days=1")
    page.locator("table").wait_for()
    rows = page.locator("tbody tr")
    assert rows.count() >= 3
    assert "Highest (Asia/Almaty)" in page.locator("thead").inner_text()
    shot(page, "passes")
    place = page.get_by_label("Place (city, spaceport or lat,lon)")
    place.fill("Almatty")
    place.press("Enter")
    page.get_by_role("button", name="Almaty", exact=True).focus()
    page.keyboard.press("Enter")
    page.locator("tbody tr").first.wait_for()
    assert "at=Almaty" in page.evaluate("location.hash")
    assert page.locator("tbody tr").count() == rows.count()


# ------------------------------------------------------ issue 14: readable output, defects


def test_reach_gto_sends_no_altitude_or_inclination(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/reach")
    page.get_by_label("Orbit").select_option("gto")
    assert page.get_by_label("Altitude (km)").is_disabled()
    page.get_by_label("Payload mass (kg)").fill("4500")
    with page.expect_response(lambda r: "/api/reach" in r.url) as answer:
        page.get_by_role("button", name="Find options").click()
    assert "alt_km" not in answer.value.url and "inc_deg" not in answer.value.url
    assert answer.value.status == 200
    heading = page.locator("#reach-result")
    heading.wait_for()
    assert "GTO" in heading.inner_text() and "97.6" not in heading.inner_text()


def test_kennedy_chart_has_every_year_no_russian_events_and_a_partial_year(
    page: Any, base_url: str
) -> None:
    page.goto(f"{base_url}/#/site?name=Kennedy%20Space%20Center")
    chart = page.locator("figure.chart").first
    chart.wait_for()
    years = [int(y) for y in chart.locator("details tbody tr td:first-child").all_text_contents()]
    assert years == list(range(years[0], years[-1] + 1)) and {1974, 2011, 2016} <= set(years)
    assert chart.locator("g.events line").count() == 1  # Crew Dragon Demo-2 only
    assert "Russian invasion" not in chart.inner_text()
    assert "2024: partial, data to 2024-12-08" in chart.locator(".legend").inner_text()
    # the y axis ends on a labelled tick at or above the tallest bar
    top_tick = max(float(t.replace(",", "")) for t in chart.locator("svg g text").all_text_contents()
                   if t.replace(",", "").isdigit() and len(t) < 5)  # fmt: skip
    tallest = max(
        int(r.locator("td").nth(1).text_content() or 0) + int(r.locator("td").nth(2).text_content() or 0)
        for r in chart.locator("details tbody tr").all()
    )  # fmt: skip
    assert top_tick >= tallest
    shot(page, "site-kennedy")


def test_orbit_pages_default_inside_the_element_epochs(page: Any, base_url: str) -> None:
    elements = page.request.get(f"{base_url}/api/meta").json()["elements"]
    page.goto(f"{base_url}/#/windows")
    page.locator("ul.calendar").wait_for()
    start = page.get_by_label("From (UTC day)")
    assert (
        start.get_attribute("type") == "text" and start.input_value() == elements["epoch_to"][:10]
    )
    times = page.locator("tbody td").all_text_contents()
    assert not any(re.search(r"\d\d:\d\d:\d\d\.\d", t) for t in times)  # to the second
    page.goto(f"{base_url}/#/passes")
    page.locator("table").wait_for()
    assert page.locator(".status.error").count() == 0


def test_migration_cutoff_is_an_iso_day_and_legend_names_provider_states(
    page: Any, base_url: str
) -> None:
    page.goto(f"{base_url}/#/migration?provider_state=RU&cutoff=2022-02-24")
    figure = page.locator("figure.chart")
    figure.wait_for()
    cutoff = page.locator("#mig-cutoff")
    assert cutoff.get_attribute("type") == "text" and cutoff.input_value() == "2022-02-24"
    legend = figure.locator(".legend").inner_text()
    assert "provider state" in legend and "customer" not in legend


def test_coverage_page_offers_element_store_groups(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/#/coverage")
    group = page.get_by_label("Element-store group (empty: Walker below)")
    group.fill("iss")
    page.get_by_label("Cell size (deg)").fill("2")
    page.get_by_label("Country code or box S,W,N,E").fill("40,60,44,64")
    page.get_by_label("Duration (s)").fill("600")
    page.get_by_role("button", name="Compute coverage").click()
    page.locator("#coverage-title").wait_for(timeout=60_000)
    text = page.locator("#view").inner_text()
    assert "compute time 0.0 s" not in text


@pytest.mark.parametrize("path", ["/#/site?name=Baikonur&from=2010&to=2019", "/api/docs"])
def test_phone_layout_has_no_sideways_scroll(browser: Any, base_url: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    tab = context.new_page()
    tab.goto(f"{base_url}{path}")
    tab.wait_for_load_state("networkidle")
    if "site" in path:
        tab.locator("figure.chart").first.wait_for()
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 392, f"{path} is {width} px wide at 390 px"
    if path == "/api/docs":
        assert "``" not in tab.locator("main").inner_text()
    context.close()


def test_value_page_stacks_providers_with_the_range_and_lists_prices(
    page: Any, base_url: str
) -> None:
    page.goto(f"{base_url}/#/value?from=2015&to=2023&top=4&vehicle=Atlas%20V%20541")
    figure = page.locator("figure.chart").first
    figure.wait_for()
    title = figure.locator("h2").inner_text()
    assert title.startswith("Launch value per year by provider, 2015–2023")
    legend = figure.locator(".legend").inner_text()
    assert "SpaceX" in legend and "(other)" in legend and "range of the total" in legend
    assert figure.locator("svg g.ranges rect").count() == 9  # one range per year
    assert "captive launches left out" in figure.locator(".source").inner_text()
    yearly = page.locator("table", has=page.locator("caption", has_text="captive launches apart"))
    assert yearly.locator("tbody tr").count() == 9
    prices = page.locator("#value-prices table")
    prices.wait_for()
    assert "prices.toml" not in prices.inner_text()  # the source's words, not its file
    assert "GOES-T" in prices.inner_text() or "NASA" in prices.inner_text()
    shot(page, "value")
    page.locator("#value-top").fill("2")
    page.get_by_role("button", name="Show").click()
    page.wait_for_function("location.hash.includes('top=2')")
    assert page.locator("figure.chart .legend li").count() == 4  # 2 providers, other, range
