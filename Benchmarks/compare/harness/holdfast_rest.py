"""Holdfast's REST cells: wrk (keep-alive, 64 connections, 2 threads) against
`holdfast serve --durability strict`, reading one SKU's stock and placing
reservations, each with an Idempotency-Key never used before."""

import json
import os
import shutil
import time
import urllib.request

from common import CPUWindow, run
from results import RESTResult, cpu_microseconds_per_grant
from holdfast_system import STOCK, HoldfastServer

CONNECTIONS, THREADS = 64, 2
STORE, SKU = "compare", "hot"
STOCK_PATH = f"/api/v1/stores/{STORE}/inventory/{SKU}"
RESERVE_PATH = f"/api/v1/stores/{STORE}/reservations"
# (name, wrk script mode, method and path): the cells, in the order they run on one server.
REQUESTS = [
    ("GET stock of one SKU", "get", f"GET {STOCK_PATH}"),
    ("POST reservation (1 unit, a new Idempotency-Key each)", "post", f"POST {RESERVE_PATH}"),
]


def put_stock(http_port, token):
    """Creates the store and the SKU with stock that never runs out (PUT inventory)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{http_port}{STOCK_PATH}", method="PUT", data=json.dumps({"onHand": STOCK}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"PUT {STOCK_PATH} answered {response.status}")


def wrk(settings, http_port, token, mode, path, seconds, run_name):
    """One wrk run; the JSON line its script prints at the end."""
    script = os.path.join(settings.root, "Benchmarks", "compare", "wrk", "rest.lua")
    command = [
        "wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{max(1, round(seconds))}s", "-s", script,
        f"http://127.0.0.1:{http_port}{path}", "--", mode, token, path, run_name, SKU,
    ]  # fmt: skip
    output = run(command, timeout=seconds + 60)
    for line in output.splitlines():
        if line.startswith("wrk-json: "):
            return json.loads(line[len("wrk-json: ") :])
    raise RuntimeError("wrk printed no result: " + output[-400:])


def measure(server, settings, name, mode, request):
    method, path = request.split(" ", 1)
    result = RESTResult(name, request, "strict", CONNECTIONS, THREADS)
    if settings.warmup_seconds > 0:
        wrk(settings, server.http_port, server.token, mode, path, settings.warmup_seconds, f"warmup-{mode}")
    window = CPUWindow(lambda: [server.process.pid])
    window.start()
    report = wrk(settings, server.http_port, server.token, mode, path, settings.seconds, f"run-{mode}")
    result.server_cpu_cores = window.cores()
    fill(result, report)
    return result


def fill(result, report):
    result.seconds = report["duration_us"] / 1e6
    result.requests = report["requests"]
    result.requests_per_second = result.requests / result.seconds
    result.statuses = dict(sorted(report["statuses"].items()))
    successful = sum(count for status, count in result.statuses.items() if status.startswith("2"))
    result.non_2xx = sum(result.statuses.values()) - successful
    result.successful_per_second = successful / result.seconds
    errors = {kind: count for kind, count in report["errors"].items() if count and kind != "status"}
    result.socket_errors = ", ".join(f"{kind} {count:,}" for kind, count in errors.items())
    result.p50_ms = report["latency_us"]["p50"] / 1000
    result.p99_ms = report["latency_us"]["p99"] / 1000
    result.max_ms = report["latency_us"]["max"] / 1000
    result.server_cpu_microseconds_per_request = cpu_microseconds_per_grant(result.server_cpu_cores, result.requests_per_second)


def measure_all(processes, settings, _results):
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (Benchmarks/compare/run installs the Debian package wrk)")
    directory = os.path.join(settings.scratch, "holdfast-rest")
    server = HoldfastServer(processes, settings, directory, "strict")
    try:
        if server.http_port is None:
            raise RuntimeError("serve's ready line names no http_port")
        put_stock(server.http_port, server.token)
        time.sleep(0.1)
        cells = []
        for name, mode, request in REQUESTS:
            try:
                cells.append(measure(server, settings, name, mode, request))
            except RuntimeError as error:  # the next request still runs
                cells.append(RESTResult(name, request, "strict", CONNECTIONS, THREADS, error=str(error)[:200]))
        return cells
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


def plan(settings):
    placeholders = [RESTResult(name, request, "strict", CONNECTIONS, THREADS) for name, _, request in REQUESTS]
    return [(f"holdfast REST: wrk, {CONNECTIONS} connections, {THREADS} threads, GET stock then POST reservation",
             measure_all, placeholders)]  # fmt: skip
