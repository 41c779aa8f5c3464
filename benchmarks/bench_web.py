"""Web benchmark: the launches and site-profile endpoints under load, over loopback.

The server (``uvicorn``, one worker, as ``cosmodrome serve`` runs it) starts in a subprocess;
this process drives it open-loop at a fixed rate (default 100 requests/s for 10 s) from a
thread pool with ``httpx``, through a mix of launch queries (site, period, vehicle, pages,
sorts) and site profiles, without ``If-None-Match`` so every request is computed. Latency is
measured from each request's *scheduled* time, so a server falling behind shows up in the
tail instead of being hidden (no coordinated omission).

Baseline in the same run: the same requests answered in-process by the façade functions on
one read-only connection, without HTTP, sequentially.

Target (issue 7): p99 under 100 ms at 100 requests/s, no errors. Run with
``python -m benchmarks web`` or ``python -m benchmarks.bench_web --rate 100 --seconds 10``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from benchmarks.common import SHARED_DATA
from cosmodrome import api, config

SITES = [
    "Baikonur",
    "Plesetsk",
    "Kourou",
    "Canaveral",
    "Jiuquan",
    "Vandenberg",
    "Tanegashima",
    "Sriharikota",
    "Mahia",
    "Vostochny",
]


def request_mix() -> list[tuple[str, dict[str, str]]]:
    """The requests the load cycles through: (path, query)."""
    mix: list[tuple[str, dict[str, str]]] = []
    for i, site in enumerate(SITES):
        mix.append(("/api/launches", {"site": site, "limit": "50"}))
        mix.append(
            (
                "/api/launches",
                {
                    "site": site,
                    "from": "2010-01-01",
                    "sort": "time_utc",
                    "order": "desc",
                    "limit": "50",
                    "offset": str(i * 10),
                },
            )
        )
        mix.append((f"/api/sites/{site}", {}))
    mix.append(("/api/launches", {"vehicle": "Soyuz-2", "limit": "50"}))
    mix.append(("/api/launches", {"provider_state": "CN", "outcome": "failure", "limit": "50"}))
    mix.append(("/api/launches", {"limit": "50", "offset": "3000"}))
    return mix


def baseline(home: Path, mix: list[tuple[str, dict[str, str]]], repeat: int = 3) -> list[float]:
    """In-process latencies (s) of the same work through the façade, no HTTP."""
    from cosmodrome.timeutil import parse_day

    latencies = []
    with api.catalog(home) as con:
        for _ in range(repeat):
            for path, query in mix:
                start = time.perf_counter()
                if path == "/api/launches":
                    f = api.LaunchFilter(
                        site=query.get("site"),
                        vehicle=query.get("vehicle"),
                        provider_state=query.get("provider_state"),
                        outcome=query.get("outcome"),
                        start=parse_day(query["from"]) if "from" in query else None,
                    )
                    api.count_launches(con, f)
                    api.launches(
                        con,
                        f,
                        limit=50,
                        offset=int(query.get("offset", "0")),
                        descending=query.get("order") == "desc",
                    )
                else:
                    name = path.rsplit("/", 1)[-1]
                    api.site_detail(con, name)
                    api.launches_per_year(con, api.LaunchFilter(site=name))
                latencies.append(time.perf_counter() - start)
    return latencies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path, port: int, cache: bool = True) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "COSMODROME_HOME": str(home),
        "COSMODROME_WEB_CACHE_ENTRIES": "2048" if cache else "0",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "cosmodrome.web.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return healthy(subprocess.Popen(command, env=env), port, 30)


def healthy(
    server: subprocess.Popen[bytes], port: int, timeout_s: float
) -> subprocess.Popen[bytes]:
    """``server`` once it answers ``/api/health`` on ``port``; stopped, and an error, if it
    does not within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"the server did not start within {timeout_s:g} s")


def drive(
    base: str, mix: list[tuple[str, dict[str, str]]], rate: float, seconds: float, threads: int = 32
) -> dict[str, Any]:
    """Open-loop load: request i is due at ``i / rate`` s; latency counts from that moment."""
    total = int(rate * seconds)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    limits = httpx.Limits(max_connections=threads, max_keepalive_connections=threads)
    with httpx.Client(base_url=base, timeout=10.0, limits=limits) as client:
        for path, query in mix:  # warm up: name indexes, DuckDB caches
            client.get(path, params=query)
        t0 = time.perf_counter()

        def one(i: int) -> None:
            due = t0 + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            path, query = mix[i % len(mix)]
            try:
                status = client.get(path, params=query).status_code
                key = None if status == 200 else str(status)
            except httpx.HTTPError as error:
                key = type(error).__name__
            elapsed = time.perf_counter() - due
            with lock:
                latencies.append(elapsed)
                if key:
                    errors[key] = errors.get(key, 0) + 1

        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(one, range(total)))
        wall = time.perf_counter() - t0
    return {
        "requests": total,
        "wall_s": wall,
        "throughput_rps": total / wall,
        "latencies_s": latencies,
        "errors": errors,
    }


def percentile(values: list[float], q: float) -> float:
    return (
        statistics.quantiles(values, n=1000, method="inclusive")[int(q * 10) - 1]
        if len(values) > 1
        else values[0]
    )


def catalog_home(explicit: str | None) -> tuple[Path, bool]:
    """The catalog to serve: ``--home``, ``$COSMODROME_HOME`` if built, else a fresh build."""
    if explicit:
        return Path(explicit), False
    if config.catalog_path().is_file():
        return config.home(), False
    home = Path(tempfile.mkdtemp(prefix="cosmodrome-bench-web-"))
    api.update(str(SHARED_DATA), home)
    return home, True


def run_scenario(
    home: Path, mix: list[tuple[str, dict[str, str]]], rate: float, seconds: float, cache: bool
) -> dict[str, Any]:
    port = free_port()
    server = start_server(home, port, cache)
    try:
        result = drive(f"http://127.0.0.1:{port}", mix, rate, seconds)
    finally:
        server.terminate()
        server.wait(timeout=10)
    lat = result.pop("latencies_s")
    return {
        "rate_target_rps": rate,
        "seconds": seconds,
        "response_cache": cache,
        "throughput_rps": round(result["throughput_rps"], 1),
        "requests": result["requests"],
        "errors": result["errors"],
        "p50_ms": round(1000 * statistics.median(lat), 2),
        "p99_ms": round(1000 * percentile(lat, 99), 2),
        "max_ms": round(1000 * max(lat), 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of the load")
    parser.add_argument(
        "--uncached-rate",
        type=float,
        default=20.0,
        help="rate of the second scenario, with the response cache off",
    )
    parser.add_argument("--home", help="COSMODROME_HOME with a catalog (default: build one)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv or [])
    home, _fresh = catalog_home(args.home)
    mix = request_mix()
    base_lat = baseline(home, mix)
    cached = run_scenario(home, mix, args.rate, args.seconds, cache=True)
    uncached = run_scenario(home, mix, args.uncached_rate, args.seconds, cache=False)
    figures = {
        "cpus": os.cpu_count(),
        "distinct_requests": len(mix),
        "baseline_p50_ms": round(1000 * statistics.median(base_lat), 2),
        "baseline_p99_ms": round(1000 * percentile(base_lat, 99), 2),
        "cached": cached,
        "uncached": uncached,
    }
    print(
        f"\nWeb API under load ({len(mix)} distinct launch and site-profile requests, "
        f"{args.seconds:g} s each, {os.cpu_count()} CPUs; latency from scheduled time)"
    )
    print(f"  {'measurement':<52} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    print(
        f"  {'baseline: same queries in-process via the façade':<52} {'-':>7} "
        f"{figures['baseline_p50_ms']:>8.2f} {figures['baseline_p99_ms']:>8.2f} {'-':>7}"
    )
    for name, row in (
        ("HTTP, response cache on (as served)", cached),
        ("HTTP, response cache off", uncached),
    ):
        errors = sum(row["errors"].values())
        label = f"{name} @ {row['rate_target_rps']:g} req/s"
        print(
            f"  {label:<52} {row['throughput_rps']:>7.1f} "
            f"{row['p50_ms']:>8.2f} {row['p99_ms']:>8.2f} {errors:>7}"
        )
    met = cached["p99_ms"] < 100 and not cached["errors"]
    print(
        f"  target p99 < 100 ms at {args.rate:g} req/s with no errors: {'met' if met else 'NOT met'}"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
