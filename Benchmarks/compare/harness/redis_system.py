"""Redis 7: a Lua check-and-reserve (redis/reserve.lua) under appendonly with
appendfsync always or everysec, driven by redis-benchmark."""

import os
import random
import re
import subprocess
import time

from common import CPUWindow, free_port, run
from results import Cell, OversellResult

HOT_STOCK = 10**12  # the hot key's units in throughput runs: never runs out
CATALOG_STOCK = 10**9  # each catalog key's units in throughput runs
PIPELINES = [1, 16]
FSYNC_MODES = ["always", "everysec"]


def units_per_operation(workload):
    return 3 if workload == "cart3" else 1


class RedisServer:
    """redis-server on loopback with its own data directory, AOF on."""

    def __init__(self, processes, directory, fsync, scripts):
        self.processes = processes
        self.directory = directory
        self.fsync = fsync
        self.port = free_port()
        self.scripts = scripts
        os.makedirs(directory, exist_ok=True)
        command = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", directory,
            "--save", "", "--appendonly", "yes", "--appendfsync", fsync, "--daemonize", "no",
            "--protected-mode", "no", "--logfile", "",
        ]  # fmt: skip
        self.process = processes.start(command, os.path.join(directory, "redis.log"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if self.cli("PING").strip() == "PONG":
                    break
            except RuntimeError:
                pass
            time.sleep(0.05)
        else:
            raise RuntimeError(f"redis-server did not answer PING; see {directory}/redis.log")
        self.sha = {name: self.cli("SCRIPT", "LOAD", source).strip() for name, source in scripts.items()}

    def cli(self, *arguments):
        return run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *arguments], timeout=120)

    def load(self, workload, skus, units):
        catalog = "hot" if workload == "hot" else str(skus)
        self.cli("EVALSHA", self.sha["load"], "0", catalog, str(units))

    def consumed(self, workload, skus, units):
        """(units taken since loading with `units` per SKU, smallest remaining)."""
        catalog = "hot" if workload == "hot" else str(skus)
        lines = self.cli("EVALSHA", self.sha["consumed"], "0", catalog, str(units)).split()
        return int(lines[0]), int(lines[1])

    def stop(self):
        try:
            self.cli("SHUTDOWN", "NOSAVE")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        self.processes.stop(self.process)


def reserve_arguments(sha, workload):
    if workload == "hot":
        return ["EVALSHA", sha, "1", "stock:hot", "1"]
    if workload == "uniform":
        return ["EVALSHA", sha, "1", "stock:__rand_int__", "1"]
    return ["EVALSHA", sha, "3", "stock:__rand_int__", "stock:__rand_int__", "stock:__rand_int__", "1"]


def parse_benchmark(text):
    """Requests, seconds, requests/s, p50, p99 (ms) and the percentile curve of
    one redis-benchmark run (its default, non-CSV output)."""
    text = text.replace("\r", "\n")
    completed = re.search(r"(\d+) requests completed in ([\d.]+) seconds", text)
    rate = re.search(r"throughput summary: ([\d.]+) requests per second", text)
    summary = re.search(r"avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", text)
    if not (completed and rate and summary):
        raise RuntimeError("could not read redis-benchmark's output:\n" + text[-800:])
    curve = []
    block = text.split("Latency by percentile distribution:", 1)[-1].split("Cumulative distribution", 1)[0]
    for match in re.finditer(r"([\d.]+)% <= ([\d.]+) milliseconds", block):
        curve.append((float(match.group(1)), float(match.group(2))))
    return {
        "requests": int(completed.group(1)), "seconds": float(completed.group(2)), "rate": float(rate.group(1)),
        "p50": float(summary.group(3)), "p99": float(summary.group(5)), "curve": curve,
    }  # fmt: skip


def benchmark(server, workload, settings, clients, pipeline, requests):
    command = [
        "redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-c", str(clients), "-P", str(pipeline),
        "-n", str(requests), "-r", str(settings.skus),
    ] + reserve_arguments(server.sha["reserve"], workload)  # fmt: skip
    timeout = settings.seconds * 4 + 60
    return parse_benchmark(run(command, timeout=timeout))


def measure_cell(processes, settings, fsync, workload, pipeline):
    clients = settings.clients
    cell = Cell("Redis 7.0", f"appendfsync {fsync}", workload, clients, f"-P {pipeline} (pipeline)")
    scripts = load_scripts(settings.root)
    directory = os.path.join(settings.scratch, f"redis-{fsync}-{workload}-P{pipeline}")
    server = RedisServer(processes, directory, fsync, scripts)
    try:
        units = HOT_STOCK if workload == "hot" else CATALOG_STOCK
        server.load(workload, settings.skus, units)
        probe = benchmark(server, workload, settings, clients, pipeline, max(2_000, clients * pipeline * 10))
        warm = benchmark(server, workload, settings, clients, pipeline, int(probe["rate"] * settings.warmup_seconds) + 1)
        before, _ = server.consumed(workload, settings.skus, units)
        requests = max(clients * pipeline, int(warm["rate"] * settings.seconds))
        window = CPUWindow(lambda: [server.process.pid])
        window.start()
        result = benchmark(server, workload, settings, clients, pipeline, requests)
        cell.server_cpu_cores = window.cores()
        after, _ = server.consumed(workload, settings.skus, units)
        cell.operations, cell.seconds, cell.ops_per_second = result["requests"], result["seconds"], result["rate"]
        cell.p50_ms, cell.p99_ms, cell.curve = result["p50"], result["p99"], result["curve"]
        cell.granted = (after - before) // units_per_operation(workload)
        cell.latency_note = "redis-benchmark: from sending a request (its pipeline) to its reply"
    finally:
        server.stop()
    return cell


def load_scripts(root):
    folder = os.path.join(root, "Benchmarks", "compare", "redis")
    return {name: open(os.path.join(folder, f"{name}.lua")).read() for name in ["reserve", "load", "consumed"]}


def resp(arguments):
    parts = [f"*{len(arguments)}\r\n"]
    for argument in arguments:
        parts.append(f"${len(argument.encode())}\r\n{argument}\r\n")
    return "".join(parts)


def oversell_check(processes, settings, fsync, workload, seed=7):
    """Finite stock, twice as much demand, sent by `clients` concurrent
    `redis-cli --pipe` processes; refusals come back as errors, so each
    process's count of replies minus errors is what it was granted."""
    skus = 1 if workload == "hot" else settings.oversell_skus
    units_per_sku = settings.oversell_units // skus
    initial = units_per_sku * skus
    per_operation = units_per_operation(workload)
    operations = -(-2 * initial // per_operation)
    directory = os.path.join(settings.scratch, f"redis-oversell-{fsync}-{workload}")
    server = RedisServer(processes, directory, fsync, load_scripts(settings.root))
    try:
        server.load(workload, skus, units_per_sku)
        sha = server.sha["reserve"]
        chooser = random.Random(seed)
        inputs = ["" for _ in range(settings.clients)]
        for index in range(operations):
            if workload == "hot":
                keys = ["stock:hot"]
            else:
                keys = [f"stock:{sku:012d}" for sku in chooser.sample(range(skus), per_operation)]
            inputs[index % settings.clients] += resp(["EVALSHA", sha, str(len(keys)), *keys, "1", "error"])
        pipes = []
        for index, text in enumerate(inputs):
            path = os.path.join(directory, f"pipe-{index}.resp")
            with open(path, "w") as file:
                file.write(text)
            command = ["redis-cli", "-h", "127.0.0.1", "-p", str(server.port), "--pipe"]
            pipes.append(subprocess.Popen(command, stdin=open(path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        granted_operations = 0
        for pipe in pipes:
            output, _ = pipe.communicate(timeout=300)
            counts = re.search(r"errors: (\d+), replies: (\d+)", output)
            if not counts:
                raise RuntimeError("redis-cli --pipe: " + output[-300:])
            granted_operations += int(counts.group(2)) - int(counts.group(1))
        consumed, smallest = server.consumed(workload, skus, units_per_sku)
    finally:
        server.stop()
    return OversellResult(
        "Redis 7.0", f"appendfsync {fsync}", workload, initial, operations * per_operation,
        granted_operations * per_operation, consumed, smallest,
    )  # fmt: skip


def cells(settings):
    """(label, function) for every Redis cell of the run, in order."""
    plan = []
    for fsync in FSYNC_MODES:
        for workload in settings.workloads:
            for pipeline in PIPELINES:
                failed = Cell("Redis 7.0", f"appendfsync {fsync}", workload, settings.clients, f"-P {pipeline} (pipeline)")
                plan.append((f"redis {fsync} {workload} -P {pipeline}", lambda p, s, _results, f=fsync, w=workload, d=pipeline: measure_cell(p, s, f, w, d), failed))
    return plan


def oversell_plan(settings):
    return [
        (f"redis oversell {fsync} {workload}", lambda p, s, _results, f=fsync, w=workload: oversell_check(p, s, f, w), None)
        for fsync in FSYNC_MODES
        for workload in settings.workloads
    ]
