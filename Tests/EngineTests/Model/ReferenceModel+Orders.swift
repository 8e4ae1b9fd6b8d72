@testable import Engine

extension ReferenceModel {
    mutating func placeOrder(_ command: PlaceOrder) -> Outcome {
        let terms = OrderTerms(
            orderID: command.orderID, customerID: command.customerID, currency: command.currency,
            taxMinor: command.taxMinor, shippingMinor: command.shippingMinor, discountMinor: command.discountMinor)
        if let error = ModelValidation.terms(terms)
            ?? ModelValidation.lineCount(command.lines.count, max: Limits.orderLinesMax)
        {
            return .failure(error)
        }
        for line in command.lines {
            if let error = ModelValidation.sku(line.sku) ?? ModelValidation.location(line.location)
                ?? ModelValidation.lineQuantity(line.quantity)
                ?? ModelValidation.amount(line.unitPriceMinor, field: "unitPriceMinor")
            {
                return .failure(error)
            }
        }
        if let error = namedCustomerError(command.customerID) ?? existingStore(command.store) { return .failure(error) }
        let origin = ModelOrderOrigin.placed(command)
        if let replay = replayExistingOrder(store: command.store, orderID: command.orderID, origin: origin) {
            return replay
        }
        if let error = orderCapacityError() ?? customerLinePriceError(command) { return .failure(error) }
        let requested = command.lines.map {
            OrderLine(sku: $0.sku, location: $0.location ?? "", quantity: $0.quantity, unitPriceMinor: $0.unitPriceMinor)
        }
        let totals: OrderTotals
        switch orderTotals(lines: requested, terms: terms) {
        case .success(let computed): totals = computed
        case .failure(let error): return .failure(error)
        }
        let wanted = command.lines.map {
            ModelAllocationLine(sku: $0.sku, location: $0.location, quantity: $0.quantity, unitPriceMinor: $0.unitPriceMinor)
        }
        let allocated: (store: ModelStore, taken: [OrderLine])
        switch allocate(wanted, in: stores[command.store]!, into: .committed) {
        case .success(let result): allocated = result
        case .failure(let error): return .failure(error)
        }

        changed = true
        stores[command.store] = allocated.store
        let order = ModelOrder(
            origin: origin, placedBy: caller, customerID: command.customerID, status: .placed, lines: allocated.taken,
            totals: totals, placedAt: clock, reservationID: nil)
        insertOrder(order, store: command.store, id: command.orderID)
        return .success(.order(view(order, id: command.orderID, replayed: false)))
    }

    mutating func transitionOrder(_ command: OrderTransition, to target: OrderStatus) -> Outcome {
        if let error = existingOrderError(store: command.store, id: command.orderID) { return .failure(error) }
        let key = ModelKey(store: command.store, name: command.orderID)
        let order = orders[key]!
        if order.status == target { return .success(.order(view(order, id: command.orderID, replayed: true))) }
        let allowed: [OrderStatus: [OrderStatus]] = [
            .paid: [.placed], .fulfilled: [.paid], .cancelled: [.placed, .paid], .placed: [],
        ]
        guard allowed[target]!.contains(order.status) else {
            return .failure(.invalidTransition(orderID: command.orderID, from: order.status, to: target))
        }
        if target == .fulfilled, let error = fulfilmentShortfall(order, store: command.store) {
            return .failure(error)
        }
        changed = true
        let allocations = order.lines.map(LineAllocation.init)
        switch target {
        case .fulfilled:
            move(allocations, store: command.store, from: .committed, to: nil)
            for allocation in allocations {
                stores[command.store]!.stock[allocation.sku]![allocation.location]!.onHand -= allocation.quantity
            }
        case .cancelled:
            move(allocations, store: command.store, from: .committed, to: nil)
        case .paid, .placed:
            break
        }
        orders[key]!.status = target
        if target == .fulfilled || target == .cancelled {
            orders[key]!.finishedAt = clock
            finishedOrders.append(key)
        }
        return .success(.order(view(orders[key]!, id: command.orderID, replayed: false)))
    }

    func getOrder(_ query: OrderReference) -> Outcome {
        if let error = existingOrderError(store: query.store, id: query.orderID) { return .failure(error) }
        let order = orders[ModelKey(store: query.store, name: query.orderID)]!
        if let error = ownerError(entity: "order", id: query.orderID, owner: order.customerID) {
            return .failure(error)
        }
        return .success(.order(view(order, id: query.orderID, replayed: false)))
    }

    func listOrders(_ query: OrderListQuery) -> Outcome {
        if let error = ModelValidation.identifier(query.customerID, field: "customerID", maxBytes: Limits.customerIDMaxBytes)
            ?? namedCustomerError(query.customerID)
            ?? ModelValidation.optionalIdentifier(query.afterOrderID, field: "afterOrderID", maxBytes: Limits.orderIDMaxBytes)
        {
            return .failure(error)
        }
        guard (1...Limits.orderPageSizeMax).contains(query.limit) else {
            return .failure(.invalidArgument(field: "limit", reason: "must be 1...\(Limits.orderPageSizeMax)"))
        }
        if let error = existingStore(query.store) { return .failure(error) }
        let ids = ordersByCustomer[ModelKey(store: query.store, name: query.customerID)] ?? []
        var start = 0
        if let after = query.afterOrderID {
            guard let position = ids.firstIndex(of: after) else {
                return .failure(.invalidArgument(field: "afterOrderID", reason: "is not an order of this customer"))
            }
            start = position + 1
        }
        let pageIDs = Array(ids[start...].prefix(query.limit))
        let page = pageIDs.map { view(orders[ModelKey(store: query.store, name: $0)]!, id: $0, replayed: false) }
        let next = start + pageIDs.count < ids.count ? pageIDs.last : nil
        return .success(.orders(OrderPage(orders: page, nextAfterOrderID: next)))
    }

    // MARK: Shared with reservations and carts

    mutating func replayExistingOrder(store: String, orderID: String, origin: ModelOrderOrigin) -> Outcome? {
        guard let order = orders[ModelKey(store: store, name: orderID)] else { return nil }
        let acrossCallers = order.placedBy != caller
        guard order.origin == origin else {
            if acrossCallers { notable["order id conflict across callers", default: 0] += 1 }
            return .failure(.idempotencyConflict(key: orderID))
        }
        if acrossCallers { notable["order replayed across callers", default: 0] += 1 }
        return .success(.order(view(order, id: orderID, replayed: true)))
    }

    func orderCapacityError() -> EngineError? {
        orders.count >= limits.ordersPerShardMax && finishedOrders.isEmpty ? .limitReached(.orders) : nil
    }

    func price(of sku: String, in terms: OrderTerms) -> Int64? {
        terms.prices.first { $0.sku == sku }?.unitPriceMinor
    }

    /// Subtotal over all lines (an overflow anywhere answers `Int64.max`), then the total.
    func orderTotals(lines: [OrderLine], terms: OrderTerms) -> Result<OrderTotals, EngineError> {
        var subtotal: Int64 = 0
        for line in lines {
            let (lineTotal, productOverflow) = line.quantity.multipliedReportingOverflow(by: line.unitPriceMinor)
            let (sum, sumOverflow) = subtotal.addingReportingOverflow(lineTotal)
            if productOverflow || sumOverflow {
                return .failure(.amountOutOfRange(field: "subtotalMinor", value: .max))
            }
            subtotal = sum
        }
        return totals(subtotal: subtotal, terms: terms)
    }

    func totals(subtotal: Int64, terms: OrderTerms) -> Result<OrderTotals, EngineError> {
        guard subtotal <= Limits.orderSubtotalMinorMax else {
            return .failure(.amountOutOfRange(field: "subtotalMinor", value: subtotal))
        }
        let total = subtotal + terms.taxMinor + terms.shippingMinor - terms.discountMinor
        guard total >= 0 else { return .failure(.amountOutOfRange(field: "totalMinor", value: total)) }
        return .success(
            OrderTotals(
                subtotalMinor: subtotal, taxMinor: terms.taxMinor, shippingMinor: terms.shippingMinor,
                discountMinor: terms.discountMinor, totalMinor: total, currency: terms.currency))
    }

    mutating func insertOrder(_ order: ModelOrder, store: String, id: String) {
        if orders.count >= limits.ordersPerShardMax {
            notable["evicted finished order", default: 0] += 1
            purgeOldestFinishedOrder()
        }
        orders[ModelKey(store: store, name: id)] = order
        ordersByCustomer[ModelKey(store: store, name: order.customerID), default: []].append(id)
    }

    mutating func purgeOldestFinishedOrder() {
        guard !finishedOrders.isEmpty else { return }
        let key = finishedOrders.removeFirst()
        let customer = ModelKey(store: key.store, name: orders[key]!.customerID)
        ordersByCustomer[customer]!.removeAll { $0 == key.name }
        if ordersByCustomer[customer]!.isEmpty { ordersByCustomer[customer] = nil }
        orders[key] = nil
    }

    func view(_ order: ModelOrder, id: String, replayed: Bool) -> OrderView {
        OrderView(
            orderID: id, customerID: order.customerID, status: order.status, lines: order.lines, totals: order.totals,
            placedAt: order.placedAt, reservationID: order.reservationID, replayed: replayed)
    }

    // MARK: Helpers

    private func existingOrderError(store: String, id: String) -> EngineError? {
        if let error = ModelValidation.identifier(id, field: "orderID", maxBytes: Limits.orderIDMaxBytes)
            ?? existingStore(store)
        {
            return error
        }
        return orders[ModelKey(store: store, name: id)] == nil ? .unknownOrder(id: id) : nil
    }

    /// Fulfilment ships from on-hand: per record, the order's total there must be on hand.
    private func fulfilmentShortfall(_ order: ModelOrder, store: String) -> EngineError? {
        for line in order.lines {
            let needed = order.lines.filter { $0.sku == line.sku && $0.location == line.location }
                .reduce(Int64(0)) { $0 + $1.quantity }
            let onHand = stores[store]!.stock[line.sku]![line.location]!.onHand
            if onHand < needed {
                return .insufficientStock(sku: line.sku, requested: needed, available: onHand)
            }
        }
        return nil
    }
}
