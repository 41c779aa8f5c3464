"""Per-request catalog access with HTTP caching tied to the catalog version.

A route that reads the catalog declares ``ctx: Ctx``; FastAPI then opens a cursor on the
current catalog, answers ``304 Not Modified`` straight away when the client's
``If-None-Match`` names the current ETag, and closes the cursor after the route returns.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any

import duckdb
import pandas as pd
from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse

from cosmodrome.tables import csv_ready
from cosmodrome.web.catalogdb import CatalogPool, Generation
from cosmodrome.web.errors import NotModified

CACHE_CONTROL = "public, max-age=60, must-revalidate"
ATTRIBUTION = "GCAT, J. McDowell, planet4589.org, CC BY 4.0"


def etag_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of ``If-None-Match`` against ``etag``.

    >>> etag_matches('W/"abc", "def"', '"abc"')
    True
    >>> etag_matches('"x"', '"abc"')
    False
    """
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


@dataclass
class CatalogContext:
    """What a route needs: a cursor, the catalog generation, and the caching headers."""

    cursor: duckdb.DuckDBPyConnection
    generation: Generation

    @property
    def headers(self) -> dict[str, str]:
        return {"ETag": self.generation.etag, "Cache-Control": CACHE_CONTROL}

    def source(self) -> dict[str, str]:
        """Where the data comes from, for every response's ``source`` block."""
        return {
            "attribution": ATTRIBUTION,
            "catalog_version": self.generation.catalog_version,
            "data_date": self.generation.data_date,
        }

    def csv(self, frame: pd.DataFrame, filename: str) -> Response:
        buffer = io.StringIO()
        csv_ready(frame).to_csv(buffer, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
        return Response(
            buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={**self.headers, "Content-Disposition": f'attachment; filename="{filename}"'},
        )

    def json(self, payload: dict[str, Any]) -> JSONResponse:
        return JSONResponse(payload, headers=self.headers)


def pool_of(request: Request) -> CatalogPool:
    pool: CatalogPool = request.app.state.pool
    return pool


async def catalog_context(request: Request, response: Response) -> AsyncIterator[CatalogContext]:
    # On the event loop, not in a worker thread: taking a pooled cursor is a dictionary
    # lookup and a stat() call, cheaper than the two thread hops a sync dependency costs.
    with pool_of(request).cursor() as (generation, cursor):
        if request.method in ("GET", "HEAD") and etag_matches(
            request.headers.get("if-none-match"), generation.etag
        ):
            raise NotModified(generation.etag, CACHE_CONTROL)
        response.headers["ETag"] = generation.etag
        response.headers["Cache-Control"] = CACHE_CONTROL
        yield CatalogContext(cursor, generation)


Ctx = Annotated[CatalogContext, Depends(catalog_context)]
