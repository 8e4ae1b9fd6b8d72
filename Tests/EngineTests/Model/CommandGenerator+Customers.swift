@testable import Engine

// Commands from customers: a customer reserves, fills and checks out carts,
// confirms and places orders, mostly on what it owns and now and then on what
// another customer (or the service) owns; it orders mostly at list prices,
// sometimes at wrong ones or with amounts only a service may set; it retries
// keyed commands that it or another caller sent; and it sometimes sends a
// command only a service may send, or comes with an id that breaks the id rule.
extension CommandGenerator {
    /// The currency most list prices and customer orders use.
    static let listCurrency = "EUR"

    /// A command and the customer it comes from.
    mutating func customerStep() -> (Command, Caller) {
        let customer =
            random.chance(0.99) ? random.pick(customerNames) : invalidText(maxBytes: Limits.customerIDMaxBytes)
        let caller = Caller.customer(customer)
        if random.chance(0.07) { return customerRetry(caller) }
        switch random.weighted([25, 24, 11, 3, 2, 3]) {
        case 0: return (customerReservationCommand(customer), caller)
        case 1: return (customerCartCommand(customer), caller)
        case 2: return (customerOrderCommand(customer), caller)
        case 3:
            let query: Command =
                switch random.int(0...2) {
                case 0: .getStock(StockQuery(store: store(), sku: sku()))
                case 1: .checkAvailability(AvailabilityQuery(store: store(), lines: lineRequests()))
                default: .getPrice(PriceQuery(store: store(), sku: sku()))
                }
            return (query, caller)
        case 4: return (serviceOnlyCommand(), caller)
        default: return (nextCommand(), caller)
        }
    }

    mutating func customerReservationCommand(_ customer: String) -> Command {
        if random.weighted([10, 15]) == 0 { return customerReserve(customer) }
        let reference = reservationReference(for: customer)
        switch random.weighted([3, 3, 7, 2]) {
        case 0:
            let ttl: Int64 = random.pick([1, 10, 60, 900])
            return .extendReservation(
                ExtendReservation(
                    store: reference.store, reservationID: reference.reservationID, ttlSeconds: ttl,
                    requestKey: requestKey()))
        case 1: return .releaseReservation(reference)
        case 2:
            let terms = customerTerms(customer, store: reference.store)
            return .confirmReservation(
                ConfirmReservation(store: reference.store, reservationID: reference.reservationID, terms: terms))
        default: return .getReservation(reference)
        }
    }

    mutating func customerCartCommand(_ customer: String) -> Command {
        switch random.weighted([4, 8, 2, 1, 1, 2, 6]) {
        case 0: return customerConfigureCart(customer)
        case 1:
            let cart = cartReference(for: customer)
            return .addCartItem(
                AddCartItem(
                    store: cart.store, cartID: cart.cartID, sku: sku(), quantity: quantity(), requestKey: requestKey()))
        case 2:
            let cart = cartReference(for: customer)
            return .setCartItem(
                SetCartItem(store: cart.store, cartID: cart.cartID, sku: sku(), quantity: cartQuantity()))
        case 3:
            let cart = cartReference(for: customer)
            return .removeCartItem(RemoveCartItem(store: cart.store, cartID: cart.cartID, sku: sku()))
        case 4: return .clearCart(cartReference(for: customer, existing: true))
        case 5: return .getCart(cartReference(for: customer, existing: true))
        default:
            let cart = cartReference(for: customer, existing: true)
            let terms = customerTerms(customer, store: cart.store)
            return .checkoutCart(CheckoutCart(store: cart.store, cartID: cart.cartID, terms: terms))
        }
    }

    mutating func customerOrderCommand(_ customer: String) -> Command {
        switch random.weighted([7, 2, 2]) {
        case 0: return customerPlaceOrder(customer)
        case 1:
            let order = owned(recentOrders, by: customer).map { OrderReference(store: $0.store, orderID: $0.id) }
            return .getOrder(order ?? orderReference())
        default: return customerListOrders(customer)
        }
    }

    // MARK: Reservations and carts

    mutating func customerReserve(_ customer: String) -> Command {
        guard case .reserve(var command) = reserve() else { preconditionFailure("reserve() makes a reserve command") }
        switch random.weighted([55, 35, 10]) {
        case 0: command.owner = nil
        case 1: command.owner = customer
        default: command.owner = self.customer()
        }
        return .reserve(command)
    }

    /// Mostly one of the customer's own reservations, otherwise anyone's.
    mutating func reservationReference(for customer: String) -> ReservationReference {
        if let entity = owned(recentReservations, by: customer) {
            return ReservationReference(store: entity.store, reservationID: entity.id)
        }
        return reservationReference()
    }

    /// One of the customer's carts, a new cart of its own, or any cart id;
    /// rarely a new one for commands that need an `existing` cart.
    mutating func cartReference(for customer: String, existing: Bool = false) -> CartReference {
        switch random.weighted(existing ? [75, 5, 20] : [55, 20, 25]) {
        case 0:
            if let entity = owned(recentCarts, by: customer) {
                return CartReference(store: entity.store, cartID: entity.id)
            }
            return CartReference(store: store(), cartID: cartID())
        case 1: return CartReference(store: store(), cartID: "\(customer)-cart\(random.int(0...1))")
        default: return CartReference(store: store(), cartID: cartID())
        }
    }

    mutating func customerConfigureCart(_ customer: String) -> Command {
        let cart = cartReference(for: customer)
        let customerID: String? =
            switch random.weighted([50, 35, 15]) {
            case 0: nil
            case 1: customer
            default: self.customer()
            }
        return .configureCart(
            ConfigureCart(
                store: cart.store, cartID: cart.cartID, customerID: customerID, holdStock: random.chance(0.6),
                holdTTLSeconds: random.pick([1, 5, 30, 300, 900])))
    }

    // MARK: Orders

    /// Terms a customer sends: mostly its own id and no prices (the list
    /// applies), sometimes the list prices stated, a wrong price, an amount
    /// only a service may set, or the arbitrary terms a service would send.
    mutating func customerTerms(_ customer: String, store target: String) -> OrderTerms {
        var terms = OrderTerms(
            orderID: newOrRecent(.order, store: target), customerID: random.chance(0.92) ? customer : self.customer(),
            currency: random.chance(0.93) ? Self.listCurrency : currency())
        switch random.weighted([50, 22, 12, 10, 6]) {
        case 0: break
        case 1: terms.prices = statedListPrices(store: target)
        case 2:
            terms.prices = statedListPrices(store: target)
            if !terms.prices.isEmpty { terms.prices[random.int(0...(terms.prices.count - 1))].unitPriceMinor += 1 }
        case 3:
            switch random.int(0...2) {
            case 0: terms.taxMinor = random.int64(1...300)
            case 1: terms.shippingMinor = random.int64(1...300)
            default: terms.discountMinor = random.int64(1...300)
            }
        default:
            let orderID = terms.orderID
            terms = self.terms(store: target)
            terms.orderID = orderID
            terms.customerID = customer
        }
        return terms
    }

    /// The list prices the workload knows for the store's SKUs, in a random order.
    mutating func statedListPrices(store target: String) -> [UnitPrice] {
        let listed = skuNames.compactMap { sku in
            listPrices["\(target)/\(sku)"].map { UnitPrice(sku: sku, unitPriceMinor: $0.unitPriceMinor) }
        }
        return listed.shuffled(using: &random)
    }

    /// An order at the list prices the workload knows, one line now and then off by one.
    mutating func customerPlaceOrder(_ customer: String) -> Command {
        let target = store()
        let terms = customerTerms(customer, store: target)
        let wrongLine = random.chance(0.12) ? random.int(0...2) : -1
        let lines = lineRequests().enumerated().map { index, line in
            var unitPriceMinor = listPrices["\(target)/\(line.sku)"]?.unitPriceMinor ?? price()
            if index == wrongLine && unitPriceMinor < Limits.amountMinorMax { unitPriceMinor += 1 }
            return PricedLineRequest(
                sku: line.sku, location: line.location, quantity: line.quantity, unitPriceMinor: unitPriceMinor)
        }
        return .placeOrder(
            PlaceOrder(
                store: target, orderID: terms.orderID, customerID: terms.customerID, lines: lines,
                currency: terms.currency,
                taxMinor: terms.taxMinor, shippingMinor: terms.shippingMinor, discountMinor: terms.discountMinor))
    }

    mutating func customerListOrders(_ customer: String) -> Command {
        let target = store()
        let own = recentOrders.filter { $0.owner == customer && $0.store == target }
        let after: String? = own.isEmpty || random.chance(0.6) ? nil : random.pick(own).id
        return .listOrders(
            OrderListQuery(
                store: target, customerID: random.chance(0.85) ? customer : self.customer(), afterOrderID: after,
                limit: random.int(1...4)))
    }

    // MARK: Refusals and retries

    /// A command only a service caller may send.
    mutating func serviceOnlyCommand() -> Command {
        switch random.int(0...5) {
        case 0: setStock()
        case 1: adjustStock()
        case 2: setPrice()
        case 3: .payOrder(orderTransition())
        case 4: .cancelOrder(orderTransition())
        default: .advanceTime
        }
    }

    /// A keyed or id-keyed command sent before, again: by the same customer
    /// (a replay) or by this one (another caller: a conflict or a refusal).
    mutating func customerRetry(_ caller: Caller) -> (Command, Caller) {
        let candidates = recentMutations.filter { Self.isCustomerRetry($0.command) }
        guard !candidates.isEmpty else { return (nextCommand(), caller) }
        let earlier = random.pick(candidates)
        if case .customer = earlier.caller, random.chance(0.5) { return (earlier.command, earlier.caller) }
        return (earlier.command, caller)
    }

    /// Whether a customer may send `command` and it names an idempotent identity.
    static func isCustomerRetry(_ command: Command) -> Bool {
        switch command {
        case .extendReservation(let command): command.requestKey != nil
        case .addCartItem(let command): command.requestKey != nil
        case .reserve, .confirmReservation, .checkoutCart, .placeOrder: true
        default: false
        }
    }

    /// Usually one of `customer`'s recent entities (most often its newest);
    /// otherwise any recent one, which may be another's; nil now and then.
    mutating func owned(_ pool: [GeneratedEntity], by customer: String) -> GeneratedEntity? {
        let own = pool.filter { $0.owner == customer }
        guard let newest = own.last, random.chance(0.7) else { return recent(pool) }
        return random.chance(0.5) ? newest : own[random.int(max(0, own.count - 5)...(own.count - 1))]
    }
}
