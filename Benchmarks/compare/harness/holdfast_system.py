"""Holdfast: `holdfast serve` (strict or relaxed durability) on a fresh data
directory per cell, driven by `holdfast bench`."""

import json
import os
import shutil
import subprocess
import time

from common import CPUWindow, free_port, say, thread_cpu_seconds
from results import Cell, OversellResult

DURABILITY = ["strict", "relaxed"]
STOCK = 1_000_000_000  # Limits.quantityMax: never runs out in a throughput run

# Load shapes: (name, connections, frames in flight per connection, operations per frame).
# `None` connections means the run's --clients.
SHAPES = [
    ("1 op/request, 1 in flight", None, 1, 1),
    ("1 op/request, 16 in flight (pipelined)", None, 16, 1),
    ("batch 256, 4 in flight", 4, 4, 256),
]


# ---------------------------------------------------------------------------
# The one place that says how `holdfast serve` starts and how the bench
# authenticates: serve authenticates with JWTs (HS256, the secret it creates in
# its data directory); bench makes a fresh store per run, so it presents an
# admin token for every store, made from that secret (so does wrk in the REST
# cells). The REST listener takes any free port; its ready line names it.
SERVE_EXTRA_ARGUMENTS = ["--http-port", "0"]
# Added for the open-loop cell, whose window should include a snapshot: one
# per 64 MiB of a shard's log (the default is 256 MiB) puts at least one in a
# 30 s window from about 25,000 reservations/s (~92 log bytes each). The cell
# counts the snapshots taken in its window.
OPEN_LOOP_SERVE_ARGUMENTS = ["--snapshot-every-log-mib", "64"]


def serve_command(binary, data_directory, port, durability, extra_arguments=()):
    return [binary, "serve", "--data-dir", data_directory, "--port", str(port), "--durability", durability,
            *SERVE_EXTRA_ARGUMENTS, *extra_arguments]  # fmt: skip


def bench_token(binary, data_directory):
    """The token `holdfast bench` presents: an admin's, for every store."""
    made = subprocess.run(
        [binary, "token", "create", "--data-dir", data_directory, "--role", "admin", "--store", "*",
         "--subject", "compare-bench"],  # fmt: skip
        check=True, capture_output=True, text=True)
    return made.stdout.strip()


# ---------------------------------------------------------------------------


def ready_line(log_path):
    """serve's ready line (JSON, with the ports it listens on), or None before it is written."""
    for line in open(log_path):
        if '"msg":"ready"' in line:
            return json.loads(line[line.index("{") :])
    return None


class HoldfastServer:
    def __init__(self, processes, settings, directory, durability, extra_arguments=()):
        self.processes = processes
        self.binary = os.path.join(settings.root, ".build", "release", "holdfast")
        self.directory = directory
        self.port = free_port()
        os.makedirs(directory, exist_ok=True)
        data = os.path.join(directory, "data")
        self.data = data
        self.token = None
        self.http_port = None
        self.log_path = os.path.join(directory, "serve.log")
        self.process = processes.start(serve_command(self.binary, data, self.port, durability, extra_arguments), self.log_path)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            ready = ready_line(self.log_path)
            if ready is not None:
                # serve has created its JWT secret by now.
                self.token = bench_token(self.binary, data)
                self.http_port = int(ready["http_port"]) if "http_port" in ready else None
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("holdfast serve did not start: " + open(self.log_path).read()[-600:])

    def bench(self, workload, arguments, output, timeout, during_measurement=None):
        """Runs `holdfast bench`; `during_measurement(seconds_into_window)`, if given, is called
        once the bench says it is warming up, with the warm-up's length (to profile the window)."""
        command = [self.binary, "bench", workload, "--server", f"127.0.0.1:{self.port}", "--output", output]
        if self.token:
            command += ["--token", self.token]
        log_path = output + ".log"
        with open(log_path, "w") as log:
            bench = subprocess.Popen(command + arguments, stdout=log, stderr=subprocess.PIPE, text=True)
            try:
                deadline = time.monotonic() + timeout
                for line in bench.stderr:  # progress lines, then the end; the report goes to the file
                    log.write(line)
                    if during_measurement and line.startswith("warming up"):
                        during_measurement()
                        during_measurement = None
                    if time.monotonic() > deadline:
                        raise RuntimeError("holdfast bench ran past its time limit")
                bench.wait(max(1, deadline - time.monotonic()))
            finally:
                if bench.poll() is None:
                    bench.kill()
                    bench.wait()
        if not os.path.exists(output):
            raise RuntimeError(f"holdfast bench exited {bench.returncode}: {open(log_path).read()[-600:]}")
        return json.load(open(output))

    def stop(self):
        self.processes.stop(self.process, seconds=60)


def measure_cell(processes, settings, durability, workload, shape):
    name, connections, in_flight, batch = shape
    connections = connections or settings.clients
    depth = f"{in_flight} frame(s) × {batch} op(s)"
    cell = Cell("Holdfast", durability, workload, connections, depth)
    slug = f"{durability}-{workload}-{connections}x{in_flight}x{batch}"
    directory = os.path.join(settings.scratch, f"holdfast-{slug}")
    server = HoldfastServer(processes, settings, directory, durability)
    window = CPUWindow(lambda: [server.process.pid])
    profiling = settings.profile and durability == "strict"
    try:
        arguments = [
            "--skus", str(settings.skus), "--stock", str(STOCK), "--connections", str(connections),
            "--in-flight", str(in_flight), "--batch", str(batch),
            "--warmup", f"{settings.warmup_seconds}s", "--duration", f"{settings.seconds}s",
        ]  # fmt: skip
        report = server.bench(workload, arguments, os.path.join(directory, "bench.json"), settings.seconds * 4 + 120,
                              lambda: measure_window(settings, server, slug, window, profiling))  # fmt: skip
    finally:
        server.stop()
    cell.server_cpu_cores = window.cores_measured
    cell.server_threads = getattr(window, "threads", {})
    if profiling:
        summarize_profile(settings, slug)
    shutil.copy(os.path.join(directory, "bench.json"), os.path.join(settings.output, "raw", f"holdfast-{slug}.json"))
    shutil.rmtree(directory, ignore_errors=True)
    cell.operations = report["operations"]
    cell.seconds = report["measuredSeconds"]
    # Granted reservations per second: a refusal (e.g. LIMIT_REACHED once a shard holds
    # 4,000,000 active reservations) is fast and must not count as throughput.
    cell.ops_per_second = report["grantsPerSecond"]
    cell.granted = report["grants"]
    outcomes = report["outcomes"]
    refusals = {"insufficient stock": outcomes["insufficientStock"], "busy": outcomes["busy"], **outcomes["otherErrors"]}
    cell.refusals = ", ".join(f"{name} {count:,}" for name, count in refusals.items() if count)
    cell.p50_ms = report["latencyMicroseconds"]["p50"] / 1000
    cell.p99_ms = report["latencyMicroseconds"]["p99"] / 1000
    cell.curve = [(point["percentile"], point["microseconds"] / 1000) for point in report["latencyDistribution"]]
    cell.latency_note = "holdfast bench: a frame's round trip, counted for each operation in it"
    if not report["check"]["passed"]:
        cell.error = "oversell check failed: " + "; ".join(report["check"]["violations"][:3])
    return cell


PROFILE_HERTZ = 1999


def measure_window(settings, server, slug, window, profiling):
    """Called when the bench starts warming up: waits out the warm-up, then measures the
    server's CPU over --seconds, with `perf record -g` running if profiling."""
    time.sleep(settings.warmup_seconds)
    window.start()
    threads_before, started = thread_cpu_seconds(server.process.pid), time.monotonic()
    if profiling:
        path = os.path.join(settings.output, "raw", f"profile-{slug}.data")
        command = ["perf", "record", "-g", "-F", str(PROFILE_HERTZ), "-o", path, "-p", str(server.process.pid),
                   "--", "sleep", str(settings.seconds)]  # fmt: skip
        completed = subprocess.run(command, capture_output=True, text=True, timeout=settings.seconds + 60)
        if completed.returncode != 0:
            say(f"perf record failed ({completed.returncode}): {completed.stderr.strip()[-300:]}")
    else:
        time.sleep(settings.seconds)
    window.cores_measured = window.cores()
    threads_after, elapsed = thread_cpu_seconds(server.process.pid), time.monotonic() - started
    window.threads = {
        name: round((seconds - threads_before.get(name, 0.0)) / elapsed, 3)
        for name, seconds in threads_after.items()
        if seconds - threads_before.get(name, 0.0) > 0
    }


def summarize_profile(settings, slug):
    """profile-<slug>.txt: the share of samples per thread, then the top
    symbols (Swift names demangled), from the cell's perf data."""
    path = os.path.join(settings.output, "raw", f"profile-{slug}.data")
    if not os.path.exists(path):
        say(f"perf wrote no profile for {slug}")
        return
    base = ["perf", "report", "-i", path, "--no-children", "--stdio", "-g", "none"]
    threads = subprocess.run(base + ["--sort", "pid", "-n"], capture_output=True, text=True, timeout=600).stdout
    symbols = subprocess.run(base + ["--sort", "pid,symbol", "--percent-limit", "0.5"], capture_output=True, text=True, timeout=600).stdout
    demangled = subprocess.run(["swift", "demangle", "--simplified"], input=symbols, capture_output=True, text=True, timeout=120)
    lines = [line.rstrip()[:200] for line in (threads + "\n" + (demangled.stdout or symbols)).splitlines()
             if line.strip() and (not line.startswith("#") or line.startswith("# Samples"))]  # fmt: skip
    # `-n`: the thread lines read "  41.22%   3301  30028:NIO-ELT-1-#1"; their counts add up to every sample.
    samples = sum(int(line.split()[1]) for line in threads.splitlines() if "%" in line and len(line.split()) == 3 and line.split()[1].isdigit())
    lines.insert(0, f"perf record -g -F {PROFILE_HERTZ} over the measured {settings.seconds} s: {samples} samples "
                    "(perf lowers its rate under load: shares are meaningful, the count is not CPU time)")  # fmt: skip
    with open(os.path.join(settings.output, f"profile-{slug}.txt"), "w") as file:
        file.write("\n".join(lines) + "\n")
    os.remove(path)


def oversell_check(processes, settings, durability, workload):
    """Finite stock, twice as much demand offered in one second (open loop),
    and the bench's own check: the server's reserved units against what the
    client saw granted, per SKU."""
    skus = 1 if workload == "hot" else settings.oversell_skus
    units_per_sku = settings.oversell_units // skus
    per_operation = 3 if workload == "cart3" else 1
    operations = -(-2 * units_per_sku * skus // per_operation)
    directory = os.path.join(settings.scratch, f"holdfast-oversell-{durability}-{workload}")
    server = HoldfastServer(processes, settings, directory, durability)
    try:
        arguments = [
            "--skus", str(skus), "--stock", str(units_per_sku), "--connections", str(settings.clients),
            "--in-flight", "64", "--batch", "1", "--rate", str(operations), "--warmup", "0s", "--duration", "1s",
        ]  # fmt: skip
        report = server.bench(workload, arguments, os.path.join(directory, "bench.json"), 300)
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    check = report["check"]
    # The bench's ledger: units the client saw granted; the server's: reserved + committed + fulfilled.
    # The bench checks every SKU's available >= 0 itself (smallest remaining: None, "checked per SKU").
    result = OversellResult(
        "Holdfast", durability, workload, units_per_sku * skus, report["operations"] * per_operation,
        check["clientGrantedUnits"], check["serverConsumedUnits"], None,
    )  # fmt: skip
    if not check["passed"] or check["clientUncertainUnits"]:
        result.error = "; ".join(check["violations"][:3]) or f"{check['clientUncertainUnits']} units of unknown outcome"
    return result


def cells(settings):
    plan = []
    for durability in DURABILITY:
        for workload in settings.workloads:
            for shape in SHAPES:
                failed = Cell("Holdfast", durability, workload, shape[1] or settings.clients, f"{shape[2]} frame(s) × {shape[3]} op(s)")
                plan.append((f"holdfast {durability} {workload} {shape[0]}", lambda p, s, _results, d=durability, w=workload, h=shape: measure_cell(p, s, d, w, h), failed))
    return plan


def oversell_plan(settings):
    return [
        (f"holdfast oversell {durability} {workload}", lambda p, s, _results, d=durability, w=workload: oversell_check(p, s, d, w), None)
        for durability in DURABILITY
        for workload in settings.workloads
    ]
