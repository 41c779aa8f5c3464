"""The Space Devs' Launch Library 2 API: ``/launch/upcoming/`` and ``/launch/previous/``.

Requests go through the project's one :class:`~cosmodrome.sources.loader.Loader`, so pages
are cached and revalidated with conditional requests. The free tier allows 15 requests an
hour; :class:`RequestBudget` keeps a ledger of the requests actually sent (an answer from
the cache costs nothing) and refuses the 16th with the time the next one is allowed, as
does an HTTP 429 from the server.

An endpoint answers 100 launches a page with a ``next`` link to the following page; the
client follows it up to :data:`MAX_PAGES` pages (``launch/upcoming/``: every launch
scheduled, some 300; ``launch/previous/``: the most recent flown ones), and only to pages of
the same base URL. Where more pages remain, the snapshot carries an :class:`Issue` saying so.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from cosmodrome.errors import SourceError
from cosmodrome.schedule import precision as p
from cosmodrome.schedule.precision import Precision, TargetDate
from cosmodrome.schedule.readers import (
    ROW_ERRORS,
    Entry,
    Issue,
    ScheduleFileError,
    Snapshot,
    read_text,
)
from cosmodrome.sources.loader import USER_AGENT, Loader, Source
from cosmodrome.text import without_control

LL2_URL = "https://ll.thespacedevs.com/2.3.0/"
ENDPOINTS = ("launch/upcoming/", "launch/previous/")
REQUESTS_PER_HOUR = 15
PAGE_LIMIT = 100
#: Pages read per endpoint and update: 7 requests at most, inside the 15 an hour.
MAX_PAGES = {"launch/upcoming/": 5, "launch/previous/": 2}


class ThrottledError(SourceError):
    """The request budget (ours or the server's) is spent; says when to try again."""

    def __init__(self, message: str, retry_at: datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class RequestBudget:
    """A ledger of requests sent to one API, at most ``limit`` in any ``window_s``."""

    def __init__(
        self, ledger: Path, limit: int = REQUESTS_PER_HOUR, window_s: float = 3600.0
    ) -> None:
        self.ledger = ledger
        self.limit = limit
        self.window_s = window_s

    def sent(self, now: float | None = None) -> list[float]:
        now = time.time() if now is None else now
        if not self.ledger.is_file():
            return []
        stamps = json.loads(self.ledger.read_text())
        return sorted(s for s in stamps if now - s < self.window_s)

    def remaining(self, now: float | None = None) -> int:
        return max(0, self.limit - len(self.sent(now)))

    def next_allowed(self, now: float | None = None) -> datetime:
        now = time.time() if now is None else now
        stamps = self.sent(now)
        if len(stamps) < self.limit:
            return datetime.fromtimestamp(now, UTC)
        return datetime.fromtimestamp(stamps[len(stamps) - self.limit] + self.window_s, UTC)

    def record(self, now: float | None = None) -> None:
        now = time.time() if now is None else now
        stamps = [*self.sent(now), now]
        self.ledger.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.ledger.with_suffix(".tmp")
        tmp.write_text(json.dumps(stamps))
        tmp.replace(self.ledger)

    def refuse(self) -> ThrottledError:
        retry_at = self.next_allowed()
        return ThrottledError(
            f"Launch Library 2 allows {self.limit} requests an hour and {self.limit} were sent "
            f"in the last hour; the next is allowed at {retry_at:%Y-%m-%d %H:%M} UTC",
            retry_at,
        )


@dataclass
class _Answers:
    """What the HTTP client saw: requests sent and the last throttling answer."""

    budget: RequestBudget
    throttled_until: datetime | None = None

    def on_response(self, response: httpx.Response) -> None:
        self.budget.record()
        if response.status_code == 429:
            wait_s = _retry_after_s(response)
            self.throttled_until = datetime.now(UTC) + timedelta(seconds=wait_s)


def _retry_after_s(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return float(value)
    except ValueError:
        return 3600.0


class LL2Client:
    """Fetch Launch Library 2 pages politely; each page is cached for ``max_age_s``."""

    def __init__(
        self,
        cache_dir: Path,
        base_url: str = LL2_URL,
        *,
        max_age_s: float = 3600.0,
        budget: RequestBudget | None = None,
    ) -> None:
        self.source = Source(base_url)
        self.cache_dir = cache_dir
        self.max_age_s = max_age_s
        self.budget = budget or RequestBudget(cache_dir / "ll2-requests.json")
        self._answers = _Answers(self.budget)
        client = httpx.Client(
            timeout=httpx.Timeout(30.0),
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            event_hooks={"response": [self._answers.on_response]},
        )
        # Retries would spend the hourly budget on a server that already said no, and with
        # none left, waiting out its Retry-After would only hold the user up.
        self.loader = Loader(
            cache_dir, client=client, retries=0, progress=False, sleep=lambda _s: None
        )

    def fetch(self, endpoint: str) -> Path:
        """The cached or fresh first page of ``endpoint`` (``launch/upcoming/``)."""
        return self._page(endpoint, f"{endpoint}?limit={PAGE_LIMIT}&mode=detailed&format=json", 1)

    def _page(self, endpoint: str, relpath: str, number: int) -> Path:
        """Page ``number`` of ``endpoint`` at ``relpath`` (under the base URL), from the cache
        while fresh; a request only where the budget allows one."""
        stem = "ll2/" + endpoint.strip("/").replace("/", "-")
        cache_name = f"{stem}.json" if number == 1 else f"{stem}-page{number}.json"
        cached = self.loader.cached_copy(self.source, cache_name)
        fresh = cached is not None and cached.age_s < self.max_age_s
        if not fresh and self.budget.remaining() == 0:
            raise self.budget.refuse()
        try:
            return self.loader.fetch(
                self.source, relpath, max_age_s=self.max_age_s, cache_name=cache_name
            )
        except SourceError as error:
            if self._answers.throttled_until is not None:
                until = self._answers.throttled_until
                raise ThrottledError(
                    f"Launch Library 2 throttled this client (HTTP 429); try again after "
                    f"{until:%Y-%m-%d %H:%M} UTC",
                    until,
                ) from error
            raise

    def pages(self, endpoint: str, max_pages: int | None = None) -> tuple[list[Path], str | None]:
        """The pages of ``endpoint``, following each page's ``next`` link, at most
        ``max_pages`` (default :data:`MAX_PAGES`); and the ``next`` link not followed (past
        the bound, or off the base URL), ``None`` when every page was read."""
        bound = max_pages if max_pages is not None else MAX_PAGES.get(endpoint, 1)
        paths = [self.fetch(endpoint)]
        following = _next_link(paths[-1])
        while following and len(paths) < bound and self._under_base(following):
            relpath = following[len(self._base) :]
            paths.append(self._page(endpoint, relpath, len(paths) + 1))
            following = _next_link(paths[-1])
        return paths, following

    @property
    def _base(self) -> str:
        return self.source.location.rstrip("/") + "/"

    def _under_base(self, url: str) -> bool:
        """Whether ``url`` is a page of this client's API (a link elsewhere is not followed)."""
        return url.startswith(self._base)

    def snapshots(self) -> list[tuple[Snapshot, str]]:
        """Both endpoints read, every page of each, with the SHA-256 of their pages."""
        found = []
        for endpoint in ENDPOINTS:
            paths, left = self.pages(endpoint)
            cached = self.loader.cached(paths[0])
            retrieved = (
                datetime.fromtimestamp(cached.fetched_at, UTC) if cached else datetime.now(UTC)
            )
            texts = [read_text(path) for path in paths]
            snapshot = read_ll2_pages(texts, endpoint, retrieved)
            if left:
                snapshot.issues.append(
                    Issue(endpoint, len(snapshot.entries), "next", left,
                          f"not followed: {len(paths)} pages ({len(snapshot.entries)} launches) "
                          "are read per update" if self._under_base(left)
                          else "not followed: it leaves the Launch Library 2 base URL")
                )  # fmt: skip
            digest = hashlib.sha256(b"".join(path.read_bytes() for path in paths)).hexdigest()
            found.append((snapshot, digest))
        return found


def _next_link(page: Path) -> str | None:
    """A page's ``next`` URL (``null`` on the last page)."""
    try:
        value = json.loads(page.read_text("utf-8")).get("next")
    except (ValueError, AttributeError, RecursionError, OSError):
        return None
    return str(value) if value else None


#: ``net_precision.abbrev`` -> our precision; AM/PM widen to the day, a fiscal year to the year.
LL2_PRECISION = {
    "SEC": Precision.SECOND,
    "MIN": Precision.MINUTE,
    "HR": Precision.HOUR,
    "AM": Precision.DAY,
    "PM": Precision.DAY,
    "DAY": Precision.DAY,
    "W": Precision.WEEK,
    "M": Precision.MONTH,
    "Q1": Precision.QUARTER,
    "Q2": Precision.QUARTER,
    "Q3": Precision.QUARTER,
    "Q4": Precision.QUARTER,
    "H1": Precision.HALF,
    "H2": Precision.HALF,
    "Y": Precision.YEAR,
    "FY": Precision.YEAR,
}


def ll2_target(net: datetime, abbrev: str | None, status: str | None) -> TargetDate:
    """The interval of an LL2 ``net`` at its ``net_precision``.

    >>> ll2_target(datetime(2026, 11, 30, tzinfo=UTC), "Q4", "TBD").label
    'NET 2026-Q4'
    """
    kind = LL2_PRECISION.get((abbrev or "").upper(), Precision.SECOND if abbrev is None else None)
    if kind is None:
        raise ValueError(f"unknown net_precision {abbrev!r}; known: {', '.join(LL2_PRECISION)}")
    is_net = not (kind.rank <= Precision.HOUR.rank and (status or "").upper() in {"GO", "SUCCESS"})
    if kind.rank <= Precision.HOUR.rank:
        return p.instant(net, kind, net=is_net)
    if kind is Precision.DAY:
        return p.day(net.year, net.month, net.day, net=is_net)
    if kind is Precision.WEEK:
        return p.week(net, net=is_net)
    if kind is Precision.MONTH:
        return p.month(net.year, net.month, net=is_net)
    if kind is Precision.QUARTER:
        return p.quarter(net.year, (net.month - 1) // 3 + 1, net=is_net)
    if kind is Precision.HALF:
        return p.half(net.year, 1 if net.month <= 6 else 2, net=is_net)
    return p.year(net.year, net=is_net)


def _name(value: object, *keys: str) -> str | None:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return without_control(str(value)) or None if value not in (None, "") else None


def _time(value: object) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC)


def read_ll2_page(text: str, file: str, retrieved: datetime | None) -> Snapshot:
    """Read one LL2 page (``{"results": [...]}``); an entry's ``line`` is its position."""
    return read_ll2_pages([text], file, retrieved)


def read_ll2_pages(texts: list[str], file: str, retrieved: datetime | None) -> Snapshot:
    """Read the pages of one endpoint as one snapshot; an entry's ``line`` is its position
    over all pages (the 101st launch, first of page 2, is line 101)."""
    snapshot = Snapshot("ll2", file, retrieved)
    position = 0
    for number, text in enumerate(texts, start=1):
        where = file if len(texts) == 1 else f"{file} page {number}"
        for result in _page_results(text, where):
            position += 1
            if not isinstance(result, dict):
                snapshot.issues.append(
                    Issue(file, position, "(launch)", str(result)[:200], "not a JSON object")
                )
                continue
            try:
                _read_ll2_result(snapshot, result, position)
            except ROW_ERRORS as error:
                raw = json.dumps(result)[:200]
                snapshot.issues.append(Issue(file, position, "(launch)", raw, str(error)))
    return snapshot


def _page_results(text: str, where: str) -> list[object]:
    """The ``results`` list of one page; anything else is a :class:`ScheduleFileError`."""
    try:
        page = json.loads(text)
    except json.JSONDecodeError as error:
        raise ScheduleFileError(where, error.lineno, f"not JSON: {error.msg}") from None
    except RecursionError:
        raise ScheduleFileError(where, 1, "JSON nested too deeply") from None
    results = page.get("results") if isinstance(page, dict) else None
    if not isinstance(results, list):
        raise ScheduleFileError(
            where, 1, 'not a Launch Library 2 page: expected {"results": [...]}'
        )
    return results


def _read_ll2_result(snapshot: Snapshot, result: dict[str, object], position: int) -> None:
    raw_net = str(result.get("net") or "")
    abbrev = _name(result, "net_precision", "abbrev")
    status = _name(result, "status", "abbrev")
    try:
        net = _time(raw_net)
        target = ll2_target(net, abbrev, status) if net else p.TBD
    except ROW_ERRORS as error:
        snapshot.issues.append(Issue(snapshot.file, position, "net", raw_net, str(error)))
        target = p.TBD
    name = str(result.get("name") or "")
    payload = _name(result, "mission", "name") or name.partition(" | ")[2] or name
    pad = _name(result, "pad", "name") or ""
    location = _name(result, "pad", "location", "name") or ""
    snapshot.entries.append(
        Entry(
            line=position,
            payload=payload,
            vehicle=_name(result, "rocket", "configuration", "full_name")
            or _name(result, "rocket", "configuration", "name")
            or name.partition(" | ")[0],
            site=", ".join(part for part in (pad, location) if part),
            target=target,
            target_text=f"{raw_net} ({abbrev or 'no precision'})",
            provider=_name(result, "launch_service_provider", "name"),
            status=_name(result, "status", "name"),
            window_start=_time(result.get("window_start")),
            window_end=_time(result.get("window_end")),
            source_id=_name(result, "id"),
        )
    )
