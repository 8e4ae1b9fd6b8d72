import Engine
import Wire

/// The steps of the funnel workload: each is the next request a customer sends.
///
/// Through a cart: configure → add each item → checkout (or clear the cart and
/// leave) → pay → fulfil, or cancel the order. Through a reservation: reserve →
/// confirm (or release and leave) → pay → fulfil, or cancel.
enum FunnelStage: Int, CaseIterable, Sendable {
    case configureCart, addCartItem, checkoutCart, clearCart
    case reserve, confirmReservation, releaseReservation
    case payOrder, fulfillOrder, cancelOrder

    var operation: WireOperation { WireOperation(command: tag) }

    var tag: CommandCodec.Tag {
        switch self {
        case .configureCart: .configureCart
        case .addCartItem: .addCartItem
        case .checkoutCart: .checkoutCart
        case .clearCart: .clearCart
        case .reserve: .reserve
        case .confirmReservation: .confirmReservation
        case .releaseReservation: .releaseReservation
        case .payOrder: .payOrder
        case .fulfillOrder: .fulfillOrder
        case .cancelOrder: .cancelOrder
        }
    }

    var name: String { "\(tag)" }

    /// Whether success takes stock for the customer (and so the ledger grants it).
    var takesStock: Bool { self == .checkoutCart || self == .reserve }

    /// Whether success gives the customer's stock back.
    var returnsStock: Bool { self == .releaseReservation || self == .cancelOrder }
}

/// One customer in the funnel: which SKUs it buys and how far it got.
struct FunnelCustomer: Sendable {
    /// Numbers the customer's cart, reservation, order and customer ids.
    var sequence: UInt64
    var stage: FunnelStage
    var skus: [Int32]
    var itemsAdded = 0
}

/// Names and requests of funnel customers on one connection.
struct FunnelRequests: Sendable {
    let store: String
    let catalog: SKUCatalog
    let ttlSeconds: Int64
    /// Distinguishes this connection's ids from other connections' (`"3-"`).
    let connectionTag: String

    static let unitPriceMinor: Int64 = 1_999
    static let currency = "EUR"

    var reservationIDPrefix: String { "fr\(connectionTag)" }

    func cartID(_ customer: FunnelCustomer) -> String { "fc\(connectionTag)\(customer.sequence)" }
    func orderID(_ customer: FunnelCustomer) -> String { "fo\(connectionTag)\(customer.sequence)" }
    func customerID(_ customer: FunnelCustomer) -> String { "fu\(connectionTag)\(customer.sequence)" }
    func reservationID(_ customer: FunnelCustomer) -> String {
        ReservationEncoder.reservationID(prefix: reservationIDPrefix, sequence: customer.sequence)
    }

    /// The request `customer` sends at its stage.
    func command(for customer: FunnelCustomer) -> Command {
        switch customer.stage {
        case .configureCart:
            .configureCart(ConfigureCart(store: store, cartID: cartID(customer), customerID: customerID(customer)))
        case .addCartItem:
            .addCartItem(
                AddCartItem(
                    store: store, cartID: cartID(customer), sku: catalog.name(of: Int(customer.skus[customer.itemsAdded])),
                    quantity: 1))
        case .checkoutCart:
            .checkoutCart(CheckoutCart(store: store, cartID: cartID(customer), terms: terms(customer)))
        case .clearCart:
            .clearCart(CartReference(store: store, cartID: cartID(customer)))
        case .reserve:
            .reserve(
                Reserve(
                    store: store, reservationID: reservationID(customer),
                    lines: customer.skus.map { LineRequest(sku: catalog.name(of: Int($0)), quantity: 1) },
                    ttlSeconds: ttlSeconds))
        case .confirmReservation:
            .confirmReservation(
                ConfirmReservation(store: store, reservationID: reservationID(customer), terms: terms(customer)))
        case .releaseReservation:
            .releaseReservation(ReservationReference(store: store, reservationID: reservationID(customer)))
        case .payOrder: .payOrder(OrderTransition(store: store, orderID: orderID(customer)))
        case .fulfillOrder: .fulfillOrder(OrderTransition(store: store, orderID: orderID(customer)))
        case .cancelOrder: .cancelOrder(OrderTransition(store: store, orderID: orderID(customer)))
        }
    }

    private func terms(_ customer: FunnelCustomer) -> OrderTerms {
        OrderTerms(
            orderID: orderID(customer), customerID: customerID(customer), currency: Self.currency,
            prices: customer.skus.map { UnitPrice(sku: catalog.name(of: Int($0)), unitPriceMinor: Self.unitPriceMinor) })
    }
}
