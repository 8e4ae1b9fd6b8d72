/// One order and its committed lines.
struct OrderRecord: Sendable {
    var store: Int32
    var id: String
    var customerID: String
    var status: OrderStatus
    var lines: LinePool.Chain
    var subtotalMinor: Int64
    var taxMinor: Int64
    var shippingMinor: Int64
    var discountMinor: Int64
    var totalMinor: Int64
    var currency: String
    var placedAt: Int64
    /// LSN of the command that placed it; orders of a customer are listed in this order.
    var placedLSN: UInt64
    var finishedAt: Int64
    /// `StableHasher` fingerprint of the creating request, for idempotent retries.
    var fingerprint: UInt64
    var reservationID: String?

    var isOpen: Bool { status == .placed || status == .paid }

    static let vacant = OrderRecord(
        store: noSlot, id: "", customerID: "", status: .cancelled, lines: LinePool.Chain(), subtotalMinor: 0,
        taxMinor: 0, shippingMinor: 0, discountMinor: 0, totalMinor: 0, currency: "", placedAt: 0, placedLSN: 0, finishedAt: 0,
        fingerprint: 0, reservationID: nil)
}

/// Orders by slot, the id index, each customer's orders in placement order,
/// and the retention queue of fulfilled and cancelled orders.
struct OrderTable: Sendable {
    var slots = SlotTable<OrderRecord>()
    private var slotsByID = HashIndex()
    private(set) var slotsByCustomer: [ScopedKey: [Int32]] = [:]
    var finished = RetentionQueue()

    var liveCount: Int { slots.liveCount }

    /// An empty table sized for `capacity` orders (`Limits.ordersPerShardMax`);
    /// there are never more customers with orders than orders. The id index
    /// grows with the orders.
    init(capacity: Int = 0) {
        slots = SlotTable(capacity: capacity)
        slotsByCustomer = Dictionary(minimumCapacity: capacity)
        finished = RetentionQueue(capacity: capacity)
    }

    func slot(store: Int32, id: String) -> Int32? {
        slotsByID.find(hash: HashIndex.hash(store: store, name: id)) { slot in
            slots.records[Int(slot)].store == store && slots.records[Int(slot)].id == id
        }
    }

    func customerOrders(store: Int32, customerID: String) -> [Int32] {
        slotsByCustomer[ScopedKey(store: store, name: customerID)] ?? []
    }

    /// Where the order placed at `placedLSN` is (or would be) in a customer's
    /// list, which is in placement (LSN) order: a binary search.
    func position(ofPlacedLSN placedLSN: UInt64, in list: [Int32]) -> Int {
        var low = 0
        var high = list.count
        while low < high {
            let middle = (low + high) / 2
            if slots.records[Int(list[middle])].placedLSN < placedLSN { low = middle + 1 } else { high = middle }
        }
        return low
    }

    subscript(slot: Int32) -> OrderRecord {
        _read { yield slots[slot] }
        _modify { yield &slots[slot] }
    }

    mutating func insert(_ record: OrderRecord) -> Int32 {
        let slot = slots.insert(record)
        slotsByID.insert(hash: HashIndex.hash(store: record.store, name: record.id), value: slot)
        slotsByCustomer[ScopedKey(store: record.store, name: record.customerID), default: []].append(slot)
        return slot
    }

    mutating func finish(_ slot: Int32, status: OrderStatus, at timestamp: Int64) {
        slots[slot].status = status
        slots[slot].finishedAt = timestamp
        finished.push(RetentionQueue.Entry(timestamp: timestamp, slot: slot))
    }

    /// Removes a finished order from every index and frees its slot.
    mutating func remove(_ slot: Int32) {
        let record = slots[slot]
        precondition(!record.isOpen, "only finished orders are purged")
        slotsByID.remove(hash: HashIndex.hash(store: record.store, name: record.id), value: slot)
        let customerKey = ScopedKey(store: record.store, name: record.customerID)
        // Find the position without holding a copy of the list, so the removal
        // below mutates the dictionary's array in place.
        let found = slotsByCustomer[customerKey].map { list -> (position: Int, count: Int) in
            let position = position(ofPlacedLSN: record.placedLSN, in: list)
            precondition(position < list.count && list[position] == slot, "order missing from its customer's list")
            return (position, list.count)
        }
        if let found {
            if found.count == 1 {
                slotsByCustomer[customerKey] = nil
            } else {
                slotsByCustomer[customerKey]!.remove(at: found.position)
            }
        }
        slots.remove(slot, tombstone: .vacant)
    }
}

extension OrderTable {
    /// A table restored from its encoding, with its indices rebuilt by the caller
    /// (each customer's list in placement order).
    init(
        restoringSlots slots: SlotTable<OrderRecord>, slotsByID: HashIndex, slotsByCustomer: [ScopedKey: [Int32]],
        finished: RetentionQueue
    ) {
        self.init()
        self.slots = slots
        self.slotsByID = slotsByID
        self.slotsByCustomer = slotsByCustomer
        self.slotsByCustomer.reserveCapacity(slots.reservedCapacity)
        self.finished = finished
    }
}
