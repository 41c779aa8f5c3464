"""The element and schedule stores: one writer, readers served the previous state during a
write, failed writes leave no trace, damaged stores are one-line errors and named by
``/api/health``."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from cosmodrome.astro.elements import parse_text
from cosmodrome.astro.store import ElementStore, elements_path
from cosmodrome.schedule.service import update_schedule
from cosmodrome.schedule.store import open_store
from cosmodrome.stores import (
    StoreDamagedError,
    StoreLockedError,
    StoreWriteError,
    home_health,
    writer_lock,
)
from cosmodrome.web.app import create_app
from tests.conftest import CliRunner
from tests.web_support import client_class

ISS = """ISS (ZARYA)
1 25544U 98067A   23333.91619101  .00024169  00000+0  43094-3 0  9996
2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"""
ISS_LATER = """ISS (ZARYA)
1 25544U 98067A   23334.91619101  .00024169  00000+0  43094-3 0  9997
2 25544  51.6417 227.6788 0001060 344.9414 118.7978 15.49949661427493"""
SCHEDULE_CSV = (
    "title,launch_time,location,rocket_data.rocket_name\n"
    'OneWeb #20,"Sun Oct 20, 2024 05:13 UTC","SLC-4E, Vandenberg",Falcon 9\n'
)


def _elements_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    with ElementStore(elements_path(home), read_only=False) as store:
        store.add(parse_text(ISS).records)
    return home


def _leftovers(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir() if ".building" in p.name)


def test_readers_see_the_previous_elements_while_a_writer_adds(tmp_path: Path) -> None:
    home = _elements_home(tmp_path)
    with ElementStore(elements_path(home), read_only=False) as writer:
        writer.add(parse_text(ISS_LATER).records)
        assert writer.count() == 2
        with ElementStore(elements_path(home)) as reader:  # no "Could not set lock"
            assert reader.count() == 1
    with ElementStore(elements_path(home)) as reader:
        assert reader.count() == 2
    assert _leftovers(home) == []


def test_readers_see_the_previous_schedule_while_an_update_writes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = tmp_path / "upcoming-2024-10-18.csv"
    first.write_text(SCHEDULE_CSV, encoding="utf-8")
    update_schedule(str(first), home)
    seen: list[int] = []

    def read_during_write(_path: Path) -> None:
        with open_store(home) as con:
            seen.append(con.execute("SELECT count(*) FROM snapshots").fetchone()[0])  # type: ignore[index]

    second = tmp_path / "upcoming-2024-11-01.csv"
    second.write_text(SCHEDULE_CSV.replace("OneWeb", "Twoweb"), encoding="utf-8")
    original = os.replace

    def replace_after_reading(src: Any, dst: Any) -> None:
        read_during_write(Path(dst))
        original(src, dst)

    import cosmodrome.stores as stores

    try:
        stores.os.replace = replace_after_reading  # type: ignore[attr-defined]
        update_schedule(str(second), home)
    finally:
        stores.os.replace = original  # type: ignore[attr-defined]
    assert seen == [1]
    with open_store(home) as con:
        assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (2,)


def test_a_second_writer_waits_then_gives_up_with_one_line(tmp_path: Path) -> None:
    home = _elements_home(tmp_path)
    path = elements_path(home)
    from cosmodrome.astro.store import ELEMENTS

    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with writer_lock(path, ELEMENTS):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        with (
            pytest.raises(StoreLockedError, match="another command is writing the element"),
            writer_lock(path, ELEMENTS, wait_s=0.2),
        ):
            pass
    finally:
        release.set()
        thread.join()
    with writer_lock(path, ELEMENTS, wait_s=0.2):  # free again
        pass


@pytest.mark.parametrize(
    "fault",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EROFS, "Read-only file system"),
        PermissionError(errno.EACCES, "Permission denied"),
    ],
)
def test_a_write_that_fails_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: OSError
) -> None:
    home = _elements_home(tmp_path)
    before = elements_path(home).read_bytes()

    def failing(*_args: Any) -> None:
        raise fault

    monkeypatch.setattr("cosmodrome.stores.os.replace", failing)
    with (
        pytest.raises(StoreWriteError, match=f"{fault.strerror}.*The store is unchanged"),
        ElementStore(elements_path(home), read_only=False) as store,
    ):
        store.add(parse_text(ISS_LATER).records)
    assert elements_path(home).read_bytes() == before
    assert _leftovers(home) == []


def test_a_full_disk_during_a_schedule_update_is_one_line(
    cosmodrome: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "upcoming-2024-10-18.csv"
    source.write_text(SCHEDULE_CSV, encoding="utf-8")

    def full(*_args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("cosmodrome.stores.shutil.copyfile", full)
    home = tmp_path / "home"
    update_schedule(str(source), home)  # nothing to copy yet: written
    again = tmp_path / "upcoming-2024-11-01.csv"
    again.write_text(SCHEDULE_CSV.replace("OneWeb", "Other"), encoding="utf-8")
    result = cosmodrome(home, "schedule", "update", "--source", str(again))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "No space left on device" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_home_that_cannot_be_written_is_one_line(cosmodrome: CliRunner, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the home should be", encoding="utf-8")
    source = tmp_path / "upcoming-2024-10-18.csv"
    source.write_text(SCHEDULE_CSV, encoding="utf-8")
    result = cosmodrome(blocker / "home", "schedule", "update", "--source", str(source))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_damaged_store_is_a_one_line_error_saying_how_to_rebuild(
    tmp_path: Path, damage: str
) -> None:
    home = _elements_home(tmp_path)
    path = elements_path(home)
    data = path.read_bytes()
    path.write_bytes(data[:5000] if damage == "truncate" else os.urandom(len(data)))
    with pytest.raises(StoreDamagedError, match="cosmodrome elements update"):
        ElementStore(path)
    with pytest.raises(StoreDamagedError):  # a writer does not carry the damage forward
        ElementStore(path, read_only=False)
    health = home_health(home)
    assert health["elements"]["state"] == "damaged"
    assert health["catalog"]["state"] == "missing"


def test_serve_starts_over_a_truncated_catalog_and_health_names_it(tmp_path: Path) -> None:
    home = _elements_home(tmp_path)
    (home / "catalog.duckdb").write_bytes(b"DUCK" * 100)
    with client_class()(create_app(home)) as client:
        body = client.get("/api/health").json()
        assert body["status"] == "degraded" and body["damaged"] == ["catalog"]
        assert body["stores"]["catalog"]["rebuild"] == "cosmodrome update"
        assert body["stores"]["elements"]["state"] == "ok"
        launches = client.get("/api/launches")
        assert launches.status_code == 503
        assert "cosmodrome update" in launches.json()["error"]["message"]


def test_a_damaged_catalog_is_a_one_line_error_on_the_command_line(
    cosmodrome: CliRunner, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "catalog.duckdb").write_bytes(os.urandom(300_000))
    result = cosmodrome(home, "launches", "--limit", "3")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cosmodrome update" in result.stderr


def test_a_store_damaged_under_the_server_is_a_503_naming_health(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    home = _elements_home(tmp_path)

    def damaged_read(*_args: Any, **_kwargs: Any) -> None:
        raise duckdb.IOException("Could not read from file: block 7 is corrupt")

    monkeypatch.setattr(ElementStore, "nearest", damaged_read)
    with client_class()(create_app(home, cache_entries=0)) as client:
        response = client.get("/api/passes", params={"sat": "25544", "at": "43.25,76.92"})
    assert response.status_code == 503 and response.headers["retry-after"] == "60"
    error = response.json()["error"]
    assert error["type"] == "StoreUnreadable" and "block 7 is corrupt" in error["message"]
    assert "/api/health" in error["message"]


def test_a_job_store_that_cannot_be_written_is_a_503_not_a_500(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from cosmodrome.web.jobs import JobStore

    def read_only(*_args: Any, **_kwargs: Any) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(JobStore, "_open", read_only)
    home = _elements_home(tmp_path)
    body = {"constellation": {"planes": 1, "per_plane": 1}, "start_utc": "2024-01-01T00:00:00Z"}
    with client_class()(create_app(home, cache_entries=0)) as client:
        response = client.post("/api/coverage/jobs", json=body)
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["type"] == "ServerStorage" and "readonly database" in error["message"]
