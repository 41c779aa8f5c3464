"""What the windows and passes routes share: the element store and its caching headers.

Element sets come from the store in ``$COSMODROME_HOME`` (``cosmodrome elements update`` or
``cosmodrome elements load FILE`` fill it). A missing or empty store answers 404
``NoElementsError`` saying how to fill it; an unknown satellite 404 ``UnknownNameError``
with the closest names. Answers for a fixed ``start`` carry an ETag tied to the store
file (its size and modification time), so a refreshed store is never answered from an old
copy; answers for "now" are not cached.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from cosmodrome import __version__, api
from cosmodrome.web.context import etag_matches
from cosmodrome.web.errors import NotModified

CACHE_CONTROL = "public, max-age=60, must-revalidate"


def store_path(request: Request) -> Path:
    """The element store of the app's home folder."""
    home: Path | None = request.app.state.home
    return api.elements_path(home)


def store_etag(request: Request) -> str | None:
    """An ETag for the store file as it is now, or ``None`` when there is no store."""
    try:
        stat = store_path(request).stat()
    except OSError:
        return None
    digest = hashlib.sha256(
        f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}:{__version__}".encode()
    ).hexdigest()[:16]
    return f'"elements-{digest}"'


def check_not_modified(request: Request, fixed_start: bool) -> str | None:
    """The ETag to send (``None`` when the answer depends on the clock); raises
    :class:`NotModified` when the client already holds it."""
    etag = store_etag(request) if fixed_start else None
    if etag and etag_matches(request.headers.get("if-none-match"), etag):
        raise NotModified(etag, CACHE_CONTROL)
    return etag


def answer(body: dict[str, Any], etag: str | None) -> JSONResponse:
    headers = (
        {"ETag": etag, "Cache-Control": CACHE_CONTROL} if etag else {"Cache-Control": "no-cache"}
    )
    return JSONResponse(body, headers=headers)
