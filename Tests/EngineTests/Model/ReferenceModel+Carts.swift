@testable import Engine

extension ReferenceModel {
    mutating func configureCart(_ command: ConfigureCart) -> Outcome {
        if let error = ModelValidation.optionalIdentifier(
            command.customerID, field: "customerID", maxBytes: Limits.customerIDMaxBytes)
            ?? ModelValidation.ttl(command.holdTTLSeconds) ?? command.customerID.flatMap(namedCustomerError)
        {
            return .failure(error)
        }
        var cart: ModelCart
        switch cartForUpdate(store: command.store, id: command.cartID, createIfMissing: true) {
        case .success(let found): cart = found
        case .failure(let error): return .failure(error)
        }
        if let customerID = command.customerID { cart.customerID = customerID }
        cart.holdStock = command.holdStock
        cart.holdTTLSeconds = command.holdTTLSeconds
        return commitCart(cart, key: ModelKey(store: command.store, name: command.cartID), lines: cart.lines)
    }

    mutating func addCartItem(_ command: AddCartItem) -> Outcome {
        if let error = ModelValidation.lineQuantity(command.quantity) { return .failure(error) }
        return setCartLine(store: command.store, cartID: command.cartID, sku: command.sku, createIfMissing: true) {
            $0 + command.quantity
        }
    }

    mutating func setCartItem(_ command: SetCartItem) -> Outcome {
        guard (0...Limits.quantityMax).contains(command.quantity) else {
            return .failure(.quantityOutOfRange(field: "quantity", value: command.quantity))
        }
        // Only a positive quantity creates a cart; 0 on an absent cart is a removal from nothing.
        return setCartLine(
            store: command.store, cartID: command.cartID, sku: command.sku, createIfMissing: command.quantity > 0
        ) { _ in command.quantity }
    }

    mutating func removeCartItem(_ command: RemoveCartItem) -> Outcome {
        setCartLine(store: command.store, cartID: command.cartID, sku: command.sku, createIfMissing: false) { _ in 0 }
    }

    mutating func clearCart(_ command: CartReference) -> Outcome {
        if let error = cartIDError(command.cartID) ?? existingStore(command.store) { return .failure(error) }
        let key = ModelKey(store: command.store, name: command.cartID)
        guard let cart = carts[key] else { return .success(.cart(emptyCartView(command.cartID, replayed: true))) }
        if let error = ownerError(entity: "cart", id: command.cartID, owner: cart.customerID) { return .failure(error) }
        changed = true
        releaseHold(of: key)
        carts[key] = nil
        return .success(.cart(emptyCartView(command.cartID, replayed: false)))
    }

    func getCart(_ query: CartReference) -> Outcome {
        if let error = cartIDError(query.cartID) ?? existingStore(query.store) { return .failure(error) }
        guard let cart = carts[ModelKey(store: query.store, name: query.cartID)] else {
            return .failure(.unknownCart(id: query.cartID))
        }
        if let error = ownerError(entity: "cart", id: query.cartID, owner: cart.customerID) { return .failure(error) }
        return .success(.cart(view(cart, id: query.cartID, replayed: false)))
    }

    mutating func checkoutCart(_ command: CheckoutCart) -> Outcome {
        if let error = ModelValidation.terms(command.terms) ?? cartIDError(command.cartID)
            ?? namedCustomerError(command.terms.customerID) ?? existingStore(command.store)
        {
            return .failure(error)
        }
        let origin = ModelOrderOrigin.cart(command.cartID, command.terms)
        if let replay = replayExistingOrder(store: command.store, orderID: command.terms.orderID, origin: origin) {
            return replay
        }
        let key = ModelKey(store: command.store, name: command.cartID)
        guard let cart = carts[key] else { return .failure(.unknownCart(id: command.cartID)) }
        if let error = ownerError(entity: "cart", id: command.cartID, owner: cart.customerID) { return .failure(error) }
        guard !cart.lines.isEmpty else { return .failure(.cartEmpty(cartID: command.cartID)) }
        if let error = orderCapacityError() { return .failure(error) }
        let terms: OrderTerms
        switch listPricedTerms(command.terms, store: command.store, skus: cart.lines.map(\.sku)) {
        case .success(let priced): terms = priced
        case .failure(let error): return .failure(error)
        }
        let totals: OrderTotals
        switch cartTotals(cart, terms: terms) {
        case .success(let computed): totals = computed
        case .failure(let error): return .failure(error)
        }
        if let hold = cart.hold, hold.deadline <= clock {
            notable["hold expired at checkout", default: 0] += 1
            expireHold(of: key)
        }
        var lines: [OrderLine]
        if let hold = carts[key]!.hold {
            notable["checkout through hold", default: 0] += 1
            changed = true
            move(hold.allocations, store: command.store, from: .reserved, to: .committed)
            freeSlot(hold.slot)
            carts[key]!.hold = nil
            lines = hold.allocations.map {
                OrderLine(sku: $0.sku, location: $0.location, quantity: $0.quantity, unitPriceMinor: 0)
            }
        } else {
            let wanted = cart.lines.map { ModelAllocationLine(sku: $0.sku, location: nil, quantity: $0.quantity) }
            switch allocate(wanted, in: stores[command.store]!, into: .committed) {
            case .success(let allocated):
                changed = true
                stores[command.store] = allocated.store
                lines = allocated.taken
            case .failure(let error): return .failure(error)
            }
        }
        for index in lines.indices { lines[index].unitPriceMinor = price(of: lines[index].sku, in: terms)! }
        carts[key] = nil
        let order = ModelOrder(
            origin: origin, placedBy: caller, customerID: command.terms.customerID, status: .placed, lines: lines,
            totals: totals, placedAt: clock, reservationID: nil)
        insertOrder(order, store: command.store, id: command.terms.orderID)
        return .success(.order(view(order, id: command.terms.orderID, replayed: false)))
    }

    // MARK: Holds

    /// The tick (or checkout) found the hold past its deadline: stock back, the cart keeps its lines.
    mutating func expireHold(of key: ModelKey) {
        changed = true
        let hold = carts[key]!.hold!
        move(hold.allocations, store: key.store, from: .reserved, to: nil)
        freeSlot(hold.slot)
        carts[key]!.hold = nil
    }

    mutating func releaseHold(of key: ModelKey) {
        guard let hold = carts[key]!.hold else { return }
        move(hold.allocations, store: key.store, from: .reserved, to: nil)
        freeSlot(hold.slot)
        carts[key]!.hold = nil
    }

    // MARK: Helpers

    private mutating func setCartLine(
        store: String, cartID: String, sku: String, createIfMissing: Bool, newQuantity: (Int64) -> Int64
    ) -> Outcome {
        if let error = ModelValidation.sku(sku) { return .failure(error) }
        let cart: ModelCart
        switch cartForUpdate(store: store, id: cartID, createIfMissing: createIfMissing) {
        case .success(let found): cart = found
        case .failure(let error): return .failure(error)
        }
        guard stores[store]!.stock[sku] != nil else { return .failure(.unknownSKU(sku: sku)) }
        var lines = cart.lines
        let position = lines.firstIndex { $0.sku == sku }
        let quantity = newQuantity(position.map { lines[$0].quantity } ?? 0)
        guard quantity <= Limits.quantityMax else { return .failure(.quantityOutOfRange(field: "quantity", value: quantity)) }
        if let position {
            if quantity == 0 { lines.remove(at: position) } else { lines[position].quantity = quantity }
        } else if quantity > 0 {
            lines.append(CartLine(sku: sku, quantity: quantity))
        }
        if lines.count > Limits.cartLinesMax { return .failure(.limitReached(.cartLines)) }
        let key = ModelKey(store: store, name: cartID)
        if carts[key] != nil && lines == cart.lines {
            return .success(.cart(view(cart, id: cartID, replayed: true)))
        }
        return commitCart(cart, key: key, lines: lines)
    }

    /// Stores the cart with `lines`, placing its hold anew (all or nothing).
    private mutating func commitCart(_ proposed: ModelCart, key: ModelKey, lines: [CartLine]) -> Outcome {
        var cart = proposed
        let wantsHold = cart.holdStock && !lines.isEmpty
        let oldHold = carts[key]?.hold
        if wantsHold && oldHold == nil && reservationCount >= limits.reservationsPerShardMax
            && finishedReservations.isEmpty
        {
            return .failure(.limitReached(.reservations))
        }
        var newAllocations: [LineAllocation] = []
        var store = stores[key.store]!
        if let oldHold {
            for allocation in oldHold.allocations {
                store.stock[allocation.sku]![allocation.location]!.reserved -= allocation.quantity
            }
        }
        if wantsHold {
            let wanted = lines.map { ModelAllocationLine(sku: $0.sku, location: nil, quantity: $0.quantity) }
            switch allocate(wanted, in: store, into: .reserved) {
            case .success(let allocated):
                store = allocated.store
                newAllocations = allocated.taken.map(LineAllocation.init)
            case .failure(let error): return .failure(error)
            }
        }

        changed = true
        stores[key.store] = store
        cart.lines = lines
        switch (oldHold, wantsHold) {
        case (let oldHold?, true):
            cart.hold = ModelHold(
                allocations: newAllocations, deadline: deadline(afterSeconds: cart.holdTTLSeconds), slot: oldHold.slot)
        case (let oldHold?, false):
            freeSlot(oldHold.slot)
            cart.hold = nil
        case (nil, true):
            if reservationCount >= limits.reservationsPerShardMax {
                notable["evicted finished reservation", default: 0] += 1
                purgeOldestFinishedReservation()
            }
            cart.hold = ModelHold(
                allocations: newAllocations, deadline: deadline(afterSeconds: cart.holdTTLSeconds), slot: takeSlot())
        case (nil, false):
            cart.hold = nil
        }
        cart.touchedAt = clock
        cart.touchedLSN = lastLSN + 1
        carts[key] = cart
        return .success(.cart(view(cart, id: key.name, replayed: false)))
    }

    private func cartForUpdate(store: String, id: String, createIfMissing: Bool) -> Result<ModelCart, EngineError> {
        if let error = cartIDError(id) ?? existingStore(store) { return .failure(error) }
        if let cart = carts[ModelKey(store: store, name: id)] {
            if let error = ownerError(entity: "cart", id: id, owner: cart.customerID) { return .failure(error) }
            return .success(cart)
        }
        guard createIfMissing else { return .failure(.unknownCart(id: id)) }
        guard carts.count < limits.cartsPerShardMax else { return .failure(.limitReached(.carts)) }
        return .success(ModelCart(customerID: customer))
    }

    /// Subtotal and total of a cart: every line needs a price (the first
    /// missing one in cart order is the error), then the order's totals.
    private func cartTotals(_ cart: ModelCart, terms: OrderTerms) -> Result<OrderTotals, EngineError> {
        if let missing = cart.lines.first(where: { price(of: $0.sku, in: terms) == nil }) {
            return .failure(.missingPrice(sku: missing.sku))
        }
        let lines = cart.lines.map {
            OrderLine(sku: $0.sku, location: "", quantity: $0.quantity, unitPriceMinor: price(of: $0.sku, in: terms)!)
        }
        return orderTotals(lines: lines, terms: terms)
    }

    private func cartIDError(_ id: String) -> EngineError? {
        ModelValidation.identifier(id, field: "cartID", maxBytes: Limits.cartIDMaxBytes)
    }

    func view(_ cart: ModelCart, id: String, replayed: Bool) -> CartView {
        CartView(
            cartID: id, customerID: cart.customerID, lines: cart.lines, holdStock: cart.holdStock,
            holdTTLSeconds: cart.holdTTLSeconds, holdDeadline: cart.hold?.deadline,
            holdAllocations: cart.hold?.allocations ?? [], replayed: replayed)
    }

    private func emptyCartView(_ id: String, replayed: Bool) -> CartView {
        view(ModelCart(), id: id, replayed: replayed)
    }
}
