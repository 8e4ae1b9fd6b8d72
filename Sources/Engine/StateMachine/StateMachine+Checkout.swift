extension StateMachine {
    /// Turns a cart into an order: through its hold when it has a live one,
    /// otherwise by committing stock for all lines or none. The cart is removed.
    mutating func checkoutCart(_ command: CheckoutCart) -> Outcome {
        if let error = Validation.terms(command.terms) ?? cartIdentifierError(command.cartID)
            ?? customerIDError(command.terms.customerID)
        {
            return .failure(error)
        }
        let store: Int32
        switch existingStore(command.store) {
        case .success(let index): store = index
        case .failure(let error): return .failure(error)
        }
        let fingerprint = Fingerprint.of(source: "cart", sourceID: command.cartID, terms: command.terms)
        if let replay = replayExistingOrder(store: store, orderID: command.terms.orderID, fingerprint: fingerprint) {
            return replay
        }
        guard let cartSlot = carts.slot(store: store, id: command.cartID) else {
            return .failure(.unknownCart(id: command.cartID))
        }
        if let error = cartOwnershipError(cartSlot) { return .failure(error) }
        let cart = carts[cartSlot]
        guard !cart.lines.isEmpty else { return .failure(.cartEmpty(cartID: command.cartID)) }
        if let error = orderCapacityError() { return .failure(error) }
        let terms: OrderTerms
        switch pricedTerms(command.terms, store: store, skus: cart.lines.map { stock.skus[Int($0.sku)].name }) {
        case .success(let priced): terms = priced
        case .failure(let error): return .failure(error)
        }
        let amounts: OrderAmounts
        switch cartAmounts(cart, terms: terms) {
        case .success(let computed): amounts = computed
        case .failure(let error): return .failure(error)
        }
        if cart.hold != noSlot && reservations[cart.hold].deadline <= now {
            expireReservation(cart.hold)
        }
        let chain: LinePool.Chain
        if carts[cartSlot].hold != noSlot {
            if let error = lineCapacityError(adding: reservations[carts[cartSlot].hold].lines.count) {
                return .failure(error)
            }
            beginChange()
            chain = commitHold(of: cartSlot, terms: terms)
        } else {
            let skuNames = cart.lines.map { stock.skus[Int($0.sku)].name }
            switch allocate(store: store, count: cart.lines.count, kind: .commit, line: { position in
                let line = cart.lines[position]
                let sku = skuNames[position]
                let price = terms.unitPrice(of: sku) ?? 0
                return AllocationRequest(sku: sku, location: nil, quantity: line.quantity, unitPriceMinor: price)
            }) {
            case .success(let allocated): chain = allocated
            case .failure(let error): return .failure(error)
            }
            beginChange()
            emitStockChanged(chain: chain, availableSign: -1)
        }
        carts.remove(cartSlot)
        emit(store: store, .cartCheckedOut(cartID: command.cartID, orderID: command.terms.orderID))
        let order = insertOrder(
            store: store, terms: terms, lines: chain, amounts: amounts, fingerprint: fingerprint,
            reservationID: nil)
        return .success(answer { .order(orderView(order, replayed: false)) })
    }

    /// Moves a cart's live hold from reserved to committed and frees the hold;
    /// returns the priced order lines.
    private mutating func commitHold(of cartSlot: Int32, terms: OrderTerms) -> LinePool.Chain {
        let hold = carts[cartSlot].hold
        let holdChain = reservations[hold].lines
        applyToRecords(of: holdChain) { record, quantity in
            record.reserved -= quantity
            record.committed += quantity
        }
        emitStockChanged(chain: holdChain, availableSign: 0)
        let priced = pricedCopy(of: holdChain, terms: terms)
        reservations.finish(hold, status: .confirmed, at: now)
        lines.free(chainStartingAt: holdChain.first)
        reservations.free(hold)
        carts[cartSlot].hold = noSlot
        return priced
    }

    /// Every cart line needs a price; then the order's amounts.
    private func cartAmounts(_ cart: CartRecord, terms: OrderTerms) -> Result<OrderAmounts, EngineError> {
        var accumulator = OrderAmountsAccumulator()
        var missing: String?
        for line in cart.lines {
            let sku = stock.skus[Int(line.sku)].name
            guard let price = terms.unitPrice(of: sku) else {
                if missing == nil { missing = sku }
                continue
            }
            accumulator.add(quantity: line.quantity, unitPriceMinor: price)
        }
        if let missing { return .failure(.missingPrice(sku: missing)) }
        return accumulator.amounts(terms: terms)
    }
}
