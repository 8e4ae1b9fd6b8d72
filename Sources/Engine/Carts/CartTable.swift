/// One cart line: an interned SKU and its quantity.
struct CartLineRecord: Sendable, Equatable {
    var sku: Int32
    var quantity: Int64
}

/// One open cart. Checked-out and cleared carts are removed.
struct CartRecord: Sendable {
    var store: Int32
    var id: String
    var customerID: String?
    var lines: [CartLineRecord]
    var holdStock: Bool
    var holdTTLSeconds: Int64
    /// The reservation slot of the cart's hold while it holds stock, else `noSlot`.
    var hold: Int32
    /// The batch time of the cart's last change (idle-cart retention counts from it).
    var touchedAt: Int64 = 0
    /// The LSN of the cart's last change: its place in the idle order.
    var touchedLSN: UInt64 = 0
    /// Neighbours in the idle order (least recently changed first); rebuilt on load.
    var idlePrevious: Int32 = noSlot
    var idleNext: Int32 = noSlot

    static let vacant = CartRecord(
        store: noSlot, id: "", customerID: nil, lines: [], holdStock: false, holdTTLSeconds: 0, hold: noSlot)
}

struct CartTable: Sendable {
    var slots = SlotTable<CartRecord>()
    private var slotsByID = HashIndex()
    /// The idle order: every live cart, by `touchedLSN`, least recent first.
    private(set) var idleHead: Int32 = noSlot
    private var idleTail: Int32 = noSlot

    var liveCount: Int { slots.liveCount }

    /// An empty table sized for `capacity` carts (`Limits.cartsPerShardMax`);
    /// the id index grows with the carts.
    init(capacity: Int = 0) {
        slots = SlotTable(capacity: capacity)
    }

    func slot(store: Int32, id: String) -> Int32? {
        slotsByID.find(hash: HashIndex.hash(store: store, name: id)) { slot in
            slots.records[Int(slot)].store == store && slots.records[Int(slot)].id == id
        }
    }

    subscript(slot: Int32) -> CartRecord {
        _read { yield slots[slot] }
        _modify { yield &slots[slot] }
    }

    mutating func insert(_ record: CartRecord) -> Int32 {
        let slot = slots.insert(record)
        slotsByID.insert(hash: HashIndex.hash(store: record.store, name: record.id), value: slot)
        return slot
    }

    /// Records a change of the cart in `slot` at (`time`, `lsn`): it moves to the
    /// end of the idle order. LSNs only grow, so the order stays sorted.
    mutating func touch(_ slot: Int32, at time: Int64, lsn: UInt64) {
        precondition(idleTail == noSlot || slots[idleTail].touchedLSN <= lsn, "touches come in LSN order")
        unlinkIdle(slot)
        slots[slot].touchedAt = time
        slots[slot].touchedLSN = lsn
        appendIdle(slot)
    }

    private mutating func appendIdle(_ slot: Int32) {
        slots[slot].idlePrevious = idleTail
        slots[slot].idleNext = noSlot
        if idleTail == noSlot { idleHead = slot } else { slots[idleTail].idleNext = slot }
        idleTail = slot
    }

    private mutating func unlinkIdle(_ slot: Int32) {
        let previous = slots[slot].idlePrevious
        let next = slots[slot].idleNext
        guard previous != noSlot || next != noSlot || idleHead == slot else { return }
        if previous == noSlot { idleHead = next } else { slots[previous].idleNext = next }
        if next == noSlot { idleTail = previous } else { slots[next].idlePrevious = previous }
        slots[slot].idlePrevious = noSlot
        slots[slot].idleNext = noSlot
    }

    /// Rebuilds the idle order of a table restored from its encoding.
    mutating func rebuildIdleOrder() {
        idleHead = noSlot
        idleTail = noSlot
        let live = slots.records.indices.filter { slots.records[$0].store != noSlot }
        let ordered = live.sorted {
            (slots.records[$0].touchedLSN, $0) < (slots.records[$1].touchedLSN, $1)
        }
        for index in ordered {
            appendIdle(Int32(index))
        }
    }

    mutating func remove(_ slot: Int32) {
        precondition(slots[slot].hold == noSlot, "a cart is removed only after its hold is released")
        unlinkIdle(slot)
        slotsByID.remove(hash: HashIndex.hash(store: slots[slot].store, name: slots[slot].id), value: slot)
        slots.remove(slot, tombstone: .vacant)
    }
}

extension CartTable {
    /// A table restored from its encoding, with its id index rebuilt by the caller.
    init(restoringSlots slots: SlotTable<CartRecord>, slotsByID: HashIndex) {
        self.init()
        self.slots = slots
        self.slotsByID = slotsByID
        rebuildIdleOrder()
    }
}
