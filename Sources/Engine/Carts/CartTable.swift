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

    static let vacant = CartRecord(
        store: noSlot, id: "", customerID: nil, lines: [], holdStock: false, holdTTLSeconds: 0, hold: noSlot)
}

struct CartTable: Sendable {
    var slots = SlotTable<CartRecord>()
    private(set) var slotByKey: [ScopedKey: Int32] = [:]

    var liveCount: Int { slots.liveCount }

    func slot(store: Int32, id: String) -> Int32? { slotByKey[ScopedKey(store: store, name: id)] }

    subscript(slot: Int32) -> CartRecord {
        get { slots[slot] }
        _modify { yield &slots[slot] }
    }

    mutating func insert(_ record: CartRecord) -> Int32 {
        let slot = slots.insert(record)
        slotByKey[ScopedKey(store: record.store, name: record.id)] = slot
        return slot
    }

    mutating func remove(_ slot: Int32) {
        precondition(slots[slot].hold == noSlot, "a cart is removed only after its hold is released")
        slotByKey[ScopedKey(store: slots[slot].store, name: slots[slot].id)] = nil
        slots.remove(slot, tombstone: .vacant)
    }
}
