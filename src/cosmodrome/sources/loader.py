"""One loader for every remote file: cache, conditional requests, retries, atomic rename.

A :class:`Source` is either a base URL (``https://planet4589.org/space/gcat/``) or a local
folder laid out like it. Local files are read in place; remote files are downloaded into a
cache folder, to ``NAME.download`` first and renamed into place only once complete, so a
failed or partial download never replaces a good cached copy. Like Skyfield's ``Loader``,
a cached file is reused unless it is older than the caller allows; a stale one is
revalidated with ``If-None-Match`` / ``If-Modified-Since``.

A download is complete or it is an error. With a ``Content-Length`` the bytes received must
match it; a close-delimited response (no length, the server just closes the connection)
cannot prove it is whole, so a text file must end on a complete line (a newline) and pass
the caller's ``complete`` check before it replaces the cached copy.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from cosmodrome.errors import SourceError

#: The largest file a download may write (GCAT's biggest, satcat.tsv, is about 40 MB).
MAX_DOWNLOAD_BYTES = 1 << 30
#: The most a compressed answer may expand (text compresses 5-20 times; a bomb, 1000).
MAX_EXPANSION = 100
#: Decompressed bytes before the expansion is judged (small answers expand unevenly).
EXPANSION_GRACE_BYTES = 8 << 20
USER_AGENT = "cosmodrome/0.1 (+https://github.com/cosmodrome; polite: conditional requests)"
RETRYABLE_STATUS = {429, 500, 502, 503, 504}


class DownloadError(SourceError):
    """A download that failed; ``status_code`` is the HTTP answer, ``None`` without one."""

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


@dataclass(frozen=True)
class Source:
    """A base URL or a local folder with the upstream layout."""

    location: str

    @property
    def is_remote(self) -> bool:
        return urlsplit(self.location).scheme in {"http", "https"}

    def url(self, relpath: str) -> str:
        return self.location.rstrip("/") + "/" + relpath.lstrip("/")

    def local_path(self, relpath: str) -> Path:
        return Path(self.location).expanduser() / relpath

    def has(self, relpath: str) -> bool:
        """Whether a local source holds ``relpath`` (remote sources are asked when fetched)."""
        return self.is_remote or self.local_path(relpath).is_file()

    def subsource(self, folder: str) -> Source:
        """The source for one upstream inside a multi-source mirror (e.g. ``gcat/``)."""
        if self.is_remote:
            return self
        candidate = Path(self.location).expanduser() / folder
        return Source(str(candidate)) if candidate.is_dir() else self


@dataclass(frozen=True)
class CachedFile:
    """What the cache knows of a downloaded file."""

    path: Path
    etag: str | None
    last_modified: str | None
    fetched_at: float

    @property
    def age_s(self) -> float:
        return time.time() - self.fetched_at


class Loader:
    """Fetch files from sources, politely.

    ``retries`` and ``backoff_s`` control retrying transient failures (timeouts, 429, 5xx);
    ``retries=0`` stops on the first error, as CelesTrak asks.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        client: httpx.Client | None = None,
        retries: int = 3,
        backoff_s: float = 1.0,
        progress: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        max_bytes: int = MAX_DOWNLOAD_BYTES,
    ) -> None:
        self.cache_dir = cache_dir
        self._client = client
        self.retries = retries
        self.backoff_s = backoff_s
        self.progress = progress
        self.sleep = sleep
        self.max_bytes = max_bytes

    def client(self) -> httpx.Client:
        """The HTTP client, made at the first download (its TLS set-up costs a local
        source's whole update 2 %)."""
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(30.0, read=120.0),
                follow_redirects=True,
                headers={"User-Agent": USER_AGENT},
            )
        return self._client

    def fetch(
        self,
        source: Source,
        relpath: str,
        *,
        max_age_s: float | None = None,
        cache_name: str | None = None,
        complete: Callable[[Path], str | None] | None = None,
    ) -> Path:
        """Return a local path holding ``relpath`` of ``source``.

        For a remote source, a cached copy younger than ``max_age_s`` is returned without
        any request; otherwise the server is asked whether it changed. ``complete`` is
        called on a close-delimited download before it is kept: it returns why the file is
        not whole (``None`` when it is), and a file that is not whole is retried, then an
        error, never a replacement of the cached copy.
        """
        if not source.is_remote:
            path = source.local_path(relpath)
            if not path.is_file():
                raise SourceError(
                    f"{path} not found: the source folder {source.location!r} should be laid out "
                    f"like the upstream site (expected {relpath})"
                )
            return path
        target = self._cache_path(source, cache_name or relpath)
        cached = self.cached(target)
        if cached is not None and max_age_s is not None and cached.age_s < max_age_s:
            return target
        return self._download(source.url(relpath), target, cached, complete or ends_on_a_line)

    def cached_copy(self, source: Source, cache_name: str) -> CachedFile | None:
        """The cached copy of a remote file saved under ``cache_name``, if complete."""
        return self.cached(self._cache_path(source, cache_name)) if source.is_remote else None

    def cached(self, target: Path) -> CachedFile | None:
        """The cache entry for ``target``, or ``None`` when there is no complete copy."""
        meta_path = _meta_path(target)
        if not target.is_file() or not meta_path.is_file():
            return None
        meta = json.loads(meta_path.read_text())
        return CachedFile(target, meta.get("etag"), meta.get("last_modified"), meta["fetched_at"])

    def _cache_path(self, source: Source, relpath: str) -> Path:
        host = urlsplit(source.location).netloc or "local"
        return self.cache_dir / host / relpath.lstrip("/")

    def _download(
        self,
        url: str,
        target: Path,
        cached: CachedFile | None,
        complete: Callable[[Path], str | None],
    ) -> Path:
        headers = {}
        if cached is not None:
            if cached.etag:
                headers["If-None-Match"] = cached.etag
            if cached.last_modified:
                headers["If-Modified-Since"] = cached.last_modified
        last_error: BaseException | None = None
        last_status: int | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                return self._attempt(url, target, headers, cached, complete)
            except _Retryable as error:
                last_error = error.__cause__ or error
                last_status = error.status_code
                if error.retry_after_s is not None:
                    self.sleep(error.retry_after_s)
            except httpx.TransportError as error:
                last_error = error
        raise DownloadError(
            f"could not download {url} after {self.retries + 1} attempt(s): {last_error}. "
            + ("The cached copy is unchanged. " if cached is not None else "")
            + "Check the network, or point --source (or COSMODROME_SOURCE) at a local mirror.",
            last_status,
        )

    def _attempt(
        self,
        url: str,
        target: Path,
        headers: dict[str, str],
        cached: CachedFile | None,
        complete: Callable[[Path], str | None],
    ) -> Path:
        with self.client().stream("GET", url, headers=headers) as response:
            if response.status_code == 304 and cached is not None:
                _write_meta(target, cached.etag, cached.last_modified)
                return target
            if response.status_code in RETRYABLE_STATUS:
                raise _Retryable(
                    f"HTTP {response.status_code}", _retry_after(response), response.status_code
                )
            if response.status_code != 200:
                raise DownloadError(
                    f"{url} answered HTTP {response.status_code}", response.status_code
                )
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".download")
            expected = _content_length(response)
            received = self._stream_to(response, partial, url, expected)
            if response.headers.get("Content-Encoding", "identity") != "identity":
                # Content-Length then counts the compressed bytes on the wire.
                received = response.num_bytes_downloaded
            if expected is not None and received != expected:
                partial.unlink(missing_ok=True)
                raise _Retryable(f"truncated download: {received} of {expected} bytes", None)
            if expected is None:
                why = complete(partial)
                if why is not None:
                    partial.unlink(missing_ok=True)
                    raise _Retryable(
                        f"incomplete download (the server closed the connection without "
                        f"a Content-Length): {why}",
                        None,
                    )
            os.replace(partial, target)
            _write_meta(target, response.headers.get("ETag"), response.headers.get("Last-Modified"))
            return target

    def _stream_to(
        self, response: httpx.Response, partial: Path, url: str, expected: int | None
    ) -> int:
        received = 0
        progress = _progress_bar() if self.progress else None
        try:
            with partial.open("wb") as out, progress or contextlib.nullcontext():
                task = (
                    progress.add_task(url.rsplit("/", 1)[-1], total=expected or None)
                    if progress
                    else None
                )
                for chunk in response.iter_bytes():
                    received += len(chunk)
                    _check_size(url, received, response.num_bytes_downloaded, self.max_bytes)
                    out.write(chunk)
                    if progress is not None and task is not None:
                        progress.update(task, advance=len(chunk))
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return received


def _check_size(url: str, received: int, on_the_wire: int, max_bytes: int) -> None:
    """Refuse a download past ``max_bytes``, or a compressed one expanding more than
    :data:`MAX_EXPANSION` times (a decompression bomb), before it fills the disk; the
    caller removes the partial file."""
    if received > max_bytes:
        raise DownloadError(
            f"{url} is larger than {max_bytes:,} bytes; refused (no source file is that big)"
        )
    if received > EXPANSION_GRACE_BYTES and received > MAX_EXPANSION * max(on_the_wire, 1):
        raise DownloadError(
            f"{url} expands from {on_the_wire:,} compressed bytes to more than "
            f"{received:,}: over {MAX_EXPANSION} times, refused as a decompression bomb"
        )


def ends_on_a_line(path: Path) -> str | None:
    """Why a downloaded text file is not whole: empty, or cut inside its last line."""
    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    with path.open("rb") as handle:
        handle.seek(size - 1)
        last = handle.read(1)
    if last != b"\n":
        return f"the file ends in the middle of a line after {size:,} bytes"
    return None


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("Content-Length")
    if value is None or not value.strip().isdigit():
        return None
    return int(value)


class _Retryable(Exception):
    def __init__(
        self, message: str, retry_after_s: float | None, status_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.status_code = status_code


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return min(float(value), 60.0)
    except ValueError:
        return None


def _meta_path(target: Path) -> Path:
    return target.with_name(target.name + ".meta.json")


def _write_meta(target: Path, etag: str | None, last_modified: str | None) -> None:
    meta = {"etag": etag, "last_modified": last_modified, "fetched_at": time.time()}
    tmp = _meta_path(target).with_suffix(".tmp")
    tmp.write_text(json.dumps(meta))
    os.replace(tmp, _meta_path(target))


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        transient=True,
    )
