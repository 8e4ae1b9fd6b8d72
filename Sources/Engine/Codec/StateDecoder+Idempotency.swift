extension StateDecoder {
    /// Request keys with their fingerprints and recorded answers, and the queue
    /// that expires them; rebuilds the key index.
    mutating func decodeIdempotency(storeCount: Int) throws -> IdempotencyTable {
        let slots = try readSlotTable(
            "request key", capacity: limits.idempotencyKeysPerShardMax, recordBytes: 25, storeCount: storeCount
        ) { decoder, _, store, start in
            try decoder.readKeyEntry(store: store, at: start)
        }
        var listed = [Bool](repeating: false, count: slots.count)
        let queueOffset = offset
        let queue = try readRetentionQueue(
            "request key queue", slotCount: slots.count, capacity: limits.idempotencyKeysPerShardMax
        ) { entry, start in
            guard slots.isLive(entry.slot), !listed[Int(entry.slot)],
                slots.records[Int(entry.slot)].recordedAt == entry.timestamp
            else {
                throw DecodingError(offset: start, reason: "request key entry for slot \(entry.slot) does not match it")
            }
            listed[Int(entry.slot)] = true
        }
        if let unlisted = listed.indices.first(where: { slots.isLive[$0] && !listed[$0] }) {
            throw DecodingError(offset: queueOffset, reason: "request key slot \(unlisted) is not in the expiry queue")
        }
        let records = slots.records
        let slotsByKey = try Self.buildIndex(
            count: slots.count, include: { slots.isLive[$0] },
            hash: { HashIndex.hash(store: records[$0].key.store, name: records[$0].key.name) },
            sameKey: {
                records[Int($0)].key == records[$1].key
                    && IdempotencyTable.sameCustomer(records[Int($0)].customer, records[$1].customer)
            },
            duplicate: {
                DecodingError(
                    offset: slots.recordOffsets[$0], reason: "request key \(records[$0].key.name) appears twice")
            })
        return IdempotencyTable(restoringSlots: slots.table, slotsByKey: slotsByKey, queue: queue)
    }

    /// One entry: a live one has its answer recorded; a free slot's is blank.
    private mutating func readKeyEntry(store: Int32, at start: Int) throws -> IdempotencyTable.Entry {
        let live = store != noSlot
        let name = try readName("requestKey", maxBytes: Limits.requestKeyMaxBytes, live: live)
        // Version 1 had one namespace per store, which service callers keep.
        let customer =
            version >= 2 ? try readOptionalName("customer", maxBytes: Limits.customerIDMaxBytes, live: live) : nil
        let fingerprint = try reader.readUInt64()
        let recordedAt = try readInt64("recordedAt", in: 0...now)
        let hasResult = try reader.readBool()
        let result = hasResult ? try ResultDecoding.decode(from: &reader) : nil
        guard live ? hasResult : (fingerprint == 0 && recordedAt == 0 && !hasResult) else {
            throw DecodingError(
                offset: start,
                reason: live ? "request key \(name) has no recorded answer" : "a free slot's entry is not blank")
        }
        return IdempotencyTable.Entry(
            key: ScopedKey(store: store, name: name), customer: customer, fingerprint: fingerprint, result: result,
            recordedAt: recordedAt)
    }
}
