import Foundation

struct PhaseReport: Sendable, Codable {
    var operations: Int
    var seconds: Double

    init(operations: Int, elapsed: Duration) {
        self.operations = operations
        seconds = elapsed.seconds
    }

    var operationsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
}

struct FlashSaleReport: Sendable, Codable {
    var stock: Int64
    var demand: Int64
    var granted: Int64
    var refusedForStock: Int64
    var otherErrors: Int64
    /// Reserved quantity read back from the engine after the sale.
    var reservedAfter: Int64
    var seconds: Double

    init(
        stock: Int64, demand: Int64, granted: Int64, refusedForStock: Int64, otherErrors: Int64, reservedAfter: Int64,
        elapsed: Duration
    ) {
        self.stock = stock
        self.demand = demand
        self.granted = granted
        self.refusedForStock = refusedForStock
        self.otherErrors = otherErrors
        self.reservedAfter = reservedAfter
        seconds = elapsed.seconds
    }

    var oversold: Int64 { max(granted - stock, 0) }
    var passed: Bool { granted == min(stock, demand) && reservedAfter == granted && otherErrors == 0 }
}

struct FunnelReport: Sendable, Codable {
    var reservesPlaced: Int
    var reservesRefusedForStock: Int
    var confirmsAndReleases: Int
    var paymentsAndFulfilments: Int
    var errors: Int
    var operations: Int
    var seconds: Double

    init(tally: FunnelTally, elapsed: Duration) {
        reservesPlaced = tally.reserves.succeeded
        reservesRefusedForStock = tally.reserves.insufficient
        confirmsAndReleases = tally.confirmsAndReleases.succeeded
        paymentsAndFulfilments = tally.transitions.succeeded
        errors = tally.reserves.otherErrors + tally.confirmsAndReleases.otherErrors + tally.transitions.otherErrors
            + tally.confirmsAndReleases.insufficient + tally.transitions.insufficient
        operations = tally.operations
        seconds = elapsed.seconds
    }

    var operationsPerSecond: Double { seconds > 0 ? Double(operations) / seconds : 0 }
}

struct DemoReport: Sendable, Codable {
    var shards: Int
    var clients: Int
    var batchSize: Int
    var setup = PhaseReport(operations: 0, elapsed: .zero)
    var flashSale = FlashSaleReport(
        stock: 0, demand: 0, granted: 0, refusedForStock: 0, otherErrors: 0, reservedAfter: 0, elapsed: .zero)
    var funnel = FunnelReport(tally: FunnelTally(), elapsed: .zero)
    var invariantViolations: [String] = []
    var durability = "none (in memory)"

    init(shards: Int, clients: Int, batchSize: Int) {
        self.shards = shards
        self.clients = clients
        self.batchSize = batchSize
    }

    var passed: Bool { flashSale.passed && funnel.errors == 0 && invariantViolations.isEmpty }

    func table() -> String {
        func rate(_ value: Double) -> String { String(format: "%12.0f", value) }
        let flash = flashSale
        return """
            Holdfast demo — \(shards) shard(s), \(clients) clients, batches of \(batchSize), durability: \(durability)

            phase            operations      seconds        ops/s
            setup          \(pad(setup.operations))  \(String(format: "%11.3f", setup.seconds))  \(rate(setup.operationsPerSecond))
            flash sale     \(pad(Int(flash.demand)))  \(String(format: "%11.3f", flash.seconds))  \(rate(Double(flash.demand) / max(flash.seconds, 1e-9)))
            funnel         \(pad(funnel.operations))  \(String(format: "%11.3f", funnel.seconds))  \(rate(funnel.operationsPerSecond))

            flash sale: stock \(flash.stock), demand \(flash.demand), granted \(flash.granted), refused \(flash.refusedForStock), oversold \(flash.oversold), reserved after \(flash.reservedAfter)
            funnel: \(funnel.reservesPlaced) reservations placed, \(funnel.reservesRefusedForStock) refused for stock, \(funnel.confirmsAndReleases) confirmed or released, \(funnel.paymentsAndFulfilments) paid or fulfilled, \(funnel.errors) unexpected errors
            invariants: \(invariantViolations.isEmpty ? "hold on every shard" : "\(invariantViolations.count) violation(s): \(invariantViolations.prefix(5))")
            result: \(passed ? "PASS" : "FAIL")
            """
    }

    func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private func pad(_ value: Int) -> String { String(repeating: " ", count: max(0, 12 - String(value).count)) + String(value) }
}

extension Duration {
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
