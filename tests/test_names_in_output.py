"""Names, never bare codes, in every output; the code kept beside the name in JSON and CSV;
and the dashboard's vocabularies served by the API, not copied into its JavaScript."""

from __future__ import annotations

import csv
import dataclasses
import inspect
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cosmodrome import api
from cosmodrome.catalog.build import build_catalog
from tests.conftest import CliRunner
from tests.gcat_factory import launch_row, write_mini_gcat
from tests.web_support import client_class

STATIC_JS = Path(__file__).resolve().parents[1] / "src" / "cosmodrome" / "web" / "static" / "js"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("names-in-output")
    source = write_mini_gcat(
        root / "src",
        [
            launch_row("2023-001", "2023 Jan 10 1000:00", "GIK-5", code="OF40"),
            launch_row(
                "2023-002", "2023 Apr  1 0500:00", "CSG", vehicle="Ariane 5ECA", agency="AE"
            ),
        ],
    )
    build_catalog(str(source), root / "home")
    return root / "home"


def test_outcomes_read_as_words_and_json_keeps_the_code(home: Path, cosmodrome: CliRunner) -> None:
    table = cosmodrome(home, "launches", "--outcome", "partial-failure")
    assert table.returncode == 0, table.stderr
    assert "partial failure" in table.stdout and "partial_failure" not in table.stdout
    rows = json.loads(cosmodrome(home, "launches", "--format", "json").stdout)
    first = next(r for r in rows if r["launch_tag"] == "2023-001")
    assert (first["outcome"], first["outcome_name"]) == ("partial_failure", "partial failure")


def test_payload_owners_show_by_name_with_the_code_in_csv(
    home: Path, cosmodrome: CliRunner
) -> None:
    table = cosmodrome(home, "payloads", "--columns", "name,owner,owner_state,mission")
    assert table.returncode == 0, table.stderr
    assert "MO RF" in table.stdout and "Russia" in table.stdout
    assert not re.search(r"\bRU\b", table.stdout)
    rows = list(csv.DictReader(io.StringIO(cosmodrome(home, "payloads", "-f", "csv").stdout)))
    assert rows, "the mini catalog has payloads"
    row = rows[0]
    assert (row["owner"], row["owner_name"]) == ("MO", "MO RF")
    assert (row["owner_state"], row["owner_state_name"]) == ("RU", "Russia")
    assert {"agency", "agency_name", "mission", "mission_name"} <= set(row)


def test_organisations_show_by_the_names_people_use_and_keep_their_codes(
    home: Path, cosmodrome: CliRunner
) -> None:
    # GCAT's short name RVSN reads as a code; data/names.toml's shown name is what tables
    # say, and the code, the short name and the shown name all resolve.
    rows = json.loads(cosmodrome(home, "launches", "--format", "json").stdout)
    first = next(r for r in rows if r["launch_tag"] == "2023-001")
    assert (first["agency"], first["agency_name"]) == ("RVSN", "Strategic Rocket Forces")
    for typed in ("RVSN", "Strategic Rocket Forces", "strategic rocket forces"):
        found = json.loads(cosmodrome(home, "launches", "--agency", typed, "-f", "json").stdout)
        assert [r["launch_tag"] for r in found] == ["2023-001"], typed


def test_every_shown_organisation_name_is_sourced_and_a_name() -> None:
    from cosmodrome.catalog.names import curated_names

    shown = [e for e in curated_names()["organisation"] if "shown" in e]
    assert len(shown) >= 40
    for entry in shown:
        assert entry["source"].startswith("https://"), entry
        # a name, not another code: words, not one upper-case token
        assert not re.fullmatch(r"[A-Z0-9-]+", entry["shown"]), entry


def test_wide_tables_show_code_and_name_side_by_side(home: Path, cosmodrome: CliRunner) -> None:
    # With the name column shown too, the code column keeps the code: nothing hidden.
    table = cosmodrome(home, "payloads", "--columns", "owner,owner_name")
    assert table.returncode == 0, table.stderr
    assert re.search(r"\bMO\b\s+MO RF", table.stdout)


def test_launches_take_provider_and_the_old_agency_spelling(
    home: Path, cosmodrome: CliRunner
) -> None:
    new = cosmodrome(home, "launches", "--provider", "Arianespace", "-f", "json")
    old = cosmodrome(home, "launches", "--agency", "Arianespace", "-f", "json")
    assert new.returncode == 0, new.stderr
    assert [r["launch_tag"] for r in json.loads(new.stdout)] == ["2023-002"]
    assert new.stdout == old.stdout


def test_vocabularies_name_every_value() -> None:
    vocab = api.vocabularies()
    assert {v["value"] for v in vocab["launch_sort"]} == api.LAUNCH_SORT_KEYS
    assert {v["value"] for v in vocab["payload_sort"]} == api.PAYLOAD_SORT_KEYS
    assert {v["value"] for v in vocab["outcome_filters"]} == set(api.OUTCOME_NAMES)
    labels = {v["value"]: v["label"] for v in vocab["launch_sort"]}
    assert labels["time_utc"] == "Date" and labels["agency"] == "Provider"
    assert {"value": "partial_failure", "label": "partial failure"} in vocab["outcomes"]
    assert {"value": "F", "label": "France (F)"} in vocab["states"]
    # People read labels: no code with an underscore is shown as a label.
    shown = [v["label"] for values in vocab.values() for v in values]
    assert not [label for label in shown if "_" in label]


@pytest.fixture(scope="module")
def client(home: Path) -> Any:
    from cosmodrome.web.app import create_app

    with client_class()(create_app(home)) as test_client:
        yield test_client


def test_the_vocabularies_route_serves_them(client: Any) -> None:
    answer = client.get("/api/vocabularies")
    assert answer.status_code == 200
    body = answer.json()
    assert body == json.loads(json.dumps(api.vocabularies()))
    assert {"sectors", "missions", "regimes", "outcomes", "launch_sort", "states"} <= set(body)


def test_web_launches_offer_every_launch_filter(client: Any, home: Path) -> None:
    # As the CLI: provider (agency its old name), and the primary payload's sector, mission
    # and orbit regime.
    by_provider = client.get("/api/launches", params={"provider": "Arianespace"}).json()
    by_agency = client.get("/api/launches", params={"agency": "Arianespace"}).json()
    assert [r["launch_tag"] for r in by_provider["data"]] == ["2023-002"]
    assert by_agency["data"] == by_provider["data"]
    clash = client.get("/api/launches", params={"provider": "Arianespace", "agency": "RVSN"})
    assert clash.status_code == 400
    for field, value in (("sector", "military"), ("mission", "COM"), ("orbit", "LEO")):
        answer = client.get("/api/launches", params={field: value})
        assert answer.status_code == 200, (field, answer.text)
        with api.catalog(home) as con:
            expected = api.launch_rows(con, api.LaunchFilter(**{field: value})).column("launch_tag")
        assert sorted(r["launch_tag"] for r in answer.json()["data"]) == sorted(expected)
    bad = client.get("/api/launches", params={"sector": "comercial"})
    assert bad.status_code == 404 and "commercial" in bad.json()["error"]["suggestions"]
    row = client.get("/api/launches", params={"outcome": "partial-failure"}).json()["data"][0]
    assert (row["outcome"], row["outcome_name"]) == ("partial_failure", "partial failure")


#: Values whose presence as string literals in the dashboard would mean a private copy of a
#: vocabulary: sort keys, outcome codes, orbit classes, mission codes, dimensions.
COPIED = (
    '"agency", "payload_count"',
    '"launch_tag", "vehicle"',
    '"partial-failure"',
    '"deep_space"',
    '"IMG-R"',
    '"SIG"',
    '"owner-sector"',
    '"academic"',
    '"MEO"',
    '"quarter"',
)


@pytest.mark.parametrize("path", sorted(STATIC_JS.rglob("*.js")), ids=lambda p: p.name)
def test_the_dashboard_keeps_no_copy_of_a_vocabulary(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert [literal for literal in COPIED if literal in text] == []


def test_the_report_shows_names_and_worded_headers(mirror_con: Any) -> None:
    html = api.site_report(mirror_con, "Baikonur")
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert headers and not [h for h in headers if "_" in h]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    # ESA's customers, by the name people use
    assert "I-ESA" not in cells and "European Space Agency" in cells
    assert "Russia" in cells and "partial_failure" not in cells
    # the migration's providers by name; one holding a comma kept whole
    caption = re.search(r"Customers of the providers that launched from Baikonur \(([^)]*)\)", html)
    assert caption is not None
    providers = caption[1].split("; ")
    assert "Roscosmos" in providers and "International Launch Services, Khrunichev" in providers
    assert not {"FKA", "GKLS", "KHRU", "KVR"} & set(providers)


def _web_name(field: str) -> str:
    return {"agency": "provider", "start": "from", "end": "to"}.get(field, field)


def test_every_interface_listing_the_same_rows_offers_every_shared_filter(client: Any) -> None:
    from cosmodrome.cli.catalog import launches
    from cosmodrome.cli.payloads import payloads

    shared = {f.name for f in dataclasses.fields(api.RowFilter)}
    schema = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/launches", "/api/payloads"):
        offered = {p["name"] for p in schema[path]["get"]["parameters"]}
        assert {_web_name(f) for f in shared} <= offered, path
    for command in (launches, payloads):
        assert shared <= set(inspect.signature(command).parameters), command.__name__


def test_the_mirrors_frequent_code_like_organisations_show_by_name(mirror_con: Any) -> None:
    """GCAT short-names these as codes; tables name them as people do (data/names.toml)."""
    shown = dict(
        mirror_con.execute(
            "SELECT DISTINCT owner, owner_name FROM payloads WHERE owner IN "
            "('MORF', 'VKS', 'ARC', 'RKA', 'VMFR', 'CAST') UNION "
            "SELECT DISTINCT agency, agency_name FROM launches WHERE agency = 'RAKA'"
        ).fetchall()
    )
    assert shown == {
        "MORF": "Russian Ministry of Defence",
        "VKS": "Russian Military Space Forces",
        "ARC": "NASA Ames Research Center",
        "RKA": "Rosaviakosmos",
        "RAKA": "Rosaviakosmos",
        "VMFR": "Russian Navy",
        "CAST": "China Academy of Space Technology",
    }


def test_what_an_organisation_matched_is_said_in_names(mirror_con: Any) -> None:
    """``Roscosmos: 7 organisations (Roscosmos, SeaLaunch, Rosaviakosmos, ...)``: the
    organisations under a name are listed as tables name them, the most launches first,
    never as GCAT's codes (ELUS, FKA, GKLS, RAKA)."""
    from cosmodrome.catalog.names import matched_notes, resolve_agencies

    codes = resolve_agencies(mirror_con, "Roscosmos")
    [line] = matched_notes(mirror_con, agency="Roscosmos")
    assert line.startswith(f"Roscosmos: {len(codes)} organisations (Roscosmos, ")
    assert "Rosaviakosmos" in line
    assert not {"ELUS", "FKA", "GKLS", "RAKA"} & set(line.replace(",", " ").split())


def test_names_with_commas_are_listed_apart(mirror_con: Any) -> None:
    """An owner's organisations include "Main Directorate of Space Assets, Strategic Rocket
    Forces": listed with semicolons, one name never reads as two."""
    from cosmodrome.catalog.names import matched_notes

    [line] = matched_notes(mirror_con, owner="MORF")
    listed = line[line.index("(") + 1 : line.index(")")]
    assert "; " in listed
    assert "Main Directorate of Space Assets, Strategic Rocket Forces" in listed.split("; ")


def test_customers_take_the_names_tables_show_their_organisations_by(mirror_con: Any) -> None:
    """A customer is named as its organisation is in every listing (``data/names.toml``'s
    name where GCAT's reads as a code): TUB is Technische Universität Berlin here too."""
    from cosmodrome.analytics.migration import customer_migration

    migration = customer_migration(mirror_con, date(2022, 2, 24), provider_states=["RU"])
    customers = migration.customers
    named = dict(zip(customers.column("customer"), customers.column("customer_name"), strict=True))
    assert named["TUB"] == "Technische Universität Berlin"
    assert named["ONEWEB"] == "One Web"
