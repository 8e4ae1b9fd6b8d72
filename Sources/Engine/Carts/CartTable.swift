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

    static let vacant = CartRecord(
        store: noSlot, id: "", customerID: nil, lines: [], holdStock: false, holdTTLSeconds: 0, hold: noSlot)
}

struct CartTable: Sendable {
    var slots = SlotTable<CartRecord>()
    private var slotsByID = HashIndex()

    var liveCount: Int { slots.liveCount }

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

    mutating func remove(_ slot: Int32) {
        precondition(slots[slot].hold == noSlot, "a cart is removed only after its hold is released")
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
    }
}
