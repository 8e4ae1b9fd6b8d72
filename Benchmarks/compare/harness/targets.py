"""Holdfast's targets, as data, and each one evaluated from the cells the run
actually measured: (target, measured, met). A target whose cells did not run
says "not run"."""

# How each Holdfast shape is named in the cells, and the Redis shape that is like for like.
SINGLE, PIPELINED, BATCHED = "1 frame(s) × 1 op(s)", "16 frame(s) × 1 op(s)", "4 frame(s) × 256 op(s)"
REDIS_LIKE = {SINGLE: "-P 1 (pipeline)", PIPELINED: "-P 16 (pipeline)"}
SHAPE_NAMES = {SINGLE: "16×1", PIPELINED: "16×16", BATCHED: "4×4×256"}
OPEN_LOOP_SECONDS = 30

# (target in words, check, parameters). Checks are the functions below.
TARGETS = [
    ("hot, 16×1 in flight, strict vs Redis `always` -P 1: ≥ 1.5× throughput", "ratio_to_redis", ("hot", SINGLE, 1.5)),
    ("hot, 16×1 in flight, strict: server CPU ≤ 8 µs per granted reservation", "cpu_per_grant", ("hot", SINGLE, 8.0)),
    ("hot, 16×1 in flight, strict: p50 ≤ disk fdatasync p50 + 0.15 ms", "p50_near_disk", ("hot", SINGLE, 0.15)),
    ("hot, 16×16 pipelined, strict vs Redis `always` -P 16: ≥ 2× throughput", "ratio_to_redis", ("hot", PIPELINED, 2.0)),
    ("hot, 16×16 pipelined, strict: server CPU ≤ 1.5 µs per reservation", "cpu_per_grant", ("hot", PIPELINED, 1.5)),
    ("hot, batched frames, strict: ≥ 1,000,000 granted reservations/s", "granted_rate", ("hot", BATCHED, 1_000_000)),
    ("hot, batched frames, strict: server CPU ≤ 0.6 µs per reservation", "cpu_per_grant", ("hot", BATCHED, 0.6)),
    ("uniform (100k SKUs), every shape: ahead of Redis `always` like for like", "ahead_of_redis", ("uniform",)),
    ("cart3, every shape: ahead of Redis `always` like for like", "ahead_of_redis", ("cart3",)),
    ("open loop at ½ the batched peak, 30 s, strict: p99 ≤ disk fdatasync p99 + 1 ms", "open_loop_p99", (1.0,)),
    ("open loop at ½ the batched peak, 30 s, strict: max ≤ 20 ms", "open_loop_max", (20.0,)),
    ("open loop at ½ the batched peak, 30 s: the window includes a snapshot", "open_loop_snapshot", ()),
    ("REST (wrk, keep-alive, 64 connections): GET stock ≥ 40,000/s", "rest_rate", ("GET", 40_000)),
    ("REST (wrk, keep-alive, 64 connections): POST reservation ≥ 20,000/s strict", "rest_rate", ("POST", 20_000)),
    ("vs PostgreSQL 15 (`synchronous_commit` on), hot: ≥ 100×", "ratio_to_postgres", ("hot", 100.0)),
]

NOT_RUN = ("not run", "not run")


def evaluate(results):
    """[(target, measured, met)] with met "yes", "**no**", or "not run" (and a reason in measured)."""
    rows = []
    for text, check, parameters in TARGETS:
        measured, met = CHECKS[check](results, *parameters)
        rows.append((text, measured, met))
    return rows


def verdict(condition):
    return "yes" if condition else "**no**"


def holdfast(results, workload, depth):
    for cell in results.cells:
        if (cell.system, cell.durability, cell.workload, cell.depth) == ("Holdfast", "strict", workload, depth) and not cell.error:
            return cell
    return None


def redis_always(results, workload, depth):
    for cell in results.cells:
        if (cell.system, cell.durability, cell.workload, cell.depth) == ("Redis 7.0", "appendfsync always", workload, depth) and not cell.error:
            return cell
    return None


def ratio_to_redis(results, workload, depth, at_least):
    ours, theirs = holdfast(results, workload, depth), redis_always(results, workload, REDIS_LIKE[depth])
    if not (ours and theirs and theirs.ops_per_second):
        return NOT_RUN
    ratio = ours.ops_per_second / theirs.ops_per_second
    return f"{ratio:.2f}× ({ours.ops_per_second:,.0f} vs {theirs.ops_per_second:,.0f}/s)", verdict(ratio >= at_least)


def cpu_per_grant(results, workload, depth, at_most):
    cell = holdfast(results, workload, depth)
    if not cell or cell.server_cpu_microseconds_per_grant < 0:
        return NOT_RUN
    microseconds = cell.server_cpu_microseconds_per_grant
    return f"{microseconds:.2f} µs ({cell.server_cpu_cores:.2f} cores)", verdict(microseconds <= at_most)


def p50_near_disk(results, workload, depth, margin_ms):
    cell, disk = holdfast(results, workload, depth), results.disk
    if not cell or not disk or disk.error or not disk.writes:
        return NOT_RUN
    limit = disk.p50_microseconds / 1000 + margin_ms
    return f"p50 {cell.p50_ms:.3f} ms; limit {limit:.3f} ms (disk p50 {disk.p50_microseconds / 1000:.3f} ms)", verdict(cell.p50_ms <= limit)


def granted_rate(results, workload, depth, at_least):
    cell = holdfast(results, workload, depth)
    if not cell:
        return NOT_RUN
    return f"{cell.ops_per_second:,.0f}/s", verdict(cell.ops_per_second >= at_least)


def ahead_of_redis(results, workload):
    parts, ahead = [], True
    for depth, redis_depth in REDIS_LIKE.items():
        ours, theirs = holdfast(results, workload, depth), redis_always(results, workload, redis_depth)
        if ours and theirs and theirs.ops_per_second:
            ratio = ours.ops_per_second / theirs.ops_per_second
            parts.append(f"{SHAPE_NAMES[depth]}: {ratio:.2f}×")
            ahead = ahead and ratio > 1
    if not parts:
        return NOT_RUN
    return "; ".join(parts) + " (batched: no Redis shape like it)", verdict(ahead)


def holdfast_open_loop(results):
    for cell in results.open_loop:
        if cell.system == "Holdfast" and not cell.error:
            return cell
    return None


def window_caveat(cell):
    """What keeps an open-loop cell from proving its target, in words (empty: nothing)."""
    caveat = "" if cell.sustained else f" — not sustained: {cell.granted_per_second:,.0f} granted/s of {cell.target_per_second:,.0f}/s offered"
    if cell.seconds < OPEN_LOOP_SECONDS - 0.5:
        caveat += f" — over {cell.seconds:.0f} s, not {OPEN_LOOP_SECONDS} s"
    return caveat


def open_loop_p99(results, margin_ms):
    cell, disk = holdfast_open_loop(results), results.disk
    if not cell or not disk or disk.error or not disk.writes:
        return NOT_RUN
    limit = disk.p99_microseconds / 1000 + margin_ms
    met = verdict(cell.p99_ms <= limit and cell.sustained)
    return f"p99 {cell.p99_ms:.3f} ms; limit {limit:.3f} ms, at {cell.target_per_second:,.0f}/s offered" + window_caveat(cell), met


def open_loop_max(results, at_most_ms):
    cell = holdfast_open_loop(results)
    if not cell:
        return NOT_RUN
    return f"max {cell.max_ms:.2f} ms" + window_caveat(cell), verdict(cell.max_ms <= at_most_ms and cell.sustained)


def open_loop_snapshot(results):
    cell = holdfast_open_loop(results)
    if not cell:
        return NOT_RUN
    if cell.snapshots < 0:
        return "not known (no /metrics reading)", "**no**"
    log = f" ({cell.log_bytes / 2**20:,.0f} MiB of log written in it)" if cell.log_bytes >= 0 else ""
    return f"{cell.snapshots} snapshot(s) in the window{log}", verdict(cell.snapshots >= 1)


def rest_rate(results, method, at_least):
    for cell in results.rest:
        if cell.request.startswith(method + " ") and not cell.error:
            errors = f", {cell.non_2xx:,} non-2xx" if cell.non_2xx else ""
            errors += f", socket errors: {cell.socket_errors}" if cell.socket_errors else ""
            return f"{cell.successful_per_second:,.0f} 2xx/s{errors}", verdict(cell.successful_per_second >= at_least and not cell.non_2xx)
    return NOT_RUN


def ratio_to_postgres(results, workload, at_least):
    ours = [c for c in results.cells if (c.system, c.durability, c.workload) == ("Holdfast", "strict", workload) and not c.error]
    theirs = [c for c in results.cells
              if (c.system, c.durability, c.workload) == ("PostgreSQL 15", "synchronous_commit on", workload) and not c.error]  # fmt: skip
    if not (ours and theirs and theirs[0].ops_per_second):
        return NOT_RUN
    best = max(ours, key=lambda c: c.ops_per_second)
    ratio = best.ops_per_second / theirs[0].ops_per_second
    return (f"{ratio:,.0f}× (Holdfast {SHAPE_NAMES.get(best.depth, best.depth)} {best.ops_per_second:,.0f}/s "
            f"vs {theirs[0].ops_per_second:,.0f}/s)", verdict(ratio >= at_least))  # fmt: skip


CHECKS = {
    name: function
    for name, function in globals().items()
    if name in {check for _, check, _ in TARGETS}
}
