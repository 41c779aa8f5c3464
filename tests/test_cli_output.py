"""Terminal output a person can read: tables that fit 80 columns, dates in every form, one-line
errors, and display precision from one table of rules."""

from __future__ import annotations

import csv
import functools
import io
import json
import shlex
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cosmodrome.display import format_value, quantity_of, rules_json
from cosmodrome.errors import InputError
from cosmodrome.timeutil import parse_period, parse_span
from tests.conftest import CliResult, CliRunner
from tests.probes import modules_loaded_by
from tests.test_docs import readme_commands

Run80 = Callable[..., CliResult]

#: README commands that print a terminal table (others write files, start a server, etc.).
TABLE_COMMANDS = {"launches", "sites", "site", "profile", "cadence", "share", "migration", "reach"}


@pytest.fixture()
def run80(cosmodrome: CliRunner) -> Run80:
    """The console entry point in-process with an 80-column terminal."""
    return functools.partial(cosmodrome, columns=80)


def body_rows(table: str) -> list[str]:
    """The lines under a table's header rule (``───``) up to the blank line that ends it."""
    lines = table.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("─"))
    rows = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        rows.append(line)
    return rows


@pytest.mark.integration
@pytest.mark.parametrize(
    "args",
    [a for a in readme_commands() if a[0] in TABLE_COMMANDS and "--format" not in a],
    ids=shlex.join,
)
def test_readme_examples_fit_80_columns(args: list[str], mirror_home: Path, run80: Run80) -> None:
    result = run80(mirror_home, *args)
    assert result.returncode == 0, result.stderr
    too_wide = [line for line in result.stdout.splitlines() if len(line) > 80]
    assert too_wide == [], args


@pytest.fixture(scope="module")
def schedule_home(
    mirror_home: Path, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The mirror's catalog (copied, so other tests keep a home without schedules) and the
    mirror's two schedule snapshots."""
    from cosmodrome import api

    home = tmp_path_factory.mktemp("schedule-80")
    shutil.copy(mirror_home / "catalog.duckdb", home / "catalog.duckdb")
    api.update_schedule(str(shared_data), home)
    return home


#: Schedule listings as the README and docs/SCHEDULE.md run them, and each table's rows.
SCHEDULE_TABLES = [
    (["next", "--site", "Baikonur"], "launches"),
    (["next", "--all"], "launches"),
    (["slips", "--vehicle", "Angara"], "rows"),
    (["slips", "--all"], "rows"),
    (["slips", "--by", "provider", "--from", "2024"], "rows"),
    (["slips", "--by", "site"], "rows"),
    (["slips", "--by", "vehicle", "--all"], "rows"),
    (["schedule", "snapshots"], None),
]


@pytest.mark.integration
@pytest.mark.parametrize(
    ("args", "key"), SCHEDULE_TABLES, ids=[shlex.join(args) for args, _ in SCHEDULE_TABLES]
)
def test_schedule_tables_fit_80_columns_two_lines_a_row(
    args: list[str], key: str | None, schedule_home: Path, run80: Run80
) -> None:
    result = run80(schedule_home, *args)
    assert result.returncode == 0, result.stderr
    too_wide = [line for line in result.stdout.splitlines() if len(line) > 80]
    assert too_wide == []
    listed = [a for a in args if a != "--all"]
    data = json.loads(run80(schedule_home, *listed, "--format", "json").stdout)
    entries = data[key] if key else data
    rows = body_rows(result.stdout)
    assert entries and len(entries) <= len(rows) <= 2 * len(entries)


@pytest.mark.integration
def test_schedule_report_is_one_table_per_file_at_two_lines_an_issue(
    schedule_home: Path, run80: Run80
) -> None:
    result = run80(schedule_home, "schedule", "report", "--all")
    assert result.returncode == 0, result.stderr
    assert [line for line in result.stdout.splitlines() if len(line) > 80] == []
    issues = json.loads(run80(schedule_home, "schedule", "report", "--format", "json").stdout)
    first_file = issues[0]["file"]
    in_first = [i for i in issues if i["file"] == first_file]
    assert f"{first_file}: {len(in_first)} input issues" in result.stdout
    assert len(in_first) <= len(body_rows(result.stdout)) <= 2 * len(in_first)


@pytest.mark.integration
def test_next_shows_site_names_and_takes_columns(schedule_home: Path, run80: Run80) -> None:
    table = run80(schedule_home, "next", "--site", "Baikonur").stdout
    assert "Baikonur" in table and "GIK-5" not in table
    assert "2026-04-25" in table and "22:21" in table
    assert "T22:21Z" not in table  # a time as the tables write times, UTC in the header
    picked = run80(schedule_home, "next", "--site", "Baikonur", "--columns", "target,provider")
    assert "Roscosmos" in picked.stdout and "vehicle" not in picked.stdout.splitlines()[2]
    wide = run80(schedule_home, "next", "--site", "Baikonur", "--wide", "--format", "table")
    assert "site raw" in wide.stdout
    by_site = run80(schedule_home, "slips", "--by", "site").stdout
    assert "Cape Canaveral" in by_site and "Kourou" in by_site


@pytest.mark.integration
def test_launches_default_columns_one_or_two_lines_per_launch(
    mirror_home: Path, run80: Run80
) -> None:
    args = ["launches", "--site", "Baikonur", "--from", "2022-01-01", "--to", "2024-12-31"]
    table = run80(mirror_home, *args).stdout
    header = table.splitlines()[2]
    for column in ("date", "vehicle", "site / pad", "payloads", "outcome"):
        assert column in header
    launches = json.loads(run80(mirror_home, *args, "--format", "json").stdout)
    rows = body_rows(table)
    assert len(launches) <= len(rows) <= 2 * len(launches)
    # the pad by its curated name, with GCAT's code (wrapped onto the second line at 80 columns)
    assert "Baikonur Site" in table and "31/6 (LC31)" in table
    assert "Soyuz-2-1A" in table


@pytest.mark.integration
def test_columns_wide_and_csv_keep_every_field(mirror_home: Path, run80: Run80) -> None:
    base = ["launches", "--site", "Baikonur", "--from", "2024"]
    picked = run80(mirror_home, *base, "--columns", "launch_tag,agency_name")
    assert picked.returncode == 0 and "Roscosmos" in picked.stdout
    assert "outcome" not in picked.stdout.splitlines()[2]
    wide = run80(mirror_home, *base, "--wide")
    assert "launch tag" in wide.stdout and "agency name" in wide.stdout
    unknown = run80(mirror_home, *base, "--columns", "vehicel")
    assert unknown.returncode == 1 and "closest: vehicle" in unknown.stderr
    rows = list(csv.DictReader(io.StringIO(run80(mirror_home, *base, "--format", "csv").stdout)))
    assert {"launch_tag", "flight", "agency_name", "launch_code", "payload_count"} <= set(rows[0])


@pytest.mark.integration
def test_profile_shows_top_customers_with_a_count_and_all(mirror_home: Path, run80: Run80) -> None:
    short = run80(mirror_home, "profile", "Baikonur")
    full = run80(mirror_home, "profile", "Baikonur", "--all")
    assert short.returncode == 0 and full.returncode == 0
    assert "--all" in short.stdout and "of 162" in short.stdout.replace("\n", " ")
    assert len(short.stdout.splitlines()) < 300 < len(full.stdout.splitlines())
    # the rate ratio carries its interval, as on the dashboard
    assert "0.62 (0.48-0.79)" in short.stdout


@pytest.mark.integration
@pytest.mark.parametrize(
    "args",
    [
        ["launches", "--from", "99999"],
        ["launches", "--from", "1800"],
        ["launches", "--to", "0"],
        ["launches", "--from", "2023-13"],
        ["cadence", "--from", "99999"],
        ["share", "--to", "2201"],
        ["migration", "--cutoff", "99999"],
        ["migration", "--cutoff", "2022-02-24T03:00"],
        ["passes", "--at", "Almaty", "--sat", "25544", "--start", "99999"],
    ],
    ids=shlex.join,
)
def test_out_of_range_dates_are_one_line_errors(
    args: list[str], mirror_home: Path, run80: Run80
) -> None:
    result = run80(mirror_home, *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("error:") and len(result.stderr.splitlines()) <= 2


@pytest.mark.integration
def test_a_month_is_the_whole_month_and_a_time_stays_a_time(
    mirror_home: Path, run80: Run80
) -> None:
    def tags(*args: str) -> list[str]:
        out = run80(mirror_home, "launches", *args, "--format", "json").stdout
        return [row["launch_tag"] for row in json.loads(out)]

    december = tags("--from", "2023-12", "--to", "2023-12")
    assert december == tags("--from", "2023-12-01", "--to", "2023-12-31") and december
    noon = tags("--from", "2023-12-01T12:00", "--to", "2023-12-01")
    whole_day = tags("--from", "2023-12-01", "--to", "2023-12-01")
    assert noon and set(noon) < set(whole_day)
    for command in (["cadence", "--by", "site"], ["share"]):
        result = run80(mirror_home, *command, "--from", "2023-12", "--period", "month")
        assert result.returncode == 0, result.stderr
    migration = run80(mirror_home, "migration", "--cutoff", "2022-02", "--provider-state", "RU")
    assert migration.returncode == 0, migration.stderr


def test_date_forms_and_range() -> None:
    assert parse_span("2024-02").end == datetime(2024, 3, 1, tzinfo=UTC)
    assert parse_span("2024-12").end == datetime(2025, 1, 1, tzinfo=UTC)
    assert parse_span("2023-12-01T12:00+05:00").start == datetime(2023, 12, 1, 7, tzinfo=UTC)
    assert parse_period("2023", "2023-06") == (date(2023, 1, 1), date(2023, 6, 30))
    start, end = parse_period("2023-12-01T12:00Z", None)
    assert start == datetime(2023, 12, 1, 12, tzinfo=UTC) and end is None
    for bad in ("99999", "1800", "0", "2201-01-01", "2023-00", "yesterday", "2023-12-01T25:00"):
        with pytest.raises(InputError):
            parse_span(bad)
    with pytest.raises(InputError, match="runs backwards"):
        parse_period("2023-12-02", "2023-12-01")


def test_display_precision_per_quantity() -> None:
    assert format_value("launch_azimuth_deg", 61.66) == "61.7"
    assert format_value("phase_deg", 1) == "1.0"
    assert format_value("phase_deg", -44.649) == "-44.6"
    assert format_value("open_utc", "2025-10-01T08:06:45.637740Z") == "2025-10-01 08:06:45"
    assert format_value("capacity_kg", 4387.2) == "4,387"
    assert format_value("launch_share", 0.2299) == "23.0 %"
    assert format_value("computed_in_s", 0.01) == "< 0.1"
    assert format_value("lat_deg", 45.965) == format_value("lat_deg", 45.9650001) == "45.965"
    assert format_value("lat_deg", 46.0) == "46"  # GCAT gives Baikonur to the degree
    assert quantity_of("site") is None and format_value("site", "GIK-5") == "GIK-5"
    names = [q["name"] for q in rules_json()["quantities"]]
    assert {"angle", "time", "mass", "share"} <= set(names)


HEAVY = ("pandas", "matplotlib", "dask", "skyfield", "numpy", "pydantic")
QUICK_CSV_LISTING = ("launches", "--site", "Baikonur", "--from", "2023-12", "--format", "csv")


def test_help_loads_no_heavy_library() -> None:
    """``cosmodrome --help`` imports neither the analyses' libraries nor DuckDB."""
    assert modules_loaded_by(["--help"], (*HEAVY, "duckdb")) == set()


@pytest.mark.integration
def test_quick_csv_listing_loads_no_heavy_library(mirror_home: Path) -> None:
    assert modules_loaded_by(QUICK_CSV_LISTING, HEAVY, mirror_home) == set()


@pytest.mark.integration
def test_quick_csv_listing_reads_its_names_from_the_catalog(mirror_home: Path) -> None:
    """The names the build stored spare a CSV listing pycountry and the rich console."""
    loaded = modules_loaded_by(QUICK_CSV_LISTING, ("pycountry", "rich.console"), mirror_home)
    assert loaded == set()


def test_a_run_builds_one_command_yet_help_and_typos_see_all(
    cosmodrome: CliRunner, tmp_path: Path
) -> None:
    listing = cosmodrome(tmp_path, "--help")
    assert listing.returncode == 0
    assert all(name in listing.stdout for name in ("launches", "reach", "elements", "schedule"))
    typo = cosmodrome(tmp_path, "lanches")
    assert typo.returncode == 2 and "Did you mean 'launches'" in typo.stderr
    group = cosmodrome(tmp_path, "schedule", "--help")
    assert group.returncode == 0 and "snapshots" in group.stdout


@pytest.mark.integration
def test_report_chart_marks_the_partial_last_year(mirror_con: object) -> None:
    from cosmodrome import api

    profile = api.site_profile(mirror_con, "Baikonur")  # type: ignore[arg-type]
    top = api.profile_chart(profile, "Data: GCAT").axes[0]
    labels = [text.get_text() for text in top.get_legend().get_texts()]
    assert "2024: partial, data to 2024-12-08" in labels


@pytest.mark.integration
def test_report_top_chart_labels_its_years(mirror_con: object) -> None:
    from cosmodrome import api

    profile = api.site_profile(mirror_con, "Baikonur")  # type: ignore[arg-type]
    figure = api.profile_chart(profile, "Data: GCAT")
    top = figure.axes[0]
    figure.canvas.draw()
    labels = [t.get_text() for t in top.get_xticklabels() if t.get_visible() and t.get_text()]
    assert labels and all(label.lstrip("−-").isdigit() for label in labels)


def test_cells_never_break_inside_a_word_or_number(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 80 columns a cell wraps at spaces or ends a word in an ellipsis: every word printed
    is a word of the data, or the start of one followed by "…"; identifiers keep no comma."""
    from cosmodrome.cli.output import print_table
    from cosmodrome.tables import Rows

    monkeypatch.setenv("COLUMNS", "80")
    names = [
        "TurkmenAlem52E/MonacoSAT",
        "Tsikolkovskiy-Ryazan 2",
        "Kosmos-2553",
        "EUTELSAT 115 WEST B",
    ]
    rows = Rows(
        ("norad", "year", "name", "owner", "site", "outcome", "perigee_km", "apogee_km"),
        [
            (54033 + i, 2019, name, "SSIM/TMTEL", "Satish Dhawan Space Centre Sriharikota",
             "partial_failure", 35784.2, 35788.9)
            for i, name in enumerate(names)
        ],
    )  # fmt: skip
    print_table(rows)
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) <= 80
    words = {w for r in rows.rows for v in r for w in str(v).split()}
    words |= {f"{v:,}" for v in (35784, 35789)} | {str(54033 + i) for i in range(4)}
    for line in out.splitlines()[3:]:
        for printed in line.split():
            whole = printed in words or printed.strip("─") == ""
            cut = printed.endswith("…") and any(w.startswith(printed[:-1]) for w in words)
            assert whole or cut, f"{printed!r} is a broken word in {line!r}"
    assert "54,033" not in out and "2,019" not in out and "54033" in out


def test_counts_agree_with_their_nouns_and_zero_has_no_sign() -> None:
    from cosmodrome.display import plural

    assert plural(1, "launch") == "1 launch" and plural(2, "launch") == "2 launches"
    assert format_value("phase_deg", -0.0) == "0.0" and format_value("ratio", -0.0) == "0.00"
