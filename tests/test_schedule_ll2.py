"""The Launch Library 2 client against a small local HTTP server (never the internet):
caching, conditional requests, the 15-an-hour budget and a clear throttled message."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cosmodrome.errors import SourceError
from cosmodrome.schedule import update_schedule
from cosmodrome.schedule.ll2 import LL2Client, RequestBudget, ThrottledError

# Shaped like https://ll.thespacedevs.com/2.3.0/launch/upcoming/?mode=detailed (fields used).
UPCOMING = {
    "count": 2,
    "next": None,
    "results": [
        {
            "id": "a1",
            "name": "Soyuz 2.1a | Progress MS-31",
            "net": "2025-07-03T19:32:00Z",
            "net_precision": {"id": 1, "name": "Minute", "abbrev": "MIN"},
            "window_start": "2025-07-03T19:32:00Z",
            "window_end": "2025-07-03T19:32:00Z",
            "status": {"id": 1, "name": "Go for Launch", "abbrev": "Go"},
            "launch_service_provider": {"name": "Russian Federal Space Agency (ROSCOSMOS)"},
            "rocket": {"configuration": {"name": "Soyuz 2.1a", "full_name": "Soyuz 2.1a"}},
            "mission": {"name": "Progress MS-31"},
            "pad": {
                "name": "31/6",
                "location": {"name": "Baikonur Cosmodrome, Republic of Kazakhstan"},
            },
        },
        {
            "id": "a2",
            "name": "Soyuz 5 | Maiden Flight",
            "net": "2025-12-31T00:00:00Z",
            "net_precision": {"id": 8, "name": "Quarter (Q4)", "abbrev": "Q4"},
            "window_start": None,
            "window_end": None,
            "status": {"id": 2, "name": "To Be Determined", "abbrev": "TBD"},
            "launch_service_provider": {"name": "Roscosmos"},
            "rocket": {"configuration": {"name": "Soyuz 5", "full_name": "Soyuz 5"}},
            "mission": {"name": "Maiden Flight"},
            "pad": {
                "name": "Site 45/1",
                "location": {"name": "Baikonur Cosmodrome, Republic of Kazakhstan"},
            },
        },
    ],
}
PREVIOUS: dict[str, object] = {"count": 0, "next": None, "results": []}


@dataclass
class FakeLL2:
    """What the server saw, and how it should answer."""

    requests: list[tuple[str, str | None]] = field(default_factory=list)
    throttle: bool = False


@pytest.fixture()
def ll2() -> Iterator[tuple[str, FakeLL2]]:
    state = FakeLL2()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append((self.path, self.headers.get("If-None-Match")))
            if state.throttle:
                self.send_response(429)
                self.send_header("Retry-After", "1800")
                self.end_headers()
                self.wfile.write(b'{"detail": "Request was throttled."}')
                return
            page = UPCOMING if "/launch/upcoming/" in self.path else PREVIOUS
            body = json.dumps(page).encode()
            etag = f'"{hash(body) & 0xFFFF:x}"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/2.3.0/", state
    server.shutdown()
    server.server_close()


def test_pages_are_read_with_their_precision(tmp_path: Path, ll2: tuple[str, FakeLL2]) -> None:
    url, state = ll2
    client = LL2Client(tmp_path, url)
    (upcoming, _), (previous, _) = client.snapshots()
    assert [p for p, _ in state.requests] == [
        "/2.3.0/launch/upcoming/?limit=100&mode=detailed&format=json",
        "/2.3.0/launch/previous/?limit=100&mode=detailed&format=json",
    ]
    first, second = upcoming.entries
    assert (first.payload, first.vehicle, first.target.label) == (
        "Progress MS-31", "Soyuz 2.1a", "2025-07-03T19:32Z"
    )  # fmt: skip
    assert first.site == "31/6, Baikonur Cosmodrome, Republic of Kazakhstan"
    assert second.target.label == "NET 2025-Q4"
    assert previous.entries == []


def test_cached_pages_cost_no_request_and_stale_ones_are_revalidated(
    tmp_path: Path, ll2: tuple[str, FakeLL2]
) -> None:
    url, state = ll2
    LL2Client(tmp_path, url).snapshots()
    LL2Client(tmp_path, url).snapshots()  # fresh cache: no request at all
    assert len(state.requests) == 2
    LL2Client(tmp_path, url, max_age_s=0).snapshots()  # stale: conditional request, 304
    assert len(state.requests) == 4
    assert all(etag is not None for _, etag in state.requests[2:])
    assert len(RequestBudget(tmp_path / "ll2-requests.json").sent()) == 4


def test_the_sixteenth_request_in_an_hour_is_refused_before_it_is_sent(
    tmp_path: Path, ll2: tuple[str, FakeLL2]
) -> None:
    url, state = ll2
    budget = RequestBudget(tmp_path / "ll2-requests.json")
    for _ in range(15):
        budget.record()
    with pytest.raises(ThrottledError, match=r"15 requests an hour .* next is allowed at"):
        LL2Client(tmp_path, url, budget=budget).fetch("launch/upcoming/")
    assert state.requests == []


def test_server_throttling_is_reported_and_snapshots_stay(
    tmp_path: Path, ll2: tuple[str, FakeLL2]
) -> None:
    url, state = ll2
    home = tmp_path / "home"
    first = update_schedule(url, home)
    assert [k.entries for k in first.kept] == [2, 0]
    state.throttle = True
    cache = home / "cache"
    for meta in cache.rglob("*.meta.json"):
        meta.unlink()  # forget the cache: the next update must ask the server
    with pytest.raises(
        SourceError,
        match=r"throttled this client \(HTTP 429\).*\n.*Earlier snapshots are untouched",
    ):
        update_schedule(url, home)
    assert len(state.requests) == 3  # no retries on a server that said no


def test_a_source_that_is_down_says_how_old_the_latest_snapshot_is(
    tmp_path: Path, ll2: tuple[str, FakeLL2]
) -> None:
    url, _ = ll2
    home = tmp_path / "home"
    update_schedule(url, home)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/2.3.0/"
    with pytest.raises(SourceError, match=r"could not download .*\n.*0 days old"):
        update_schedule(closed, home)
