"""Shared pieces of the comparison harness: the run's settings, processes that
are always stopped, percentiles and CPU time. What a run measures is in
results.py."""

import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time

WORKLOADS = ["hot", "uniform", "cart3"]


@dataclasses.dataclass
class Settings:
    """What one run of Benchmarks/compare/run does."""

    root: str  # the repository
    scratch: str  # temporary data directories and logs (removed at the end)
    output: str  # results.json, table.md, plots
    seconds: float = 5.0  # measured time per cell
    warmup_seconds: float = 1.0  # every system gets the same warm-up
    clients: int = 16  # connections per cell
    skus: int = 100_000  # catalog of uniform and cart3
    systems: tuple = ("redis", "postgres", "holdfast")
    workloads: tuple = tuple(WORKLOADS)
    oversell: bool = True
    open_loop: bool = True  # the open-loop cells at half of each system's peak
    open_loop_seconds: float = 30.0
    rest: bool = True  # Holdfast's REST cells (wrk)
    disk_probe_seconds: float = 3.0
    oversell_units: int = 10_000  # finite stock of the oversell check
    oversell_skus: int = 1_000  # catalog of the oversell check's uniform and cart3
    profile: bool = False  # perf record on holdfast serve during its strict cells


def say(message):
    print(f"compare: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Every long-running process the harness starts, so that all of them are
    stopped at the end, also on an error or a signal."""

    def __init__(self):
        self.running = []
        self.stoppers = []  # callables for servers stopped by a command (pg_ctl)

    def start(self, command, log_path, **options):
        log = open(log_path, "ab")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, **options)
        log.close()
        self.running.append(process)
        return process

    def stop(self, process, seconds=20.0):
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(seconds)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process in self.running:
            self.running.remove(process)

    def stop_all(self):
        for stopper in list(self.stoppers):
            try:
                stopper()
            except Exception as error:  # keep stopping the rest
                say(f"while stopping: {error}")
        self.stoppers.clear()
        for process in list(self.running):
            self.stop(process, seconds=5.0)


def run(command, timeout, **options):
    """Runs a command to completion; its output, or an error naming the command."""
    completed = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **options)
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join(map(str, command[:3]))} … exited {completed.returncode}: "
            + (completed.stderr.strip() or completed.stdout.strip())[-600:]
        )
    return completed.stdout


# Percentiles of the latency curves in the plots and results.
CURVE_PERCENTILES = [0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100]


def percentile_of_sorted(values, percentile):
    """Nearest-rank percentile of an ascending list (the value with at least
    `percentile` % of the values at or below it)."""
    if not values:
        return 0.0
    if percentile <= 0:
        return values[0]
    rank = max(1, -(-len(values) * percentile // 100))
    return values[min(len(values), int(rank)) - 1]


def curve_from_samples(milliseconds):
    values = sorted(milliseconds)
    return [(p, percentile_of_sorted(values, p)) for p in CURVE_PERCENTILES]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """CPU time of process `pid` (all its threads) plus that of the children it
    has waited for (PostgreSQL's postmaster reaps its backends), from /proc."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, so utime, stime, cutime, cstime (fields 14–17) are [11:15].
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


class CPUWindow:
    """Server CPU over a measured window: `start()`, then `cores()` at its end."""

    def __init__(self, pid_source):
        self.pid_source = pid_source  # a callable: the server's pids, live ones (children included)
        self.started = None
        self.cores_measured = -1.0

    def _total(self):
        total = 0.0
        for pid in self.pid_source():
            try:
                total += cpu_seconds(pid)
            except (OSError, IndexError, ValueError):
                pass  # exited between listing and reading
        return total, time.monotonic()

    def start(self):
        self.started = self._total()

    def cores(self):
        if self.started is None:
            return -1.0
        cpu, now = self._total()
        return (cpu - self.started[0]) / max(now - self.started[1], 1e-9)


def thread_cpu_seconds(pid):
    """{"tid name": CPU seconds} for every thread of process `pid`."""
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                text = stat.read()
            name = text[text.index("(") + 1 : text.rindex(")")]
            fields = text.rsplit(")", 1)[1].split()
            threads[f"{tid} {name}"] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (OSError, ValueError, IndexError):
            pass
    return threads


def children_of(pid):
    """Live child processes of `pid` (scanning /proc)."""
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        children.append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    return children
