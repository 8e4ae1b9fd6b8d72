import Engine

/// A cart, its lines and its stock hold.
public struct CartJSON: Codable, Equatable, Sendable {
    public struct Line: Codable, Equatable, Sendable {
        public var sku: String
        public var quantity: Int64
    }

    public var cartID: String
    public var customerID: String?
    public var lines: [Line]
    public var holdStock: Bool
    public var holdTTLSeconds: Int64
    public var holdDeadlineNanoseconds: Int64?
    public var holdDeadline: String?
    public var holdAllocations: [AllocationJSON]
    public var replayed: Bool

    public init(_ view: CartView) {
        cartID = view.cartID
        customerID = view.customerID
        lines = view.lines.map { Line(sku: $0.sku, quantity: $0.quantity) }
        holdStock = view.holdStock
        holdTTLSeconds = view.holdTTLSeconds
        holdDeadlineNanoseconds = view.holdDeadline
        holdDeadline = view.holdDeadline.map { OperatorTime.iso8601(nanoseconds: $0) }
        holdAllocations = view.holdAllocations.map(AllocationJSON.init)
        replayed = view.replayed
    }
}

/// An order with its lines, totals and status.
public struct OrderJSON: Codable, Equatable, Sendable {
    public struct Line: Codable, Equatable, Sendable {
        public var sku: String
        public var location: String
        public var quantity: Int64
        public var unitPriceMinor: Int64
    }

    public struct Totals: Codable, Equatable, Sendable {
        public var subtotalMinor: Int64
        public var taxMinor: Int64
        public var shippingMinor: Int64
        public var discountMinor: Int64
        public var totalMinor: Int64
        public var currency: String
    }

    public var orderID: String
    public var customerID: String
    /// `placed`, `paid`, `fulfilled` or `cancelled`.
    public var status: String
    public var lines: [Line]
    public var totals: Totals
    public var placedAtNanoseconds: Int64
    public var placedAt: String
    public var reservationID: String?
    public var replayed: Bool

    public init(_ view: OrderView) {
        orderID = view.orderID
        customerID = view.customerID
        status = view.status.description
        lines = view.lines.map {
            Line(sku: $0.sku, location: $0.location, quantity: $0.quantity, unitPriceMinor: $0.unitPriceMinor)
        }
        let totals = view.totals
        self.totals = Totals(
            subtotalMinor: totals.subtotalMinor, taxMinor: totals.taxMinor, shippingMinor: totals.shippingMinor,
            discountMinor: totals.discountMinor, totalMinor: totals.totalMinor, currency: totals.currency)
        placedAtNanoseconds = view.placedAt
        placedAt = OperatorTime.iso8601(nanoseconds: view.placedAt)
        reservationID = view.reservationID
        replayed = view.replayed
    }
}

/// A page of a customer's orders, newest last; `nextAfterOrderID` continues the list.
public struct OrderPageJSON: Codable, Equatable, Sendable {
    public var orders: [OrderJSON]
    public var nextAfterOrderID: String?

    public init(_ page: OrderPage) {
        orders = page.orders.map(OrderJSON.init)
        nextAfterOrderID = page.nextAfterOrderID
    }
}
