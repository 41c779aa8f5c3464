"""Webhooks end to end: receivers on loopback get each matching change after a refresh,
signed with HMAC-SHA256 over the body; a failure is retried with back-off, every delivery is
logged, and a receiver that keeps failing is paused and listed."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from cosmodrome import api, hooks
from cosmodrome.catalog.build import build_catalog
from cosmodrome.errors import InputError
from tests.conftest import CliRunner
from tests.gcat_factory import launch_row, write_mini_gcat
from tests.test_schedule_store import BAIKONUR, csv_row, write_csv


@dataclass
class Receiver:
    """A webhook receiver: answers ``fail_first`` requests with ``failure``, then 200."""

    url: str = ""
    fail_first: int = 0
    failure: int = 500
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)


@pytest.fixture()
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    flaky, broken = Receiver(fail_first=1), Receiver(fail_first=10**6, failure=503)
    servers = []
    for receiver in (flaky, broken):

        class Handler(BaseHTTPRequestHandler):
            target = receiver

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                self.target.received.append((body, dict(self.headers.items())))
                failing = len(self.target.received) <= self.target.fail_first
                self.send_response(self.target.failure if failing else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        servers.append(server)
    yield flaky, broken
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    source = write_mini_gcat(
        tmp_path / "gcat", [launch_row("2019-001", "2019 Jan 10 0101", "GIK-5")]
    )
    folder = tmp_path / "home"
    build_catalog(str(source), folder)
    return folder


def snapshot(folder: Path, day: str, moved: bool) -> None:
    rows = [
        csv_row("Progress MS-40", "NET Apr 1, 2026" if moved else "NET Feb 1, 2026", BAIKONUR, "Soyuz 2.1a"),
        csv_row("Progress MS-41", "NET Mar 1, 2026", BAIKONUR, "Soyuz 2.1a"),
    ]  # fmt: skip
    if moved:  # and five new launches
        rows += [
            csv_row(f"Soyuz MS-{n}", "NET 2027", BAIKONUR, "Soyuz 2.1a") for n in range(30, 35)
        ]
    folder.mkdir(exist_ok=True)
    write_csv(folder / f"upcoming-{day}.csv", rows)


def test_changes_are_posted_signed_retried_logged_and_failing_receivers_paused(
    home: Path,
    tmp_path: Path,
    receivers: tuple[Receiver, Receiver],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(hooks, "BACKOFF_S", 0.01)
    flaky, broken = receivers
    schedule = tmp_path / "schedule"
    snapshot(schedule, "2026-01-01", moved=False)
    sources = api.RefreshSources(schedule=str(schedule))
    first = api.refresh(home, sources, only=("schedule",))
    assert first.deliveries == []  # the first snapshot is the baseline: no change

    with api.catalog(home) as con:
        moved_only = api.add_hook(flaky.url, kinds=("moved",), site="Baikonur", con=con, home=home)
        everything = api.add_hook(broken.url, con=con, home=home)
    snapshot(schedule, "2026-02-01", moved=True)
    report = api.refresh(home, sources, only=("schedule",))
    assert report.changes is not None and sorted(report.changes["kind"]) == ["moved"] + ["new"] * 5

    # The flaky receiver: one change (the move), its first attempt failed, the second landed.
    assert len(flaky.received) == 2 and flaky.received[0][0] == flaky.received[1][0]
    body, headers = flaky.received[-1]
    expected = "sha256=" + hmac.new(moved_only.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Cosmodrome-Signature"] == expected
    assert hooks.verify(moved_only.secret, body, headers["X-Cosmodrome-Signature"])
    assert not hooks.verify(everything.secret, body, headers["X-Cosmodrome-Signature"])
    change = json.loads(body)["change"]
    assert (change["kind"], change["payload"], change["old_target"], change["new_target"]) == (
        "moved", "Progress MS-40", "NET 2026-02-01", "NET 2026-04-01",
    )  # fmt: skip
    assert change["slip_days"] == 59.0 and headers["X-Cosmodrome-Event"] == "moved"

    # The broken receiver: every attempt failed; paused after five deliveries in a row.
    assert len(broken.received) == hooks.PAUSE_AFTER * hooks.ATTEMPTS
    state = {hook.id: hook for hook in api.read_hooks(home)}
    assert state[everything.id].paused and "HTTP 503" in (state[everything.id].last_error or "")
    assert not state[moved_only.id].paused and state[moved_only.id].delivered == 1

    log = api.hook_deliveries(home)
    assert [(d["hook"], d["ok"], d["attempts"]) for d in log if d["hook"] == moved_only.id] == [
        (moved_only.id, True, 2)
    ]
    failed = [d for d in log if d["hook"] == everything.id]
    assert len(failed) == hooks.PAUSE_AFTER
    assert all(d["status"] == 503 and d["attempts"] == hooks.ATTEMPTS for d in failed)

    # Paused: the next change is not sent to it until it is resumed.
    snapshot(schedule, "2026-03-01", moved=False)
    api.refresh(home, sources, only=("schedule",))
    assert len(broken.received) == hooks.PAUSE_AFTER * hooks.ATTEMPTS
    api.resume_hook(everything.id, home)
    assert not api.read_hooks(home)[1].paused


def test_cli_shows_the_secret_once_and_lists_paused_receivers(
    home: Path, cosmodrome: CliRunner
) -> None:
    added = cosmodrome(home, "hooks", "add", "https://example.org/hook", "--site", "Baikonur",
                       "--kind", "moved,flown")  # fmt: skip
    assert added.returncode == 0, added.stderr
    secret = added.stdout.split("secret (shown once, keep it): ")[1].split()[0]
    assert len(secret) == 64
    listed = cosmodrome(home, "hooks", "list", "--format", "json")
    assert secret not in listed.stdout
    (hook,) = json.loads(listed.stdout)["hooks"]
    assert (hook["site"], hook["kinds"]) == ("Baikonur", ["moved", "flown"])
    assert (hooks.hooks_path(home).stat().st_mode & 0o077) == 0  # the owner's only
    table = cosmodrome(home, "hooks", "list", columns=80)
    assert "Baikonur moved,flown" in table.stdout
    unknown = cosmodrome(home, "hooks", "add", "https://example.org/x", "--site", "Baikonr")
    assert unknown.returncode == 1 and "Baikonur" in unknown.stderr
    with pytest.raises(InputError, match="http:// or https://"):
        api.add_hook("ftp://example.org/x", home=home)
    removed = cosmodrome(home, "hooks", "remove", hook["id"])
    assert removed.returncode == 0 and api.read_hooks(home) == []


def test_a_schedule_update_by_hand_notifies_too(
    home: Path, tmp_path: Path, receivers: tuple[Receiver, Receiver], cosmodrome: CliRunner
) -> None:
    flaky, _ = receivers
    flaky.fail_first = 0
    schedule = tmp_path / "schedule"
    snapshot(schedule, "2026-01-01", moved=False)
    assert cosmodrome(home, "schedule", "update", "--source", str(schedule)).returncode == 0
    api.add_hook(flaky.url, kinds=("moved",), home=home)
    snapshot(schedule, "2026-02-01", moved=True)
    result = cosmodrome(home, "schedule", "update", "--source", str(schedule))
    assert result.returncode == 0, result.stderr
    assert "webhooks: 1 delivered, 0 failed" in result.stdout
    assert [json.loads(body)["change"]["kind"] for body, _ in flaky.received] == ["moved"]
