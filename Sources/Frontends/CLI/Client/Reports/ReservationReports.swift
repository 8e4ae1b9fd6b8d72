import HoldfastClient
import REST

/// Where stock was taken from, as the client commands print it.
struct AllocationJSON: Encodable, Equatable {
    var sku: String
    var location: String
    var quantity: Int64

    init(_ allocation: LineAllocation) {
        sku = allocation.sku
        location = allocation.location
        quantity = allocation.quantity
    }

    static func table(_ allocations: [AllocationJSON]) -> String {
        OperatorOutput.table(
            ["SKU", "location", "quantity"], allocations.map { [$0.sku, $0.location, String($0.quantity)] })
    }
}

/// A reservation (`reservation create|get|extend|release`).
struct ReservationReport: OperatorReport {
    var reservationID: String
    var status: String
    var owner: String?
    var deadlineNanoseconds: Int64
    var deadline: String
    var orderID: String?
    var allocations: [AllocationJSON]
    var replayed: Bool

    init(_ view: ReservationView) {
        reservationID = view.reservationID
        status = view.status.description
        owner = view.owner
        deadlineNanoseconds = view.deadline
        deadline = OperatorTime.iso8601(nanoseconds: view.deadline)
        orderID = view.orderID
        allocations = view.allocations.map(AllocationJSON.init)
        replayed = view.replayed
    }

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
