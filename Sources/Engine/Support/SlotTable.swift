/// Dense storage of records addressed by `Int32` slots, with a free list so
/// freed slots are reused before the table grows. Slot order and reuse are
/// deterministic, which keeps replayed state byte-identical.
///
/// Both arrays reserve `reservedCapacity` (the owner's limit) up front; a large
/// reservation is lazily committed memory, so the table costs the pages its
/// records fill, and appending up to the limit never reallocates.
struct SlotTable<Record: Sendable>: Sendable {
    private(set) var records: [Record] = []
    private(set) var freeSlots: [Int32] = []
    /// The slots the table was sized for; past it, the arrays double.
    private(set) var reservedCapacity = 0
    /// Records whose pages were asked for ahead of use (`PageCommitter`).
    private var committedRecords = 0

    init(capacity: Int = 0) {
        reserve(capacity)
    }

    /// Slots in use.
    var liveCount: Int { records.count - freeSlots.count }

    mutating func insert(_ record: Record) -> Int32 {
        if let slot = freeSlots.popLast() {
            records[Int(slot)] = record
            return slot
        }
        records.append(record, reserving: reservedCapacity, committedThrough: &committedRecords)
        return Int32(records.count - 1)
    }

    /// Frees a slot, overwriting its record with `tombstone` so it holds no references.
    mutating func remove(_ slot: Int32, tombstone: Record) {
        records[Int(slot)] = tombstone
        freeSlots.append(slot, reserving: reservedCapacity)
    }

    subscript(slot: Int32) -> Record {
        _read { yield records[Int(slot)] }
        _modify { yield &records[Int(slot)] }
    }

    /// The slots in use, ascending; linear in the table's size (for invariant checks).
    var liveSlots: [Int32] {
        var free = [Bool](repeating: false, count: records.count)
        for slot in freeSlots { free[Int(slot)] = true }
        return (0..<Int32(records.count)).filter { !free[Int($0)] }
    }

    /// Sizes the table for `capacity` slots.
    private mutating func reserve(_ capacity: Int) {
        precondition(capacity >= 0)
        reservedCapacity = capacity
        records.reserveCapacity(capacity)
        freeSlots.reserveCapacity(capacity)
    }
}

extension SlotTable {
    /// A table of `capacity` slots restored from its encoding: `records` in slot
    /// order, `freeSlots` in free-list order (the caller has checked they are
    /// distinct and in range).
    init(restoringRecords records: [Record], freeSlots: [Int32], capacity: Int) {
        self.records = records
        self.freeSlots = freeSlots
        reserve(capacity)
    }
}
