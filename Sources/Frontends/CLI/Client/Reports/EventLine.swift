import HoldfastClient
import REST

/// One event as `events tail` prints it: a table line, or one JSON object.
struct EventLine: Encodable, Equatable {
    var lsn: UInt64
    var store: String
    var kind: String
    var sku: String?
    var location: String?
    var levels: LevelsJSON?
    var available: Int64?
    var threshold: Int64?
    var locations: [String]?
    var reservationID: String?
    var owner: String?
    var deadlineNanoseconds: Int64?
    var cartID: String?
    var orderID: String?
    var customerID: String?
    var totalMinor: Int64?
    var currency: String?

    static let widths = [10, 14, 24]
    static let header = OperatorOutput.row(["LSN", "store", "event", "details"], widths: widths)

    init(_ event: Event) {
        lsn = event.lsn
        store = event.store
        kind = ""
        describe(event.kind)
    }

    private mutating func describe(_ eventKind: EventKind) {
        switch eventKind {
        case .stockChanged(let change):
            (kind, sku, location, levels) = ("stockChanged", change.sku, change.location, LevelsJSON(change.levels))
        case .lowStock(let sku, let location, let available, let threshold):
            (kind, self.sku, self.location, self.available, self.threshold) = (
                "lowStock", sku, location, available, threshold
            )
        case .backInStock(let sku, let location, let available):
            (kind, self.sku, self.location, self.available) = ("backInStock", sku, location, available)
        case .locationPriorityChanged(let locations): (kind, self.locations) = ("locationPriorityChanged", locations)
        case .reservationPlaced(let id, let owner, let deadline):
            (kind, reservationID, self.owner, deadlineNanoseconds) = ("reservationPlaced", id, owner, deadline)
        case .reservationExtended(let id, let deadline):
            (kind, reservationID, deadlineNanoseconds) = ("reservationExtended", id, deadline)
        case .reservationReleased(let id): (kind, reservationID) = ("reservationReleased", id)
        case .reservationExpired(let id): (kind, reservationID) = ("reservationExpired", id)
        case .reservationConfirmed(let id, let orderID):
            (kind, reservationID, self.orderID) = ("reservationConfirmed", id, orderID)
        case .cartChanged(let id): (kind, cartID) = ("cartChanged", id)
        case .cartHoldExpired(let id): (kind, cartID) = ("cartHoldExpired", id)
        case .cartCheckedOut(let id, let orderID): (kind, cartID, self.orderID) = ("cartCheckedOut", id, orderID)
        case .cartRemoved(let id): (kind, cartID) = ("cartRemoved", id)
        case .orderPlaced(let orderID, let customerID, let totalMinor, let currency):
            (kind, self.orderID, self.customerID, self.totalMinor, self.currency) =
                ("orderPlaced", orderID, customerID, totalMinor, currency)
        case .orderPaid(let id): (kind, orderID) = ("orderPaid", id)
        case .orderFulfilled(let id): (kind, orderID) = ("orderFulfilled", id)
        case .orderCancelled(let id): (kind, orderID) = ("orderCancelled", id)
        }
    }

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
