extension StateDecoder {
    /// Carts, with their id index rebuilt; checks that carts and cart holds
    /// point at each other.
    mutating func decodeCarts(stock: StockTable, lines: LinePool, reservations: DecodedReservations) throws -> CartTable
    {
        let holds = reservations.slots
        let slots = try readSlotTable(
            "cart", capacity: limits.cartsPerShardMax, recordBytes: 26, storeCount: stock.stores.count
        ) { decoder, slot, store, start in
            try decoder.readCart(slot: slot, store: store, at: start, stock: stock, lines: lines, holds: holds)
        }
        try Self.checkCartHolds(holds, carts: slots)
        let records = slots.records
        let slotsByID = try Self.buildIndex(
            count: slots.count, include: { slots.isLive[$0] },
            hash: { HashIndex.hash(store: records[$0].store, name: records[$0].id) },
            sameKey: { records[Int($0)].store == records[$1].store && records[Int($0)].id == records[$1].id },
            duplicate: {
                DecodingError(offset: slots.recordOffsets[$0], reason: "cart \(records[$0].id) appears twice")
            })
        return CartTable(restoringSlots: slots.table, slotsByID: slotsByID)
    }

    private mutating func readCart(
        slot: Int32, store: Int32, at start: Int, stock: StockTable, lines pool: LinePool,
        holds: DecodedSlots<ReservationRecord>
    ) throws -> CartRecord {
        let live = store != noSlot
        let id = try readName("cartID", maxBytes: Limits.cartIDMaxBytes, live: live)
        let customerID = try readOptionalName("customerID", maxBytes: Limits.customerIDMaxBytes, live: live)
        let lines = try readCartLines(live: live, store: store, stock: stock)
        let holdStock = try reader.readBool()
        let ttlOffset = offset
        let holdTTLSeconds = try reader.readInt64()
        let hold = try readReference("cart hold", below: holds.count, nullable: true)
        // Version 1 kept no change times: such carts count as changed at the state's time, in slot order.
        let touchedAt = version >= 2 ? try readInt64("cart touchedAt", in: 0...now) : (live ? now : 0)
        let lsnOffset = offset
        let touchedLSN = version >= 2 ? try reader.readUInt64() : (live ? lastLSN : 0)
        guard touchedLSN <= lastLSN else {
            throw DecodingError(offset: lsnOffset, reason: "cart touchedLSN \(touchedLSN) is after the state's LSN")
        }
        let cart = CartRecord(
            store: store, id: id, customerID: customerID, lines: lines, holdStock: holdStock,
            holdTTLSeconds: holdTTLSeconds, hold: hold, touchedAt: touchedAt, touchedLSN: touchedLSN)
        guard live else {
            guard !holdStock, holdTTLSeconds == 0, hold == noSlot, touchedAt == 0, touchedLSN == 0 else {
                throw DecodingError(offset: start, reason: "a free cart slot's record is not blank")
            }
            return cart
        }
        if let error = Validation.ttl(holdTTLSeconds) { throw DecodingError(offset: ttlOffset, reason: "\(error)") }
        if hold != noSlot {
            let reservation = holds.records[Int(hold)]
            guard holdStock, !lines.isEmpty, holds.isLive(hold), reservation.cart == slot, reservation.store == store,
                reservation.id == id
            else {
                throw DecodingError(offset: start, reason: "cart \(id): hold \(hold) is not this cart's hold")
            }
            guard Self.hold(reservation.lines, covers: lines, pool: pool, stock: stock) else {
                throw DecodingError(offset: start, reason: "cart \(id): hold \(hold) does not cover exactly its lines")
            }
        }
        return cart
    }

    /// A cart's lines: each a SKU of the cart's store, once, with quantity 1...`quantityMax`.
    private mutating func readCartLines(live: Bool, store: Int32, stock: StockTable) throws -> [CartLineRecord] {
        let countOffset = offset
        let count = try readCount("cart lines", capacity: Limits.cartLinesMax, elementBytes: 12)
        guard live || count == 0 else { throw DecodingError(offset: countOffset, reason: "a free cart slot has lines") }
        var lines: [CartLineRecord] = []
        lines.reserveCapacity(count)
        for _ in 0..<count {
            let start = offset
            let sku = try readReference("cart line SKU", below: stock.skus.count)
            let quantity = try readInt64("cart line quantity", in: 1...Limits.quantityMax)
            guard stock.skus[Int(sku)].store == store, !lines.contains(where: { $0.sku == sku }) else {
                throw DecodingError(offset: start, reason: "cart line SKU \(sku) is of another store or repeated")
            }
            lines.append(CartLineRecord(sku: sku, quantity: quantity))
        }
        return lines
    }

    /// Whether a hold's chain (already checked) is what allocating `cartLines`
    /// makes: per line, in order, consecutive nodes of its SKU whose
    /// quantities add up to the line's.
    private static func hold(
        _ chain: LinePool.Chain, covers cartLines: [CartLineRecord], pool: LinePool, stock: StockTable
    ) -> Bool {
        var index = chain.first
        for line in cartLines {
            var remaining = line.quantity
            while remaining > 0 {
                guard index != noSlot else { return false }
                let node = pool[index]
                guard stock.records[Int(node.stockRecord)].sku == line.sku, node.quantity <= remaining else {
                    return false
                }
                remaining -= node.quantity
                index = node.next
            }
        }
        return index == noSlot
    }

    /// Every live cart hold is the hold of the live cart it names.
    private static func checkCartHolds(_ holds: DecodedSlots<ReservationRecord>, carts: DecodedSlots<CartRecord>) throws
    {
        for slot in 0..<holds.count where holds.isLive[slot] && holds.records[slot].isCartHold {
            let cart = holds.records[slot].cart
            guard Int(cart) < carts.count, carts.isLive(cart), carts.records[Int(cart)].hold == Int32(slot) else {
                throw DecodingError(
                    offset: holds.recordOffsets[slot],
                    reason: "cart hold \(holds.records[slot].id) is not the hold of cart \(cart)")
            }
        }
    }
}
