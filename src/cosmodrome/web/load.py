"""Load shedding and cancellation: refuse work the server cannot finish, drop abandoned work.

A server on two cores that accepts every request falls behind under a burst: each request
waits longer, clients time out, and the server keeps computing answers nobody reads. Like a
bounded queue in front of a database, :class:`LoadShedder` lets at most ``max_active`` API
requests run at once and at most ``max_waiting`` wait for a slot, each for at most
``max_wait_s``; anything beyond is answered at once with ``503`` and ``Retry-After`` (cheap,
and a client can retry later), never with a time-out.

It also watches each request's connection: when the client goes away, the request's
:class:`RequestScope` is cancelled, which interrupts the DuckDB cursors it holds (see
:meth:`cosmodrome.web.catalogdb.CatalogPool.cursor`) and refuses it new ones, so an
abandoned request stops computing. The scope reaches the worker thread of a synchronous
route through a context variable (Starlette copies the context into its thread pool).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import os
import threading
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cosmodrome.errors import CosmodromeError

#: Requests that are never shed: the health check must answer while the server is busy.
EXEMPT_PATHS = frozenset({"/api/health"})


class RequestCancelled(CosmodromeError):
    """The client went away; the request's work stops."""


class RequestScope:
    """The DuckDB cursors one request holds, and whether its client went away."""

    def __init__(self) -> None:
        self.cancelled = False
        self._cursors: set[Any] = set()
        self._lock = threading.Lock()

    def attach(self, cursor: Any) -> None:
        with self._lock:
            if self.cancelled:
                raise RequestCancelled("the client closed the connection")
            self._cursors.add(cursor)

    def detach(self, cursor: Any) -> None:
        with self._lock:
            self._cursors.discard(cursor)

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            cursors = list(self._cursors)
        for cursor in cursors:
            with contextlib.suppress(Exception):
                cursor.interrupt()


CURRENT_REQUEST: contextvars.ContextVar[RequestScope | None] = contextvars.ContextVar(
    "cosmodrome_request", default=None
)


def _setting(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class LoadShedder:
    """ASGI middleware bounding the API's concurrency and queue (see the module docstring).

    Defaults come from ``$COSMODROME_WEB_MAX_ACTIVE`` (twice the CPU count, shared between
    the server's ``workers`` processes), ``$COSMODROME_WEB_MAX_WAITING`` (twice the active
    requests) and ``$COSMODROME_WEB_MAX_WAIT_S`` (0.02). The queue is short on purpose: a
    light request takes 5-25 ms, so a slot frees within a few tens of milliseconds or the
    server is past capacity, and then a refusal at once (under 50 ms, with ``Retry-After``)
    serves the client better than seconds in a queue that ends in a time-out.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        workers: int = 1,
        max_active: int | None = None,
        max_waiting: int | None = None,
        max_wait_s: float | None = None,
    ) -> None:
        self.app = app
        # Queries are CPU-bound (DuckDB, pandas): more than two per core only adds waiting,
        # and every worker process of the server runs its own share of them.
        per_worker = max(1, 2 * (os.cpu_count() or 2) // max(1, workers))
        self.max_active = int(max_active or _setting("COSMODROME_WEB_MAX_ACTIVE", per_worker))
        self.max_waiting = int(
            max_waiting or _setting("COSMODROME_WEB_MAX_WAITING", 2 * self.max_active)
        )
        # A refusal must reach the client within 50 ms of its arrival: the wait for a slot
        # leaves room for the event loop's own delay on a busy machine.
        self.max_wait_s = max_wait_s or _setting("COSMODROME_WEB_MAX_WAIT_S", 0.02)
        self.waiting = 0
        self.shed = 0
        self.cancelled = 0
        self._slots: asyncio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith("/api/") or path in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_active)
        if self.waiting >= self.max_waiting:
            await self._refuse(send, f"{self.waiting} requests are already waiting")
            return
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), self.max_wait_s)
        except TimeoutError:
            await self._refuse(send, f"no worker was free within {self.max_wait_s:g} s")
            return
        finally:
            self.waiting -= 1
        try:
            await self._run_watched(scope, receive, send)
        finally:
            self._slots.release()

    async def _run_watched(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with a scope that is cancelled when the client disconnects."""
        request = RequestScope()
        token = CURRENT_REQUEST.set(request)
        inbox: asyncio.Queue[Message] = asyncio.Queue()
        response_done = False

        async def watch() -> None:
            while True:
                message = await receive()
                await inbox.put(message)
                if message["type"] == "http.disconnect":
                    if not response_done:
                        self.cancelled += 1
                        request.cancel()
                    return

        async def app_receive() -> Message:
            return await inbox.get()

        async def app_send(message: Message) -> None:
            nonlocal response_done
            if message["type"] == "http.response.body" and not message.get("more_body"):
                response_done = True
            await send(message)

        watcher = asyncio.create_task(watch())
        try:
            await self.app(scope, app_receive, app_send)
        finally:
            watcher.cancel()
            CURRENT_REQUEST.reset(token)

    async def _refuse(self, send: Send, why: str) -> None:
        self.shed += 1
        body = json.dumps(
            {
                "error": {
                    "type": "ServerBusy",
                    "status": 503,
                    "message": f"the server is busy ({why}); retry in a second",
                    "suggestions": [],
                }
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", b"1"),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
