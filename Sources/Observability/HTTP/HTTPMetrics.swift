import Synchronization

/// The REST server's request families, on a shared registry:
/// `holdfast_http_requests_total{method,route,status}` and
/// `holdfast_http_request_duration_seconds{method,route}`, and the listener's
/// connection families (`HTTPConnectionMetrics`).
///
/// Make one `RouteMetrics` per route when routes are registered (a lookup
/// under a lock, once) and keep it; recording a request is then lock-free.
public final class HTTPMetrics: Sendable {
    /// The route label of requests that matched no route (so unknown paths
    /// cannot grow the number of series).
    public static let unmatchedRoute = "unmatched"

    private let durations: HistogramFamily
    private let routes = Mutex<[RouteKey: RouteMetrics]>([:])
    /// Open connections, and those refused by the cap or closed by the head timeout.
    public let connections = HTTPConnectionMetrics()

    private struct RouteKey: Hashable {
        var method: String
        var route: String
    }

    /// Registers the families on `registry`.
    /// - Throws: `MetricsError.duplicateName` if they are registered already.
    public init(registry: MetricsRegistry) throws(MetricsError) {
        durations = try registry.histogram(
            name: "holdfast_http_request_duration_seconds",
            help: "REST request latency, from the request's head to the response handed to the connection.",
            labelNames: ["method", "route"])
        try registry.sampledCounter(
            name: "holdfast_http_requests_total", help: "REST requests answered, by method, route pattern and status.",
            labelNames: ["method", "route", "status"]
        ) { [self] in
            routes.withLock { Array($0.values) }.flatMap { route in
                route.statusCounts().map {
                    LabelledSample(labels: [route.method, route.route, $0.status], value: $0.count)
                }
            }
        }
        try connections.register(on: registry)
    }

    /// The handle of one route: `method` (`GET`) and the route's pattern
    /// (`/api/v1/stores/{store}/reservations`, never the concrete path).
    public func route(method: String, route: String) throws(MetricsError) -> RouteMetrics {
        let key = RouteKey(method: method, route: route)
        if let existing = routes.withLock({ $0[key] }) { return existing }
        let histogram = try durations.labels(method, route)
        return routes.withLock { table in
            if let existing = table[key] { return existing }
            let created = RouteMetrics(method: method, route: route, durations: histogram)
            table[key] = created
            return created
        }
    }
}

/// One route's request counters by status and its latency histogram.
public final class RouteMetrics: @unchecked Sendable {
    public let method: String
    public let route: String
    private let durations: LatencyHistogram
    /// Counts for statuses 100…599 at `status - 100`; the last cell counts anything else.
    private let statusCells: UnsafeMutablePointer<Atomic<UInt64>>
    private static let cellCount = 501

    init(method: String, route: String, durations: LatencyHistogram) {
        self.method = method
        self.route = route
        self.durations = durations
        statusCells = .allocate(capacity: Self.cellCount)
        for index in 0..<Self.cellCount { (statusCells + index).initialize(to: Atomic(0)) }
    }

    deinit {
        statusCells.deinitialize(count: Self.cellCount)
        statusCells.deallocate()
    }

    /// Counts one answered request and its latency; lock-free.
    public func record(status: Int, durationNanoseconds: UInt64) {
        let cell = (100...599).contains(status) ? status - 100 : Self.cellCount - 1
        statusCells[cell].wrappingAdd(1, ordering: .relaxed)
        durations.observe(nanoseconds: durationNanoseconds)
    }

    func statusCounts() -> [(status: String, count: UInt64)] {
        (0..<Self.cellCount).compactMap { cell in
            let count = statusCells[cell].load(ordering: .relaxed)
            guard count > 0 else { return nil }
            return (cell == Self.cellCount - 1 ? "invalid" : String(cell + 100), count)
        }
    }
}
