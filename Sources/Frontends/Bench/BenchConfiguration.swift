import Engine

/// What `holdfast bench` runs: the workload, how load is offered, and how long.
/// Pure values; `problems()` says what is wrong with them instead of trapping.
struct BenchConfiguration: Sendable, Equatable {
    /// The benchmark workloads (docs/BENCHMARKS.md).
    enum Workload: String, Sendable, CaseIterable, Codable {
        /// Every reservation asks for one unit of the same SKU: the flash sale.
        case hot
        /// One unit of a SKU drawn uniformly from the catalog.
        case uniform
        /// One unit of a SKU drawn from a Zipf distribution over the catalog.
        case zipf
        /// Three distinct SKUs (one unit each) in one all-or-nothing reservation.
        case cart3
        /// Customers through cart or reservation, checkout or confirm, pay and fulfil, or give up.
        case funnel
    }

    var workload: Workload = .hot
    /// The store every operation names; fresh per run unless given.
    var store = "bench"
    var seed: UInt64 = 1
    /// SKUs in the catalog (ignored by `hot`, which has one).
    var skuCount = 100_000
    /// Units on hand of each SKU when the run starts (the hot SKU's stock for `hot`).
    var stockPerSKU: Int64 = 1_000_000
    /// Zipf exponent for `zipf` (and for the funnel's SKU choice; 0 is uniform).
    var zipfExponent = 0.99
    var connections = 4
    /// Frames each connection keeps in flight (closed loop); the cap in open loop.
    var framesInFlight = 8
    /// Operations per frame.
    var batchSize = 1
    /// Offered operations per second over all connections; nil for a closed loop.
    var targetRate: Double? = nil
    var warmupSeconds = 1.0
    var durationSeconds = 10.0
    /// Deadline of every reservation: long enough that none expires during a run.
    var reservationTTLSeconds: Int64 = 3_600
    /// Funnel: chance a customer gives up before buying (cart cleared, reservation released).
    var abandonProbability = 0.2
    /// Funnel: chance an order is cancelled instead of paid.
    var cancelProbability = 0.1
    /// How long to wait for replies after the run before counting them lost.
    var drainTimeoutSeconds = 30.0
    /// Release the run's active reservations at the end, so the server's capacity is not used up by runs.
    var releaseAtEnd = true

    /// Most connections a run may open.
    static let connectionsMax = 1_024
    /// Most frames one connection may keep in flight.
    static let framesInFlightMax = 65_536
    /// Most SKUs in a catalog (the client keeps a few arrays of this size).
    static let skuCountMax = 4_000_000
    /// Longest warm-up or measured phase.
    static let phaseSecondsMax = 86_400.0

    var isOpenLoop: Bool { targetRate != nil }

    /// SKUs the workload uses: one for `hot`, the catalog otherwise.
    var catalogSize: Int { workload == .hot ? 1 : skuCount }

    /// Units one operation asks for (funnel operations vary; this is its reservation size bound).
    var linesPerReservation: Int {
        switch workload {
        case .hot, .uniform, .zipf: 1
        case .cart3, .funnel: 3
        }
    }

    /// What is wrong with the configuration, in words for the command line; empty when fine.
    func problems() -> [String] {
        var found: [String] = []
        func require(_ condition: Bool, _ message: String) { if !condition { found.append(message) } }
        require(
            !store.isEmpty && store.utf8.count <= Limits.storeIDMaxBytes,
            "--store must be 1...\(Limits.storeIDMaxBytes) bytes")
        require((1...Self.skuCountMax).contains(skuCount), "--skus must be 1...\(Self.skuCountMax)")
        require(
            workload != .cart3 || skuCount >= 3, "cart3 needs at least 3 SKUs (--skus)")
        require((1...Limits.quantityMax).contains(stockPerSKU), "--stock must be 1...\(Limits.quantityMax)")
        require(zipfExponent.isFinite && zipfExponent >= 0 && zipfExponent <= 10, "--zipf-s must be 0...10")
        require((1...Self.connectionsMax).contains(connections), "--connections must be 1...\(Self.connectionsMax)")
        require(
            (1...Self.framesInFlightMax).contains(framesInFlight), "--in-flight must be 1...\(Self.framesInFlightMax)")
        require((1...Int(UInt16.max)).contains(batchSize), "--batch must be 1...\(UInt16.max)")
        if let targetRate {
            require(
                targetRate.isFinite && targetRate > 0 && targetRate <= 1e9, "--rate must be in (0, 1e9] operations/s")
        }
        require(
            warmupSeconds.isFinite && (0...Self.phaseSecondsMax).contains(warmupSeconds), "--warmup must be 0...86400 s"
        )
        require(
            durationSeconds.isFinite && durationSeconds > 0 && durationSeconds <= Self.phaseSecondsMax,
            "--duration must be in (0, 86400] s")
        require(
            (Limits.reservationTTLMinSeconds...Limits.reservationTTLMaxSeconds).contains(reservationTTLSeconds),
            "--ttl must be \(Limits.reservationTTLMinSeconds)...\(Limits.reservationTTLMaxSeconds) s")
        require((0...1).contains(abandonProbability), "--abandon must be 0...1")
        require((0...1).contains(cancelProbability), "--cancel must be 0...1")
        require(drainTimeoutSeconds.isFinite && drainTimeoutSeconds > 0, "the drain timeout must be positive")
        return found
    }
}
