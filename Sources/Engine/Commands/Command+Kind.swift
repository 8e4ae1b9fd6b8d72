// Facts about each kind of command that every adapter reads from here: its
// name, and whether a customer caller may send it.
extension Command {
    /// The command's name as the wire protocol and the docs spell it (`setStock`, `reserve`, …).
    public var operationName: String {
        switch self {
        case .advanceTime: "advanceTime"
        case .setStock: "setStock"
        case .adjustStock: "adjustStock"
        case .setLocationPriority: "setLocationPriority"
        case .setPrice: "setPrice"
        case .reserve: "reserve"
        case .extendReservation: "extendReservation"
        case .releaseReservation: "releaseReservation"
        case .confirmReservation: "confirmReservation"
        case .configureCart: "configureCart"
        case .addCartItem: "addCartItem"
        case .setCartItem: "setCartItem"
        case .removeCartItem: "removeCartItem"
        case .clearCart: "clearCart"
        case .checkoutCart: "checkoutCart"
        case .placeOrder: "placeOrder"
        case .payOrder: "payOrder"
        case .fulfillOrder: "fulfillOrder"
        case .cancelOrder: "cancelOrder"
        case .getStock: "getStock"
        case .checkAvailability: "checkAvailability"
        case .getReservation: "getReservation"
        case .getCart: "getCart"
        case .getOrder: "getOrder"
        case .listOrders: "listOrders"
        case .getPrice: "getPrice"
        }
    }

    /// Whether a customer caller may send this kind of command at all (it then
    /// acts only on what it owns). Stock, location priority, prices and order
    /// transitions after placing are for service callers only.
    public var isOpenToCustomers: Bool {
        switch self {
        case .getStock, .checkAvailability, .getPrice, .reserve, .extendReservation, .releaseReservation,
            .confirmReservation, .getReservation, .configureCart, .addCartItem, .setCartItem, .removeCartItem,
            .clearCart, .getCart, .checkoutCart, .placeOrder, .getOrder, .listOrders:
            true
        case .advanceTime, .setStock, .adjustStock, .setLocationPriority, .setPrice, .payOrder, .fulfillOrder,
            .cancelOrder:
            false
        }
    }
}
