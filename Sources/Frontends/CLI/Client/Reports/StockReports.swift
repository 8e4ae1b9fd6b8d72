import HoldfastClient
import REST

// The CLI's `--json` prints the REST API's JSON views (Sources/REST/Representations);
// these extensions add the human tables.

typealias StockRecordReport = StockRecordJSON
typealias StockReport = StockJSON
typealias AvailabilityReport = AvailabilityJSON
typealias LocationPriorityReport = LocationPriorityJSON

extension LevelsJSON {
    static let headers = ["location", "on hand", "reserved", "committed", "safety", "available", "low at", "backorder"]

    func row(_ location: String) -> [String] {
        [location]
            + [onHand, reserved, committed, safetyStock, available, lowStockThreshold, backorderLimit].map(String.init)
    }
}

extension StockRecordJSON: OperatorReport {
    func table() -> String {
        let title = "SKU \(sku)" + (replayed ? " (replayed: this request key was answered before)" : "")
        return title + "\n" + OperatorOutput.table(LevelsJSON.headers, [levels.row(location)])
    }
}

extension StockJSON: OperatorReport {
    func table() -> String {
        let rows = locations.map { $0.levels.row($0.location) } + [totals.row("TOTAL")]
        return "SKU \(sku), locations in allocation order\n" + OperatorOutput.table(LevelsJSON.headers, rows)
    }
}

extension AvailabilityJSON: OperatorReport {
    func table() -> String {
        let rows = lines.map {
            [$0.sku, $0.location ?? "any", String($0.requested), String($0.available), $0.satisfiable ? "yes" : "NO"]
        }
        return OperatorOutput.table(["SKU", "location", "requested", "sellable", "satisfiable"], rows)
    }
}

extension LocationPriorityJSON: OperatorReport {
    func table() -> String {
        OperatorOutput.table(["#", "location"], locations.enumerated().map { [String($0.offset + 1), $0.element] })
    }
}
