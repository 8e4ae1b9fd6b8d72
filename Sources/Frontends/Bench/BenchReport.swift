import Foundation
import Wire

/// Everything a run measured and checked; printed as a table or as JSON
/// (`--json`, `--output`) for plots.
struct BenchReport: Sendable, Codable, Equatable {
    struct Server: Sendable, Codable, Equatable {
        var endpoint: String
        var name: String
        var protocolVersion: Int
        var shardCount: Int
        var frameBytesMax: Int
        var itemsPerFrameMax: Int
        var inFlightPerConnectionMax: Int
    }

    struct Load: Sendable, Codable, Equatable {
        /// "closed" (a fixed number of frames in flight) or "open" (a fixed offered rate).
        var mode: String
        var connections: Int
        var framesInFlight: Int
        var batchSize: Int
        var threads: Int
        var targetOperationsPerSecond: Double?
        var warmupSeconds: Double
        var durationSeconds: Double
    }

    struct Catalog: Sendable, Codable, Equatable {
        var skus: Int
        var stockPerSKU: Int64
        var zipfExponent: Double?
        var setupSeconds: Double
    }

    struct OpenLoop: Sendable, Codable, Equatable {
        var targetOperationsPerSecond: Double
        var achievedOperationsPerSecond: Double
        /// How far the achieved rate fell short of the target, in percent (0 when met).
        var shortfallPercent: Double
        /// Operations due within the window that were never sent (too many in flight).
        var missedOperations: Int
    }

    struct Funnel: Sendable, Codable, Equatable {
        var customers: FunnelCustomerCounts
        /// Measured outcomes per operation.
        var stages: [String: OutcomeTally]
    }

    /// One point of the latency distribution, for plots.
    struct LatencyPoint: Sendable, Codable, Equatable {
        var percentile: Double
        var microseconds: Double
    }

    struct ServerCounters: Sendable, Codable, Equatable {
        var busyRefusals: UInt64
        var protocolErrors: UInt64
        var operationsReceived: UInt64
        var shardQueueDepths: [Int]
        var writesHalted: [String]
    }

    var workload: String
    var store: String
    var seed: UInt64
    var server: Server
    var load: Load
    var catalog: Catalog
    /// Seconds from the start of the window to the last measured reply.
    var measuredSeconds: Double = 0
    /// Operations sent in the measured window.
    var operations = 0
    var operationsPerSecond = 0.0
    /// Reservations placed (and, in the funnel, carts checked out) in the window.
    var grants = 0
    var grantsPerSecond = 0.0
    var outcomes = OutcomeTally()
    var latencyMicroseconds = LatencySummary()
    var latencyDistribution: [LatencyPoint] = []
    var openLoop: OpenLoop?
    var funnel: Funnel?
    var check = OversellCheck()
    var releasedReservations = 0
    var serverCounters: ServerCounters?

    var passed: Bool { check.passed }

    /// The report as pretty-printed JSON with sorted keys.
    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension BenchReport.Server {
    init(endpoint: String, hello: HelloReply) {
        self.init(
            endpoint: endpoint, name: hello.serverName, protocolVersion: Int(hello.protocolVersion),
            shardCount: hello.shardCount, frameBytesMax: hello.limits.frameBytesMax,
            itemsPerFrameMax: hello.limits.itemsPerFrameMax, inFlightPerConnectionMax: hello.limits.inFlightPerConnectionMax)
    }
}

extension BenchReport.ServerCounters {
    init(_ stats: ServerStats) {
        self.init(
            busyRefusals: stats.busyRefusals, protocolErrors: stats.protocolErrors,
            operationsReceived: stats.operationsReceived, shardQueueDepths: stats.shards.map(\.queueDepth),
            writesHalted: stats.shards.compactMap(\.writesHaltedReason))
    }
}
