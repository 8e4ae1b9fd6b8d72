import HoldfastClient
import REST

/// One event as `events tail` prints it: a table line, or (with --json) the
/// REST API's JSON form of the event.
typealias EventLine = EventJSON

extension EventJSON {
    static let widths = [10, 14, 24]
    static let header = OperatorOutput.row(["LSN", "store", "event", "details"], widths: widths)

    /// The details column: the fields the event has, `name=value`.
    var details: String {
        var parts: [String] = []
        func add(_ name: String, _ value: (some CustomStringConvertible)?) {
            if let value { parts.append("\(name)=\(value)") }
        }
        add("sku", sku)
        add("location", location)
        if let levels {
            parts.append("onHand=\(levels.onHand) reserved=\(levels.reserved) available=\(levels.available)")
        }
        add("available", available)
        add("threshold", threshold)
        add("locations", locations?.joined(separator: ","))
        add("reservation", reservationID)
        add("owner", owner)
        add("deadline", deadlineNanoseconds.map { OperatorTime.iso8601(nanoseconds: $0) })
        add("cart", cartID)
        add("order", orderID)
        add("customer", customerID)
        if let totalMinor, let currency { parts.append("total=\(totalMinor) \(currency)") }
        return parts.joined(separator: " ")
    }

    var text: String { OperatorOutput.row([String(lsn), store, kind, details], widths: Self.widths) }
}
