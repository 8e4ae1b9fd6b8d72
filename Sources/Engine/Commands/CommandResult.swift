/// What a successful command answers.
public enum CommandResult: Sendable, Equatable {
    /// `advanceTime`: how much work the tick did.
    case tick(TickReport)
    /// `setStock`, `adjustStock`: the record as it now stands.
    case stockRecord(StockRecordView)
    /// `getStock`: every location of a SKU and the totals.
    case stock(StockView)
    /// `setLocationPriority`: the store's allocation order.
    case locationPriority([String])
    /// Reservation commands and `getReservation`.
    case reservation(ReservationView)
    /// `checkAvailability`, line by line.
    case availability([LineAvailability])
    /// Cart commands and `getCart`; a cleared cart is answered with no lines.
    case cart(CartView)
    /// Order commands, `confirmReservation`, `checkoutCart` and `getOrder`.
    case order(OrderView)
    /// `listOrders`.
    case orders(OrderPage)
    /// `setPrice`, `getPrice`: the SKU's entry in the price list.
    case price(PriceView)
}

/// The work done by one `advanceTime` tick.
public struct TickReport: Sendable, Equatable {
    public var expiredReservations: Int
    public var purgedRecords: Int

    public init(expiredReservations: Int = 0, purgedRecords: Int = 0) {
        self.expiredReservations = expiredReservations
        self.purgedRecords = purgedRecords
    }
}

/// The quantities of one stock record, or totals over a SKU's locations.
public struct StockLevels: Sendable, Equatable, Hashable {
    public var onHand: Int64
    public var reserved: Int64
    public var committed: Int64
    public var safetyStock: Int64
    public var lowStockThreshold: Int64
    public var backorderLimit: Int64

    /// `onHand − reserved − committed − safetyStock`; may be negative down to `−backorderLimit`.
    public var available: Int64 { onHand - reserved - committed - safetyStock }

    public init(
        onHand: Int64 = 0, reserved: Int64 = 0, committed: Int64 = 0, safetyStock: Int64 = 0,
        lowStockThreshold: Int64 = 0, backorderLimit: Int64 = 0
    ) {
        self.onHand = onHand
        self.reserved = reserved
        self.committed = committed
        self.safetyStock = safetyStock
        self.lowStockThreshold = lowStockThreshold
        self.backorderLimit = backorderLimit
    }
}

public struct StockRecordView: Sendable, Equatable {
    public var sku: String
    public var location: String
    public var levels: StockLevels
    /// True when this answer repeats an earlier one for the same request key.
    public var replayed: Bool
}

public struct StockView: Sendable, Equatable {
    public var sku: String
    /// Per location, in the store's allocation order.
    public var locations: [LocationStock]
    /// Sums over all locations (thresholds and limits summed too).
    public var totals: StockLevels
}

public struct LocationStock: Sendable, Equatable {
    public var location: String
    public var levels: StockLevels
}

public struct LineAvailability: Sendable, Equatable {
    public var sku: String
    public var location: String?
    public var requested: Int64
    /// Sellable quantity: available plus backorder allowance (0 for an unknown SKU).
    public var available: Int64
    public var satisfiable: Bool
}

/// Where stock for one requested line was taken from. A line without a location
/// may be split into several allocations.
public struct LineAllocation: Sendable, Equatable, Hashable {
    public var sku: String
    public var location: String
    public var quantity: Int64

    public init(sku: String, location: String, quantity: Int64) {
        self.sku = sku
        self.location = location
        self.quantity = quantity
    }
}

public enum ReservationStatus: UInt8, Sendable, Equatable, CustomStringConvertible {
    case active = 1
    case released = 2
    case confirmed = 3
    case expired = 4

    public var description: String {
        switch self {
        case .active: "active"
        case .released: "released"
        case .confirmed: "confirmed"
        case .expired: "expired"
        }
    }
}

public struct ReservationView: Sendable, Equatable {
    public var reservationID: String
    public var owner: String?
    public var status: ReservationStatus
    /// Batch timestamp (ns since the Unix epoch) when the hold lapses.
    public var deadline: Int64
    public var allocations: AllocationList
    /// The order it became, once confirmed.
    public var orderID: String?
    public var replayed: Bool
}

public struct CartLine: Sendable, Equatable {
    public var sku: String
    public var quantity: Int64

    public init(sku: String, quantity: Int64) {
        self.sku = sku
        self.quantity = quantity
    }
}

public struct CartView: Sendable, Equatable {
    public var cartID: String
    public var customerID: String?
    public var lines: [CartLine]
    public var holdStock: Bool
    public var holdTTLSeconds: Int64
    /// The hold's deadline while the cart holds stock; nil when it holds none.
    public var holdDeadline: Int64?
    public var holdAllocations: [LineAllocation]
    public var replayed: Bool
}

public enum OrderStatus: UInt8, Sendable, Equatable, CustomStringConvertible {
    case placed = 1
    case paid = 2
    case fulfilled = 3
    case cancelled = 4

    public var description: String {
        switch self {
        case .placed: "placed"
        case .paid: "paid"
        case .fulfilled: "fulfilled"
        case .cancelled: "cancelled"
        }
    }
}

public struct OrderLine: Sendable, Equatable {
    public var sku: String
    public var location: String
    public var quantity: Int64
    public var unitPriceMinor: Int64
}

public struct OrderTotals: Sendable, Equatable {
    public var subtotalMinor: Int64
    public var taxMinor: Int64
    public var shippingMinor: Int64
    public var discountMinor: Int64
    public var totalMinor: Int64
    public var currency: String
}

public struct OrderView: Sendable, Equatable {
    public var orderID: String
    public var customerID: String
    public var status: OrderStatus
    public var lines: [OrderLine]
    public var totals: OrderTotals
    /// Batch timestamp of placement (ns since the Unix epoch).
    public var placedAt: Int64
    /// The reservation it was confirmed from, if any.
    public var reservationID: String?
    public var replayed: Bool
}

public struct OrderPage: Sendable, Equatable {
    public var orders: [OrderView]
    /// Pass as `afterOrderID` for the next page; nil on the last page.
    public var nextAfterOrderID: String?
}
