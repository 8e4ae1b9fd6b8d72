/// Results of keyed requests, kept for the retention window so a retry with the
/// same key and content gets the original answer and changes nothing.
struct IdempotencyTable: Sendable {
    struct Entry: Sendable {
        var key: ScopedKey
        var fingerprint: UInt64
        var result: CommandResult?
        var recordedAt: Int64
    }

    var slots = SlotTable<Entry>()
    private var slotsByKey = HashIndex()
    /// Every live entry, oldest first.
    var queue = RetentionQueue()

    var liveCount: Int { slots.liveCount }

    func entry(store: Int32, key: String) -> Entry? {
        slot(ScopedKey(store: store, name: key)).map { slots[$0] }
    }

    private func slot(_ key: ScopedKey) -> Int32? {
        slotsByKey.find(hash: HashIndex.hash(store: key.store, name: key.name)) { slots.records[Int($0)].key == key }
    }

    mutating func record(_ entry: Entry) {
        precondition(slot(entry.key) == nil)
        let slot = slots.insert(entry)
        slotsByKey.insert(hash: HashIndex.hash(store: entry.key.store, name: entry.key.name), value: slot)
        queue.push(RetentionQueue.Entry(timestamp: entry.recordedAt, slot: slot))
    }

    /// Drops the oldest entry; returns false when there is none.
    mutating func removeOldest() -> Bool {
        guard let oldest = queue.popFront() else { return false }
        let key = slots[oldest.slot].key
        slotsByKey.remove(hash: HashIndex.hash(store: key.store, name: key.name), value: oldest.slot)
        slots.remove(oldest.slot, tombstone: Entry(key: ScopedKey(store: noSlot, name: ""), fingerprint: 0, result: nil, recordedAt: 0))
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
