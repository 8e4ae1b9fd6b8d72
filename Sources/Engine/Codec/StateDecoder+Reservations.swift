/// The reservation table as read, before its cart links are checked.
struct DecodedReservations {
    var slots: DecodedSlots<ReservationRecord>
    var heap: [ReservationTable.HeapEntry]
    var finished: RetentionQueue
    var slotsByID: HashIndex

    var table: ReservationTable {
        ReservationTable(restoringSlots: slots.table, slotsByID: slotsByID, heap: heap, finished: finished)
    }
}

extension StateDecoder {
    /// Reservations and cart holds, the expiry heap and the retention queue of
    /// finished reservations; rebuilds `idHash` and the id index. Cart links
    /// are checked once the carts are read (`checkCartHolds`).
    mutating func decodeReservations(stock: StockTable, lines: inout DecodedLines) throws -> DecodedReservations {
        let capacity = limits.reservationsPerShardMax
        let slots = try readSlotTable(
            "reservation", capacity: capacity, recordBytes: 55, storeCount: stock.stores.count
        ) { decoder, slot, store, start in
            try decoder.readReservation(store: store, at: start, slotCount: capacity, stock: stock, lines: &lines)
        }
        let heap = try readHeap(slots)
        var listed = [Bool](repeating: false, count: slots.count)
        let queueOffset = offset
        let finished = try readRetentionQueue(
            "finished reservations", slotCount: slots.count, capacity: capacity) { entry, start in
            let record = slots.records[Int(entry.slot)]
            guard slots.isLive(entry.slot), !record.isCartHold, record.status != .active, !listed[Int(entry.slot)],
                record.finishedAt == entry.timestamp
            else {
                throw DecodingError(
                    offset: start, reason: "finished reservation entry for slot \(entry.slot) does not match it")
            }
            listed[Int(entry.slot)] = true
        }
        for slot in 0..<slots.count where slots.isLive[slot] && !listed[slot] {
            let record = slots.records[slot]
            if !record.isCartHold && record.status != .active {
                throw DecodingError(
                    offset: queueOffset, reason: "finished reservation \(record.id) is not in the retention queue")
            }
        }
        let records = slots.records
        let slotsByID = try Self.buildIndex(
            count: slots.count, include: { slots.isLive[$0] && !records[$0].isCartHold }, hash: { records[$0].idHash },
            sameKey: { records[Int($0)].store == records[$1].store && records[Int($0)].id == records[$1].id },
            duplicate: {
                DecodingError(offset: slots.recordOffsets[$0], reason: "reservation \(records[$0].id) appears twice")
            })
        return DecodedReservations(slots: slots, heap: heap, finished: finished, slotsByID: slotsByID)
    }

    /// One reservation record (its store already read). The cart reference is
    /// range-checked here against the cart capacity and linked up later.
    private mutating func readReservation(
        store: Int32, at start: Int, slotCount: Int, stock: StockTable, lines: inout DecodedLines
    ) throws -> ReservationRecord {
        let live = store != noSlot
        let id = try readName("reservationID", maxBytes: Limits.reservationIDMaxBytes, live: live)
        let owner = try readOptionalName("owner", maxBytes: Limits.ownerMaxBytes, live: live)
        let status = try readStatus("reservation status", as: ReservationStatus.self)
        let cart = try readReference("hold's cart", below: limits.cartsPerShardMax, nullable: true)
        let deadline = try reader.readInt64()
        let finishedAt = try readInt64("finishedAt", in: 0...now)
        let (chain, _) = try readChain(live: live, store: store, prices: 0...0, lines: &lines, stock: stock)
        let fingerprint = try reader.readUInt64()
        let heapPosition = try readReference("heap position", below: slotCount, nullable: true)
        let orderID = try readOptionalName("orderID", maxBytes: Limits.orderIDMaxBytes, live: live)
        let record = ReservationRecord(
            store: store, id: id, owner: owner, status: status, cart: cart, deadline: deadline, finishedAt: finishedAt,
            lines: chain, fingerprint: fingerprint, heapPosition: heapPosition, orderID: orderID,
            idHash: live && cart == noSlot ? HashIndex.hash(store: store, name: id) : 0)
        if let problem = live ? Self.problem(ofLive: record) : Self.problem(ofBlank: record) {
            throw DecodingError(offset: start, reason: "reservation \(id): \(problem)")
        }
        return record
    }

    /// What is wrong with a live reservation's status fields, if anything.
    private static func problem(ofLive record: ReservationRecord) -> String? {
        let isActive = record.status == .active
        if isActive != (record.heapPosition != noSlot) {
            return "status \(record.status) but heap position \(record.heapPosition)"
        }
        if isActive && record.finishedAt != 0 { return "active but finished at \(record.finishedAt)" }
        if record.isCartHold {
            if !isActive { return "a cart hold that is \(record.status)" }
            if record.fingerprint != 0 || record.orderID != nil { return "a cart hold with a fingerprint or order" }
        } else if (record.status == .confirmed) != (record.orderID != nil) {
            return "status \(record.status) with order \(record.orderID ?? "none")"
        }
        return nil
    }

    /// What makes a free slot's record differ from `ReservationRecord.vacant`, if anything.
    private static func problem(ofBlank record: ReservationRecord) -> String? {
        let vacant = ReservationRecord.vacant
        let blank =
            record.owner == nil && record.status == vacant.status && record.cart == vacant.cart
            && record.deadline == vacant.deadline && record.finishedAt == vacant.finishedAt
            && record.fingerprint == vacant.fingerprint && record.heapPosition == vacant.heapPosition
        return blank ? nil : "a free slot's record is not blank"
    }

    /// The expiry heap: exactly the live active reservations, each entry at its
    /// record's heap position with its deadline, in (deadline, slot) heap order.
    private mutating func readHeap(_ slots: DecodedSlots<ReservationRecord>) throws -> [ReservationTable.HeapEntry] {
        let countOffset = offset
        let count = try readCount("expiry heap", capacity: slots.count, elementBytes: 12)
        var heap: [ReservationTable.HeapEntry] = []
        heap.reserveCapacity(limits.reservationsPerShardMax)
        for position in 0..<count {
            let start = offset
            let deadline = try reader.readInt64()
            let slot = try readReference("heap slot", below: slots.count)
            let entry = ReservationTable.HeapEntry(deadline: deadline, slot: slot)
            let record = slots.records[Int(slot)]
            guard slots.isLive(slot), record.status == .active, record.heapPosition == Int32(position),
                record.deadline == deadline
            else {
                throw DecodingError(
                    offset: start, reason: "heap entry \(position) does not match reservation slot \(slot)")
            }
            guard position == 0 || !entry.precedes(heap[(position - 1) / 2]) else {
                throw DecodingError(offset: start, reason: "expiry heap order broken at \(position)")
            }
            heap.append(entry)
        }
        let activeCount = slots.records.indices.lazy.filter { slots.isLive[$0] && slots.records[$0].status == .active }
            .count
        guard activeCount == count else {
            throw DecodingError(
                offset: countOffset, reason: "expiry heap holds \(count) entries for \(activeCount) active reservations"
            )
        }
        return heap
    }
}
