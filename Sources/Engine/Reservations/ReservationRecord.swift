/// One reservation (or a cart's hold) in the reservation table.
struct ReservationRecord: Sendable {
    var store: Int32
    /// The client's id, or the cart id for a cart hold.
    var id: String
    var owner: String?
    var status: ReservationStatus
    /// The cart slot for a cart hold, `noSlot` for a client reservation.
    var cart: Int32
    var deadline: Int64
    var finishedAt: Int64
    var lines: LinePool.Chain
    /// `StableHasher` fingerprint of the reserve request, for idempotent retries.
    var fingerprint: UInt64
    /// Position in the expiry heap while active; `noSlot` otherwise.
    var heapPosition: Int32
    var orderID: String?
    /// `HashIndex.hash(store:name:)` of the id, kept so removal needs no rehash.
    var idHash: UInt64

    var isCartHold: Bool { cart != noSlot }

    static let vacant = ReservationRecord(
        store: noSlot, id: "", owner: nil, status: .released, cart: noSlot, deadline: 0,
        finishedAt: 0, lines: LinePool.Chain(), fingerprint: 0, heapPosition: noSlot, orderID: nil, idHash: 0)
}

/// Reservations by slot, the id index, the expiry heap and the retention queue
/// of finished reservations kept for idempotent retries, each sized up front
/// for `Limits.reservationsPerShardMax`.
struct ReservationTable: Sendable {
    var slots = SlotTable<ReservationRecord>()
    private var slotsByID = HashIndex()
    /// Active reservations, a binary min-heap on (deadline, slot). Entries carry
    /// the deadline so sifting never touches the records.
    private(set) var heap: [HeapEntry] = []
    /// Heap entries whose pages were asked for ahead of use (`PageCommitter`).
    private var committedHeap = 0

    struct HeapEntry: Sendable, Equatable {
        var deadline: Int64
        var slot: Int32

        func precedes(_ other: HeapEntry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && slot < other.slot)
        }
    }
    /// Finished client reservations, oldest first.
    var finished = RetentionQueue()

    /// An empty table sized for `capacity` reservations and cart holds; the id
    /// index grows with the reservations.
    init(capacity: Int = 0) {
        slots = SlotTable(capacity: capacity)
        heap.reserveCapacity(capacity)
        finished = RetentionQueue(capacity: capacity)
    }

    var liveCount: Int { slots.liveCount }
    var activeCount: Int { heap.count }

    func slot(store: Int32, id: String) -> Int32? {
        slot(store: store, id: id, hash: HashIndex.hash(store: store, name: id))
    }

    func slot(store: Int32, id: String, hash: UInt64) -> Int32? {
        slotsByID.find(hash: hash) { slot in
            slots.records[Int(slot)].store == store && slots.records[Int(slot)].id == id
        }
    }

    subscript(slot: Int32) -> ReservationRecord {
        _read { yield slots[slot] }
        _modify { yield &slots[slot] }
    }

    /// Adds an active reservation (indexed by id unless it is a cart hold).
    mutating func insert(_ record: ReservationRecord) -> Int32 {
        precondition(record.status == .active)
        let slot = slots.insert(record)
        if !record.isCartHold {
            assert(record.idHash == HashIndex.hash(store: record.store, name: record.id))
            slotsByID.insert(hash: record.idHash, value: slot)
        }
        heapPush(slot)
        return slot
    }

    /// Ends an active reservation. Client reservations stay for retries; cart
    /// holds are freed by the caller.
    mutating func finish(_ slot: Int32, status: ReservationStatus, at timestamp: Int64) {
        precondition(slots[slot].status == .active && status != .active)
        heapRemove(slot)
        slots[slot].status = status
        slots[slot].finishedAt = timestamp
        if !slots[slot].isCartHold {
            finished.push(RetentionQueue.Entry(timestamp: timestamp, slot: slot))
        }
    }

    /// Frees a finished slot (after purge, or a finished cart hold).
    mutating func free(_ slot: Int32) {
        precondition(slots[slot].status != .active)
        if !slots[slot].isCartHold {
            slotsByID.remove(hash: slots[slot].idHash, value: slot)
        }
        slots.remove(slot, tombstone: .vacant)
    }

    mutating func setDeadline(_ slot: Int32, _ deadline: Int64) {
        slots[slot].deadline = deadline
        let position = Int(slots[slot].heapPosition)
        let previous = heap[position].deadline
        heap[position].deadline = deadline
        if deadline < previous { siftUp(position) } else { siftDown(position) }
    }

    /// The active reservation with the earliest deadline.
    var earliest: Int32? { heap.first?.slot }

    // MARK: Heap

    private mutating func place(_ entry: HeapEntry, at position: Int) {
        heap[position] = entry
        slots[entry.slot].heapPosition = Int32(position)
    }

    private mutating func heapPush(_ slot: Int32) {
        heap.append(
            HeapEntry(deadline: slots[slot].deadline, slot: slot), reserving: slots.reservedCapacity,
            committedThrough: &committedHeap)
        slots[slot].heapPosition = Int32(heap.count - 1)
        siftUp(heap.count - 1)
    }

    private mutating func heapRemove(_ slot: Int32) {
        let position = Int(slots[slot].heapPosition)
        let last = heap.removeLast()
        slots[slot].heapPosition = noSlot
        guard position < heap.count else { return }
        place(last, at: position)
        siftUp(position)
        siftDown(Int(slots[last.slot].heapPosition))
    }

    /// Moves the entry at `start` up until its parent precedes it, writing each
    /// moved entry's position back once.
    private mutating func siftUp(_ start: Int) {
        let entry = heap[start]
        var position = start
        while position > 0 {
            let parent = (position - 1) / 2
            guard entry.precedes(heap[parent]) else { break }
            place(heap[parent], at: position)
            position = parent
        }
        if position != start { place(entry, at: position) }
    }

    private mutating func siftDown(_ start: Int) {
        let entry = heap[start]
        var position = start
        while true {
            let left = 2 * position + 1
            guard left < heap.count else { break }
            var smallest = left
            if left + 1 < heap.count && heap[left + 1].precedes(heap[left]) { smallest = left + 1 }
            guard heap[smallest].precedes(entry) else { break }
            place(heap[smallest], at: position)
            position = smallest
        }
        if position != start { place(entry, at: position) }
    }
}

extension ReservationTable {
    /// A table restored from its encoding, with its id index rebuilt by the
    /// caller; the parts come sized for the capacity (`slots.reservedCapacity`).
    init(
        restoringSlots slots: SlotTable<ReservationRecord>, slotsByID: HashIndex, heap: [HeapEntry],
        finished: RetentionQueue
    ) {
        self.init()
        self.slots = slots
        self.slotsByID = slotsByID
        self.heap = heap
        self.heap.reserveCapacity(slots.reservedCapacity)
        self.finished = finished
    }
}
