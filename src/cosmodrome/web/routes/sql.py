"""``/api/sql``: read-only SQL over the catalog, as ``cosmodrome sql`` runs it (Datasette's
core feature), off with ``serve --no-sql``.

The query runs in the sandbox of :func:`cosmodrome.catalog.sandbox.run_user_sql` with the
same limits as the command line: read-only, no file access, at most
:data:`~cosmodrome.catalog.sandbox.DEFAULT_TIME_LIMIT_S` seconds to run and fetch,
:data:`~cosmodrome.catalog.sandbox.DEFAULT_MEMORY_LIMIT_MB` MB of memory (a hard bound),
:data:`~cosmodrome.catalog.sandbox.DEFAULT_ROW_CAP` rows and
:data:`~cosmodrome.catalog.sandbox.DEFAULT_MAX_OUTPUT_BYTES` bytes of result. Each request
runs in a process of its own, forked from the server's forkserver (started with the server),
so a query past a bound ends that process, never the server.
Named parameters: ``$site`` in the query takes the value of the query-string parameter
``site`` (text; cast it, ``$year::INTEGER``), never spliced into the SQL.
"""

from __future__ import annotations

import io
import re
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from cosmodrome import api
from cosmodrome.errors import InputError
from cosmodrome.tables import json_records
from cosmodrome.web.errors import ERROR_RESPONSES
from cosmodrome.web.fields import FIELDS
from cosmodrome.web.params import FormatQuery

router = APIRouter(tags=["sql"])

#: Query-string parameters of the route itself; every other one may be a named parameter.
RESERVED = {"sql", "format", "fields"}
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
#: The limits, as ``cosmodrome sql`` has them by default.
TIME_LIMIT_S = api.DEFAULT_TIME_LIMIT_S
ROW_CAP = api.DEFAULT_ROW_CAP
MAX_OUTPUT_BYTES = api.DEFAULT_MAX_OUTPUT_BYTES
MEMORY_LIMIT_MB = api.DEFAULT_MEMORY_LIMIT_MB


def named_parameters(sql: str, request: Request) -> dict[str, object]:
    """The values of the ``$name`` parameters ``sql`` uses, from the query string; a missing
    one is an error naming it."""
    names = list(dict.fromkeys(_PARAMETER.findall(sql)))
    given = {k: v for k, v in request.query_params.items() if k not in RESERVED}
    missing = [name for name in names if name not in given]
    if missing:
        raise InputError(
            f"sql: no value for ${missing[0]}; add &{missing[0]}=VALUE to the query string"
        )
    return {name: given[name] for name in names}


@router.get(
    "/sql",
    dependencies=[FIELDS],
    responses={
        **ERROR_RESPONSES,
        200: {
            "content": {"text/csv": {}},
            "description": "The result: JSON (`columns`, `data`, `truncated`, `limits`) or CSV.",
        },
    },
    summary="Read-only SQL on the catalog (named parameters from the query string)",
)
def run_sql(
    request: Request,
    sql: Annotated[
        str,
        Query(
            min_length=1,
            max_length=20_000,
            description="A SELECT on the catalog's tables (docs/SCHEMA.md); $name takes the "
            "value of the query-string parameter name: "
            "sql=SELECT count(*) FROM launches WHERE site = $site&site=GIK-5.",
        ),
    ],
    format: FormatQuery = "json",
) -> Response:
    """Run read-only SQL in the sandbox of ``cosmodrome sql``, with its limits (time,
    memory, rows, bytes); a statement that writes, reads files or passes a limit answers
    400 with the one error shape. Rows past the row cap are cut (``truncated``)."""
    params = named_parameters(sql, request)
    result = api.run_user_sql(
        request.app.state.home,
        sql,
        time_limit_s=TIME_LIMIT_S,
        row_cap=ROW_CAP,
        max_output_bytes=MAX_OUTPUT_BYTES,
        memory_limit_mb=MEMORY_LIMIT_MB,
        params=params,
    )
    headers = {"Cache-Control": "no-store"}
    frame = result.frame  # built once: each use of the property converts every row again
    if format == "csv":
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
        return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
    answer: dict[str, Any] = {
        "columns": [str(c) for c in frame.columns],
        "total": len(frame),
        "truncated": result.truncated,
        "limits": {
            "time_limit_s": TIME_LIMIT_S,
            "row_cap": ROW_CAP,
            "max_output_bytes": MAX_OUTPUT_BYTES,
            "memory_limit_mb": MEMORY_LIMIT_MB,
        },
        "data": json_records(frame),
    }
    return JSONResponse(answer, headers=headers)
