"""A response cache for catalog answers, valid for exactly one catalog version.

The catalog only changes when ``update`` swaps in a new file, so an answer to
``GET /api/launches?site=Baikonur`` is the same until then. This ASGI middleware keeps the
most recent answers (bounded in count and bytes) keyed by the catalog's ETag, the path and
the query string; a swapped catalog has a new ETag, so stale answers are never served and
simply age out. Only answers that carry the current catalog ETag are stored (errors, jobs
and the dashboard's files are not).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cosmodrome.errors import CosmodromeError
from cosmodrome.web.catalogdb import CatalogPool


@dataclass(frozen=True)
class Stored:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResponseCache:
    """Least-recently-used answers, at most ``max_entries`` and ``max_bytes`` in total."""

    def __init__(self, max_entries: int = 2048, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str, bytes], Stored] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[str, str, bytes]) -> Stored | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: tuple[str, str, bytes], value: Stored) -> None:
        if len(value.body) > self.max_bytes // 8:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._items[key] = value
            self._bytes += len(value.body)
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped.body)


class CacheMiddleware:
    """Serves repeated ``GET /api/...`` catalog answers from a :class:`ResponseCache`."""

    def __init__(self, app: ASGIApp, pool: CatalogPool, cache: ResponseCache) -> None:
        self.app = app
        self.pool = pool
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        try:
            etag = self.pool.generation().etag
        except CosmodromeError:
            await self.app(scope, receive, send)  # the app answers with the error
            return
        key = (etag, scope["path"], scope.get("query_string", b""))
        if b"if-none-match" not in headers:
            stored = self.cache.get(key)
            if stored is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": stored.status,
                        "headers": stored.headers,
                    }
                )
                await send({"type": "http.response.body", "body": stored.body})
                return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                # A copy: middleware outside this one (CORS) edits the message's headers in
                # place, and those are per request, never to be stored.
                start = {**message, "headers": list(message.get("headers", []))}
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and start.get("status") == 200:
                    sent = dict(start.get("headers", []))
                    if sent.get(b"etag", b"").decode() == etag:
                        self.cache.put(key, Stored(200, list(start["headers"]), b"".join(chunks)))
            await send(message)

        await self.app(scope, receive, capture)
