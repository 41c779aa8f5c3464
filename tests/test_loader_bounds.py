"""Downloads are bounded: a decompression bomb or an endless body is refused early, and no
partial file is left in the cache."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest

from cosmodrome.sources.loader import DownloadError, Loader, Source

SOURCE = Source("https://example.org/gcat/")


def loader(tmp_path: Path, handler: httpx.MockTransport, **kwargs: object) -> Loader:
    client = httpx.Client(transport=handler)
    return Loader(
        tmp_path / "cache", client=client, progress=False, sleep=lambda _s: None, **kwargs
    )  # type: ignore[arg-type]


def test_a_gzip_bomb_is_refused_and_leaves_nothing_in_the_cache(tmp_path: Path) -> None:
    bomb = gzip.compress(b"\n" * 40_000_000)  # about 40 kB expanding a thousand times

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=httpx.ByteStream(bomb), headers={"Content-Encoding": "gzip"}
        )

    with pytest.raises(DownloadError, match="decompression bomb"):
        loader(tmp_path, httpx.MockTransport(handler)).fetch(SOURCE, "tsv/derived/launchlog.tsv")
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_a_body_past_the_size_cap_is_refused(tmp_path: Path) -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=httpx.ByteStream(b"x\n" * 600_000))

    capped = loader(tmp_path, httpx.MockTransport(handler), max_bytes=1_000_000)
    with pytest.raises(DownloadError, match="larger than 1,000,000 bytes"):
        capped.fetch(SOURCE, "tsv/derived/launchlog.tsv")
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []


def test_an_ordinary_compressed_file_is_kept(tmp_path: Path) -> None:
    text = b"".join(f"line {i}\tvalue {i * 7}\n".encode() for i in range(400_000))

    def handler(_request: httpx.Request) -> httpx.Response:
        body = httpx.ByteStream(gzip.compress(text))
        return httpx.Response(200, stream=body, headers={"Content-Encoding": "gzip"})

    path = loader(tmp_path, httpx.MockTransport(handler)).fetch(SOURCE, "tsv/derived/launchlog.tsv")
    assert path.read_bytes() == text
