"""Side-by-side comparison of Holdfast with Redis and PostgreSQL.
Started by Benchmarks/compare/run, which installs and builds what it needs."""

import argparse
import dataclasses
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import disk_probe
import holdfast_open_loop
import holdfast_rest
import holdfast_system
import postgres_system
import redis_open_loop
import redis_system
import report
import targets
from common import WORKLOADS, Processes, Settings, say
from results import DiskProbe, OpenLoopResult, OversellResult, RESTResult, Results, cpu_microseconds_per_grant

MODULES = {"redis": redis_system, "postgres": postgres_system, "holdfast": holdfast_system}
OPEN_LOOP_PLANS = {"redis": redis_open_loop.plan, "postgres": postgres_system.open_loop_plan, "holdfast": holdfast_open_loop.plan}


def parse(arguments, root):
    parser = argparse.ArgumentParser(prog="Benchmarks/compare/run", description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0, help="measured seconds per cell (default 5)")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per cell, every system (default 1)")
    parser.add_argument("--clients", type=int, default=16, help="client connections per cell (default 16)")
    parser.add_argument("--skus", type=int, default=100_000, help="catalog of uniform and cart3 (default 100000)")
    parser.add_argument("--only", default="redis,postgres,holdfast", help="systems, comma-separated")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="workloads, comma-separated")
    parser.add_argument("--no-oversell", action="store_true", help="skip the oversell check")
    parser.add_argument("--no-open-loop", action="store_true", help="skip the open-loop cells at half of each peak")
    parser.add_argument("--open-loop-seconds", type=float, default=30.0,
                        help="measured seconds of each open-loop cell (hot only; default 30)")  # fmt: skip
    parser.add_argument("--no-rest", action="store_true", help="skip Holdfast's REST cells (wrk)")
    parser.add_argument("--disk-probe-seconds", type=float, default=3.0,
                        help="seconds of the disk's pwrite + fdatasync probe, 0 to skip (default 3)")  # fmt: skip
    parser.add_argument("--profile", action="store_true", help="perf record holdfast serve in its strict cells")
    parser.add_argument("--output", help="where results go (default docs/benchmarks, and docs/BENCHMARKS.md is updated)")
    parser.add_argument("--directory", default="/tmp", help="parent of the temporary data directories (not tmpfs)")
    options = parser.parse_args(arguments)
    systems = tuple(s for s in options.only.split(",") if s)
    workloads = tuple(w for w in options.workloads.split(",") if w)
    problems = [f"unknown system {s}" for s in systems if s not in MODULES]
    problems += [f"unknown workload {w}" for w in workloads if w not in WORKLOADS]
    if not 0 < options.seconds <= 3600:
        problems.append("--seconds must be in (0, 3600]")
    if not 1 <= options.open_loop_seconds <= 3600:
        problems.append("--open-loop-seconds must be 1...3600")
    if not 0 <= options.disk_probe_seconds <= 60:
        problems.append("--disk-probe-seconds must be 0...60")
    if not 0 <= options.warmup <= 600:
        problems.append("--warmup must be 0...600")
    if not 1 <= options.clients <= 100:
        problems.append("--clients must be 1...100 (PostgreSQL runs with max_connections 200)")
    if not 3 <= options.skus <= 4_000_000:
        problems.append("--skus must be 3...4000000")
    if problems:
        parser.error("; ".join(problems))
    return options, systems, workloads


def machine(root, scratch):
    def output(command):
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return "?"

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory_kib = next((int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal")), 0)
    versions = "; ".join([
        output(["redis-server", "--version"]).split(" sha=")[0],
        output([f"{postgres_system.BIN}/postgres", "--version"]),
        output(["swift", "--version"]).splitlines()[0] if output(["swift", "--version"]) else "swift ?",
    ])  # fmt: skip
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": output(["git", "-C", root, "rev-parse", "--short", "HEAD"]),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": f"{memory_kib / 1024 / 1024:.0f} GiB",
        "kernel": platform.release(),
        "scratch_filesystem": filesystem_of(scratch),
        "load_before": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "versions": versions,
    }


def run_plan(plan, processes, settings, started):
    """Runs every step; a step that fails becomes a failed row, the others still run."""
    results = Results()
    for index, (name, step, failed) in enumerate(plan, 1):
        say(f"[{index}/{len(plan)}, {time.monotonic() - started:.0f} s] {name}")
        try:
            outcome = step(processes, settings, results)
        except KeyboardInterrupt:
            raise
        except Exception as error:
            say(f"  failed: {error}")
            outcome = failed_outcome(name, failed, str(error)[:200])
        for result in outcome if isinstance(outcome, list) else [outcome]:
            record(results, result)
    return results


def failed_outcome(name, failed, error):
    if failed is None:  # an oversell check: "<system> oversell <durability> <workload>"
        parts = name.split()
        return OversellResult(parts[0], parts[2], parts[-1], 0, 0, 0, 0, 0, error=error)
    if isinstance(failed, list):
        return [dataclasses.replace(item, error=error) for item in failed]
    return dataclasses.replace(failed, error=error)


def record(results, result):
    """Files `result` under its kind and says what it measured."""
    if isinstance(result, OversellResult):
        results.oversell.append(result)
        verdict = "ok" if result.passed else "FAILED " + result.error
        say(f"  granted {result.client_granted_units} (client), consumed {result.server_consumed_units} (server) → {verdict}")
    elif isinstance(result, DiskProbe):
        results.disk = result
        if not result.error:
            say(f"  {result.writes} writes: p50 {result.p50_microseconds:.0f} µs, p99 {result.p99_microseconds:.0f} µs, "
                f"max {result.max_microseconds:.0f} µs {result.note}")  # fmt: skip
    elif isinstance(result, OpenLoopResult):
        results.open_loop.append(result)
        if not result.error:
            say(f"  offered {result.target_per_second:,.0f}/s, achieved {result.achieved_per_second:,.0f}/s, "
                f"granted {result.granted_per_second:,.0f}/s, "
                f"p99 {result.p99_ms:.3f} ms, max {result.max_ms:.3f} ms; {result.notes}")  # fmt: skip
    elif isinstance(result, RESTResult):
        results.rest.append(result)
        if not result.error:
            say(f"  {result.requests_per_second:,.0f} requests/s, p50 {result.p50_ms:.3f} ms, "
                f"p99 {result.p99_ms:.3f} ms, non-2xx {result.non_2xx:,}")  # fmt: skip
    else:
        result.server_cpu_microseconds_per_grant = cpu_microseconds_per_grant(result.server_cpu_cores, grants_per_second(result))
        results.cells.append(result)
        if not result.error:
            say(f"  {result.ops_per_second:,.0f} ops/s, p50 {result.p50_ms:.3f} ms, p99 {result.p99_ms:.3f} ms")


def grants_per_second(cell):
    if cell.granted >= 0 and cell.seconds > 0:
        return cell.granted / cell.seconds
    return cell.ops_per_second


def disk_plan(settings):
    def probe(_processes, settings, _results):
        return disk_probe.measure(settings.scratch, filesystem_of(settings.scratch), settings.disk_probe_seconds)

    placeholder = DiskProbe(settings.scratch, filesystem_of(settings.scratch), settings.disk_probe_seconds)
    return [(f"disk: 4 KiB O_DIRECT pwrite + fdatasync for {settings.disk_probe_seconds:g} s", probe, placeholder)]


def filesystem_of(path):
    try:
        fields = subprocess.run(["df", "-T", path], capture_output=True, text=True, timeout=30).stdout.splitlines()[-1].split()
        return f"{fields[0]} {fields[1]} on {fields[-1]}" if len(fields) > 6 else "?"
    except (OSError, subprocess.TimeoutExpired, IndexError):
        return "?"


def write_outputs(root, output, writes_docs, info, results):
    command = ("Benchmarks/compare/run " + " ".join(sys.argv[1:])).strip()
    with open(os.path.join(output, "results.json"), "w") as file:
        json.dump({"machine": info, "command": command,
                   "disk": dataclasses.asdict(results.disk) if results.disk else None,
                   "cells": [dataclasses.asdict(c) for c in results.cells],
                   "open_loop": [dataclasses.asdict(r) for r in results.open_loop],
                   "rest": [dataclasses.asdict(r) for r in results.rest],
                   "targets": [dict(zip(("target", "measured", "met"), row)) for row in targets.evaluate(results)],
                   "oversell": [dataclasses.asdict(r) | {"passed": r.passed} for r in results.oversell]}, file, indent=1)  # fmt: skip
    report.plots(results.cells, output)
    with open(os.path.join(output, "table.md"), "w") as file:
        file.write(report.markdown(info, command, results, ""))
    generated = report.markdown(info, command, results, "benchmarks/" if writes_docs else "")
    if writes_docs:
        report.splice_into(os.path.join(root, "docs", "BENCHMARKS.md"), generated)
    print(generated)


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    options, systems, workloads = parse(sys.argv[1:], root)
    writes_docs = options.output is None
    output = os.path.abspath(options.output or os.path.join(root, "docs", "benchmarks"))
    os.makedirs(os.path.join(output, "raw"), exist_ok=True)
    if "holdfast" in systems:
        say("building holdfast (swift build -c release --product holdfast)")
        subprocess.run(["swift", "build", "-c", "release", "--product", "holdfast"], cwd=root, check=True,
                       stdout=sys.stderr)  # fmt: skip

    def on_signal(number, _frame):
        raise KeyboardInterrupt(f"signal {number}")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    scratch = tempfile.mkdtemp(prefix="holdfast-compare.", dir=options.directory)
    settings = Settings(root=root, scratch=scratch, output=output, seconds=options.seconds,
                        warmup_seconds=options.warmup, clients=options.clients, skus=options.skus,
                        systems=systems, workloads=workloads, oversell=not options.no_oversell,
                        open_loop=not options.no_open_loop, open_loop_seconds=options.open_loop_seconds,
                        rest=not options.no_rest, disk_probe_seconds=options.disk_probe_seconds,
                        profile=options.profile)  # fmt: skip
    processes, started, interrupted = Processes(), time.monotonic(), False
    try:
        info = machine(root, scratch)
        say(f"load average {info['load_before']}; scratch {scratch}; output {output}")
        order = [s for s in ["holdfast", "redis", "postgres"] if s in systems]
        plan = disk_plan(settings) if settings.disk_probe_seconds > 0 else []
        plan += [item for s in order for item in MODULES[s].cells(settings)]
        if settings.open_loop:
            plan += [item for s in order for item in OPEN_LOOP_PLANS[s](settings)]
        if settings.rest and "holdfast" in systems:
            plan += holdfast_rest.plan(settings)
        if settings.oversell:
            plan += [item for s in order for item in MODULES[s].oversell_plan(settings)]
        results = run_plan(plan, processes, settings, started)
    except KeyboardInterrupt as interruption:
        say(f"interrupted ({interruption}); stopping everything")
        interrupted = True
    finally:
        processes.stop_all()
        shutil.rmtree(scratch, ignore_errors=True)
    if interrupted:
        sys.exit(130)
    info["load_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    info["minutes"] = round((time.monotonic() - started) / 60, 1)
    write_outputs(root, output, writes_docs, info, results)
    say(f"done in {info['minutes']} min; results in {output}")
    failed = [r for r in results.cells + results.open_loop + results.rest if r.error]
    failed += [r for r in results.oversell if not r.passed] + ([results.disk] if results.disk and results.disk.error else [])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
