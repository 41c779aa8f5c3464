"""``cosmodrome serve``: the REST API and the dashboard, served by uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from cosmodrome.cli.app import HomeOption, app


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Interface to listen on (0.0.0.0 for every interface).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.", min=1, max=64)] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Proxies (comma-separated IPs, or '*') whose X-Forwarded-For and "
            "X-Forwarded-Proto are believed; without it a client's own address is its "
            "identity, whatever headers it sends."
        ),
    ] = None,
    refresh: Annotated[
        bool,
        typer.Option("--refresh", help="Run `cosmodrome refresh` on a schedule inside the server."),
    ] = False,
    refresh_every: Annotated[
        float,
        typer.Option(help="Minutes between refreshes (each source keeps its own limit).", min=5),
    ] = 60.0,
    cors: Annotated[
        list[str] | None,
        typer.Option(
            "--cors",
            help="Let pages from this origin call the API (https://example.org, or * for any); "
            "repeatable. Off by default.",
        ),
    ] = None,
    no_sql: Annotated[
        bool, typer.Option("--no-sql", help="Turn /api/sql (read-only SQL over HTTP) off.")
    ] = False,
    home: HomeOption = None,
) -> None:
    """Serve the REST API under /api and the dashboard at / (Ctrl-C stops it).

    The catalog is read on read-only connections and re-opened when `cosmodrome update`
    swaps in a new one, so the server can keep running through updates. With --refresh the
    server runs `cosmodrome refresh` every --refresh-every minutes (never two at once);
    /api/health reports each source's age and last error.
    """
    import os

    import uvicorn

    from cosmodrome.web.app import NoDelayHttp, ServerOptions, create_app

    options = ServerOptions(
        refresh_every_min=refresh_every if refresh else None,
        cors_origins=tuple(cors or ()),
        sql=not no_sql,
        workers=workers,
    )
    typer.echo(f"Cosmodrome dashboard on http://{host}:{port}/  (API docs: /api/docs)", err=True)
    # uvicorn believes X-Forwarded-For from 127.0.0.1 by default: any local client could
    # then claim to be anyone (and take every job slot). Only named proxies are believed.
    trust_proxies = forwarded_allow_ips is not None
    if workers == 1:
        uvicorn.run(
            create_app(home, options=options),
            host=host,
            port=port,
            log_level="info",
            proxy_headers=trust_proxies,
            forwarded_allow_ips=forwarded_allow_ips,
            http=NoDelayHttp,
        )
        return
    os.environ.update(options.to_env())
    if home is not None:
        os.environ["COSMODROME_HOME"] = str(home)
    uvicorn.run(
        "cosmodrome.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=trust_proxies,
        forwarded_allow_ips=forwarded_allow_ips,
        http=NoDelayHttp,
    )
