extension StateMachine {
    /// Format version of `encodedState()`; bumped on any layout change.
    /// Version 2 added each cart's `touchedAt` and `touchedLSN`, each request
    /// key's customer, and the price list.
    public static let stateEncodingVersion: UInt32 = 2

    /// The versions `init(decoding:limits:)` reads: version 1 states load with
    /// every cart touched at the state's time and an empty price list.
    public static let readableStateEncodingVersions: ClosedRange<UInt32> = 1...2

    /// The whole state as canonical bytes: every table in slot order, free lists
    /// included, indices that can be rebuilt from them left out. Two machines
    /// that applied the same logged commands encode identically.
    public func encodedState() -> [UInt8] {
        var writer = BinaryWriter(reservingCapacity: 4096)
        writer.write(UInt32(0x4846_5354))  // "HFST"
        writer.write(Self.stateEncodingVersion)
        writer.write(lastLSN)
        writer.write(now)
        encodeStock(into: &writer)
        encodeLines(into: &writer)
        encodeReservations(into: &writer)
        encodeCarts(into: &writer)
        encodeOrders(into: &writer)
        encodeIdempotency(into: &writer)
        encodePrices(into: &writer)
        return writer.bytes
    }

    private func encodeStock(into writer: inout BinaryWriter) {
        writer.write(count: stock.stores.count)
        for store in stock.stores {
            writer.write(store.name)
            writer.write(count: store.locationNames.count)
            for location in store.locationNames { writer.write(location) }
            writer.write(count: store.locationPriority.count)
            for location in store.locationPriority { writer.write(location) }
        }
        writer.write(count: stock.skus.count)
        for sku in stock.skus {
            writer.write(sku.store)
            writer.write(sku.name)
            writer.write(sku.firstStockRecord)
        }
        writer.write(count: stock.records.count)
        for record in stock.records {
            writer.write(record.onHand)
            writer.write(record.reserved)
            writer.write(record.committed)
            writer.write(record.safetyStock)
            writer.write(record.lowStockThreshold)
            writer.write(record.backorderLimit)
            writer.write(record.sku)
            writer.write(record.nextOfSKU)
            writer.write(record.location)
        }
    }

    private func encodeLines(into writer: inout BinaryWriter) {
        writer.write(count: lines.nodes.count)
        for node in lines.nodes {
            writer.write(node.stockRecord)
            writer.write(node.next)
            writer.write(node.quantity)
            writer.write(node.unitPriceMinor)
        }
        writer.write(lines.freeHead)
        writer.write(count: lines.freeCount)
    }

    private func encode(_ chain: LinePool.Chain, into writer: inout BinaryWriter) {
        writer.write(chain.first)
        writer.write(chain.last)
        writer.write(chain.count)
    }

    private func encodeSlots<Record>(_ table: SlotTable<Record>, into writer: inout BinaryWriter, _ body: (Record, inout BinaryWriter) -> Void) {
        writer.write(count: table.records.count)
        for record in table.records { body(record, &writer) }
        writer.write(count: table.freeSlots.count)
        for slot in table.freeSlots { writer.write(slot) }
    }

    private func encode(_ queue: RetentionQueue, into writer: inout BinaryWriter) {
        let entries = queue.entries
        writer.write(count: entries.count)
        for entry in entries {
            writer.write(entry.timestamp)
            writer.write(entry.slot)
        }
    }

    private func encodeReservations(into writer: inout BinaryWriter) {
        encodeSlots(reservations.slots, into: &writer) { record, writer in
            writer.write(record.store)
            writer.write(record.id)
            writer.write(record.owner)
            writer.write(record.status.rawValue)
            writer.write(record.cart)
            writer.write(record.deadline)
            writer.write(record.finishedAt)
            encode(record.lines, into: &writer)
            writer.write(record.fingerprint)
            writer.write(record.heapPosition)
            writer.write(record.orderID)
        }
        writer.write(count: reservations.heap.count)
        for entry in reservations.heap {
            writer.write(entry.deadline)
            writer.write(entry.slot)
        }
        encode(reservations.finished, into: &writer)
    }

    private func encodeCarts(into writer: inout BinaryWriter) {
        encodeSlots(carts.slots, into: &writer) { cart, writer in
            writer.write(cart.store)
            writer.write(cart.id)
            writer.write(cart.customerID)
            writer.write(count: cart.lines.count)
            for line in cart.lines {
                writer.write(line.sku)
                writer.write(line.quantity)
            }
            writer.write(cart.holdStock)
            writer.write(cart.holdTTLSeconds)
            writer.write(cart.hold)
            writer.write(cart.touchedAt)
            writer.write(cart.touchedLSN)
        }
    }

    private func encodeOrders(into writer: inout BinaryWriter) {
        encodeSlots(orders.slots, into: &writer) { order, writer in
            writer.write(order.store)
            writer.write(order.id)
            writer.write(order.customerID)
            writer.write(order.status.rawValue)
            encode(order.lines, into: &writer)
            for amount in [order.subtotalMinor, order.taxMinor, order.shippingMinor, order.discountMinor, order.totalMinor] {
                writer.write(amount)
            }
            writer.write(order.currency)
            writer.write(order.placedAt)
            writer.write(order.placedLSN)
            writer.write(order.finishedAt)
            writer.write(order.fingerprint)
            writer.write(order.reservationID)
        }
        encode(orders.finished, into: &writer)
    }

    /// The price list in SKU order: count, then per entry SKU (slot), currency, unit price.
    private func encodePrices(into writer: inout BinaryWriter) {
        let entries = prices.sortedEntries
        writer.write(count: entries.count)
        for entry in entries {
            writer.write(entry.sku)
            writer.write(entry.price.currency)
            writer.write(entry.price.unitPriceMinor)
        }
    }

    private func encodeIdempotency(into writer: inout BinaryWriter) {
        encodeSlots(idempotency.slots, into: &writer) { entry, writer in
            writer.write(entry.key.store)
            writer.write(entry.key.name)
            writer.write(entry.customer)
            writer.write(entry.fingerprint)
            writer.write(entry.recordedAt)
            writer.write(entry.result != nil)
            if let result = entry.result { ResultEncoding.encode(result, into: &writer) }
        }
        encode(idempotency.queue, into: &writer)
    }
}
