extension StateMachine {
    /// The first four bytes of every state encoding: "HFST" as a little-endian `UInt32`.
    static let stateEncodingMagic: UInt32 = 0x4846_5354

    /// Rebuilds the state machine that `encodedState()` encoded — the inverse
    /// of `encodedState()`, used to load snapshots.
    ///
    /// Every table is restored in slot order with its free list, the line pool
    /// with its free list, the expiry heap and the retention queues exactly as
    /// encoded; the indices the encoding leaves out (names of stores, SKUs,
    /// reservations, carts, orders and request keys; each store's location
    /// names; reservation id hashes; each customer's orders by `placedLSN`) are
    /// rebuilt. So `StateMachine(decoding: machine.encodedState(), limits:)`
    /// encodes to the same bytes and answers every command as `machine` does.
    ///
    /// - Parameters:
    ///   - bytes: an encoding of version `stateEncodingVersion`, with nothing after it.
    ///   - limits: the limits the restored machine runs with; the state must fit its capacities.
    /// - Throws: `DecodingError` with the byte offset of the first problem: a wrong
    ///   magic or version, truncation, trailing bytes, a count beyond a capacity
    ///   or the bytes left, a reference out of range, an invalid enum value or
    ///   name, a broken chain, heap, free list, queue or cross-link, or (at
    ///   offset 0) a state that fails `checkInvariants()`.
    public init(decoding bytes: [UInt8], limits: Limits) throws {
        var decoder = StateDecoder(bytes: bytes, limits: limits)
        try decoder.decodeHeader()
        let stock = try decoder.decodeStock()
        var lines = try decoder.decodeLines(stockRecordCount: stock.records.count)
        let reservations = try decoder.decodeReservations(stock: stock, lines: &lines)
        let carts = try decoder.decodeCarts(stock: stock, lines: lines.pool, reservations: reservations)
        let orders = try decoder.decodeOrders(stock: stock, lines: &lines)
        let idempotency = try decoder.decodeIdempotency(storeCount: stock.stores.count)
        let prices = decoder.version >= 2 ? try decoder.decodePrices(stock: stock) : PriceList()
        try decoder.expectEnd()
        try lines.checkAllClaimed()

        self.init(limits: limits)
        restoreClock(lastLSN: decoder.lastLSN, now: decoder.now)
        self.stock = stock
        self.lines = lines.pool
        self.reservations = reservations.table
        self.carts = carts
        self.orders = orders
        self.idempotency = idempotency
        self.prices = prices
        let violations = checkInvariants()
        guard violations.isEmpty else {
            throw DecodingError(
                offset: 0,
                reason:
                    "the state breaks \(violations.count) invariants: \(violations.prefix(3).joined(separator: "; "))")
        }
    }
}
