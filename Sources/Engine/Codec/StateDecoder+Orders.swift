extension StateDecoder {
    /// Orders and the retention queue of finished orders; rebuilds the id index
    /// and each customer's list of orders in placement (`placedLSN`) order.
    mutating func decodeOrders(stock: StockTable, lines: inout DecodedLines) throws -> OrderTable {
        let slots = try readSlotTable(
            "order", capacity: limits.ordersPerShardMax, recordBytes: 102, storeCount: stock.stores.count
        ) { decoder, _, store, start in
            try decoder.readOrder(store: store, at: start, stock: stock, lines: &lines)
        }
        let finished = try readFinishedOrders(slots)
        let records = slots.records
        let slotsByID = try Self.buildIndex(
            count: slots.count, include: { slots.isLive[$0] },
            hash: { HashIndex.hash(store: records[$0].store, name: records[$0].id) },
            sameKey: { records[Int($0)].store == records[$1].store && records[Int($0)].id == records[$1].id },
            duplicate: {
                DecodingError(offset: slots.recordOffsets[$0], reason: "order \(records[$0].id) appears twice")
            })
        return OrderTable(
            restoringSlots: slots.table, slotsByID: slotsByID, slotsByCustomer: try Self.ordersByCustomer(slots),
            finished: finished)
    }

    private mutating func readOrder(store: Int32, at start: Int, stock: StockTable, lines: inout DecodedLines) throws
        -> OrderRecord
    {
        let live = store != noSlot
        let id = try readName("orderID", maxBytes: Limits.orderIDMaxBytes, live: live)
        let customerID = try readName("customerID", maxBytes: Limits.customerIDMaxBytes, live: live)
        let status = try readStatus("order status", as: OrderStatus.self)
        let (chain, amount) = try readChain(
            live: live, store: store, prices: 0...Limits.amountMinorMax, lines: &lines, stock: stock)
        let amountsOffset = offset
        let subtotal = try readInt64("subtotalMinor", in: 0...Limits.orderSubtotalMinorMax)
        let tax = try readInt64("taxMinor", in: 0...Limits.amountMinorMax)
        let shipping = try readInt64("shippingMinor", in: 0...Limits.amountMinorMax)
        let discount = try readInt64("discountMinor", in: 0...Limits.amountMinorMax)
        let total = try readInt64("totalMinor", in: 0...Int64.max)
        guard subtotal == amount, total == subtotal + tax + shipping - discount else {
            throw DecodingError(offset: amountsOffset, reason: "order \(id): totals do not add up")
        }
        let currencyOffset = offset
        let currency = try reader.readString(maxBytes: 3)
        if live, let error = Validation.currency(currency) {
            throw DecodingError(offset: currencyOffset, reason: "\(error)")
        }
        let placedAt = try readInt64("placedAt", in: 0...now)
        let placedLSN = try reader.readUInt64()
        let finishedAt = try readInt64("finishedAt", in: 0...now)
        let fingerprint = try reader.readUInt64()
        let reservationID = try readOptionalName("reservationID", maxBytes: Limits.reservationIDMaxBytes, live: live)
        let order = OrderRecord(
            store: store, id: id, customerID: customerID, status: status, lines: chain, subtotalMinor: subtotal,
            taxMinor: tax, shippingMinor: shipping, discountMinor: discount, totalMinor: total, currency: currency,
            placedAt: placedAt, placedLSN: placedLSN, finishedAt: finishedAt, fingerprint: fingerprint,
            reservationID: reservationID)
        if let problem = live ? problem(ofLive: order) : Self.problem(ofBlank: order) {
            throw DecodingError(offset: start, reason: "order \(id): \(problem)")
        }
        return order
    }

    private func problem(ofLive order: OrderRecord) -> String? {
        if order.placedLSN == 0 || order.placedLSN > lastLSN {
            return "placed at LSN \(order.placedLSN), after \(lastLSN)"
        }
        if order.isOpen && order.finishedAt != 0 { return "open but finished at \(order.finishedAt)" }
        if !order.isOpen && order.finishedAt < order.placedAt { return "finished before it was placed" }
        return nil
    }

    /// What makes a free slot's record differ from `OrderRecord.vacant`, if anything.
    private static func problem(ofBlank order: OrderRecord) -> String? {
        let vacant = OrderRecord.vacant
        let blank =
            order.status == vacant.status && order.subtotalMinor == 0 && order.taxMinor == 0 && order.shippingMinor == 0
            && order.discountMinor == 0 && order.totalMinor == 0 && order.currency.isEmpty && order.placedAt == 0
            && order.placedLSN == 0 && order.finishedAt == 0 && order.fingerprint == 0
        return blank ? nil : "a free slot's record is not blank"
    }

    /// The finished-order queue: exactly the live fulfilled and cancelled
    /// orders, each once, stamped with its `finishedAt`.
    private mutating func readFinishedOrders(_ slots: DecodedSlots<OrderRecord>) throws -> RetentionQueue {
        var listed = [Bool](repeating: false, count: slots.count)
        let queueOffset = offset
        let finished = try readRetentionQueue(
            "finished orders", slotCount: slots.count, capacity: limits.ordersPerShardMax
        ) { entry, start in
            let order = slots.records[Int(entry.slot)]
            guard slots.isLive(entry.slot), !order.isOpen, !listed[Int(entry.slot)], order.finishedAt == entry.timestamp
            else {
                throw DecodingError(
                    offset: start, reason: "finished order entry for slot \(entry.slot) does not match it")
            }
            listed[Int(entry.slot)] = true
        }
        for slot in 0..<slots.count where slots.isLive[slot] && !slots.records[slot].isOpen && !listed[slot] {
            throw DecodingError(
                offset: queueOffset, reason: "finished order \(slots.records[slot].id) is not in the retention queue")
        }
        return finished
    }

    /// Each customer's live orders in placement order; placement LSNs are unique.
    private static func ordersByCustomer(_ slots: DecodedSlots<OrderRecord>) throws -> [ScopedKey: [Int32]] {
        let records = slots.records
        let placed = (0..<Int32(slots.count)).filter { slots.isLive($0) }.sorted {
            records[Int($0)].placedLSN < records[Int($1)].placedLSN
        }
        var byCustomer: [ScopedKey: [Int32]] = [:]
        for (position, slot) in placed.enumerated() {
            let order = records[Int(slot)]
            if position > 0 && records[Int(placed[position - 1])].placedLSN == order.placedLSN {
                throw DecodingError(
                    offset: slots.recordOffsets[Int(slot)],
                    reason: "order \(order.id): placed at the same LSN as another")
            }
            byCustomer[ScopedKey(store: order.store, name: order.customerID), default: []].append(slot)
        }
        return byCustomer
    }
}
