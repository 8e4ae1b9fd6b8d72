/// A name scoped to a store: the key of every per-store dictionary (SKUs,
/// reservations, carts, orders, customers, idempotency keys).
struct ScopedKey: Hashable, Sendable {
    var store: Int32
    var name: String
}

/// "No slot": the null value of every `Int32` slot reference.
let noSlot: Int32 = -1
