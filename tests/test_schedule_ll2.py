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
from urllib.parse import parse_qs, urlsplit

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
    #: Upcoming launches per page (as LL2's ``limit``, which it serves at most 100 of), and
    #: how many launches the endpoint lists; ``None``: the two of UPCOMING on one page.
    page_size: int | None = None
    upcoming: int = 2
    #: Where the ``next`` link points (``None``: this server).
    next_base: str | None = None


def upcoming_launch(number: int) -> dict[str, object]:
    """Launch ``number`` of a long upcoming list: Progress MS-31's fields, its own name."""
    first = UPCOMING["results"][0]  # type: ignore[index]
    return {**first, "id": f"p{number}", "mission": {"name": f"Progress MS-{number}"}}


def upcoming_page(state: FakeLL2, path: str, base: str) -> dict[str, object]:
    """The page of the long upcoming list that ``path``'s ``offset`` asks for, with its
    ``next`` link as LL2 writes it (an absolute URL with every parameter)."""
    size = state.page_size or state.upcoming
    query = parse_qs(urlsplit(path).query)
    offset = int(query.get("offset", ["0"])[0])
    results = [
        upcoming_launch(n) for n in range(offset + 1, min(offset + size, state.upcoming) + 1)
    ]
    following = offset + size
    link = None
    if following < state.upcoming:
        link = f"{state.next_base or base}launch/upcoming/?format=json&limit=100&mode=detailed&offset={following}"
    return {"count": state.upcoming, "next": link, "results": results}


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
            base = f"http://{self.headers.get('Host')}/2.3.0/"
            if "/launch/upcoming/" in self.path:
                long_list = state.page_size is not None
                page = upcoming_page(state, self.path, base) if long_list else UPCOMING
            else:
                page = PREVIOUS
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
        match=r"throttled this client \(HTTP 429\).*Earlier snapshots are untouched",
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
    with pytest.raises(SourceError, match=r"could not download .*mirror\. Earlier.*0 days old"):
        update_schedule(closed, home)


def test_next_links_are_followed_to_the_last_page(tmp_path: Path, ll2: tuple[str, FakeLL2]) -> None:
    url, state = ll2
    state.page_size, state.upcoming = 2, 5
    (upcoming, _), (previous, _) = LL2Client(tmp_path, url).snapshots()
    assert [e.payload for e in upcoming.entries] == [f"Progress MS-{n}" for n in range(1, 6)]
    assert [e.line for e in upcoming.entries] == [1, 2, 3, 4, 5]  # positions over all pages
    assert upcoming.issues == [] and previous.entries == []
    paths = [p for p, _ in state.requests]
    assert paths[1:3] == [
        "/2.3.0/launch/upcoming/?format=json&limit=100&mode=detailed&offset=2",
        "/2.3.0/launch/upcoming/?format=json&limit=100&mode=detailed&offset=4",
    ]
    assert len(RequestBudget(tmp_path / "ll2-requests.json").sent()) == 4  # 3 pages + previous
    LL2Client(tmp_path, url).snapshots()  # every page cached and fresh: no request
    assert len(state.requests) == 4


def test_pages_are_bounded_and_the_rest_is_reported(
    tmp_path: Path, ll2: tuple[str, FakeLL2]
) -> None:
    url, state = ll2
    state.page_size, state.upcoming = 1, 50
    paths, left = LL2Client(tmp_path, url).pages("launch/upcoming/")
    assert len(paths) == 5 and len(state.requests) == 5  # MAX_PAGES of the upcoming list
    assert left is not None and left.endswith("offset=5")
    (upcoming, _), _ = LL2Client(tmp_path, url).snapshots()
    assert len(upcoming.entries) == 5
    [issue] = upcoming.issues
    assert issue.field == "next" and "5 pages (5 launches) are read per update" in issue.reason


def test_a_next_link_off_the_api_is_not_followed(tmp_path: Path, ll2: tuple[str, FakeLL2]) -> None:
    url, state = ll2
    state.page_size, state.upcoming = 1, 3
    state.next_base = "http://elsewhere.invalid/2.3.0/"
    (upcoming, _), _ = LL2Client(tmp_path, url).snapshots()
    assert len(upcoming.entries) == 1 and all("elsewhere" not in p for p, _ in state.requests)
    assert "leaves the Launch Library 2 base URL" in upcoming.issues[0].reason


def test_later_pages_spend_the_request_budget_like_the_first(
    tmp_path: Path, ll2: tuple[str, FakeLL2]
) -> None:
    url, state = ll2
    state.page_size, state.upcoming = 1, 4
    budget = RequestBudget(tmp_path / "ll2-requests.json")
    for _ in range(13):
        budget.record()
    with pytest.raises(ThrottledError, match=r"15 requests an hour"):
        LL2Client(tmp_path, url, budget=budget).pages("launch/upcoming/")
    assert len(state.requests) == 2  # pages 1 and 2; page 3 refused before it was sent
