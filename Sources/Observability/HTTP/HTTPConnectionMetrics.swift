import Synchronization

/// The REST listener's connections: how many are open, and how many were
/// refused by the cap, closed by the request-head timeout or by a framing
/// refusal, or delayed by a failed accept (out of file descriptors).
/// Lock-free; registered on a registry by `HTTPMetrics`, or standalone
/// (counted, not exposed).
public final class HTTPConnectionMetrics: Sendable {
    private let openCount = Atomic<Int>(0)
    /// Connections closed at once because `connectionsMax` were already open.
    public let refusedByCap = Counter()
    /// Connections closed because they did not complete a request head in time.
    public let headerTimeouts = Counter()
    /// `accept` failures (EMFILE, ENFILE, ENOBUFS, ENOMEM) after which accepting paused.
    public let acceptErrors = Counter()
    /// Requests refused by HTTP/1.1 framing (unparseable, or forbidden framing); their connections close.
    public let framingRefusals = Counter()

    public init() {}

    /// Registers `holdfast_rest_connections_open`, `holdfast_rest_connections_refused_total`,
    /// `holdfast_rest_header_timeouts_total`, `holdfast_rest_accept_errors_total` and
    /// `holdfast_rest_framing_refusals_total`.
    public func register(on registry: MetricsRegistry) throws(MetricsError) {
        try registry.gauge(name: "holdfast_rest_connections_open", help: "REST connections open now.") { [self] in
            Double(open)
        }
        let counters: [(String, String, Counter)] = [
            (
                "holdfast_rest_connections_refused_total", "REST connections closed at once: the cap was reached.",
                refusedByCap
            ),
            (
                "holdfast_rest_header_timeouts_total", "REST connections closed: no complete request head in time.",
                headerTimeouts
            ),
            (
                "holdfast_rest_accept_errors_total",
                "REST accept failures (out of file descriptors or memory); accepting paused.", acceptErrors
            ),
            (
                "holdfast_rest_framing_refusals_total",
                "REST requests refused by HTTP/1.1 framing (400, connection closed).", framingRefusals
            ),
        ]
        for (name, help, counter) in counters {
            try registry.sampledCounter(name: name, help: help) { [LabelledSample(labels: [], value: counter.value)] }
        }
    }

    /// Connections open now.
    public var open: Int { openCount.load(ordering: .relaxed) }

    /// Counts a new connection in if fewer than `maximum` are open.
    /// - Returns: false, and counts a refusal, when `maximum` are open already.
    public func admit(maximum: Int) -> Bool {
        var current = openCount.load(ordering: .relaxed)
        while current < maximum {
            let (exchanged, original) = openCount.compareExchange(
                expected: current, desired: current + 1, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        refusedByCap.increment()
        return false
    }

    /// Counts an admitted connection out once it has closed.
    public func release() {
        let previous = openCount.subtract(1, ordering: .relaxed).oldValue
        precondition(previous > 0, "a connection was released that was never admitted")
    }
}
