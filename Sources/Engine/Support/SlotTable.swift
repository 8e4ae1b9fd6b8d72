/// Dense storage of records addressed by `Int32` slots, with a free list so
/// freed slots are reused before the table grows. Slot order and reuse are
/// deterministic, which keeps replayed state byte-identical.
struct SlotTable<Record: Sendable>: Sendable {
    private(set) var records: [Record] = []
    private(set) var freeSlots: [Int32] = []

    /// Slots in use.
    var liveCount: Int { records.count - freeSlots.count }

    mutating func insert(_ record: Record) -> Int32 {
        if let slot = freeSlots.popLast() {
            records[Int(slot)] = record
            return slot
        }
        records.append(record)
        return Int32(records.count - 1)
    }

    /// Frees a slot, overwriting its record with `tombstone` so it holds no references.
    mutating func remove(_ slot: Int32, tombstone: Record) {
        records[Int(slot)] = tombstone
        freeSlots.append(slot)
    }

    subscript(slot: Int32) -> Record {
        _read { yield records[Int(slot)] }
        _modify { yield &records[Int(slot)] }
    }

    /// Whether `slot` is on the free list (linear; for invariant checks only).
    func isFree(_ slot: Int32) -> Bool { freeSlots.contains(slot) }
}

extension SlotTable {
    /// A table restored from its encoding: `records` in slot order, `freeSlots`
    /// in free-list order (the caller has checked they are distinct and in range).
    init(restoringRecords records: [Record], freeSlots: [Int32]) {
        self.init()
        self.records = records
        self.freeSlots = freeSlots
    }
}
