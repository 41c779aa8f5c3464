"""The web application: the REST API under ``/api`` and the dashboard at ``/``.

>>> from cosmodrome.web.app import create_app                       # doctest: +SKIP
>>> app = create_app(Path("/tmp/web-home"))                         # doctest: +SKIP

Serve it with ``cosmodrome serve`` (uvicorn). The API reads the catalog through
:mod:`cosmodrome.api` on read-only connections (see :mod:`cosmodrome.web.catalogdb`); the
dashboard is plain HTML and ES modules under ``static/`` using the npm libraries that
``make install`` put in ``node_modules`` (served under ``/vendor/``, never from a CDN).
"""

from __future__ import annotations

import gc
import os
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from uvicorn.protocols.http.h11_impl import H11Protocol

from cosmodrome import __version__
from cosmodrome.web.assets import STATIC_DIR, vendor_files
from cosmodrome.web.cache import CacheMiddleware, ResponseCache
from cosmodrome.web.catalogdb import CatalogPool
from cosmodrome.web.docs_page import render_docs
from cosmodrome.web.errors import NotModified, install_error_handlers
from cosmodrome.web.fields import FieldsMiddleware
from cosmodrome.web.load import LoadShedder
from cosmodrome.web.routes import (
    analytics,
    catalog_lists,
    coverage,
    forecast,
    launch_orbits,
    launches,
    meta,
    migration,
    passes,
    payloads,
    reach,
    schedule,
    sites,
    sql,
    value,
    windows,
)
from cosmodrome.web.security import SecurityHeaders

if TYPE_CHECKING:
    from cosmodrome.web.refresher import Refresher

#: Feature name -> route module, listed by ``/api/meta`` (``features``) for the dashboard.
#: Imported plainly: a route that cannot be imported is a broken server, not a missing page.
FEATURES = {
    "analytics": analytics,
    "migration": migration,
    "payloads": payloads,
    "reach": reach,
    "windows": windows,
    "passes": passes,
    "launch-orbits": launch_orbits,
    "coverage": coverage,
    "schedule": schedule,
    "value": value,
    "forecast": forecast,
}

DESCRIPTION = (
    "The world's spaceports and launch market, measured from GCAT (J. McDowell, "
    "planet4589.org, CC BY 4.0) and CelesTrak. Names are accepted the way people write them; "
    "an unknown name answers 404 with the closest names."
)


class NoDelayHttp(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, with Nagle's algorithm off on every connection.

    uvicorn writes a response's head and body separately. With ``--workers`` it binds the
    socket itself (protocol number 0), and asyncio then leaves ``TCP_NODELAY`` off on the
    connections it accepts: on a kept-alive connection the body waited for the client's
    delayed ACK, 40 ms on every answer (a search answered in 48 ms, in 7 with one worker).
    """

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _refresher(home: Path | None, options: ServerOptions) -> Refresher | None:
    if options.refresh_every_min is None:
        return None
    from cosmodrome.web.refresher import Refresher

    return Refresher(home, options.refresh_every_min)


@dataclass(frozen=True)
class ServerOptions:
    """What ``cosmodrome serve`` turns on: refreshing the sources every ``refresh_every_min``
    minutes (``None``: never), CORS for ``cors_origins`` (``*``: any), and ``/api/sql``.

    Worker processes started by uvicorn read them from the environment
    (:meth:`from_env`), where ``serve`` puts them (:meth:`to_env`)."""

    refresh_every_min: float | None = None
    cors_origins: tuple[str, ...] = ()
    sql: bool = True
    #: The server's worker processes, which share the CPU cores (:class:`LoadShedder`).
    workers: int = 1

    @classmethod
    def from_env(cls) -> ServerOptions:
        every = os.environ.get("COSMODROME_REFRESH_EVERY_MIN")
        origins = os.environ.get("COSMODROME_CORS_ORIGINS", "")
        return cls(
            refresh_every_min=float(every) if every else None,
            cors_origins=tuple(o.strip() for o in origins.split(",") if o.strip()),
            sql=os.environ.get("COSMODROME_SQL", "on") != "off",
            workers=int(os.environ.get("COSMODROME_WEB_WORKERS") or 1),
        )

    def to_env(self) -> dict[str, str]:
        return {
            "COSMODROME_REFRESH_EVERY_MIN": str(self.refresh_every_min or ""),
            "COSMODROME_CORS_ORIGINS": ",".join(self.cors_origins),
            "COSMODROME_SQL": "on" if self.sql else "off",
            "COSMODROME_WEB_WORKERS": str(self.workers),
        }


def create_app(
    home: Path | None = None,
    *,
    cache_entries: int | None = None,
    options: ServerOptions | None = None,
) -> FastAPI:
    """The FastAPI application serving the catalog in ``home`` (default ``$COSMODROME_HOME``).

    The catalog need not exist yet: catalog endpoints answer 503 with the command that builds
    it, and pick it up as soon as ``cosmodrome update`` has swapped it in. Answers are cached
    per catalog version: ``cache_entries`` of them (default ``$COSMODROME_WEB_CACHE_ENTRIES``,
    else 2048); 0 turns the cache off. ``options`` (default: from the environment) turn on
    the scheduled refresh and CORS, and can turn ``/api/sql`` off.
    """
    if cache_entries is None:
        cache_entries = int(os.environ.get("COSMODROME_WEB_CACHE_ENTRIES", "2048"))
    options = options or ServerOptions.from_env()
    pool = CatalogPool(home)
    refresher = _refresher(home, options)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.jobs.start()
        pool.warm()
        if options.sql:
            # Before any thread of ours: /api/sql forks its query processes from it.
            from cosmodrome import api

            api.serve_from_forkserver()
        if refresher is not None:
            refresher.start()
        # What start-up built (modules, name indexes) lives as long as the server: frozen, a
        # full garbage collection no longer walks it, which took 40-90 ms mid-request.
        gc.freeze()
        yield
        if refresher is not None:
            refresher.shutdown()
        app.state.jobs.shutdown()
        pool.close()

    app = FastAPI(
        title="Cosmodrome",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.home = home
    app.state.pool = pool
    app.state.options = options
    app.state.refresher = refresher
    install_error_handlers(app)

    @app.exception_handler(NotModified)
    async def not_modified(_request: Request, signal: NotModified) -> Response:
        return Response(
            status_code=304, headers={"ETag": signal.etag, "Cache-Control": signal.cache_control}
        )

    api_router = APIRouter(prefix="/api")
    for module in (launches, sites, catalog_lists, meta):
        api_router.include_router(module.router)
    for module in FEATURES.values():
        api_router.include_router(module.router)
    if options.sql:
        api_router.include_router(sql.router)
    app.state.features = set(FEATURES)
    from cosmodrome.web.jobs import JobManager

    app.state.jobs = JobManager(store_path=pool.path.with_name("jobs.sqlite3"))
    app.state.cache = ResponseCache(max_entries=cache_entries)
    # Innermost: a listing's columns are cut after its route answered in full.
    app.add_middleware(FieldsMiddleware)
    # Inside the cache: cached answers are never shed, computed ones are bounded.
    app.add_middleware(LoadShedder, workers=options.workers)
    if cache_entries > 0:
        app.add_middleware(CacheMiddleware, pool=pool, cache=app.state.cache)
    if options.cors_origins:
        # Outside the cache: a preflight is answered before any other work, and every answer
        # (cached, shed, an error) carries the header.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(options.cors_origins),
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["ETag", "Retry-After", "Location", "Content-Disposition"],
            max_age=600,
        )
    # Outermost: every answer (cached, shed, an error) carries the security headers.
    app.add_middleware(SecurityHeaders)

    @api_router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
    def api_docs() -> HTMLResponse:
        return HTMLResponse(render_docs(app.openapi()))

    @api_router.get("/health", include_in_schema=False)
    def health() -> JSONResponse:
        # Each source's age and last error (refresh.json and file times: no catalog query);
        # each store's state, a damaged one named with the command that rebuilds it.
        from cosmodrome import api

        stores = api.store_health(pool.path.parent)
        damaged = [name for name, state in stores.items() if state["state"] == "damaged"]
        answer: dict[str, Any] = {
            "status": "degraded" if damaged else "ok",
            "damaged": damaged,
            "stores": stores,
            "sources": api.source_health(home),
        }
        answer["refresh"] = refresher.describe() if refresher is not None else None
        return JSONResponse(answer, headers={"Cache-Control": "no-store"})

    app.include_router(api_router)

    served = vendor_files()

    @app.get("/vendor/{name}/{file}", include_in_schema=False)
    def vendor(name: str, file: str) -> FileResponse:
        # Only the files the vendor manifest lists, never the rest of a package's folder.
        path = served.get((name, file))
        if path is None:
            raise HTTPException(status_code=404, detail=f"/vendor/{name}/{file} is not served")
        return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/", include_in_schema=False)
    def dashboard() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    return app
