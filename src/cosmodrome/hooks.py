"""Webhooks: tell a receiver of each schedule change it asked for, after each refresh.

A receiver is registered with ``cosmodrome hooks add URL --site Baikonur --kind
moved,flown`` and kept in ``hooks.json`` in the home folder (readable by its owner only: it
holds the secrets). Its filters are those of ``cosmodrome changes``; names are checked when
it is added. After each refresh (:mod:`cosmodrome.refresh`) every new change record
(:mod:`cosmodrome.schedule.changes`) that matches is POSTed to it as JSON, one request per
change::

    {"event": "schedule.change", "hook": "h1a2b3c", "delivery": "...uuid...",
     "change": {"change_key": "1-2-moved-965", "kind": "moved", "payload": "Tundra n°7L (EKS)",
                "old_target": "NET 2024", "new_target": "NET 2026", "slip_days": 730.0, ...}}

with ``X-Cosmodrome-Signature: sha256=HEX``, the HMAC-SHA256 of the exact body bytes under
the receiver's secret (shown once, when it is added), as GitHub signs its webhooks; the
receiver recomputes it and compares in constant time. ``X-Cosmodrome-Event`` is the kind
and ``X-Cosmodrome-Delivery`` the delivery's id.

A failed attempt (no connection, a timeout, HTTP 5xx, 408 or 429) is retried with
exponential back-off (1, 2, 4 s by default); another 4xx is not retried. Every delivery is
logged (``hooks-log.jsonl``: time, receiver, change, status, attempts, error). A receiver
whose deliveries fail :data:`PAUSE_AFTER` times in a row is paused: nothing more is sent
until ``cosmodrome hooks resume ID``, and ``hooks list`` shows it paused with its last error.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import filelock
import httpx

from cosmodrome import config
from cosmodrome.errors import InputError
from cosmodrome.sources.loader import USER_AGENT

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

HOOKS_FILENAME = "hooks.json"
LOG_FILENAME = "hooks-log.jsonl"
SIGNATURE_HEADER = "X-Cosmodrome-Signature"
#: Failed deliveries in a row after which a receiver is paused.
PAUSE_AFTER = 5
#: Attempts per delivery, and the first back-off (doubled after each failure).
ATTEMPTS = 4
BACKOFF_S = 1.0
TIMEOUT_S = 10.0
#: How long editing the receivers waits for a delivery run that holds them.
LOCK_WAIT_S = 300.0
#: Statuses worth trying again: the receiver may answer later.
RETRYABLE = {408, 429, 500, 502, 503, 504}


@dataclass
class Hook:
    """One registered receiver."""

    id: str
    url: str
    secret: str
    kinds: list[str] = field(default_factory=list)
    site: str | None = None
    vehicle: str | None = None
    provider: str | None = None
    created_utc: str = ""
    failures_in_a_row: int = 0
    paused: bool = False
    last_error: str | None = None
    delivered: int = 0

    def public(self) -> dict[str, Any]:
        """What ``hooks list`` shows: everything but the secret."""
        shown = asdict(self)
        del shown["secret"]
        return shown


@dataclass(frozen=True)
class Delivery:
    """One change sent (or not) to one receiver."""

    at_utc: str
    hook: str
    change_key: str
    kind: str
    status: int | None
    attempts: int
    ok: bool
    error: str | None


def hooks_path(home: Path | None = None) -> Path:
    return (home or config.home()) / HOOKS_FILENAME


def log_path(home: Path | None = None) -> Path:
    return (home or config.home()) / LOG_FILENAME


@contextlib.contextmanager
def _editing(home: Path | None) -> Iterator[list[Hook]]:
    """The receivers, written back (owner-only, atomically) when the block ends; one writer
    at a time (``hooks.json.lock``)."""
    path = hooks_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    with filelock.FileLock(str(path) + ".lock", timeout=LOCK_WAIT_S):
        hooks = read_hooks(home)
        yield hooks
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump([asdict(hook) for hook in hooks], out, indent=2)
        os.replace(tmp, path)


def read_hooks(home: Path | None = None) -> list[Hook]:
    path = hooks_path(home)
    if not path.is_file():
        return []
    try:
        return [Hook(**raw) for raw in json.loads(path.read_text("utf-8"))]
    except (ValueError, TypeError) as error:
        raise InputError(f"{path}: not a list of webhooks ({error}); fix or remove it") from None


def add_hook(
    url: str,
    *,
    kinds: tuple[str, ...] = (),
    site: str | None = None,
    vehicle: str | None = None,
    provider: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    home: Path | None = None,
) -> Hook:
    """Register a receiver; its secret is in the answer, and never shown again. Names are
    checked against the catalog (``con``) as ``changes`` checks them."""
    from cosmodrome.schedule.changes import KINDS

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"a webhook URL must be http:// or https://, not {url!r}")
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown:
        raise InputError(f"unknown change kind {unknown[0]!r}; choose from {', '.join(KINDS)}")
    if con is not None:
        _check_names(con, site, vehicle)
    hook = Hook(
        id="h" + secrets.token_hex(4),
        url=url,
        secret=secrets.token_hex(32),
        kinds=list(kinds),
        site=site,
        vehicle=vehicle,
        provider=provider,
        created_utc=_now(),
    )
    with _editing(home) as hooks:
        hooks.append(hook)
    return hook


def _check_names(con: duckdb.DuckDBPyConnection, site: str | None, vehicle: str | None) -> None:
    from cosmodrome.catalog.names import resolve_sites, resolve_vehicles

    if site:
        resolve_sites(con, site)
    if vehicle:
        resolve_vehicles(con, vehicle)


def remove_hook(hook_id: str, home: Path | None = None) -> Hook:
    with _editing(home) as hooks:
        hook = _find(hooks, hook_id)
        hooks.remove(hook)
    return hook


def resume_hook(hook_id: str, home: Path | None = None) -> Hook:
    """Send to a paused receiver again (its count of failures starts afresh)."""
    with _editing(home) as hooks:
        hook = _find(hooks, hook_id)
        hook.paused, hook.failures_in_a_row = False, 0
    return hook


def _find(hooks: list[Hook], hook_id: str) -> Hook:
    for hook in hooks:
        if hook.id == hook_id:
            return hook
    known = ", ".join(hook.id for hook in hooks) or "none registered"
    raise InputError(f"no webhook {hook_id!r} (known: {known}); `cosmodrome hooks list`")


def sign(secret: str, body: bytes) -> str:
    """The signature header's value: ``sha256=`` and the HMAC-SHA256 of ``body``.

    >>> sign("s3cret", b'{"a": 1}')
    'sha256=1a9fab6cd4b8cdcaad8640f3eca73fa924c62ff24f3833254ef3547232153767'
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` (what a receiver checks)."""
    return header is not None and hmac.compare_digest(sign(secret, body), header)


def deliveries(home: Path | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The delivery log, newest last (the last ``limit`` entries)."""
    path = log_path(home)
    if not path.is_file():
        return []
    lines = path.read_text("utf-8").splitlines()
    chosen = lines[-limit:] if limit else lines
    return [json.loads(line) for line in chosen if line.strip()]


def deliver(
    records: pd.DataFrame,
    con: duckdb.DuckDBPyConnection,
    home: Path | None = None,
    *,
    client: httpx.Client | None = None,
    backoff_s: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Delivery]:
    """POST each of ``records`` (new change records) to every active receiver it matches;
    returns the deliveries, also appended to the log. The first back-off is ``backoff_s``
    (default :data:`BACKOFF_S`)."""
    if records.empty:
        return []
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    sent: list[Delivery] = []
    http = client or httpx.Client(timeout=TIMEOUT_S, headers={"User-Agent": USER_AGENT})
    try:
        with _editing(home) as hooks:
            for hook in hooks:
                if hook.paused:
                    continue
                for change in _matching(records, con, hook):
                    delivery = _send(http, hook, change, backoff_s, sleep)
                    sent.append(delivery)
                    _account(hook, delivery)
                    if hook.paused:
                        break
    finally:
        if client is None:
            http.close()
    _log(sent, home)
    return sent


def _matching(
    records: pd.DataFrame, con: duckdb.DuckDBPyConnection, hook: Hook
) -> list[dict[str, Any]]:
    from cosmodrome.errors import UnknownNameError
    from cosmodrome.schedule.service import ScheduleFilter, select
    from cosmodrome.tables import json_records

    chosen = records
    if hook.kinds:
        chosen = chosen[chosen["kind"].isin(hook.kinds)]
    if hook.site or hook.vehicle or hook.provider:
        try:
            chosen = select(chosen, con, ScheduleFilter(hook.site, hook.vehicle, hook.provider))
        except UnknownNameError:
            return []  # a provider this update's changes do not name: nothing for it
    return json_records(chosen)


def _send(
    http: httpx.Client,
    hook: Hook,
    change: dict[str, Any],
    backoff_s: float,
    sleep: Callable[[float], None],
) -> Delivery:
    delivery_id = str(uuid.uuid4())
    message = {
        "event": "schedule.change",
        "hook": hook.id,
        "delivery": delivery_id,
        "change": change,
    }
    body = json.dumps(message, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(hook.secret, body),
        "X-Cosmodrome-Event": str(change["kind"]),
        "X-Cosmodrome-Delivery": delivery_id,
    }
    status: int | None = None
    error: str | None = None
    attempt = 0
    for attempt in range(1, ATTEMPTS + 1):
        if attempt > 1:
            sleep(backoff_s * 2 ** (attempt - 2))
        try:
            status = http.post(hook.url, content=body, headers=headers).status_code
        except httpx.HTTPError as failure:
            status, error = None, f"{type(failure).__name__}: {failure}"
            continue
        if 200 <= status < 300:
            error = None
            break
        error = f"HTTP {status}"
        if status not in RETRYABLE:
            break
    ok = status is not None and 200 <= status < 300
    return Delivery(
        _now(), hook.id, str(change["change_key"]), str(change["kind"]), status, attempt, ok, error
    )


def _account(hook: Hook, delivery: Delivery) -> None:
    """Count a delivery against its receiver; pause it after too many failures in a row."""
    if delivery.ok:
        hook.failures_in_a_row, hook.delivered = 0, hook.delivered + 1
        return
    hook.failures_in_a_row += 1
    hook.last_error = f"{delivery.at_utc}: {delivery.error}"
    if hook.failures_in_a_row >= PAUSE_AFTER:
        hook.paused = True


def _log(sent: list[Delivery], home: Path | None) -> None:
    if not sent:
        return
    path = log_path(home)
    with path.open("a", encoding="utf-8") as out:
        for delivery in sent:
            out.write(json.dumps(asdict(delivery)) + "\n")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
