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
    private(set) var slotByKey: [ScopedKey: Int32] = [:]
    /// Every live entry, oldest first.
    var queue = RetentionQueue()

    var liveCount: Int { slots.liveCount }

    func entry(store: Int32, key: String) -> Entry? {
        slotByKey[ScopedKey(store: store, name: key)].map { slots[$0] }
    }

    mutating func record(_ entry: Entry) {
        precondition(slotByKey[entry.key] == nil)
        let slot = slots.insert(entry)
        slotByKey[entry.key] = slot
        queue.push(RetentionQueue.Entry(timestamp: entry.recordedAt, slot: slot))
    }

    /// Drops the oldest entry; returns false when there is none.
    mutating func removeOldest() -> Bool {
        guard let oldest = queue.popFront() else { return false }
        slotByKey[slots[oldest.slot].key] = nil
        slots.remove(oldest.slot, tombstone: Entry(key: ScopedKey(store: noSlot, name: ""), fingerprint: 0, result: nil, recordedAt: 0))
        return true
    }
}
