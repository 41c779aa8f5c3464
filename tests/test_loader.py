"""The loader: conditional requests, retries, and never replacing a good cached copy."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from cosmodrome.errors import SourceError
from cosmodrome.sources.loader import Loader, Source

BASE = "https://example.test/gcat/"


def make_loader(tmp_path: Path, handler: httpx.MockTransport, **kwargs: object) -> Loader:
    return Loader(
        tmp_path / "cache",
        client=httpx.Client(transport=handler),
        progress=False,
        sleep=lambda _: None,
        **kwargs,
    )  # type: ignore[arg-type]


def test_conditional_request_reuses_the_cache(tmp_path: Path) -> None:
    seen: list[dict[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(dict(request.headers))
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(
            200,
            content=b"hello",
            headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Dec 2025 01:08:57 GMT"},
        )

    loader = make_loader(tmp_path, httpx.MockTransport(handler))
    first = loader.fetch(Source(BASE), "tsv/x.tsv")
    second = loader.fetch(Source(BASE), "tsv/x.tsv")
    assert first == second and first.read_bytes() == b"hello"
    assert seen[1]["if-none-match"] == '"v1"'
    assert seen[1]["if-modified-since"] == "Mon, 01 Dec 2025 01:08:57 GMT"


def test_fresh_cache_is_not_requested_again(tmp_path: Path) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        return httpx.Response(200, content=b"data")

    loader = make_loader(tmp_path, httpx.MockTransport(handler))
    loader.fetch(Source(BASE), "g.tle", max_age_s=7200)
    loader.fetch(Source(BASE), "g.tle", max_age_s=7200)
    assert len(calls) == 1


def test_truncated_download_never_replaces_the_good_copy(tmp_path: Path) -> None:
    responses = iter(
        [
            httpx.Response(200, content=b"good data", headers={"ETag": '"a"'}),
            httpx.Response(200, content=b"bro", headers={"Content-Length": "9"}),
        ]
    )

    def handler(request: httpx.Request) -> httpx.Response:
        response = next(responses, None)
        if response is None:
            raise httpx.ConnectError("down")
        return response

    loader = make_loader(tmp_path, httpx.MockTransport(handler), retries=1)
    path = loader.fetch(Source(BASE), "f.tsv")
    with pytest.raises(SourceError, match="could not download"):
        loader.fetch(Source(BASE), "f.tsv")
    assert path.read_bytes() == b"good data"
    assert not path.with_name("f.tsv.download").exists()


def test_retries_transient_errors_then_succeeds(tmp_path: Path) -> None:
    statuses = iter([503, 429, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(statuses)
        return httpx.Response(
            status, content=b"ok" if status == 200 else b"", headers={"Retry-After": "1"}
        )

    loader = make_loader(tmp_path, httpx.MockTransport(handler), retries=3)
    assert loader.fetch(Source(BASE), "r.tsv").read_bytes() == b"ok"


def test_no_retry_when_asked_to_stop_on_first_error(tmp_path: Path) -> None:
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503)

    loader = make_loader(tmp_path, httpx.MockTransport(handler), retries=0)
    with pytest.raises(SourceError):
        loader.fetch(Source(BASE), "x")
    assert len(calls) == 1


def test_local_source_is_read_in_place(tmp_path: Path) -> None:
    (tmp_path / "mirror" / "gcat" / "tsv").mkdir(parents=True)
    target = tmp_path / "mirror" / "gcat" / "tsv" / "a.tsv"
    target.write_text("x")
    source = Source(str(tmp_path / "mirror")).subsource("gcat")
    assert Loader(tmp_path / "cache", progress=False).fetch(source, "tsv/a.tsv") == target
    assert not (tmp_path / "cache").exists()
