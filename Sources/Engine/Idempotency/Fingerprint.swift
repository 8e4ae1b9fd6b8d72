/// Stable fingerprints of request content, compared on idempotent retries.
enum Fingerprint {
    struct KeyedIdentity {
        var store: String
        var key: String
        var fingerprint: UInt64
    }

    /// The store, key and content fingerprint of a command sent with a `requestKey`.
    /// Nil for commands without one (their identity is their entity id, or they
    /// are idempotent by nature), found before any content is hashed.
    /// A customer caller is part of the fingerprint, so one customer's key never
    /// answers with another's result.
    static func keyedIdentity(of command: Command, caller: Caller = .service) -> KeyedIdentity? {
        let commandKind = command
        var hasher = StableHasher()
        if let customer = caller.customerID { hasher.combine(customer) }
        let store: String
        let key: String
        switch command {
        case .setStock(let command):
            guard let requestKey = command.requestKey else { return nil }
            (store, key) = (command.store, requestKey)
            hasher.combine("setStock")
            hasher.combine(command.sku)
            hasher.combine(command.location)
            for field in [command.onHand, command.safetyStock, command.lowStockThreshold, command.backorderLimit] {
                hasher.combine(field != nil)
                hasher.combine(field ?? 0)
            }
        case .adjustStock(let command):
            guard let requestKey = command.requestKey else { return nil }
            (store, key) = (command.store, requestKey)
            hasher.combine("adjustStock")
            hasher.combine(command.sku)
            hasher.combine(command.location)
            hasher.combine(command.delta)
            hasher.combine(command.reason)
        case .setLocationPriority(let command):
            guard let requestKey = command.requestKey else { return nil }
            (store, key) = (command.store, requestKey)
            hasher.combine("setLocationPriority")
            for location in command.locations { hasher.combine(location) }
        case .setPrice(let command):
            guard let requestKey = command.requestKey else { return nil }
            (store, key) = (command.store, requestKey)
            hasher.combine("setPrice")
            hasher.combine(command.sku)
            hasher.combine(command.unitPriceMinor != nil)
            hasher.combine(command.unitPriceMinor ?? 0)
            hasher.combine(command.unitPriceMinor == nil ? "" : command.currency)
        case .extendReservation(let command):
            guard let requestKey = command.requestKey else { return nil }
            (store, key) = (command.store, requestKey)
            hasher.combine("extendReservation")
            hasher.combine(command.reservationID)
            hasher.combine(command.ttlSeconds)
        case .addCartItem(let command):
            guard let requestKey = command.requestKey else { return nil }
            (store, key) = (command.store, requestKey)
            hasher.combine("addCartItem")
            hasher.combine(command.cartID)
            hasher.combine(command.sku)
            hasher.combine(command.quantity)
        case .payOrder(let command), .fulfillOrder(let command), .cancelOrder(let command):
            guard let requestKey = command.requestKey else { return nil }
            (store, key) = (command.store, requestKey)
            hasher.combine("orderTransition")
            hasher.combine(command.orderID)
            hasher.combine(transitionName(of: commandKind))
        default:
            return nil
        }
        return KeyedIdentity(store: store, key: key, fingerprint: hasher.finalize())
    }

    private static func transitionName(of command: Command) -> String {
        switch command {
        case .payOrder: "pay"
        case .fulfillOrder: "fulfill"
        default: "cancel"
        }
    }

    static func of(_ command: Reserve) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine("reserve")
        hasher.combine(Int64(command.lines.count))
        for line in command.lines {
            hasher.combine(line.sku)
            hasher.combine(line.location)
            hasher.combine(line.quantity)
        }
        hasher.combine(command.ttlSeconds)
        hasher.combine(command.owner)
        return hasher.finalize()
    }

    static func of(_ command: PlaceOrder) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine("placeOrder")
        hasher.combine(command.customerID)
        hasher.combine(Int64(command.lines.count))
        for line in command.lines {
            hasher.combine(line.sku)
            hasher.combine(line.location)
            hasher.combine(line.quantity)
            hasher.combine(line.unitPriceMinor)
        }
        hasher.combine(command.currency)
        hasher.combine(command.taxMinor)
        hasher.combine(command.shippingMinor)
        hasher.combine(command.discountMinor)
        return hasher.finalize()
    }

    /// For orders made from a reservation or a cart: the source and the terms.
    static func of(source: String, sourceID: String, terms: OrderTerms) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(source)
        hasher.combine(sourceID)
        hasher.combine(terms.customerID)
        hasher.combine(terms.currency)
        hasher.combine(Int64(terms.prices.count))
        for price in terms.prices {
            hasher.combine(price.sku)
            hasher.combine(price.unitPriceMinor)
        }
        hasher.combine(terms.taxMinor)
        hasher.combine(terms.shippingMinor)
        hasher.combine(terms.discountMinor)
        return hasher.finalize()
    }
}
