import HoldfastClient

/// Stock levels as the client commands print them.
struct LevelsJSON: Encodable, Equatable {
    var onHand: Int64
    var reserved: Int64
    var committed: Int64
    var safetyStock: Int64
    var available: Int64
    var lowStockThreshold: Int64
    var backorderLimit: Int64

    init(_ levels: StockLevels) {
        onHand = levels.onHand
        reserved = levels.reserved
        committed = levels.committed
        safetyStock = levels.safetyStock
        available = levels.available
        lowStockThreshold = levels.lowStockThreshold
        backorderLimit = levels.backorderLimit
    }

    static let headers = ["location", "on hand", "reserved", "committed", "safety", "available", "low at", "backorder"]

    func row(_ location: String) -> [String] {
        [location]
            + [onHand, reserved, committed, safetyStock, available, lowStockThreshold, backorderLimit].map(String.init)
    }
}

/// `stock set`, `stock adjust`: one record after the change.
struct StockRecordReport: OperatorReport {
    var sku: String
    var location: String
    var levels: LevelsJSON
    var replayed: Bool

    init(_ view: StockRecordView) {
        sku = view.sku
        location = view.location
        levels = LevelsJSON(view.levels)
        replayed = view.replayed
    }

    func table() -> String {
        let title = "SKU \(sku)" + (replayed ? " (replayed: this request key was answered before)" : "")
        return title + "\n" + OperatorOutput.table(LevelsJSON.headers, [levels.row(location)])
    }
}

/// `stock get`: every location of a SKU, and the totals.
struct StockReport: OperatorReport {
    struct Location: Encodable, Equatable {
        var location: String
        var levels: LevelsJSON
    }

    var sku: String
    var locations: [Location]
    var totals: LevelsJSON

    init(_ view: StockView) {
        sku = view.sku
        locations = view.locations.map { Location(location: $0.location, levels: LevelsJSON($0.levels)) }
        totals = LevelsJSON(view.totals)
    }

    func table() -> String {
        let rows = locations.map { $0.levels.row($0.location) } + [totals.row("TOTAL")]
        return "SKU \(sku), locations in allocation order\n" + OperatorOutput.table(LevelsJSON.headers, rows)
    }
}

/// `stock check`: whether each line could be reserved now.
struct AvailabilityReport: OperatorReport {
    struct Line: Encodable, Equatable {
        var sku: String
        var location: String?
        var requested: Int64
        var available: Int64
        var satisfiable: Bool
    }

    var lines: [Line]
    var allSatisfiable: Bool

    init(_ answers: [LineAvailability]) {
        lines = answers.map {
            Line(
                sku: $0.sku, location: $0.location, requested: $0.requested, available: $0.available,
                satisfiable: $0.satisfiable)
        }
        allSatisfiable = answers.allSatisfy(\.satisfiable)
    }

    func table() -> String {
        let rows = lines.map {
            [$0.sku, $0.location ?? "any", String($0.requested), String($0.available), $0.satisfiable ? "yes" : "NO"]
        }
        return OperatorOutput.table(["SKU", "location", "requested", "sellable", "satisfiable"], rows)
    }
}

/// `stock priority`: the store's allocation order.
struct LocationPriorityReport: OperatorReport {
    var locations: [String]

    func table() -> String {
        OperatorOutput.table(["#", "location"], locations.enumerated().map { [String($0.offset + 1), $0.element] })
    }
}
