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

    var isCartHold: Bool { cart != noSlot }

    static let vacant = ReservationRecord(
        store: noSlot, id: "", owner: nil, status: .released, cart: noSlot, deadline: 0,
        finishedAt: 0, lines: LinePool.Chain(), fingerprint: 0, heapPosition: noSlot, orderID: nil)
}

/// Reservations by slot, the id index, the expiry heap and the retention queue
/// of finished reservations kept for idempotent retries.
struct ReservationTable: Sendable {
    var slots = SlotTable<ReservationRecord>()
    private(set) var slotByKey: [ScopedKey: Int32] = [:]
    /// Slots of active reservations, a binary min-heap on (deadline, slot).
    private(set) var heap: [Int32] = []
    /// Finished client reservations, oldest first.
    var finished = RetentionQueue()

    var liveCount: Int { slots.liveCount }
    var activeCount: Int { heap.count }

    func slot(store: Int32, id: String) -> Int32? { slotByKey[ScopedKey(store: store, name: id)] }

    subscript(slot: Int32) -> ReservationRecord {
        get { slots[slot] }
        _modify { yield &slots[slot] }
    }

    /// Adds an active reservation (indexed by id unless it is a cart hold).
    mutating func insert(_ record: ReservationRecord) -> Int32 {
        precondition(record.status == .active)
        let slot = slots.insert(record)
        if !record.isCartHold {
            slotByKey[ScopedKey(store: record.store, name: record.id)] = slot
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
            slotByKey[ScopedKey(store: slots[slot].store, name: slots[slot].id)] = nil
        }
        slots.remove(slot, tombstone: .vacant)
    }

    mutating func setDeadline(_ slot: Int32, _ deadline: Int64) {
        let previous = slots[slot].deadline
        slots[slot].deadline = deadline
        let position = Int(slots[slot].heapPosition)
        if deadline < previous { siftUp(position) } else { siftDown(position) }
    }

    /// The active reservation with the earliest deadline.
    var earliest: Int32? { heap.first }

    // MARK: Heap

    private func precedes(_ a: Int32, _ b: Int32) -> Bool {
        let deadlineA = slots[a].deadline
        let deadlineB = slots[b].deadline
        return deadlineA < deadlineB || (deadlineA == deadlineB && a < b)
    }

    private mutating func place(_ slot: Int32, at position: Int) {
        heap[position] = slot
        slots[slot].heapPosition = Int32(position)
    }

    private mutating func heapPush(_ slot: Int32) {
        heap.append(slot)
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
        siftDown(Int(slots[last].heapPosition))
    }

    private mutating func siftUp(_ start: Int) {
        var position = start
        while position > 0 {
            let parent = (position - 1) / 2
            guard precedes(heap[position], heap[parent]) else { return }
            let child = heap[position]
            place(heap[parent], at: position)
            place(child, at: parent)
            position = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var position = start
        while true {
            let left = 2 * position + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count && precedes(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard precedes(heap[smallest], heap[position]) else { return }
            let parent = heap[position]
            place(heap[smallest], at: position)
            place(parent, at: smallest)
            position = smallest
        }
    }
}
