import Engine

/// Who may do what (docs/operations.md, "Authentication and access").
///
/// Store scope first: a principal whose store is not `*` touches only its own
/// store, and `*` counts only for admins. Then the role: admins and inventory
/// managers may run every command in scope; customers may read stock, hold
/// stock, use carts and place, read and list their own orders, where every
/// customer id a command carries must be their `sub`. The allowed path neither
/// allocates nor formats: reasons are built only when access is denied.
public enum AccessPolicy {
    /// Whether `principal` may run `command`.
    public static func check(_ principal: Principal, _ command: Command) -> AccessDecision {
        guard let store = command.store else { return .denied("\(command.operationName) is internal to the engine") }
        if !covers(principal, store: store) {
            return .denied(outOfScope(principal, store: store, operation: command.operationName))
        }
        switch principal.role {
        case .admin, .inventoryManager: return .allowed
        case .customer: return checkCustomer(principal.subject, command)
        }
    }

    /// Whether `principal` may read the event feed, of one store or (nil) of every store.
    public static func checkEvents(_ principal: Principal, store: String?) -> AccessDecision {
        if principal.role == .customer { return .denied("role customer may not read events") }
        guard let store else {
            return isEveryStoreAdmin(principal)
                ? .allowed : .denied("a token for store '\(principal.store)' must name its store to read events")
        }
        return covers(principal, store: store)
            ? .allowed : .denied(outOfScope(principal, store: store, operation: "events"))
    }

    /// Whether `principal` may read the node-wide stats (counters of every store): admins only.
    public static func checkStats(_ principal: Principal) -> AccessDecision {
        principal.role == .admin ? .allowed : .denied("role \(principal.role.rawValue) may not read node-wide stats")
    }

    /// Whether `principal` may read an order (or a cart) of `customerID`: customers only their own.
    public static func mayRead(_ principal: Principal, orderOfCustomer customerID: String) -> Bool {
        principal.role != .customer || customerID == principal.subject
    }

    /// Whether `principal` may see `result`: customers see only their own orders and
    /// carts (anonymous carts, with no customer id, are visible to whoever knows the cart id).
    public static func mayRead(_ principal: Principal, result: CommandResult) -> Bool {
        guard principal.role == .customer else { return true }
        switch result {
        case .order(let order): return order.customerID == principal.subject
        case .orders(let page): return page.orders.allSatisfy { $0.customerID == principal.subject }
        case .cart(let cart): return cart.customerID.map { $0 == principal.subject } ?? true
        default: return true
        }
    }

    // MARK: Pieces

    @inline(__always)
    static func covers(_ principal: Principal, store: String) -> Bool {
        isEveryStoreAdmin(principal) || principal.store == store
    }

    @inline(__always)
    static func isEveryStoreAdmin(_ principal: Principal) -> Bool {
        principal.role == .admin && principal.coversEveryStore
    }

    private static func outOfScope(_ principal: Principal, store: String, operation: String) -> String {
        "a token for store '\(principal.store)' may not \(operation) in store '\(store)'"
    }

    private static func checkCustomer(_ subject: String, _ command: Command) -> AccessDecision {
        switch command {
        case .getStock, .checkAvailability, .reserve, .extendReservation, .releaseReservation, .getReservation,
            .addCartItem, .setCartItem, .removeCartItem, .clearCart, .getCart, .getOrder:
            return .allowed
        case .confirmReservation(let confirm): return customerMatches(subject, confirm.terms.customerID, command)
        case .checkoutCart(let checkout): return customerMatches(subject, checkout.terms.customerID, command)
        case .placeOrder(let order): return customerMatches(subject, order.customerID, command)
        case .listOrders(let query): return customerMatches(subject, query.customerID, command)
        case .configureCart(let cart):
            guard let customerID = cart.customerID else { return .allowed }
            return customerMatches(subject, customerID, command)
        case .setStock, .adjustStock, .setLocationPriority, .payOrder, .fulfillOrder, .cancelOrder, .advanceTime:
            return .denied("role customer may not \(command.operationName)")
        }
    }

    @inline(__always)
    private static func customerMatches(_ subject: String, _ customerID: String, _ command: Command) -> AccessDecision {
        customerID == subject
            ? .allowed
            : .denied("a customer token may \(command.operationName) only with its own customer id (the token's sub)")
    }
}

extension Command {
    /// The command's name as the wire protocol and the docs spell it (`setStock`, `reserve`, …).
    public var operationName: String {
        switch self {
        case .advanceTime: "advanceTime"
        case .setStock: "setStock"
        case .adjustStock: "adjustStock"
        case .setLocationPriority: "setLocationPriority"
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
        }
    }
}
