extension StateMachine {
    mutating func placeOrder(_ command: PlaceOrder) -> Outcome {
        if let error = validate(command) ?? customerIDError(command.customerID) { return .failure(error) }
        let store: Int32
        switch existingStore(command.store) {
        case .success(let index): store = index
        case .failure(let error): return .failure(error)
        }
        let fingerprint = Fingerprint.of(command)
        if let replay = replayExistingOrder(store: store, orderID: command.orderID, fingerprint: fingerprint) {
            return replay
        }
        if let error = orderCapacityError() ?? customerLinePricesError(command, store: store) { return .failure(error) }
        let terms = OrderTerms(
            orderID: command.orderID, customerID: command.customerID, currency: command.currency,
            taxMinor: command.taxMinor, shippingMinor: command.shippingMinor, discountMinor: command.discountMinor)
        let amounts: OrderAmounts
        var accumulator = OrderAmountsAccumulator()
        for line in command.lines { accumulator.add(quantity: line.quantity, unitPriceMinor: line.unitPriceMinor) }
        switch accumulator.amounts(terms: terms) {
        case .success(let computed): amounts = computed
        case .failure(let error): return .failure(error)
        }
        let chain: LinePool.Chain
        switch allocate(store: store, count: command.lines.count, kind: .commit, line: { position in
            let line = command.lines[position]
            return AllocationRequest(
                sku: line.sku, location: line.location, quantity: line.quantity, unitPriceMinor: line.unitPriceMinor)
        }) {
        case .success(let allocated): chain = allocated
        case .failure(let error): return .failure(error)
        }

        beginChange()
        emitStockChanged(chain: chain, availableSign: -1)
        let order = insertOrder(
            store: store, terms: terms, lines: chain, amounts: amounts, fingerprint: fingerprint, reservationID: nil)
        return .success(answer { .order(orderView(order, replayed: false)) })
    }

    /// Pay, fulfil or cancel. Asking for the state the order is already in
    /// answers as before without change.
    mutating func transitionOrder(_ command: OrderTransition, to target: OrderStatus) -> Outcome {
        let slot: Int32
        switch existingOrder(store: command.store, id: command.orderID) {
        case .success(let found): slot = found
        case .failure(let error): return .failure(error)
        }
        let current = orders[slot].status
        if current == target { return .success(.order(orderView(slot, replayed: true))) }
        let allowed =
            switch target {
            case .paid: current == .placed
            case .fulfilled: current == .paid
            case .cancelled: current == .placed || current == .paid
            case .placed: false
            }
        guard allowed else {
            return .failure(.invalidTransition(orderID: command.orderID, from: current, to: target))
        }
        let chain = orders[slot].lines
        if target == .fulfilled, let error = fulfilmentShortfall(chain) { return .failure(error) }

        beginChange()
        let store = orders[slot].store
        switch target {
        case .paid:
            orders[slot].status = .paid
            emit(store: store, .orderPaid(orderID: command.orderID))
        case .fulfilled:
            applyToRecords(of: chain) { record, quantity in
                record.onHand -= quantity
                record.committed -= quantity
            }
            orders.finish(slot, status: .fulfilled, at: now)
            emitStockChanged(chain: chain, availableSign: 0)
            emit(store: store, .orderFulfilled(orderID: command.orderID))
        case .cancelled:
            applyToRecords(of: chain) { record, quantity in record.committed -= quantity }
            orders.finish(slot, status: .cancelled, at: now)
            emitStockChanged(chain: chain, availableSign: 1)
            emit(store: store, .orderCancelled(orderID: command.orderID))
        case .placed:
            preconditionFailure("no transition leads to placed")
        }
        return .success(answer { .order(orderView(slot, replayed: false)) })
    }

    func getOrder(_ query: OrderReference) -> Outcome {
        switch existingOrder(store: query.store, id: query.orderID) {
        case .success(let slot):
            if let error = ownershipError(entity: "order", id: query.orderID, owner: orders[slot].customerID) {
                return .failure(error)
            }
            return .success(.order(orderView(slot, replayed: false)))
        case .failure(let error): return .failure(error)
        }
    }

    /// A customer's order states no amounts, and every line's price is its SKU's
    /// list price (the rule of `pricedTerms`, line by line).
    private func customerLinePricesError(_ command: PlaceOrder, store: Int32) -> EngineError? {
        guard case .customer = caller else { return nil }
        if let error = customerAmountsError(
            tax: command.taxMinor, shipping: command.shippingMinor, discount: command.discountMinor)
        {
            return error
        }
        for line in command.lines {
            if case .failure(let error) = listPrice(
                store: store, sku: line.sku, currency: command.currency, stated: line.unitPriceMinor)
            {
                return error
            }
        }
        return nil
    }

    func listOrders(_ query: OrderListQuery) -> Outcome {
        if let error = Validation.identifier(query.customerID, field: "customerID", maxBytes: Limits.customerIDMaxBytes)
            ?? customerIDError(query.customerID)
            ?? Validation.optionalIdentifier(query.afterOrderID, field: "afterOrderID", maxBytes: Limits.orderIDMaxBytes)
        {
            return .failure(error)
        }
        guard query.limit >= 1 && query.limit <= Limits.orderPageSizeMax else {
            return .failure(.invalidArgument(field: "limit", reason: "must be 1...\(Limits.orderPageSizeMax)"))
        }
        let store: Int32
        switch existingStore(query.store) {
        case .success(let index): store = index
        case .failure(let error): return .failure(error)
        }
        let slots = orders.customerOrders(store: store, customerID: query.customerID)
        var start = 0
        if let after = query.afterOrderID {
            guard let cursor = orders.slot(store: store, id: after), orders[cursor].customerID == query.customerID else {
                return .failure(.invalidArgument(field: "afterOrderID", reason: "is not an order of this customer"))
            }
            start = orders.position(ofPlacedLSN: orders[cursor].placedLSN, in: slots) + 1
        }
        let end = min(start + query.limit, slots.count)
        let page = slots[start..<end].map { orderView($0, replayed: false) }
        let next = end < slots.count ? page.last?.orderID : nil
        return .success(.orders(OrderPage(orders: page, nextAfterOrderID: next)))
    }

    // MARK: Helpers shared with reservations and carts

    /// Answers a retry of an order-creating request, or refuses a reused id.
    func replayExistingOrder(store: Int32, orderID: String, fingerprint: UInt64) -> Outcome? {
        guard let slot = orders.slot(store: store, id: orderID) else { return nil }
        guard orders[slot].fingerprint == fingerprint else { return .failure(.idempotencyConflict(key: orderID)) }
        return .success(.order(orderView(slot, replayed: true)))
    }

    /// Whether `count` more line nodes fit (orders copied from a hold).
    func lineCapacityError(adding count: Int32) -> EngineError? {
        lines.liveCount + Int(count) <= limits.lineNodesPerShardMax ? nil : .limitReached(.lineNodes)
    }

    func orderCapacityError() -> EngineError? {
        orders.liveCount >= limits.ordersPerShardMax && orders.finished.isEmpty ? .limitReached(.orders) : nil
    }

    /// Totals of an order whose lines are `chain`'s quantities at `terms.prices`.
    /// The SKU names of a chain's lines, in order.
    func skuNames(of chain: LinePool.Chain) -> [String] {
        var names: [String] = []
        lines.forEach(chainStartingAt: chain.first) { names.append(stock.skuName(ofRecord: $0.stockRecord)) }
        return names
    }

    func orderAmounts(chain: LinePool.Chain, terms: OrderTerms) -> Result<OrderAmounts, EngineError> {
        var accumulator = OrderAmountsAccumulator()
        var missing: String?
        lines.forEach(chainStartingAt: chain.first) { node in
            let sku = stock.skuName(ofRecord: node.stockRecord)
            guard let price = terms.unitPrice(of: sku) else {
                if missing == nil { missing = sku }
                return
            }
            accumulator.add(quantity: node.quantity, unitPriceMinor: price)
        }
        if let missing { return .failure(.missingPrice(sku: missing)) }
        return accumulator.amounts(terms: terms)
    }

    /// A copy of a chain's lines with unit prices, for an order made from a hold.
    mutating func pricedCopy(of chain: LinePool.Chain, terms: OrderTerms) -> LinePool.Chain {
        var copy = LinePool.Chain()
        var index = chain.first
        while index != noSlot {
            let node = lines[index]
            let price = terms.unitPrice(of: stock.skuName(ofRecord: node.stockRecord)) ?? 0
            lines.append(to: &copy, stockRecord: node.stockRecord, quantity: node.quantity, unitPriceMinor: price)
            index = node.next
        }
        return copy
    }

    mutating func insertOrder(
        store: Int32, terms: OrderTerms, lines chain: LinePool.Chain, amounts: OrderAmounts, fingerprint: UInt64,
        reservationID: String?
    ) -> Int32 {
        if orders.liveCount >= limits.ordersPerShardMax { purgeOldestFinishedOrder() }
        let slot = orders.insert(
            OrderRecord(
                store: store, id: terms.orderID, customerID: terms.customerID, status: .placed, lines: chain,
                subtotalMinor: amounts.subtotalMinor, taxMinor: terms.taxMinor, shippingMinor: terms.shippingMinor,
                discountMinor: terms.discountMinor, totalMinor: amounts.totalMinor, currency: terms.currency,
                placedAt: now, placedLSN: pendingLSN, finishedAt: 0, fingerprint: fingerprint,
                reservationID: reservationID))
        emit(
            store: store,
            .orderPlaced(
                orderID: terms.orderID, customerID: terms.customerID, totalMinor: amounts.totalMinor,
                currency: terms.currency))
        return slot
    }

    mutating func purgeOldestFinishedOrder() {
        guard let entry = orders.finished.popFront() else { return }
        lines.free(chainStartingAt: orders[entry.slot].lines.first)
        orders.remove(entry.slot)
    }

    func orderView(_ slot: Int32, replayed: Bool) -> OrderView {
        let record = orders[slot]
        var orderLines: [OrderLine] = []
        lines.forEach(chainStartingAt: record.lines.first) { node in
            orderLines.append(
                OrderLine(
                    sku: stock.skuName(ofRecord: node.stockRecord), location: stock.locationName(ofRecord: node.stockRecord),
                    quantity: node.quantity, unitPriceMinor: node.unitPriceMinor))
        }
        let totals = OrderTotals(
            subtotalMinor: record.subtotalMinor, taxMinor: record.taxMinor, shippingMinor: record.shippingMinor,
            discountMinor: record.discountMinor, totalMinor: record.totalMinor, currency: record.currency)
        return OrderView(
            orderID: record.id, customerID: record.customerID, status: record.status, lines: orderLines, totals: totals,
            placedAt: record.placedAt, reservationID: record.reservationID, replayed: replayed)
    }

    private func existingOrder(store: String, id: String) -> Result<Int32, EngineError> {
        if let error = Validation.identifier(id, field: "orderID", maxBytes: Limits.orderIDMaxBytes) {
            return .failure(error)
        }
        switch existingStore(store) {
        case .success(let storeIndex):
            guard let slot = orders.slot(store: storeIndex, id: id) else { return .failure(.unknownOrder(id: id)) }
            return .success(slot)
        case .failure(let error): return .failure(error)
        }
    }

    /// Fulfilment ships what is on hand; a record short of it (sold on backorder) refuses.
    private func fulfilmentShortfall(_ chain: LinePool.Chain) -> EngineError? {
        var shortfall: EngineError?
        lines.forEach(chainStartingAt: chain.first) { node in
            var needed: Int64 = 0
            lines.forEach(chainStartingAt: chain.first) { other in
                if other.stockRecord == node.stockRecord { needed += other.quantity }
            }
            let onHand = stock.records[Int(node.stockRecord)].onHand
            if shortfall == nil && onHand < needed {
                shortfall = .insufficientStock(sku: stock.skuName(ofRecord: node.stockRecord), requested: needed, available: onHand)
            }
        }
        return shortfall
    }

    private func validate(_ command: PlaceOrder) -> EngineError? {
        let terms = OrderTerms(
            orderID: command.orderID, customerID: command.customerID, currency: command.currency,
            taxMinor: command.taxMinor, shippingMinor: command.shippingMinor, discountMinor: command.discountMinor)
        if let error = Validation.terms(terms) ?? Validation.lineCount(command.lines.count, max: Limits.orderLinesMax) {
            return error
        }
        for line in command.lines {
            if let error = Validation.sku(line.sku) ?? Validation.location(line.location)
                ?? Validation.positiveQuantity(line.quantity)
                ?? Validation.amount(line.unitPriceMinor, field: "unitPriceMinor")
            {
                return error
            }
        }
        return nil
    }
}
