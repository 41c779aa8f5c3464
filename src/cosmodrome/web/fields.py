"""``fields=``: only the named columns of a listing, in that order (the SpaceX API's
``select``, Datasette's ``_col``), in JSON and in CSV.

Every listing answers JSON with its rows under ``data`` (launches, payloads, sites,
vehicles, schedule, changes ...) or a CSV file; :class:`FieldsMiddleware` keeps only the
asked columns of those rows, in one place for every route, after the route has answered
(so the route, its ETag and the response cache are those of the whole answer). A field that
no row has answers ``422 InvalidChoiceError`` with the fields there are. The routes declare
the parameter (:data:`FIELDS`) so that it is in the OpenAPI schema.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import Depends, Query
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cosmodrome.errors import InputError
from cosmodrome.web.errors import error_response
from cosmodrome.web.params import name_list

MAX_FIELDS = 100


def fields_param(
    fields: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="Only these columns of each row, comma-separated, in this order "
            "(JSON data and CSV): fields=launch_tag,time_utc,site_name.",
        ),
    ] = None,
) -> list[str]:
    return name_list(fields, limit=MAX_FIELDS)


#: What a listing route declares: ``@router.get(..., dependencies=[FIELDS])``.
FIELDS = Depends(fields_param)


class FieldsMiddleware:
    """Keeps the ``fields`` of each row of a listing's answer (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = _wanted(scope)
        if not wanted:
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await _answer(start, b"".join(chunks), wanted, send)

        await self.app(scope, receive, capture)


def _wanted(scope: Scope) -> list[str]:
    if scope["type"] != "http" or not scope["path"].startswith("/api/"):
        return []
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("fields")
    try:
        return name_list(values[-1], limit=MAX_FIELDS) if values else []
    except InputError:
        return []  # the route's own check (fields_param) answers it


async def _answer(start: Message, body: bytes, wanted: list[str], send: Send) -> None:
    headers = dict(start.get("headers", []))
    kind = headers.get(b"content-type", b"").decode()
    projected: bytes | None = None
    unknown: tuple[str, list[str]] | None = None
    if start.get("status") == 200 and kind.startswith("application/json"):
        projected, unknown = _json(body, wanted)
    elif start.get("status") == 200 and kind.startswith("text/csv"):
        projected, unknown = _csv(body, wanted)
    if unknown is not None:
        field, known = unknown
        refusal = error_response(
            422, "InvalidChoiceError", f"fields: no column {field!r} in these rows", known
        )
        await refusal({"type": "http"}, _no_receive, send)
        return
    if projected is not None:
        body = projected
        kept = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        start = {**start, "headers": [*kept, (b"content-length", str(len(body)).encode())]}
    await send(start)
    await send({"type": "http.response.body", "body": body})


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _json(body: bytes, wanted: list[str]) -> tuple[bytes | None, tuple[str, list[str]] | None]:
    answer = json.loads(body)
    rows = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return None, None  # not a listing: left as it is
    known: list[str] = list(dict.fromkeys(key for row in rows for key in row))
    missing = [field for field in wanted if field not in known]
    if rows and missing:
        return None, (missing[0], known)
    answer["data"] = [{field: row.get(field) for field in wanted} for row in rows]
    return json.dumps(answer, ensure_ascii=False, allow_nan=False).encode(), None


def _csv(body: bytes, wanted: list[str]) -> tuple[bytes | None, tuple[str, list[str]] | None]:
    reader = csv.reader(io.StringIO(body.decode("utf-8")))
    header = next(reader, None)
    if header is None:
        return None, None
    missing = [field for field in wanted if field not in header]
    if missing:
        return None, (missing[0], header)
    at = [header.index(field) for field in wanted]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(wanted)
    for row in reader:
        writer.writerow([row[i] for i in at])
    return out.getvalue().encode(), None
