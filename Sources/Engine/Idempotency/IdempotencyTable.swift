/// Results of keyed requests, kept for the retention window so a retry with the
/// same key and content gets the original answer and changes nothing. Keys
/// are scoped to a store and a caller: each customer has its own namespace,
/// service callers share one (`customer` nil).
struct IdempotencyTable: Sendable {
    struct Entry: Sendable {
        var key: ScopedKey
        /// The customer whose key it is; nil for service callers.
        var customer: String?
        var fingerprint: UInt64
        var result: CommandResult?
        var recordedAt: Int64
    }

    var slots = SlotTable<Entry>()
    private var slotsByKey = HashIndex()
    /// Every live entry, oldest first.
    var queue = RetentionQueue()

    var liveCount: Int { slots.liveCount }

    /// An empty table sized for `capacity` keys (`Limits.idempotencyKeysPerShardMax`);
    /// the key index grows with the keys.
    init(capacity: Int = 0) {
        slots = SlotTable(capacity: capacity)
        queue = RetentionQueue(capacity: capacity)
    }

    func entry(store: Int32, key: String, customer: String?) -> Entry? {
        slot(ScopedKey(store: store, name: key), customer: customer).map { slots[$0] }
    }

    /// Same key and same customer, byte for byte.
    private func slot(_ key: ScopedKey, customer: String?) -> Int32? {
        slotsByKey.find(hash: HashIndex.hash(store: key.store, name: key.name)) {
            let entry = slots.records[Int($0)]
            return entry.key == key && Self.sameCustomer(entry.customer, customer)
        }
    }

    static func sameCustomer(_ first: String?, _ second: String?) -> Bool {
        switch (first, second) {
        case (nil, nil): true
        case (let first?, let second?): IdentifierRule.same(first, second)
        default: false
        }
    }

    mutating func record(_ entry: Entry) {
        precondition(slot(entry.key, customer: entry.customer) == nil)
        let slot = slots.insert(entry)
        slotsByKey.insert(hash: HashIndex.hash(store: entry.key.store, name: entry.key.name), value: slot)
        queue.push(RetentionQueue.Entry(timestamp: entry.recordedAt, slot: slot))
    }

    /// Drops the oldest entry; returns false when there is none.
    mutating func removeOldest() -> Bool {
        guard let oldest = queue.popFront() else { return false }
        let key = slots[oldest.slot].key
        slotsByKey.remove(hash: HashIndex.hash(store: key.store, name: key.name), value: oldest.slot)
        slots.remove(
            oldest.slot,
            tombstone: Entry(
                key: ScopedKey(store: noSlot, name: ""), customer: nil, fingerprint: 0, result: nil, recordedAt: 0))
        return true
    }
}

extension IdempotencyTable {
    /// A table restored from its encoding, with its key index rebuilt by the caller.
    init(restoringSlots slots: SlotTable<Entry>, slotsByKey: HashIndex, queue: RetentionQueue) {
        self.init()
        self.slots = slots
        self.slotsByKey = slotsByKey
        self.queue = queue
    }
}
