@testable import Engine

// The commands of each kind, with valid and invalid content.
extension CommandGenerator {
    // MARK: Stock

    mutating func setStock() -> Command {
        .setStock(
            SetStock(
                store: store(), sku: sku(), location: location(),
                onHand: random.chance(0.8) ? stockField(0...40) : nil,
                safetyStock: random.chance(0.25) ? stockField(0...4) : nil,
                lowStockThreshold: random.chance(0.25) ? stockField(0...10) : nil,
                backorderLimit: random.chance(0.3) ? stockField(0...8) : nil, requestKey: requestKey()))
    }

    mutating func adjustStock() -> Command {
        let delta: Int64 =
            switch random.weighted([85, 3, 3, 3, 2]) {
            case 0: random.int64(-12...15)
            case 1: 0
            case 2: Limits.quantityMax
            case 3: -Limits.quantityMax - 1
            default: Limits.quantityMax + 1
            }
        let reason = random.chance(0.97) ? random.pick(["recount", "damaged", "delivery"]) : invalidText(maxBytes: 128)
        return .adjustStock(
            AdjustStock(store: store(), sku: sku(), location: location(), delta: delta, reason: reason, requestKey: requestKey()))
    }

    mutating func setLocationPriority() -> Command {
        var locations = locationNames.shuffled(using: &random).prefix(random.int(0...locationNames.count)).map { $0 }
        if random.chance(0.1) { locations.append("annex") }
        if random.chance(0.05), let first = locations.first { locations.append(first) }
        if random.chance(0.03) { locations.append(invalidText(maxBytes: 32)) }
        if random.chance(0.01) {
            // Many new locations at once: the second such call passes 64 per store.
            counter += 1
            locations += (0..<random.pick([40, Limits.locationsPerStoreMax + 1])).map { "far\(counter)-\($0)" }
        }
        return .setLocationPriority(SetLocationPriority(store: store(), locations: locations, requestKey: requestKey()))
    }

    // MARK: Prices

    mutating func setPrice() -> Command {
        let remove = random.chance(0.15)
        return .setPrice(
            SetPrice(
                store: store(), sku: sku(), currency: remove ? "" : random.chance(0.8) ? Self.listCurrency : currency(),
                unitPriceMinor: remove ? nil : price(),
                requestKey: requestKey()))
    }

    // MARK: Reservations

    mutating func reserve() -> Command {
        let target = store()
        let id = newOrRecent(.reservation, store: target)
        let ttl: Int64 = random.chance(0.97) ? random.pick([1, 5, 60, 300, 900, 900, 3_600, 7_200]) : invalidTTL()
        let owner: String? = random.chance(0.5) ? nil : random.chance(0.97) ? random.pick(customerNames) : invalidText(maxBytes: 64)
        return .reserve(Reserve(store: target, reservationID: id, lines: lineRequests(), ttlSeconds: ttl, owner: owner))
    }

    mutating func extendReservation() -> Command {
        let reference = reservationReference()
        let ttl: Int64 = random.chance(0.95) ? random.pick([1, 10, 60, 900]) : invalidTTL()
        return .extendReservation(
            ExtendReservation(
                store: reference.store, reservationID: reference.reservationID, ttlSeconds: ttl, requestKey: requestKey()))
    }

    mutating func confirmReservation() -> Command {
        let reference = reservationReference()
        return .confirmReservation(
            ConfirmReservation(store: reference.store, reservationID: reference.reservationID, terms: terms(store: reference.store)))
    }

    mutating func reservationReference() -> ReservationReference {
        if let recent = recent(recentReservations) {
            return ReservationReference(store: recent.store, reservationID: recent.id)
        }
        return ReservationReference(store: store(), reservationID: identifier("r\(random.int(0...9))", maxBytes: 64))
    }

    // MARK: Carts

    mutating func configureCart() -> Command {
        .configureCart(
            ConfigureCart(
                store: store(), cartID: cartID(), customerID: random.chance(0.5) ? customer() : nil,
                holdStock: random.chance(0.6), holdTTLSeconds: random.chance(0.97) ? random.pick([1, 5, 30, 300, 900]) : invalidTTL()))
    }

    mutating func addCartItem() -> Command {
        .addCartItem(
            AddCartItem(store: store(), cartID: cartID(), sku: sku(), quantity: quantity(), requestKey: requestKey()))
    }

    mutating func checkoutCart() -> Command {
        let target = store()
        return .checkoutCart(CheckoutCart(store: target, cartID: cartID(), terms: terms(store: target)))
    }

    mutating func cartID() -> String {
        identifier(random.chance(0.9) ? "cart\(random.int(0...4))" : "cart\(random.int(5...40))", maxBytes: 64)
    }

    mutating func cartQuantity() -> Int64 {
        switch random.weighted([80, 15, 3, 2]) {
        case 0: random.int64(1...6)
        case 1: 0
        case 2: -1
        default: random.pick([Limits.quantityMax, Limits.quantityMax + 1])
        }
    }

    // MARK: Orders

    mutating func placeOrder() -> Command {
        let target = store()
        let lines = lineRequests().map { line in
            PricedLineRequest(sku: line.sku, location: line.location, quantity: line.quantity, unitPriceMinor: price())
        }
        var command = PlaceOrder(
            store: target, orderID: newOrRecent(.order, store: target), customerID: customer(),
            lines: lines, currency: currency(), taxMinor: amount(), shippingMinor: amount(), discountMinor: discount())
        if random.chance(0.01) {
            // Subtotal just below Int64.max: the total must be refused, not overflow.
            command.lines = [PricedLineRequest(sku: sku(), quantity: Limits.quantityMax, unitPriceMinor: 9_223_372_036)]
            command.taxMinor = Limits.amountMinorMax
        }
        return .placeOrder(command)
    }

    mutating func orderTransition() -> OrderTransition {
        let reference = orderReference()
        return OrderTransition(store: reference.store, orderID: reference.orderID, requestKey: requestKey())
    }

    mutating func orderReference() -> OrderReference {
        if let recent = recent(recentOrders) { return OrderReference(store: recent.store, orderID: recent.id) }
        return OrderReference(store: store(), orderID: identifier("o\(random.int(0...9))", maxBytes: 64))
    }

    mutating func listOrders() -> Command {
        let target = store()
        let after: String? = random.chance(0.6) ? nil : recent(recentOrders)?.id ?? "o0"
        let limit = random.chance(0.95) ? random.int(1...4) : random.pick([0, 100, 101])
        return .listOrders(OrderListQuery(store: target, customerID: customer(), afterOrderID: after, limit: limit))
    }

    mutating func terms(store target: String) -> OrderTerms {
        let orderID = newOrRecent(.order, store: target)
        var prices = skuNames.filter { _ in random.chance(0.93) }.map { UnitPrice(sku: $0, unitPriceMinor: price()) }
        prices.shuffle(using: &random)
        if random.chance(0.05), let first = prices.first { prices.append(UnitPrice(sku: first.sku, unitPriceMinor: price())) }
        return OrderTerms(
            orderID: orderID, customerID: customer(), currency: currency(), prices: prices, taxMinor: amount(),
            shippingMinor: amount(), discountMinor: discount())
    }

    // MARK: Retries with different content

    /// A previous command with the same identity (id or request key) but changed content.
    mutating func variant(of command: Command) -> Command {
        switch command {
        case .setStock(var command):
            command.onHand = random.int64(0...40)
            return .setStock(command)
        case .adjustStock(var command):
            command.delta += 1
            return .adjustStock(command)
        case .reserve(var command):
            command.ttlSeconds += 1
            return .reserve(command)
        case .extendReservation(var command):
            command.ttlSeconds = random.pick([5, 600])
            return .extendReservation(command)
        case .confirmReservation(var command):
            command.terms.taxMinor += 1
            return .confirmReservation(command)
        case .addCartItem(var command):
            command.quantity += 1
            return .addCartItem(command)
        case .checkoutCart(var command):
            command.terms.shippingMinor += 1
            return .checkoutCart(command)
        case .placeOrder(var command):
            command.discountMinor = 0
            command.customerID = customer()
            return .placeOrder(command)
        case .payOrder(let transition): return .cancelOrder(transition)
        case .cancelOrder(let transition): return .fulfillOrder(transition)
        default: return command
        }
    }
}
