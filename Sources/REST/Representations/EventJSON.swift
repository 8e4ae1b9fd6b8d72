import Engine

/// One change-stream event: its LSN, store, kind and the fields that kind has.
public struct EventJSON: Codable, Equatable, Sendable {
    public var lsn: UInt64
    public var store: String
    /// `stockChanged`, `lowStock`, `reservationPlaced`, `orderPaid`, ...
    public var kind: String
    public var sku: String?
    public var location: String?
    public var levels: LevelsJSON?
    public var available: Int64?
    public var threshold: Int64?
    public var locations: [String]?
    public var reservationID: String?
    public var owner: String?
    public var deadlineNanoseconds: Int64?
    public var cartID: String?
    public var orderID: String?
    public var customerID: String?
    public var totalMinor: Int64?
    public var currency: String?
    public var unitPriceMinor: Int64?

    public init(_ event: Event) {
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
        case .priceChanged(let sku, let listed):
            (kind, self.sku, currency, unitPriceMinor) = ("priceChanged", sku, listed?.currency, listed?.unitPriceMinor)
        }
    }
}

/// A page of one store's events after an LSN.
public struct EventPageJSON: Codable, Equatable, Sendable {
    public var events: [EventJSON]
    /// Ask for `after=nextAfter` next; it moves on even when other stores' events were skipped.
    public var nextAfter: UInt64
    public var oldestRetainedLSN: UInt64
    public var newestLSN: UInt64
    /// Events after the requested LSN were dropped from the retained window before they were read.
    public var gap: Bool

    public init(events: [EventJSON], nextAfter: UInt64, oldestRetainedLSN: UInt64, newestLSN: UInt64, gap: Bool) {
        self.events = events
        self.nextAfter = nextAfter
        self.oldestRetainedLSN = oldestRetainedLSN
        self.newestLSN = newestLSN
        self.gap = gap
    }
}
