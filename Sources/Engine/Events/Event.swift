/// One state change, stamped with the log sequence number (LSN) of the logged
/// command that caused it. Several events may share an LSN.
public struct Event: Sendable, Equatable {
    public var lsn: UInt64
    public var store: String
    public var kind: EventKind

    public init(lsn: UInt64, store: String, kind: EventKind) {
        self.lsn = lsn
        self.store = store
        self.kind = kind
    }
}

/// The new levels of one stock record.
public struct StockChange: Sendable, Equatable {
    public var sku: String
    public var location: String
    public var levels: StockLevels

    public init(sku: String, location: String, levels: StockLevels) {
        self.sku = sku
        self.location = location
        self.levels = levels
    }
}

public enum EventKind: Sendable, Equatable {
    case stockChanged(StockChange)
    /// Available fell below the record's low-stock threshold.
    case lowStock(sku: String, location: String, available: Int64, threshold: Int64)
    /// Available rose above zero from zero or below.
    case backInStock(sku: String, location: String, available: Int64)
    case locationPriorityChanged(locations: [String])
    case reservationPlaced(reservationID: String, owner: String?, deadline: Int64)
    case reservationExtended(reservationID: String, deadline: Int64)
    case reservationReleased(reservationID: String)
    case reservationExpired(reservationID: String)
    case reservationConfirmed(reservationID: String, orderID: String)
    case cartChanged(cartID: String)
    case cartHoldExpired(cartID: String)
    case cartCheckedOut(cartID: String, orderID: String)
    case cartRemoved(cartID: String)
    case orderPlaced(orderID: String, customerID: String, totalMinor: Int64, currency: String)
    case orderPaid(orderID: String)
    case orderFulfilled(orderID: String)
    case orderCancelled(orderID: String)
    /// A SKU's list price was set (`listed`) or removed (nil).
    case priceChanged(sku: String, listed: ListedPrice?)
}

extension EventKind {
    public static func stockChanged(sku: String, location: String, levels: StockLevels) -> EventKind {
        .stockChanged(StockChange(sku: sku, location: location, levels: levels))
    }
}
