extension StateMachine {
    mutating func configureCart(_ command: ConfigureCart) -> Outcome {
        if let error = Validation.optionalIdentifier(
            command.customerID, field: "customerID", maxBytes: Limits.customerIDMaxBytes)
            ?? Validation.ttl(command.holdTTLSeconds) ?? command.customerID.flatMap(customerIDError)
        {
            return .failure(error)
        }
        var cart: CartRecord
        let slot: Int32?
        switch cartForUpdate(store: command.store, id: command.cartID, createIfMissing: true) {
        case .success(let found): (cart, slot) = found
        case .failure(let error): return .failure(error)
        }
        if let customerID = command.customerID { cart.customerID = customerID }
        cart.holdStock = command.holdStock
        cart.holdTTLSeconds = command.holdTTLSeconds
        return commitCart(cart, slot: slot, lines: cart.lines)
    }

    mutating func addCartItem(_ command: AddCartItem) -> Outcome {
        if let error = Validation.positiveQuantity(command.quantity) { return .failure(error) }
        return setCartLine(store: command.store, cartID: command.cartID, sku: command.sku) { current in
            current + command.quantity
        }
    }

    mutating func setCartItem(_ command: SetCartItem) -> Outcome {
        guard command.quantity >= 0 && command.quantity <= Limits.quantityMax else {
            return .failure(.quantityOutOfRange(field: "quantity", value: command.quantity))
        }
        // Only a positive quantity creates a cart; 0 on an absent cart removes nothing from nothing.
        return setCartLine(
            store: command.store, cartID: command.cartID, sku: command.sku, createIfMissing: command.quantity > 0
        ) { _ in command.quantity }
    }

    mutating func removeCartItem(_ command: RemoveCartItem) -> Outcome {
        setCartLine(store: command.store, cartID: command.cartID, sku: command.sku, createIfMissing: false) { _ in 0 }
    }

    /// Removes a cart and its hold. Clearing a cart that is not there succeeds without change.
    mutating func clearCart(_ command: CartReference) -> Outcome {
        if let error = cartIdentifierError(command.cartID) { return .failure(error) }
        let store: Int32
        switch existingStore(command.store) {
        case .success(let index): store = index
        case .failure(let error): return .failure(error)
        }
        guard let slot = carts.slot(store: store, id: command.cartID) else {
            return .success(.cart(emptyCartView(command.cartID, replayed: true)))
        }
        if let error = cartOwnershipError(slot) { return .failure(error) }
        beginChange()
        releaseCartHold(slot)
        carts.remove(slot)
        emit(store: store, .cartRemoved(cartID: command.cartID))
        return .success(answer { .cart(emptyCartView(command.cartID, replayed: false)) })
    }

    func getCart(_ query: CartReference) -> Outcome {
        if let error = cartIdentifierError(query.cartID) { return .failure(error) }
        switch existingStore(query.store) {
        case .success(let store):
            guard let slot = carts.slot(store: store, id: query.cartID) else {
                return .failure(.unknownCart(id: query.cartID))
            }
            if let error = cartOwnershipError(slot) { return .failure(error) }
            return .success(.cart(cartView(carts[slot], replayed: false)))
        case .failure(let error): return .failure(error)
        }
    }

    // MARK: Helpers

    /// Changes one line's quantity to `newQuantity(current)` (0 removes it),
    /// keeping the cart's hold in step.
    private mutating func setCartLine(
        store storeName: String, cartID: String, sku: String, createIfMissing: Bool = true,
        newQuantity: (Int64) -> Int64
    ) -> Outcome {
        if let error = Validation.sku(sku) { return .failure(error) }
        var cart: CartRecord
        let slot: Int32?
        switch cartForUpdate(store: storeName, id: cartID, createIfMissing: createIfMissing) {
        case .success(let found): (cart, slot) = found
        case .failure(let error): return .failure(error)
        }
        guard let skuIndex = stock.skuIndex(store: cart.store, name: sku) else { return .failure(.unknownSKU(sku: sku)) }
        var updated = cart.lines
        let position = updated.firstIndex { $0.sku == skuIndex }
        let quantity = newQuantity(position.map { updated[$0].quantity } ?? 0)
        guard quantity <= Limits.quantityMax else { return .failure(.quantityOutOfRange(field: "quantity", value: quantity)) }
        switch (position, quantity) {
        case (let position?, 0): updated.remove(at: position)
        case (let position?, _): updated[position].quantity = quantity
        case (nil, 0): break
        case (nil, _): updated.append(CartLineRecord(sku: skuIndex, quantity: quantity))
        }
        if updated.count > Limits.cartLinesMax { return .failure(.limitReached(.cartLines)) }
        if slot != nil && updated == cart.lines {
            return .success(.cart(cartView(cart, replayed: true)))
        }
        return commitCart(cart, slot: slot, lines: updated)
    }

    /// Stores `cart` with `lines`, re-placing its hold first when it holds stock.
    /// All or nothing: if the hold cannot be placed, nothing changes.
    private mutating func commitCart(_ proposed: CartRecord, slot: Int32?, lines newLines: [CartLineRecord]) -> Outcome {
        var cart = proposed
        let wantsHold = cart.holdStock && !newLines.isEmpty
        let oldHold = slot.map { carts[$0].hold } ?? noSlot
        if wantsHold && oldHold == noSlot && reservations.liveCount >= limits.reservationsPerShardMax
            && reservations.finished.isEmpty
        {
            return .failure(.limitReached(.reservations))
        }
        var newChain = LinePool.Chain()
        if wantsHold {
            switch placeHold(store: cart.store, lines: newLines, replacing: oldHold) {
            case .success(let chain): newChain = chain
            case .failure(let error): return .failure(error)
            }
        } else if oldHold != noSlot {
            applyToRecords(of: reservations[oldHold].lines) { record, quantity in record.reserved -= quantity }
        }

        beginChange()
        let oldChain = oldHold == noSlot ? LinePool.Chain() : reservations[oldHold].lines
        emitHoldChange(old: oldChain, new: newChain)
        cart.lines = newLines
        let cartSlot = slot ?? carts.insert(cart)
        switch (oldHold != noSlot, wantsHold) {
        case (true, true):
            lines.free(chainStartingAt: oldChain.first)
            reservations[oldHold].lines = newChain
            reservations.setDeadline(oldHold, deadline(afterSeconds: cart.holdTTLSeconds))
            cart.hold = oldHold
        case (true, false):
            reservations.finish(oldHold, status: .released, at: now)
            lines.free(chainStartingAt: oldChain.first)
            reservations.free(oldHold)
            cart.hold = noSlot
        case (false, true):
            if reservations.liveCount >= limits.reservationsPerShardMax { purgeOldestFinishedReservation() }
            cart.hold = reservations.insert(
                ReservationRecord(
                    store: cart.store, id: cart.id, owner: cart.customerID, status: .active, cart: cartSlot,
                    deadline: deadline(afterSeconds: cart.holdTTLSeconds), finishedAt: 0, lines: newChain,
                    fingerprint: 0, heapPosition: noSlot, orderID: nil, idHash: 0))
        case (false, false):
            cart.hold = noSlot
        }
        carts[cartSlot] = cart
        carts.touch(cartSlot, at: now, lsn: pendingLSN)
        emit(store: cart.store, .cartChanged(cartID: cart.id))
        return .success(answer { .cart(cartView(cart, replayed: false)) })
    }

    /// Takes back the old hold's stock and reserves `lines` anew. On failure the
    /// old hold's stock is put back exactly and nothing has changed.
    private mutating func placeHold(
        store: Int32, lines cartLines: [CartLineRecord], replacing oldHold: Int32
    ) -> Result<LinePool.Chain, EngineError> {
        let oldChain = oldHold == noSlot ? LinePool.Chain() : reservations[oldHold].lines
        applyToRecords(of: oldChain) { record, quantity in record.reserved -= quantity }
        let skuNames = cartLines.map { stock.skus[Int($0.sku)].name }
        let result = allocate(store: store, count: cartLines.count, kind: .reserve) { position in
            AllocationRequest(
                sku: skuNames[position], location: nil,
                quantity: cartLines[position].quantity, unitPriceMinor: 0)
        }
        if case .failure = result {
            applyToRecords(of: oldChain) { record, quantity in record.reserved += quantity }
        }
        return result
    }

    /// Stock events for a hold that went from `old` to `new` (both already applied).
    private mutating func emitHoldChange(old: LinePool.Chain, new: LinePool.Chain) {
        guard recordsEvents else { return }
        var seen: [Int32] = []
        for chain in [old, new] {
            lines.forEach(chainStartingAt: chain.first) { node in
                if !seen.contains(node.stockRecord) { seen.append(node.stockRecord) }
            }
        }
        for record in seen {
            var delta: Int64 = 0
            lines.forEach(chainStartingAt: new.first) { if $0.stockRecord == record { delta += $0.quantity } }
            lines.forEach(chainStartingAt: old.first) { if $0.stockRecord == record { delta -= $0.quantity } }
            if delta != 0 {
                emitStockChanged(record: record, availableBefore: stock.records[Int(record)].available + delta)
            }
        }
    }

    /// Gives back and frees a cart's hold, if it has one.
    mutating func releaseCartHold(_ cartSlot: Int32) {
        let hold = carts[cartSlot].hold
        guard hold != noSlot else { return }
        let chain = reservations[hold].lines
        applyToRecords(of: chain) { record, quantity in record.reserved -= quantity }
        reservations.finish(hold, status: .released, at: now)
        emitStockChanged(chain: chain, availableSign: 1)
        lines.free(chainStartingAt: chain.first)
        reservations.free(hold)
        carts[cartSlot].hold = noSlot
    }

    /// The cart to change and its slot (nil when it is to be created).
    private func cartForUpdate(
        store storeName: String, id: String, createIfMissing: Bool
    ) -> Result<(CartRecord, Int32?), EngineError> {
        if let error = cartIdentifierError(id) { return .failure(error) }
        let store: Int32
        switch existingStore(storeName) {
        case .success(let index): store = index
        case .failure(let error): return .failure(error)
        }
        if let slot = carts.slot(store: store, id: id) {
            if let error = cartOwnershipError(slot) { return .failure(error) }
            return .success((carts[slot], slot))
        }
        guard createIfMissing else { return .failure(.unknownCart(id: id)) }
        guard carts.liveCount < limits.cartsPerShardMax else { return .failure(.limitReached(.carts)) }
        let cart = CartRecord(
            store: store, id: id, customerID: caller.customerID, lines: [], holdStock: false,
            holdTTLSeconds: Limits.cartHoldTTLDefaultSeconds, hold: noSlot)
        return .success((cart, nil))
    }

    /// Nil when the caller may act on the cart in `slot` (a customer: only its own).
    func cartOwnershipError(_ slot: Int32) -> EngineError? {
        ownershipError(entity: "cart", id: carts[slot].id, owner: carts[slot].customerID)
    }

    func cartIdentifierError(_ id: String) -> EngineError? {
        Validation.identifier(id, field: "cartID", maxBytes: Limits.cartIDMaxBytes)
    }

    func cartView(_ cart: CartRecord, replayed: Bool) -> CartView {
        let hold = cart.hold == noSlot ? nil : reservations[cart.hold]
        return CartView(
            cartID: cart.id, customerID: cart.customerID,
            lines: cart.lines.map { CartLine(sku: stock.skus[Int($0.sku)].name, quantity: $0.quantity) },
            holdStock: cart.holdStock, holdTTLSeconds: cart.holdTTLSeconds, holdDeadline: hold?.deadline,
            holdAllocations: hold.map { Array(allocations(of: $0.lines)) } ?? [], replayed: replayed)
    }

    private func emptyCartView(_ id: String, replayed: Bool) -> CartView {
        CartView(
            cartID: id, customerID: nil, lines: [], holdStock: false, holdTTLSeconds: Limits.cartHoldTTLDefaultSeconds,
            holdDeadline: nil, holdAllocations: [], replayed: replayed)
    }
}
