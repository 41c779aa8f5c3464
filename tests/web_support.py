"""Helpers of the web tests (the catalog itself comes from the ``mirror_home`` fixture)."""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def client_class() -> type:
    """FastAPI's TestClient, imported without Starlette's httpx deprecation warning."""
    from starlette.exceptions import StarletteDeprecationWarning

    with warnings.catch_warnings():
        # Starlette prefers the httpx2 package; httpx (a project dependency) still works.
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from fastapi.testclient import TestClient
    return TestClient


def home_with_elements(mirror_home: Path, shared_data: Path, folder: Path) -> Path:
    """``folder`` as a home holding the mirror's catalog (a link, not a copy) and an element
    store filled from the mirror's CelesTrak ``stations`` group; the mirror's own home is
    left as it is. Skips when the mirror has no stations file."""
    import pytest

    from cosmodrome.astro.store import elements_path, load_file_into_store

    stations = sorted((shared_data / "celestrak").glob("stations-*.omm.json"))
    if not stations:
        pytest.skip(f"no stations element file in {shared_data / 'celestrak'}")
    for built in mirror_home.glob("catalog*.duckdb"):
        (folder / built.name).symlink_to(built)
    load_file_into_store(stations[-1], store_path=elements_path(folder))
    return folder


@contextmanager
def served(home: Path) -> Iterator[str]:
    """The dashboard of the catalog in ``home`` served by uvicorn on a free loopback port,
    in a thread, for a browser; its base URL."""
    import uvicorn

    from cosmodrome.web.app import create_app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(home), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
