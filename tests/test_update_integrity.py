"""An update never installs less than it should without saying so.

Each test starts from a good installed catalog, feeds the next update a hostile source (a
cut file, an emptied one, a renamed column, a download that stops halfway, a full disk) and
checks the one-line error and that the installed catalog is unchanged.
"""

from __future__ import annotations

import http.server
import re
import resource
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cosmodrome.catalog.build import MAX_SHRINK_FRACTION, build_catalog
from cosmodrome.catalog.db import open_catalog
from cosmodrome.catalog.gcat import GcatFileError, read_table
from cosmodrome.errors import SourceError
from cosmodrome.sources.loader import Loader, Source
from tests.conftest import CliRunner
from tests.gcat_factory import launch_row, write_mini_gcat

LAUNCHLOG = "tsv/derived/launchlog.tsv"
AUXCAT = "tsv/cat/auxcat.tsv"
#: Enough launches that losing the tail of the file is more than the allowed fraction.
MANY_LAUNCHES = [
    launch_row(
        f"{1960 + i // 12}-{i % 12 + 1:03d}", f"{1960 + i // 12} Jan {i % 12 + 1:2d}", "GIK-5"
    )
    for i in range(300)
]


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    root = write_mini_gcat(tmp_path / "src", MANY_LAUNCHES)
    auxcat = root / AUXCAT
    header, updated, row = auxcat.read_text().splitlines(keepends=True)
    more = [row.replace("A00001", f"A{n:05d}", 1) for n in range(2, 101)]
    auxcat.write_text(header + updated + row + "".join(more))
    return root


@pytest.fixture()
def home(source: Path, tmp_path: Path) -> Path:
    home = tmp_path / "home"
    build_catalog(str(source), home)
    return home


def launch_count(home: Path) -> int:
    with open_catalog(home) as con:
        row = con.execute("SELECT count(*) FROM launches").fetchone()
    assert row is not None
    return int(row[0])


def cut_to_lines(path: Path, lines: int) -> None:
    kept = path.read_text().splitlines(keepends=True)[:lines]
    path.write_text("".join(kept))


def test_a_source_cut_to_a_third_is_refused_naming_file_and_counts(
    home: Path, source: Path
) -> None:
    cut_to_lines(source / LAUNCHLOG, 102)
    with pytest.raises(SourceError) as caught:
        build_catalog(str(source), home)
    message = str(caught.value)
    assert "launchlog.tsv: 100 launches where the installed catalog has 300" in message
    assert "--allow-shrink" in message and "\n" not in message
    assert launch_count(home) == 300


def test_allow_shrink_installs_the_smaller_catalog(home: Path, source: Path) -> None:
    cut_to_lines(source / LAUNCHLOG, 102)
    build_catalog(str(source), home, allow_shrink=True)
    assert launch_count(home) == 100


def test_losing_less_than_the_documented_fraction_is_accepted(home: Path, source: Path) -> None:
    allowed = int(300 * MAX_SHRINK_FRACTION)  # 3 launches of 300
    cut_to_lines(source / LAUNCHLOG, 302 - allowed)
    build_catalog(str(source), home)
    assert launch_count(home) == 300 - allowed


def test_a_file_cut_inside_a_row_is_an_error_with_file_and_line(home: Path, source: Path) -> None:
    path = source / LAUNCHLOG
    path.write_bytes(path.read_bytes()[:-40])
    with pytest.raises(
        GcatFileError, match=r"launchlog.tsv, line 302: the file ends in the middle"
    ):
        build_catalog(str(source), home)
    assert launch_count(home) == 300


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", r"auxcat.tsv, line 1: the file is empty"),
        ("HEADER_ONLY", r"auxcat.tsv, line 1: the file has a header but no rows"),
        (
            "RENAMED",
            r"auxcat.tsv, line 1: the header lacks the column\(s\) 'JCAT' \(found 'jcat'\)",
        ),
        ("DUPLICATED", r"auxcat.tsv, line 1: column 'Name' appears twice"),
        ("NO_HEADER", r"auxcat.tsv, line 1: data before the '#'-prefixed header"),
    ],
)
def test_hostile_gcat_files_are_one_line_errors_and_keep_the_catalog(
    home: Path, source: Path, content: str, reason: str, cosmodrome: CliRunner
) -> None:
    path = source / AUXCAT
    header, _updated, *rows = path.read_text().splitlines(keepends=True)
    text = {
        "": "",
        "HEADER_ONLY": header,
        "RENAMED": header.replace("#JCAT", "#jcat") + "".join(rows),
        "DUPLICATED": header.replace("\tType\t", "\tName\t") + "".join(rows),
        "NO_HEADER": "".join(rows),
    }[content]
    path.write_text(text)
    before = (home / "catalog.duckdb").read_bytes()
    result = cosmodrome(home, "update", "--source", str(source))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert re.search(reason, " ".join(lines[0].split()))
    assert (home / "catalog.duckdb").read_bytes() == before


def test_an_emptied_auxcat_cannot_shrink_objects_silently(home: Path, source: Path) -> None:
    path = source / AUXCAT
    cut_to_lines(path, 3)
    with pytest.raises(
        SourceError, match=r"auxcat.tsv: 1 objects where the installed catalog has 100"
    ):
        build_catalog(str(source), home)


def test_a_utf8_byte_order_mark_is_skipped(tmp_path: Path, source: Path) -> None:
    path = source / LAUNCHLOG
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_table(path).rows == 300
    build_catalog(str(source), tmp_path / "bom-home")
    assert launch_count(tmp_path / "bom-home") == 300


def test_quarantine_counts_are_printed_after_every_update(
    source: Path, tmp_path: Path, cosmodrome: CliRunner
) -> None:
    clean = cosmodrome(tmp_path / "h", "update", "--source", str(source))
    assert clean.returncode == 0
    assert "0 input row(s) quarantined" in clean.stderr
    with (source / LAUNCHLOG).open("a") as handle:
        handle.write("2099-001\tonly two fields\n")
    dirty = cosmodrome(tmp_path / "h", "update", "--source", str(source))
    assert "1 input row(s) quarantined (launchlog.tsv 1;" in " ".join(dirty.stderr.split())


# ----------------------------------------------------------------- a full disk (for real)


def _limit_file_size(limit_bytes: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))


def test_a_disk_that_fills_up_is_a_one_line_error_and_keeps_the_catalog(
    home: Path, source: Path
) -> None:
    before = (home / "catalog.duckdb").read_bytes()
    completed = subprocess.run(
        [sys.executable, "-m", "cosmodrome.cli.main", "update", "--source", str(source)],
        env={"COSMODROME_HOME": str(home), "PATH": "/usr/bin:/bin", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limit_file_size(64 * 1024),
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    assert "could not write the new catalog" in completed.stderr
    assert "is unchanged" in completed.stderr
    assert (home / "catalog.duckdb").read_bytes() == before
    assert not list(home.glob("catalog.duckdb.building*"))


# ------------------------------------------------------- a server that stops halfway


class _Server(http.server.ThreadingHTTPServer):
    body: bytes = b""
    truncate: bool = False


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        body = self.server.body
        self.send_response(200)
        if self.server.truncate:
            # Close-delimited: no Content-Length, the connection closes after half the file.
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def test_a_close_delimited_download_cut_halfway_keeps_the_cached_copy(
    server: _Server, source: Path, tmp_path: Path
) -> None:
    server.body = (source / LAUNCHLOG).read_bytes()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    loader = Loader(
        tmp_path / "cache", client=httpx.Client(), progress=False, retries=1, sleep=lambda _: None
    )
    cached = loader.fetch(Source(base), LAUNCHLOG)
    assert cached.read_bytes() == server.body
    server.truncate = True
    with pytest.raises(SourceError, match="incomplete download") as caught:
        loader.fetch(Source(base), LAUNCHLOG)
    assert "The cached copy is unchanged" in str(caught.value)
    assert cached.read_bytes() == server.body
    assert not cached.with_name(cached.name + ".download").exists()


def test_a_cut_download_ending_on_a_line_is_caught_by_the_gcat_check(
    server: _Server, source: Path, tmp_path: Path
) -> None:
    """Half a file cut at a line boundary still reads; the GCAT check then refuses it."""
    text = (source / AUXCAT).read_bytes()
    server.body = text
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    loader = Loader(
        tmp_path / "cache", client=httpx.Client(), progress=False, retries=0, sleep=lambda _: None
    )
    from cosmodrome.catalog.build import gcat_file_problem

    loader.fetch(Source(base), AUXCAT, complete=gcat_file_problem(AUXCAT))
    header = text.split(b"\n", 1)[0] + b"\n"
    server.body = header + header  # the "half" the server sends is just the header
    server.truncate = True
    with pytest.raises(
        SourceError, match=r"auxcat\.tsv, line 1: the file has a header but no rows"
    ):
        loader.fetch(Source(base), AUXCAT, complete=gcat_file_problem(AUXCAT))
