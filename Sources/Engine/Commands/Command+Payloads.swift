// The payloads of `Command`'s cases, one struct per operation.

/// Sets fields of one stock record, creating the record (and the store, SKU and
/// location) if needed. Fields left nil keep their value (0 for a new record).
public struct SetStock: Sendable, Equatable {
    public var store: String
    public var sku: String
    /// Nil means `Limits.defaultLocation`.
    public var location: String?
    public var onHand: Int64?
    public var safetyStock: Int64?
    public var lowStockThreshold: Int64?
    public var backorderLimit: Int64?
    public var requestKey: String?

    public init(
        store: String, sku: String, location: String? = nil, onHand: Int64? = nil, safetyStock: Int64? = nil,
        lowStockThreshold: Int64? = nil, backorderLimit: Int64? = nil, requestKey: String? = nil
    ) {
        self.store = store
        self.sku = sku
        self.location = location
        self.onHand = onHand
        self.safetyStock = safetyStock
        self.lowStockThreshold = lowStockThreshold
        self.backorderLimit = backorderLimit
        self.requestKey = requestKey
    }
}

/// Adds (`delta > 0`) or removes (`delta < 0`) on-hand stock of an existing record.
public struct AdjustStock: Sendable, Equatable {
    public var store: String
    public var sku: String
    public var location: String?
    public var delta: Int64
    public var reason: String
    public var requestKey: String?

    public init(
        store: String, sku: String, location: String? = nil, delta: Int64, reason: String, requestKey: String? = nil
    ) {
        self.store = store
        self.sku = sku
        self.location = location
        self.delta = delta
        self.reason = reason
        self.requestKey = requestKey
    }
}

/// Sets the order in which lines without a location are allocated. Locations
/// not named keep their relative order after the named ones.
public struct SetLocationPriority: Sendable, Equatable {
    public var store: String
    public var locations: [String]
    public var requestKey: String?

    public init(store: String, locations: [String], requestKey: String? = nil) {
        self.store = store
        self.locations = locations
        self.requestKey = requestKey
    }
}

/// Holds stock for all lines or none, until a deadline `ttlSeconds` from now.
public struct Reserve: Sendable, Equatable {
    public var store: String
    /// Client-chosen id, also the idempotency key.
    public var reservationID: String
    public var lines: [LineRequest]
    public var ttlSeconds: Int64
    public var owner: String?

    public init(
        store: String, reservationID: String, lines: [LineRequest],
        ttlSeconds: Int64 = Limits.reservationTTLDefaultSeconds, owner: String? = nil
    ) {
        self.store = store
        self.reservationID = reservationID
        self.lines = lines
        self.ttlSeconds = ttlSeconds
        self.owner = owner
    }
}

/// Moves an active reservation's deadline to `ttlSeconds` from now.
public struct ExtendReservation: Sendable, Equatable {
    public var store: String
    public var reservationID: String
    public var ttlSeconds: Int64
    public var requestKey: String?

    public init(store: String, reservationID: String, ttlSeconds: Int64, requestKey: String? = nil) {
        self.store = store
        self.reservationID = reservationID
        self.ttlSeconds = ttlSeconds
        self.requestKey = requestKey
    }
}

/// Names one reservation (release, get).
public struct ReservationReference: Sendable, Equatable {
    public var store: String
    public var reservationID: String

    public init(store: String, reservationID: String) {
        self.store = store
        self.reservationID = reservationID
    }
}

/// Turns an active reservation into an order; `terms.orderID` is the idempotency key.
public struct ConfirmReservation: Sendable, Equatable {
    public var store: String
    public var reservationID: String
    public var terms: OrderTerms

    public init(store: String, reservationID: String, terms: OrderTerms) {
        self.store = store
        self.reservationID = reservationID
        self.terms = terms
    }
}

/// Creates a cart or changes its settings. With `holdStock`, the cart keeps a
/// reservation in step with its lines, renewed to `holdTTLSeconds` on each change.
public struct ConfigureCart: Sendable, Equatable {
    public var store: String
    public var cartID: String
    public var customerID: String?
    public var holdStock: Bool
    public var holdTTLSeconds: Int64

    public init(
        store: String, cartID: String, customerID: String? = nil, holdStock: Bool = false,
        holdTTLSeconds: Int64 = Limits.cartHoldTTLDefaultSeconds
    ) {
        self.store = store
        self.cartID = cartID
        self.customerID = customerID
        self.holdStock = holdStock
        self.holdTTLSeconds = holdTTLSeconds
    }
}

/// Adds quantity of a SKU to a cart, creating the cart if needed.
public struct AddCartItem: Sendable, Equatable {
    public var store: String
    public var cartID: String
    public var sku: String
    public var quantity: Int64
    public var requestKey: String?

    public init(store: String, cartID: String, sku: String, quantity: Int64, requestKey: String? = nil) {
        self.store = store
        self.cartID = cartID
        self.sku = sku
        self.quantity = quantity
        self.requestKey = requestKey
    }
}

/// Sets a cart line's quantity; 0 removes the line.
public struct SetCartItem: Sendable, Equatable {
    public var store: String
    public var cartID: String
    public var sku: String
    public var quantity: Int64

    public init(store: String, cartID: String, sku: String, quantity: Int64) {
        self.store = store
        self.cartID = cartID
        self.sku = sku
        self.quantity = quantity
    }
}

/// Removes a cart line (no error if the line is not there).
public struct RemoveCartItem: Sendable, Equatable {
    public var store: String
    public var cartID: String
    public var sku: String

    public init(store: String, cartID: String, sku: String) {
        self.store = store
        self.cartID = cartID
        self.sku = sku
    }
}

/// Names one cart (get, clear).
public struct CartReference: Sendable, Equatable {
    public var store: String
    public var cartID: String

    public init(store: String, cartID: String) {
        self.store = store
        self.cartID = cartID
    }
}

/// Turns a cart into an order (through its hold, if it has one) and removes the cart.
public struct CheckoutCart: Sendable, Equatable {
    public var store: String
    public var cartID: String
    public var terms: OrderTerms

    public init(store: String, cartID: String, terms: OrderTerms) {
        self.store = store
        self.cartID = cartID
        self.terms = terms
    }
}

/// Places an order directly from lines, committing stock for all or none.
public struct PlaceOrder: Sendable, Equatable {
    public var store: String
    public var orderID: String
    public var customerID: String
    public var lines: [PricedLineRequest]
    public var currency: String
    public var taxMinor: Int64
    public var shippingMinor: Int64
    public var discountMinor: Int64

    public init(
        store: String, orderID: String, customerID: String, lines: [PricedLineRequest], currency: String,
        taxMinor: Int64 = 0, shippingMinor: Int64 = 0, discountMinor: Int64 = 0
    ) {
        self.store = store
        self.orderID = orderID
        self.customerID = customerID
        self.lines = lines
        self.currency = currency
        self.taxMinor = taxMinor
        self.shippingMinor = shippingMinor
        self.discountMinor = discountMinor
    }
}

/// Pay, fulfil or cancel an order. Repeating a transition already made succeeds
/// without change; `requestKey` additionally pins the original result.
public struct OrderTransition: Sendable, Equatable {
    public var store: String
    public var orderID: String
    public var requestKey: String?

    public init(store: String, orderID: String, requestKey: String? = nil) {
        self.store = store
        self.orderID = orderID
        self.requestKey = requestKey
    }
}

public struct StockQuery: Sendable, Equatable {
    public var store: String
    public var sku: String

    public init(store: String, sku: String) {
        self.store = store
        self.sku = sku
    }
}

public struct AvailabilityQuery: Sendable, Equatable {
    public var store: String
    public var lines: [LineRequest]

    public init(store: String, lines: [LineRequest]) {
        self.store = store
        self.lines = lines
    }
}

public struct OrderReference: Sendable, Equatable {
    public var store: String
    public var orderID: String

    public init(store: String, orderID: String) {
        self.store = store
        self.orderID = orderID
    }
}

/// A page of one customer's orders, oldest first, after the order `afterOrderID`.
public struct OrderListQuery: Sendable, Equatable {
    public var store: String
    public var customerID: String
    public var afterOrderID: String?
    public var limit: Int

    public init(store: String, customerID: String, afterOrderID: String? = nil, limit: Int = Limits.orderPageSizeDefault) {
        self.store = store
        self.customerID = customerID
        self.afterOrderID = afterOrderID
        self.limit = limit
    }
}
