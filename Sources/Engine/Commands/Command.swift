/// One request to a shard's state machine: a mutation, a query, or the tick.
///
/// Every case names its store, which decides the shard. Mutations carry an
/// identity for idempotent retries: the entity id they create (reservation,
/// order) or an optional `requestKey`. Commands that set an absolute value
/// (set a cart line, release, clear) are idempotent by nature.
public enum Command: Sendable, Equatable {
    /// Expires reservations past their deadline and purges retained records whose
    /// retention has ended, with bounded work. The shard runtime issues it at the
    /// start of every batch; it is logged only when it changed something.
    case advanceTime

    // Stock
    case setStock(SetStock)
    case adjustStock(AdjustStock)
    case setLocationPriority(SetLocationPriority)
    case setPrice(SetPrice)

    // Reservations
    case reserve(Reserve)
    case extendReservation(ExtendReservation)
    case releaseReservation(ReservationReference)
    case confirmReservation(ConfirmReservation)

    // Carts
    case configureCart(ConfigureCart)
    case addCartItem(AddCartItem)
    case setCartItem(SetCartItem)
    case removeCartItem(RemoveCartItem)
    case clearCart(CartReference)
    case checkoutCart(CheckoutCart)

    // Orders
    case placeOrder(PlaceOrder)
    case payOrder(OrderTransition)
    case fulfillOrder(OrderTransition)
    case cancelOrder(OrderTransition)

    // Queries: never change state, never logged.
    case getStock(StockQuery)
    case checkAvailability(AvailabilityQuery)
    case getReservation(ReservationReference)
    case getCart(CartReference)
    case getOrder(OrderReference)
    case listOrders(OrderListQuery)
    case getPrice(PriceQuery)

    /// The store this command belongs to; `nil` only for `advanceTime`.
    public var store: String? {
        switch self {
        case .advanceTime: nil
        case .setStock(let command): command.store
        case .adjustStock(let command): command.store
        case .setLocationPriority(let command): command.store
        case .setPrice(let command): command.store
        case .reserve(let command): command.store
        case .extendReservation(let command): command.store
        case .releaseReservation(let command): command.store
        case .confirmReservation(let command): command.store
        case .configureCart(let command): command.store
        case .addCartItem(let command): command.store
        case .setCartItem(let command): command.store
        case .removeCartItem(let command): command.store
        case .clearCart(let command): command.store
        case .checkoutCart(let command): command.store
        case .placeOrder(let command): command.store
        case .payOrder(let command), .fulfillOrder(let command), .cancelOrder(let command): command.store
        case .getStock(let query): query.store
        case .checkAvailability(let query): query.store
        case .getReservation(let query): query.store
        case .getCart(let query): query.store
        case .getOrder(let query): query.store
        case .listOrders(let query): query.store
        case .getPrice(let query): query.store
        }
    }

    /// Whether the command can change state (and so may be logged).
    public var isMutation: Bool {
        switch self {
        case .getStock, .checkAvailability, .getReservation, .getCart, .getOrder, .listOrders, .getPrice: false
        default: true
        }
    }
}

// MARK: - Lines

/// A requested quantity of one SKU, at a location or (when `location` is nil)
/// wherever the store's location priority finds it.
public struct LineRequest: Sendable, Equatable, Hashable {
    public var sku: String
    public var location: String?
    public var quantity: Int64

    public init(sku: String, location: String? = nil, quantity: Int64) {
        self.sku = sku
        self.location = location
        self.quantity = quantity
    }
}

/// An order line as requested: a `LineRequest` with its unit price.
public struct PricedLineRequest: Sendable, Equatable {
    public var sku: String
    public var location: String?
    public var quantity: Int64
    public var unitPriceMinor: Int64

    public init(sku: String, location: String? = nil, quantity: Int64, unitPriceMinor: Int64) {
        self.sku = sku
        self.location = location
        self.quantity = quantity
        self.unitPriceMinor = unitPriceMinor
    }
}

/// The unit price of one SKU, used when a reservation or cart becomes an order.
public struct UnitPrice: Sendable, Equatable {
    public var sku: String
    public var unitPriceMinor: Int64

    public init(sku: String, unitPriceMinor: Int64) {
        self.sku = sku
        self.unitPriceMinor = unitPriceMinor
    }
}

/// What an order needs beyond its lines: identity, customer and money.
public struct OrderTerms: Sendable, Equatable {
    public var orderID: String
    public var customerID: String
    /// ISO 4217 code, three upper-case letters.
    public var currency: String
    /// Unit prices by SKU, for orders made from reservations or carts.
    public var prices: [UnitPrice]
    public var taxMinor: Int64
    public var shippingMinor: Int64
    public var discountMinor: Int64

    public init(
        orderID: String, customerID: String, currency: String, prices: [UnitPrice] = [],
        taxMinor: Int64 = 0, shippingMinor: Int64 = 0, discountMinor: Int64 = 0
    ) {
        self.orderID = orderID
        self.customerID = customerID
        self.currency = currency
        self.prices = prices
        self.taxMinor = taxMinor
        self.shippingMinor = shippingMinor
        self.discountMinor = discountMinor
    }
}
