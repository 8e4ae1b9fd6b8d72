import HoldfastClient
import REST

typealias ReservationReport = ReservationJSON

extension AllocationJSON {
    static func table(_ allocations: [AllocationJSON]) -> String {
        OperatorOutput.table(
            ["SKU", "location", "quantity"], allocations.map { [$0.sku, $0.location, String($0.quantity)] })
    }
}

extension ReservationJSON: OperatorReport {
    func table() -> String {
        let fields = ClientFields.lines([
            ("reservation", reservationID), ("status", status), ("owner", owner ?? "-"), ("deadline (UTC)", deadline),
            ("order", orderID ?? "-"), ("replayed", replayed ? "yes" : "no"),
        ])
        return fields + "\n\n" + AllocationJSON.table(allocations)
    }
}

/// Aligned `name: value` lines for one entity's fields.
enum ClientFields {
    static func lines(_ fields: [(String, String)]) -> String {
        let width = fields.map(\.0.count).max() ?? 0
        return fields.map { name, value in
            (name + ":").padding(toLength: width + 1, withPad: " ", startingAt: 0) + " " + value
        }
        .joined(separator: "\n")
    }
}
