"""Redis's open-loop cell. redis-benchmark has no rate option, so this client
offers EVALSHA of redis/reserve.lua at a fixed rate: every TICK_SECONDS, each
of 16 connections is due its share of the requests (a fractional share carries
over), sent at once and pipelined, whether or not earlier ones were answered.
Latency runs from the tick a request was due to its reply, so a client that
falls behind shows as latency too. How late the client itself was, its CPU
and the rate achieved are reported; a cell that fell more than 3 % short of
the rate says it was not sustained."""

import collections
import gc
import os
import resource
import select
import socket
import time

from common import CPUWindow, say
from results import OpenLoopResult, cpu_microseconds_per_grant
from redis_system import HOT_STOCK, RedisServer, load_scripts, resp

TICK_SECONDS = 0.0005
DRAIN_SECONDS = 10.0
REFERENCE_DEPTH = "-P 16 (pipeline)"
SUSTAINED_SHORTFALL_PERCENT = 3.0
CLIENT_LATENESS_P99_MAX_MS = 1.0  # beyond it the client, not only the server, sets the latency


def weighted_percentile(samples, total, percentile):
    """Nearest-rank percentile of ascending (value, count) pairs holding `total` values."""
    rank = max(1, -(-total * percentile // 100))
    seen = 0
    for value, count in samples:
        seen += count
        if seen >= rank:
            return value
    return samples[-1][0] if samples else 0.0


class Connection:
    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port))
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.socket.setblocking(False)
        self.outgoing = b""
        self.tail = b""  # a reply's first bytes, until its line ends
        self.pending = collections.deque()  # [due time, requests not yet answered]
        self.credit = 0.0


class OpenLoopClient:
    """Drives `connections` at `rate` requests/s for warm-up + measured seconds, then drains."""

    def __init__(self, port, request, rate, connections):
        self.request = request
        self.connections = [Connection(port) for _ in range(connections)]
        self.sockets = [c.socket for c in self.connections]
        self.by_socket = {c.socket: c for c in self.connections}
        self.per_connection_per_tick = rate * TICK_SECONDS / connections
        self.samples = []  # (latency seconds, requests) of requests due in the measured window
        self.lateness = []  # per tick sent: seconds the client was late
        self.measured_due = self.measured_answered = self.granted = self.replies = 0

    def run(self, warmup_seconds, seconds, on_window_start, on_window_end):
        # The samples grow to millions of tuples; a full collection over them would stall
        # the client for tens of milliseconds, and that would count as Redis's latency.
        gc.disable()
        try:
            self.drive(warmup_seconds, seconds, on_window_start, on_window_end)
        finally:
            gc.enable()
            for connection in self.connections:
                connection.socket.close()

    def drive(self, warmup_seconds, seconds, on_window_start, on_window_end):
        start = time.perf_counter() + 0.05
        self.window = (start + warmup_seconds, start + warmup_seconds + seconds)
        tick, started, ended = 0, False, False
        while True:
            now = time.perf_counter()
            if not started and now >= self.window[0]:
                on_window_start()
                started = True
            if not ended and now >= self.window[1]:
                on_window_end()
                ended = True
            while start + tick * TICK_SECONDS <= now and start + tick * TICK_SECONDS < self.window[1]:
                self.offer(start + tick * TICK_SECONDS, now)
                tick += 1
            if ended and (all(not c.pending for c in self.connections) or now > self.window[1] + DRAIN_SECONDS):
                break
            next_tick = start + tick * TICK_SECONDS if not ended else time.perf_counter() + 0.01  # draining: no more ticks
            self.exchange(max(0.0, next_tick - time.perf_counter()))

    def offer(self, due, now):
        self.lateness.append(now - due)
        measured = self.window[0] <= due < self.window[1]
        for connection in self.connections:
            connection.credit += self.per_connection_per_tick
            count = int(connection.credit)
            if count:
                connection.credit -= count
                connection.pending.append([due, count])
                connection.outgoing += self.request * count
                if measured:
                    self.measured_due += count

    def exchange(self, timeout):
        writers = [c.socket for c in self.connections if c.outgoing]
        readers, writable, _ = select.select(self.sockets, writers, [], timeout)
        for sock in writable:
            connection = self.by_socket[sock]
            try:
                sent = sock.send(connection.outgoing)
                connection.outgoing = connection.outgoing[sent:]
            except BlockingIOError:
                pass
        for sock in readers:
            self.receive(self.by_socket[sock])

    def receive(self, connection):
        data = connection.socket.recv(1 << 20)
        if not data:
            raise RuntimeError("redis closed a connection")
        now = time.perf_counter()
        data = connection.tail + data
        end = data.rfind(b"\n") + 1
        complete, connection.tail = data[:end], data[end:]
        replies = complete.count(b"\n")  # every reply of reserve.lua is one line (:1, :0 or -error)
        self.replies += replies
        self.granted += complete.count(b":1\r\n")
        while replies:
            entry = connection.pending[0]
            answered = min(replies, entry[1])
            if self.window[0] <= entry[0] < self.window[1]:
                self.samples.append((now - entry[0], answered))
                self.measured_answered += answered
            entry[1] -= answered
            replies -= answered
            if entry[1] == 0:
                connection.pending.popleft()


def client_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def always_peak(results):
    for cell in results.cells:
        if (cell.system, cell.durability, cell.workload, cell.depth) == ("Redis 7.0", "appendfsync always", "hot", REFERENCE_DEPTH) \
                and not cell.error:  # fmt: skip
            return cell.ops_per_second
    return None


def measure(processes, settings, results):
    clients = settings.clients
    cell = OpenLoopResult("Redis 7.0", "appendfsync always", "hot",
                          f"{clients} connections, EVALSHA due every {TICK_SECONDS * 1000:g} ms, pipelined (Python client)")  # fmt: skip
    peak = always_peak(results)
    if peak is None:
        raise RuntimeError("no Redis appendfsync always hot -P 16 cell measured in this run to take half of")
    cell.target_per_second = round(peak / 2)
    cell.reference = f"½ of {peak:,.0f}/s, `always` hot {clients} × -P 16"
    directory = os.path.join(settings.scratch, "redis-open-loop")
    server = RedisServer(processes, directory, "always", load_scripts(settings.root))
    try:
        server.load("hot", settings.skus, HOT_STOCK)
        request = resp(["EVALSHA", server.sha["reserve"], "1", "stock:hot", "1"]).encode()
        client = OpenLoopClient(server.port, request, cell.target_per_second, clients)
        window = CPUWindow(lambda: [server.process.pid])
        marks = {}

        def window_start():
            window.start()
            marks["client"] = client_cpu_seconds()

        def window_end():
            cell.server_cpu_cores = window.cores()
            marks["client"] = (client_cpu_seconds() - marks["client"]) / settings.open_loop_seconds

        before, _ = server.consumed("hot", settings.skus, HOT_STOCK)
        client.run(settings.warmup_seconds, settings.open_loop_seconds, window_start, window_end)
        after, _ = server.consumed("hot", settings.skus, HOT_STOCK)
    finally:
        server.stop()
    fill(cell, client, settings.open_loop_seconds, marks["client"], after - before)
    return cell


def fill(cell, client, seconds, client_cores, consumed):
    samples = sorted(client.samples)
    total = client.measured_answered
    cell.seconds = seconds
    cell.operations = client.measured_due
    cell.granted = client.granted
    cell.achieved_per_second = total / seconds
    cell.granted_per_second = cell.achieved_per_second * client.granted / max(1, client.replies)  # the run's share granted
    cell.p50_ms, cell.p99_ms, cell.p999_ms = (weighted_percentile(samples, total, p) * 1000 for p in (50, 99, 99.9))
    cell.max_ms = samples[-1][0] * 1000 if samples else 0.0
    cell.curve = [(p, weighted_percentile(samples, total, p) * 1000) for p in (0, 10, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100)]
    cell.server_cpu_microseconds_per_grant = cpu_microseconds_per_grant(cell.server_cpu_cores, cell.granted_per_second)
    lateness = sorted(client.lateness)
    late_p99 = lateness[int(len(lateness) * 0.99)] * 1000 if lateness else 0.0
    shortfall = max(0.0, 100 * (1 - min(cell.achieved_per_second, cell.granted_per_second) / cell.target_per_second))
    cell.sustained = shortfall <= SUSTAINED_SHORTFALL_PERCENT
    notes = [f"client late by p99 {late_p99:.3f} ms, max {lateness[-1] * 1000 if lateness else 0:.1f} ms "
             f"(counted in latency); client CPU {client_cores:.2f} cores",  # fmt: skip
             f"units taken {consumed:,} (whole run, warm-up included)"]
    if client.measured_answered < client.measured_due:
        notes.append(f"{client.measured_due - client.measured_answered:,} requests unanswered after {DRAIN_SECONDS:g} s")
    if late_p99 > CLIENT_LATENESS_P99_MAX_MS:
        notes.append(f"the client's own lateness p99 exceeds {CLIENT_LATENESS_P99_MAX_MS:g} ms: the latency is partly the client's")
    if not cell.sustained:
        notes.append(f"NOT SUSTAINED: achieved {cell.achieved_per_second:,.0f}/s of {cell.target_per_second:,.0f}/s")
    cell.notes = "; ".join(notes)
    say(f"  {cell.notes}")


def plan(settings):
    if "hot" not in settings.workloads:
        return []
    placeholder = OpenLoopResult("Redis 7.0", "appendfsync always", "hot", f"{settings.clients} connections (Python client)")
    return [(f"redis open loop always hot at ½ the -P 16 peak for {settings.open_loop_seconds:g} s", measure, placeholder)]
