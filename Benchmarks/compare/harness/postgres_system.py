"""PostgreSQL 15: conditional UPDATE … WHERE available >= n (cart3: three rows
in one transaction, in ascending order), synchronous_commit on or off,
driven by pgbench with per-transaction logs."""

import glob
import os
import pwd
import re
import shutil
import subprocess

from common import CPUWindow, children_of, curve_from_samples, free_port, percentile_of_sorted, run
from results import Cell, OpenLoopResult, OversellResult, cpu_microseconds_per_grant

BIN = "/usr/lib/postgresql/15/bin"
HOT_STOCK = 10**12
CATALOG_STOCK = 10**9
SYNCHRONOUS_COMMIT = ["on", "off"]


def as_postgres(command):
    """PostgreSQL refuses to run as root: its server tools run as `postgres`."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresServer:
    """A fresh cluster in a temporary directory owned by `postgres`, on
    loopback, on a free port, with trust authentication."""

    def __init__(self, processes, directory, synchronous_commit):
        self.directory = directory
        self.port = free_port()
        self.data = os.path.join(directory, "data")
        os.makedirs(directory, exist_ok=True)
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(directory, user.pw_uid, user.pw_gid)
            os.chmod(os.path.dirname(directory), 0o755)
        run(as_postgres([f"{BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale"]), timeout=120)
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={directory} "
            f"-c synchronous_commit={synchronous_commit} -c fsync=on -c max_connections=200"
        )
        run(as_postgres([f"{BIN}/pg_ctl", "-D", self.data, "-o", options, "-l", os.path.join(directory, "server.log"), "-w", "-t", "60", "start"]), timeout=90)
        self.stopper = self.stop
        processes.stoppers.append(self.stopper)
        self.processes = processes

    def pids(self):
        """The postmaster (whose counters include the backends it has reaped) and its live children."""
        with open(os.path.join(self.data, "postmaster.pid")) as file:
            postmaster = int(file.readline())
        return [postmaster, *children_of(postmaster)]

    def psql(self, *arguments, timeout=300):
        return run([f"{BIN}/psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", "postgres",
                    "-v", "ON_ERROR_STOP=1", "-qAt", *arguments], timeout=timeout)  # fmt: skip

    def load(self, schema, skus, units):
        self.psql("-v", f"skus={skus}", "-v", f"units={units}", "-f", schema)

    def consumed(self, units):
        text = self.psql("-c", f"SELECT sum({units} - available), min(available) FROM stock").strip()
        consumed, smallest = text.split("|")
        return int(consumed), int(smallest)

    def stop(self):
        if self.stopper in self.processes.stoppers:
            self.processes.stoppers.remove(self.stopper)
        subprocess.run(as_postgres([f"{BIN}/pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", "60", "stop"]),
                       capture_output=True, timeout=90)  # fmt: skip


def pgbench(server, settings, workload, directory, skus, clients, seconds=None, transactions=None, log_prefix=None, rate=None):
    script = os.path.join(settings.root, "Benchmarks", "compare", "postgres", f"{workload}.sql")
    command = [
        f"{BIN}/pgbench", "-h", "127.0.0.1", "-p", str(server.port), "-U", "postgres", "-n", "-M", "prepared",
        "-c", str(clients), "-j", str(min(2, clients)), "-f", script,
        "-D", f"skus={skus}", "-D", "txn=0", "-D", "granted=0", "-D", f"txns={transactions or 0}",
        "-D", f"outdir={directory}", "-D", f"recorder={os.path.join(settings.root, 'Benchmarks', 'compare', 'postgres', 'record-grants')}",
    ]  # fmt: skip
    command += ["-T", str(max(1, round(seconds)))] if seconds else ["-t", str(transactions)]
    if log_prefix:
        command += ["-l", f"--log-prefix={log_prefix}"]
    if rate:
        command += ["-R", str(rate)]  # open loop: transactions due on a schedule; the log adds each one's lag
    output = run(command + ["postgres"], timeout=(seconds or 0) * 4 + 300, cwd=directory)
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    rate = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    if not (processed and rate):
        raise RuntimeError("could not read pgbench's output:\n" + output[-600:])
    if failed and int(failed.group(1)) > 0:
        raise RuntimeError(f"pgbench: {failed.group(1)} failed transactions")
    return int(processed.group(1)), float(rate.group(1))


def transaction_latencies(log_prefix, from_schedule=False):
    """Milliseconds of every transaction in pgbench's per-transaction logs
    (third column: the transaction's elapsed time in microseconds; with -R,
    `from_schedule` adds the seventh, how late it started after it was due)."""
    latencies = []
    for path in glob.glob(log_prefix + ".*"):
        with open(path) as log:
            for line in log:
                fields = line.split()
                if len(fields) >= 3:
                    lag = int(fields[6]) if from_schedule and len(fields) >= 7 else 0
                    latencies.append((int(fields[2]) + lag) / 1000.0)
    return latencies


def measure_cell(processes, settings, synchronous_commit, workload):
    clients = settings.clients
    cell = Cell("PostgreSQL 15", f"synchronous_commit {synchronous_commit}", workload, clients, "1 transaction")
    directory = os.path.join(settings.scratch, f"postgres-{synchronous_commit}-{workload}")
    server = PostgresServer(processes, directory, synchronous_commit)
    try:
        skus = 1 if workload == "hot" else settings.skus
        units = HOT_STOCK if workload == "hot" else CATALOG_STOCK
        server.load(os.path.join(settings.root, "Benchmarks", "compare", "postgres", "schema.sql"), skus, units)
        if settings.warmup_seconds > 0:
            pgbench(server, settings, workload, directory, skus, clients, seconds=settings.warmup_seconds)
        before, _ = server.consumed(units)
        prefix = os.path.join(directory, "pgbench_log")
        window = CPUWindow(server.pids)
        window.start()
        processed, rate = pgbench(server, settings, workload, directory, skus, clients, seconds=settings.seconds, log_prefix=prefix)
        cell.server_cpu_cores = window.cores()
        after, _ = server.consumed(units)
        latencies = sorted(transaction_latencies(prefix))
        cell.operations, cell.ops_per_second = processed, rate
        cell.seconds = processed / rate if rate else 0.0
        cell.p50_ms, cell.p99_ms = percentile_of_sorted(latencies, 50), percentile_of_sorted(latencies, 99)
        cell.curve = curve_from_samples(latencies)
        per_operation = 3 if workload == "cart3" else 1
        cell.granted = (after - before) // per_operation
        cell.latency_note = "pgbench -l: each transaction's elapsed time in the client"
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    return cell


def open_loop(processes, settings, results):
    """pgbench -R at half of the `synchronous_commit on` hot peak measured earlier in the
    run; latency from each transaction's scheduled start (elapsed + schedule lag)."""
    clients = settings.clients
    cell = OpenLoopResult("PostgreSQL 15", "synchronous_commit on", "hot", f"{clients} clients, pgbench -R (one transaction each at a time)")
    peaks = [c.ops_per_second for c in results.cells if (c.system, c.durability, c.workload) == ("PostgreSQL 15", "synchronous_commit on", "hot") and not c.error]
    if not peaks:
        raise RuntimeError("no PostgreSQL synchronous_commit on hot cell measured in this run to take half of")
    cell.target_per_second = round(peaks[0] / 2)
    cell.reference = f"½ of {peaks[0]:,.0f}/s, `on` hot {clients} clients"
    directory = os.path.join(settings.scratch, "postgres-open-loop")
    server = PostgresServer(processes, directory, "on")
    try:
        server.load(os.path.join(settings.root, "Benchmarks", "compare", "postgres", "schema.sql"), 1, HOT_STOCK)
        if settings.warmup_seconds > 0:
            pgbench(server, settings, "hot", directory, 1, clients, seconds=settings.warmup_seconds, rate=cell.target_per_second)
        before, _ = server.consumed(HOT_STOCK)
        prefix = os.path.join(directory, "pgbench_log")
        window = CPUWindow(server.pids)
        window.start()
        processed, achieved = pgbench(server, settings, "hot", directory, 1, clients, seconds=settings.open_loop_seconds,
                                      log_prefix=prefix, rate=cell.target_per_second)  # fmt: skip
        cell.server_cpu_cores = window.cores()
        after, _ = server.consumed(HOT_STOCK)
        latencies = sorted(transaction_latencies(prefix, from_schedule=True))
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    cell.seconds = processed / achieved if achieved else 0.0  # pgbench's tps leaves out connecting
    cell.operations, cell.granted = processed, after - before
    cell.achieved_per_second = achieved
    cell.granted_per_second = cell.granted / cell.seconds if cell.seconds else 0.0
    cell.sustained = min(cell.achieved_per_second, cell.granted_per_second) >= 0.97 * cell.target_per_second
    cell.p50_ms, cell.p99_ms = percentile_of_sorted(latencies, 50), percentile_of_sorted(latencies, 99)
    cell.p999_ms, cell.max_ms = percentile_of_sorted(latencies, 99.9), latencies[-1] if latencies else 0.0
    cell.curve = curve_from_samples(latencies)
    cell.server_cpu_microseconds_per_grant = cpu_microseconds_per_grant(cell.server_cpu_cores, cell.granted_per_second)
    cell.notes = "pgbench -R: latency from each transaction's scheduled start" + (
        "" if cell.sustained else f"; NOT SUSTAINED: achieved {cell.achieved_per_second:,.0f}/s")
    return cell


def open_loop_plan(settings):
    if "hot" not in settings.workloads:
        return []
    placeholder = OpenLoopResult("PostgreSQL 15", "synchronous_commit on", "hot", f"{settings.clients} clients, pgbench -R")
    return [(f"postgres open loop synchronous_commit=on hot at ½ its peak for {settings.open_loop_seconds:g} s", open_loop, placeholder)]


def oversell_check(processes, settings, synchronous_commit, workload):
    """Finite stock, twice as much demand (pgbench -t), each client counting
    its grants and writing the count at its last transaction."""
    skus = 1 if workload == "hot" else settings.oversell_skus
    units_per_sku = settings.oversell_units // skus
    initial = units_per_sku * skus
    per_operation = 3 if workload == "cart3" else 1
    clients = settings.clients
    per_client = -(-2 * initial // (per_operation * clients))
    directory = os.path.join(settings.scratch, f"postgres-oversell-{synchronous_commit}-{workload}")
    server = PostgresServer(processes, directory, synchronous_commit)
    try:
        server.load(os.path.join(settings.root, "Benchmarks", "compare", "postgres", "schema.sql"), skus, units_per_sku)
        pgbench(server, settings, workload, directory, skus, clients, transactions=per_client)
        counts = glob.glob(os.path.join(directory, "granted-*"))
        if len(counts) != clients:
            raise RuntimeError(f"{len(counts)} of {clients} pgbench clients reported their count")
        granted = sum(int(open(path).read().strip()) for path in counts)
        consumed, smallest = server.consumed(units_per_sku)
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
    return OversellResult(
        "PostgreSQL 15", f"synchronous_commit {synchronous_commit}", workload, initial,
        per_client * clients * per_operation, granted * per_operation, consumed, smallest,
    )  # fmt: skip


def cells(settings):
    return [
        (f"postgres synchronous_commit={mode} {workload}", lambda p, s, _results, m=mode, w=workload: measure_cell(p, s, m, w),
         Cell("PostgreSQL 15", f"synchronous_commit {mode}", workload, settings.clients, "1 transaction"))
        for mode in SYNCHRONOUS_COMMIT
        for workload in settings.workloads
    ]


def oversell_plan(settings):
    return [
        (f"postgres oversell {mode} {workload}", lambda p, s, _results, m=mode, w=workload: oversell_check(p, s, m, w), None)
        for mode in SYNCHRONOUS_COMMIT
        for workload in settings.workloads
    ]
