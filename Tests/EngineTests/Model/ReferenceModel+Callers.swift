@testable import Engine

// Callers in the reference model. A service caller may do anything its store
// allows and states its own prices. A customer caller may send only the
// commands named below, acts only on the carts, reservations and orders it
// owns, names no customer but itself, and orders at the store's list prices
// with no tax, shipping or discount of its own.
extension ReferenceModel {
    /// The commands a customer may send, by name; everything else is for service callers.
    static let commandsOpenToCustomers: Set<String> = [
        "getStock", "checkAvailability", "getPrice",
        "reserve", "extendReservation", "releaseReservation", "confirmReservation", "getReservation",
        "configureCart", "addCartItem", "setCartItem", "removeCartItem", "clearCart", "getCart", "checkoutCart",
        "placeOrder", "getOrder", "listOrders",
    ]

    /// The command's name: its case name (`setStock`, `advanceTime`, …).
    static func name(of command: Command) -> String {
        String(String(describing: command).prefix { $0 != "(" })
    }

    /// The customer the current command acts for; nil for a service caller.
    var customer: String? {
        if case .customer(let id) = caller { return id }
        return nil
    }

    /// Why the current caller may not send `command` at all, or nil.
    func callerError(_ command: Command) -> EngineError? {
        guard let customer else { return nil }
        if let error = ModelValidation.identifier(customer, field: "caller", maxBytes: Limits.customerIDMaxBytes) {
            return error
        }
        let name = Self.name(of: command)
        return Self.commandsOpenToCustomers.contains(name) ? nil : .notOwner(entity: "operation", id: name)
    }

    /// Nil when the caller may act on something of `owner` (nil: no customer's).
    func ownerError(entity: String, id: String, owner: String?) -> EngineError? {
        guard let customer, owner != customer else { return nil }
        return .notOwner(entity: entity, id: id)
    }

    /// Nil when the caller may name `customerID` in a command.
    func namedCustomerError(_ customerID: String) -> EngineError? {
        guard let customer, customerID != customer else { return nil }
        return .notOwner(entity: "customer", id: customerID)
    }

    /// The owner of a new reservation: for a customer itself (it may name only
    /// itself), for a service caller what it says.
    func newOwner(stated: String?) -> Result<String?, EngineError> {
        guard let customer else { return .success(stated) }
        if let stated, stated != customer { return .failure(.notOwner(entity: "owner", id: stated)) }
        return .success(customer)
    }

    // MARK: List prices

    /// The terms an order of `skus` is made with: as given for a service caller;
    /// for a customer, one list price per SKU (in `skus` order) and no amounts.
    func listPricedTerms(_ terms: OrderTerms, store: String, skus: [String]) -> Result<OrderTerms, EngineError> {
        guard customer != nil else { return .success(terms) }
        if let error = customerAmountsError(terms) { return .failure(error) }
        var priced = terms
        priced.prices = []
        for sku in skus where !priced.prices.contains(where: { $0.sku == sku }) {
            switch listPrice(store: store, sku: sku, currency: terms.currency, stated: price(of: sku, in: terms)) {
            case .success(let unitPriceMinor): priced.prices.append(UnitPrice(sku: sku, unitPriceMinor: unitPriceMinor))
            case .failure(let error): return .failure(error)
            }
        }
        return .success(priced)
    }

    /// A customer's `placeOrder` states a price on every line: each, in line
    /// order, must match the list.
    func customerLinePriceError(_ command: PlaceOrder) -> EngineError? {
        guard customer != nil else { return nil }
        let terms = OrderTerms(
            orderID: command.orderID, customerID: command.customerID, currency: command.currency,
            taxMinor: command.taxMinor, shippingMinor: command.shippingMinor, discountMinor: command.discountMinor)
        if let error = customerAmountsError(terms) { return error }
        for line in command.lines {
            let listed = listPrice(
                store: command.store, sku: line.sku, currency: command.currency, stated: line.unitPriceMinor)
            if case .failure(let error) = listed { return error }
        }
        return nil
    }

    private func customerAmountsError(_ terms: OrderTerms) -> EngineError? {
        let amounts = [
            ("taxMinor", terms.taxMinor), ("shippingMinor", terms.shippingMinor),
            ("discountMinor", terms.discountMinor),
        ]
        guard let (field, _) = amounts.first(where: { $0.1 != 0 }) else { return nil }
        return .invalidArgument(field: field, reason: "only a service caller may set it")
    }

    /// The list price of a known SKU in `currency`, equal to `stated` if one is stated.
    private func listPrice(store: String, sku: String, currency: String, stated: Int64?) -> Result<Int64, EngineError> {
        guard stores[store]!.stock[sku] != nil else { return .failure(.unknownSKU(sku: sku)) }
        guard let listed = prices[ModelKey(store: store, name: sku)] else { return .failure(.missingPrice(sku: sku)) }
        if listed.currency != currency || (stated != nil && stated != listed.unitPriceMinor) {
            return .failure(.priceMismatch(sku: sku, listed: listed))
        }
        return .success(listed.unitPriceMinor)
    }

    // MARK: Coverage

    /// Counts what customers did and were refused (for coverage reports only).
    mutating func countCallerOutcome(_ command: Command, _ outcome: Outcome) {
        let by = customer == nil ? "service" : "customer"
        if customer != nil { notable["customer command", default: 0] += 1 }
        switch outcome {
        case .failure(.notOwner(let entity, _)): notable["notOwner \(entity)", default: 0] += 1
        case .failure(.priceMismatch): notable["priceMismatch", default: 0] += 1
        case .failure(.missingPrice): notable["missingPrice (\(by))", default: 0] += 1
        case .failure(.invalidIdentifier(field: "caller", _)): notable["invalid caller", default: 0] += 1
        case .failure(.invalidArgument(_, let reason)) where reason.hasPrefix("only a service caller"):
            notable["customer amounts refused", default: 0] += 1
        case .failure(.idempotencyConflict): notable["idempotencyConflict (\(by))", default: 0] += 1
        case .success(.order(let view)) where customer != nil && Self.name(of: command) != "getOrder":
            notable["customer \(Self.name(of: command))\(view.replayed ? " replayed" : "")", default: 0] += 1
        case .success(.reservation(let view))
        where customer != nil && !view.replayed && Self.name(of: command) == "reserve":
            notable["customer reserved", default: 0] += 1
        case .success(.cart(let view)) where customer != nil && !view.replayed:
            notable["customer cart changed", default: 0] += 1
        default: break
        }
    }
}
