"""Holdfast's open-loop cell: `holdfast bench hot --rate R`, R half of the
strict batched peak measured earlier in the same run, for --open-loop-seconds,
strict durability, with the server's snapshots counted over the window."""

import os
import re
import shutil
import time
import urllib.request

from common import CPUWindow, say
from results import OpenLoopResult, cpu_microseconds_per_grant
from holdfast_system import OPEN_LOOP_SERVE_ARGUMENTS, STOCK, HoldfastServer

# The batched shape of the throughput cells, so the rate is half of that shape's peak.
CONNECTIONS, BATCH = 4, 256
# Frames per connection at most; a frame due beyond it is counted missed. 4 × 32 × 256
# = 32,768 operations, half a shard's queue (65,536): more in flight lets a slow
# moment overflow the queue, and the busy refusals that follow are fast and hide it.
IN_FLIGHT_MAX = 32
SHAPE = f"{CONNECTIONS} connections, frames of {BATCH} ops due at a fixed rate (≤ {IN_FLIGHT_MAX} in flight each)"
REFERENCE_DEPTH = f"4 frame(s) × {BATCH} op(s)"

# A shard holds at most 4,000,000 active reservations. When the window would
# grant more, reservations get a TTL short enough that expiry keeps the active
# count under this (the server then also expires them, at the same rate).
ACTIVE_RESERVATIONS_BUDGET = 3_000_000
SUSTAINED_SHORTFALL_PERCENT = 3.0


def batched_peak(results):
    for cell in results.cells:
        if (cell.system, cell.durability, cell.workload) == ("Holdfast", "strict", "hot") and not cell.error \
                and cell.depth == REFERENCE_DEPTH:  # fmt: skip
            return cell.ops_per_second
    return None


COUNTERS = ["holdfast_snapshots_total", "holdfast_journal_bytes_total"]


def counters(http_port):
    """{name: value summed over shards} of COUNTERS, from /metrics (no token needed); None if unreadable."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/metrics", timeout=10) as response:
            text = response.read().decode()
    except OSError as error:
        say(f"  /metrics: {error}")
        return None
    return {
        name: sum(int(float(match.group(1))) for match in re.finditer(rf"^{name}\{{[^}}]*\}} (\S+)$", text, re.M))
        for name in COUNTERS
    }


def snapshot_files(data_directory):
    return sorted(name for _, _, names in os.walk(data_directory) for name in names if name.startswith("snapshot-"))


def ttl_seconds(rate, seconds):
    """None (the bench's default, 1 h: nothing expires) when the run's grants fit, else a TTL that bounds them."""
    if rate * seconds <= ACTIVE_RESERVATIONS_BUDGET:
        return None
    return max(1, int(ACTIVE_RESERVATIONS_BUDGET // rate))


def measure(processes, settings, results):
    cell = OpenLoopResult("Holdfast", "strict", "hot", SHAPE)
    peak = batched_peak(results)
    if peak is None:
        raise RuntimeError(f"no Holdfast strict hot {REFERENCE_DEPTH} cell measured in this run to take half of")
    cell.target_per_second = round(peak / 2)
    cell.reference = f"½ of {peak:,.0f}/s, strict hot {CONNECTIONS} × 4 × {BATCH}"
    directory = os.path.join(settings.scratch, "holdfast-open-loop")
    server = HoldfastServer(processes, settings, directory, "strict", OPEN_LOOP_SERVE_ARGUMENTS)
    window = CPUWindow(lambda: [server.process.pid])
    counted = {}

    def during_window():
        time.sleep(settings.warmup_seconds)
        counted["before"] = counters(server.http_port)
        window.start()
        time.sleep(settings.open_loop_seconds)
        window.cores_measured = window.cores()
        counted["after"] = counters(server.http_port)

    ttl = ttl_seconds(cell.target_per_second, settings.warmup_seconds + settings.open_loop_seconds)
    try:
        arguments = [
            "--stock", str(STOCK), "--connections", str(CONNECTIONS), "--in-flight", str(IN_FLIGHT_MAX),
            "--batch", str(BATCH), "--rate", str(cell.target_per_second), "--keep-reservations",
            "--warmup", f"{settings.warmup_seconds}s", "--duration", f"{settings.open_loop_seconds}s",
        ] + (["--ttl", str(ttl)] if ttl else [])  # fmt: skip
        output = os.path.join(directory, "bench.json")
        report = server.bench("hot", arguments, output, settings.open_loop_seconds * 4 + 120, during_window)
        files = snapshot_files(server.data)
    finally:
        server.stop()
    shutil.copy(output, os.path.join(settings.output, "raw", "holdfast-open-loop.json"))
    shutil.rmtree(directory, ignore_errors=True)
    fill(cell, report, window.cores_measured)
    notes = snapshot_notes(cell, counted, files)
    if ttl:
        notes.append(f"TTL {ttl} s, so that expiry keeps active reservations under {ACTIVE_RESERVATIONS_BUDGET:,} "
                     "(the server expires them during the window too)")  # fmt: skip
    cell.notes = "; ".join(notes + check_notes(cell, report, expiring=bool(ttl)))
    say(f"  {cell.notes}")
    return cell


def snapshot_notes(cell, counted, files):
    if not counted.get("before") or not counted.get("after"):
        return ["snapshots during the window: not known (/metrics was not read)"]
    delta = {name: counted["after"][name] - counted["before"][name] for name in COUNTERS}
    cell.snapshots = delta["holdfast_snapshots_total"]
    cell.log_bytes = delta["holdfast_journal_bytes_total"]
    notes = [f"snapshots during the window: {cell.snapshots} (holdfast_snapshots_total; snapshot files after the run: "
             f"{len(files)}); log written in the window: {delta['holdfast_journal_bytes_total'] / 2**20:,.0f} MiB"]  # fmt: skip
    if not OPEN_LOOP_SERVE_ARGUMENTS:
        notes.append("serve has no option to take snapshots sooner: one is due per 256 MiB of a shard's log, or hourly")
    return notes


def fill(cell, report, cores):
    latency = report["latencyMicroseconds"]
    open_loop = report.get("openLoop") or {}
    cell.seconds = report["measuredSeconds"]
    cell.operations = report["operations"]
    cell.granted = report["grants"]
    cell.achieved_per_second = open_loop.get("achievedOperationsPerSecond", report["operationsPerSecond"])
    cell.granted_per_second = report["grantsPerSecond"]
    cell.sustained = (
        open_loop.get("shortfallPercent", 100.0) <= SUSTAINED_SHORTFALL_PERCENT and not open_loop.get("missedOperations")
        and cell.granted_per_second >= (1 - SUSTAINED_SHORTFALL_PERCENT / 100) * cell.target_per_second
    )  # fmt: skip
    cell.p50_ms, cell.p99_ms = latency["p50"] / 1000, latency["p99"] / 1000
    cell.p999_ms, cell.max_ms = latency["p999"] / 1000, latency["max"] / 1000
    cell.curve = [(point["percentile"], point["microseconds"] / 1000) for point in report["latencyDistribution"]]
    cell.server_cpu_cores = cores
    cell.server_cpu_microseconds_per_grant = cpu_microseconds_per_grant(cores, report["grantsPerSecond"])


def check_notes(cell, report, expiring):
    """The bench's refusals, misses and ledger check, in words; an oversell is an error."""
    notes = []
    outcomes = report["outcomes"]
    refusals = {"insufficient stock": outcomes["insufficientStock"], "busy": outcomes["busy"], **outcomes["otherErrors"]}
    if any(refusals.values()):
        notes.append("refused: " + ", ".join(f"{name} {count:,}" for name, count in refusals.items() if count))
    missed = (report.get("openLoop") or {}).get("missedOperations", 0)
    if missed:
        notes.append(f"{missed:,} operations due but never sent (in flight at its limit)")
    check = report["check"]
    # Expired reservations return their units, so the server holds fewer than the
    # client saw granted: with a TTL only that mismatch is expected.
    violations = [v for v in check["violations"] if not (expiring and "server holds" in v)]
    if violations:
        cell.error = "check failed: " + "; ".join(violations[:3])
    elif not check["passed"]:
        notes.append("ledger check: units held < units granted, as expected with expiry; no SKU oversold")
    return notes


def plan(settings):
    if "hot" not in settings.workloads:
        return []
    placeholder = OpenLoopResult("Holdfast", "strict", "hot", SHAPE)
    return [(f"holdfast open loop strict hot at ½ the batched peak for {settings.open_loop_seconds:g} s", measure, placeholder)]
