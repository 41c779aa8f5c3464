"""Under load the server refuses work it cannot finish (503 + Retry-After) and stops work
nobody waits for; a short load run against `cosmodrome serve` answers or refuses, never errs.

No assertion here depends on how fast the machine is: the shedding tests hold requests on
events, and the load run checks outcomes, not latencies.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import duckdb
import pytest
from starlette.concurrency import run_in_threadpool
from starlette.types import Message, Receive, Scope, Send

from cosmodrome.web.load import CURRENT_REQUEST, LoadShedder, RequestScope


def http_scope(path: str = "/api/launches") -> Scope:
    return {"type": "http", "path": path, "method": "GET", "headers": []}


async def call(shedder: LoadShedder, receive: Receive, path: str = "/api/launches") -> list[Any]:
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    await shedder(http_scope(path), receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    return [start["status"], dict(start["headers"])]


async def quiet_receive() -> Message:
    await asyncio.sleep(3600)
    raise AssertionError("unreachable")


def test_requests_beyond_the_queue_are_refused_with_retry_after() -> None:
    release = asyncio.Event()

    async def slow_app(scope: Scope, receive: Receive, send: Send) -> None:
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    async def scenario() -> list[list[Any]]:
        shedder = LoadShedder(slow_app, max_active=1, max_waiting=1, max_wait_s=0.05)
        running = asyncio.create_task(call(shedder, quiet_receive))
        await asyncio.sleep(0.01)
        waiting = asyncio.create_task(call(shedder, quiet_receive))  # times out waiting
        await asyncio.sleep(0.01)
        refused_at_once = await call(shedder, quiet_receive)  # queue full
        timed_out = await waiting
        health = asyncio.create_task(call(shedder, quiet_receive, "/api/health"))
        release.set()
        return [await running, timed_out, refused_at_once, await health]

    running, timed_out, refused, health = asyncio.run(scenario())
    assert running[0] == 200 and health[0] == 200
    for answer in (timed_out, refused):
        assert answer[0] == 503
        assert int(answer[1][b"retry-after"]) > 0


@pytest.mark.parametrize("workers", [1, 2, 64])
def test_the_worker_processes_share_the_active_slots(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two requests per core in all: `serve --workers 2` on two cores runs 2 per process, not
    # 4 each (8 on two cores made every request, and every refusal, wait for the CPU).
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.delenv("COSMODROME_WEB_MAX_ACTIVE", raising=False)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        raise AssertionError("not called")

    assert LoadShedder(app, workers=workers).max_active == {1: 4, 2: 2, 64: 1}[workers]


def test_an_abandoned_request_interrupts_its_query() -> None:
    """The client disconnects while the route's thread runs a DuckDB query that would
    take hours; the query is interrupted and the cursor is refused afterwards."""
    outcome: dict[str, Any] = {}
    started = threading.Event()

    def work() -> None:
        scope = CURRENT_REQUEST.get()
        assert isinstance(scope, RequestScope)  # reached the worker thread
        con = duckdb.connect()
        scope.attach(con)
        started.set()
        try:
            con.execute("SELECT count(*) FROM range(1000000000000) a, range(1000) b").fetchall()
            outcome["result"] = "finished"
        except duckdb.InterruptException:
            outcome["result"] = "interrupted"
        finally:
            scope.detach(con)
            con.close()
        outcome["cancelled"] = scope.cancelled

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await run_in_threadpool(work)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    messages = iter([{"type": "http.request", "body": b"", "more_body": False}])

    async def receive() -> Message:
        message = next(messages, None)
        if message is not None:
            return message
        while not started.is_set():
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)
        return {"type": "http.disconnect"}

    shedder = LoadShedder(app, max_active=2, max_waiting=2, max_wait_s=1.0)
    asyncio.run(call(shedder, receive))
    assert outcome == {"result": "interrupted", "cancelled": True}
    assert shedder.cancelled == 1


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("mix", ["light", "heavy"])
def test_a_short_load_run_answers_or_refuses_but_never_errs(mirror_home: Path, mix: str) -> None:
    from benchmarks.bench_load import run

    # A generous client time-out: a slow shared CI machine must not count as an error.
    result = run(mirror_home, mix, rate=40.0, seconds=1.5, cache=False, warmup=4, timeout_s=60)
    assert result["errors"] == {}, result
    answered = result["requests"] - result["refused"]
    assert answered > 0, result


def test_every_connection_sends_without_waiting_for_acks() -> None:
    """`serve --workers N` binds a socket asyncio leaves Nagle's algorithm on for; the
    server's protocol turns it off on each connection (a kept-alive answer waited for the
    client's delayed ACK otherwise)."""
    import socket

    import uvicorn
    from uvicorn.server import ServerState

    from cosmodrome.web.app import NoDelayHttp

    class Transport:
        def __init__(self, sock: socket.socket) -> None:
            self.sock = sock

        def get_extra_info(self, name: str, default: Any = None) -> Any:
            return {"socket": self.sock, "peername": self.sock.getpeername()}.get(name, default)

    config = uvicorn.Config(app=lambda *_: None, http=NoDelayHttp)
    config.load()
    with socket.socket() as listener:  # protocol number 0, as uvicorn binds with --workers
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as client:
            accepted, _address = listener.accept()
            with accepted:
                assert not accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                loop = asyncio.new_event_loop()
                try:
                    protocol = NoDelayHttp(
                        config=config, server_state=ServerState(), app_state={}, _loop=loop
                    )
                    protocol.connection_made(Transport(accepted))  # type: ignore[arg-type]
                finally:
                    loop.close()
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
                assert client is not None


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_runs_uvicorn_with_that_protocol(
    workers: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import os
    import sys

    import uvicorn

    from cosmodrome.cli.main import main
    from cosmodrome.web.app import NoDelayHttp

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *_args, **kwargs: calls.append(kwargs))
    monkeypatch.setattr(sys, "argv", ["cosmodrome", "serve", "--workers", workers])
    # serve hands its options to worker processes through the environment: a copy here
    monkeypatch.setattr(os, "environ", {**os.environ, "COSMODROME_HOME": str(tmp_path)})
    with pytest.raises(SystemExit) as ended:
        main()
    assert ended.value.code in (0, None)
    assert [call["http"] for call in calls] == [NoDelayHttp]
