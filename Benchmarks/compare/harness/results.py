"""What a run of the comparison measures: the disk probe, throughput cells,
open-loop cells, REST cells and oversell checks, each a dataclass that goes to
results.json as it is."""

import dataclasses


@dataclasses.dataclass
class Cell:
    """One measured combination: system × durability × workload × load shape."""

    system: str
    durability: str
    workload: str
    clients: int
    depth: str  # what each connection keeps in flight, in words
    operations: int = 0  # completed in the measured window
    seconds: float = 0.0
    ops_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    curve: list = dataclasses.field(default_factory=list)  # [(percentile, ms)]
    granted: int = -1  # operations the server granted (-1: unknown)
    refusals: str = ""  # refusals by reason, in words (empty: none)
    server_cpu_cores: float = -1.0  # server CPU time ÷ measured wall time (-1: not measured)
    server_cpu_microseconds_per_grant: float = -1.0  # server CPU time ÷ granted operations (-1: not measured)
    server_threads: dict = dataclasses.field(default_factory=dict)  # Holdfast: {"tid name": cores}
    latency_note: str = ""
    error: str = ""


def cpu_microseconds_per_grant(cores, grants_per_second):
    """Server CPU µs per granted operation: (CPU s ÷ window s) ÷ (grants ÷ window s); -1 if unknown."""
    if cores < 0 or grants_per_second <= 0:
        return -1.0
    return cores / grants_per_second * 1e6


@dataclasses.dataclass
class DiskProbe:
    """The data disk's latency: 4096-byte O_DIRECT pwrite + fdatasync, one after another."""

    directory: str
    filesystem: str
    seconds: float
    writes: int = 0
    p50_microseconds: float = 0.0
    p99_microseconds: float = 0.0
    max_microseconds: float = 0.0
    note: str = ""
    error: str = ""


@dataclasses.dataclass
class OpenLoopResult:
    """Operations due at a fixed rate, latency measured from when each was due."""

    system: str
    durability: str
    workload: str
    shape: str  # connections and what goes in one request, in words
    target_per_second: float = 0.0  # offered rate
    reference: str = ""  # the measured peak the rate is half of, in words
    achieved_per_second: float = 0.0  # operations sent and answered
    granted_per_second: float = 0.0
    seconds: float = 0.0
    operations: int = 0
    granted: int = -1
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    p999_ms: float = 0.0
    max_ms: float = 0.0
    curve: list = dataclasses.field(default_factory=list)  # [(percentile, ms)]
    server_cpu_cores: float = -1.0
    server_cpu_microseconds_per_grant: float = -1.0
    sustained: bool = False  # the target rate (within 3 %) was offered, answered and granted through the window
    snapshots: int = -1  # snapshots the server completed during the window (-1: not known / not applicable)
    log_bytes: int = -1  # log the server wrote during the window (-1: not known / not applicable)
    notes: str = ""  # anything needed to read the numbers
    error: str = ""


@dataclasses.dataclass
class RESTResult:
    """One wrk run against Holdfast's REST API."""

    name: str  # what each request does
    request: str  # method and path
    durability: str
    connections: int
    threads: int
    seconds: float = 0.0
    requests: int = 0
    requests_per_second: float = 0.0
    successful_per_second: float = 0.0  # 2xx responses per second
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    statuses: dict = dataclasses.field(default_factory=dict)  # {"201": count}
    non_2xx: int = 0
    socket_errors: str = ""  # wrk's connect/read/write/timeout errors, in words (empty: none)
    server_cpu_cores: float = -1.0
    server_cpu_microseconds_per_request: float = -1.0
    error: str = ""


@dataclasses.dataclass
class Results:
    """Everything a run measured, in the order it ran."""

    disk: DiskProbe = None
    cells: list = dataclasses.field(default_factory=list)
    open_loop: list = dataclasses.field(default_factory=list)
    rest: list = dataclasses.field(default_factory=list)
    oversell: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class OversellResult:
    """Finite stock, more demand than stock, and what was granted."""

    system: str
    durability: str
    workload: str
    initial_units: int
    demanded_units: int
    client_granted_units: int
    server_consumed_units: int  # initial − remaining
    smallest_remaining: object  # int, or None when the bench checked every SKU's available >= 0 itself
    error: str = ""

    @property
    def passed(self):
        return (
            not self.error
            and self.client_granted_units == self.server_consumed_units
            and (self.smallest_remaining is None or self.smallest_remaining >= 0)
            and self.server_consumed_units <= self.initial_units
        )
