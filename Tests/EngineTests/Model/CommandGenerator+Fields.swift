@testable import Engine

// Field values: mostly valid, sometimes unknown, sometimes invalid or on a boundary.
extension CommandGenerator {
    mutating func store() -> String {
        switch random.weighted([94, 4, 2]) {
        case 0: random.pick(storeNames)
        case 1: "ghost"
        default: invalidText(maxBytes: 64)
        }
    }

    mutating func sku() -> String {
        switch random.weighted([95, 3, 2]) {
        case 0: random.pick(skuNames)
        case 1: "sku-unknown"
        default: invalidText(maxBytes: 64)
        }
    }

    mutating func location() -> String? {
        switch random.weighted([50, 45, 3, 2]) {
        case 0: nil
        case 1: random.pick(locationNames)
        case 2: "nowhere"
        default: invalidText(maxBytes: 32)
        }
    }

    mutating func customer() -> String {
        random.chance(0.98) ? random.pick(customerNames) : invalidText(maxBytes: 64)
    }

    mutating func lineRequests() -> [LineRequest] {
        let count = random.chance(0.98) ? random.int(1...3) : random.pick([0, 257])
        return (0..<count).map { _ in LineRequest(sku: sku(), location: location(), quantity: quantity()) }
    }

    mutating func quantity() -> Int64 {
        switch random.weighted([90, 3, 3, 2, 2]) {
        case 0: random.int64(1...6)
        case 1: random.int64(7...60)
        case 2: 0
        case 3: -3
        default: random.pick([Limits.quantityMax, Limits.quantityMax + 1])
        }
    }

    mutating func stockField(_ range: ClosedRange<Int64>) -> Int64 {
        switch random.weighted([96, 2, 1, 1]) {
        case 0: random.int64(range)
        case 1: -1
        case 2: Limits.quantityMax
        default: Limits.quantityMax + 1
        }
    }

    mutating func price() -> Int64 {
        switch random.weighted([95, 2, 2, 1]) {
        case 0: random.int64(0...500)
        case 1: Limits.amountMinorMax
        case 2: Limits.amountMinorMax + 1
        default: -1
        }
    }

    mutating func amount() -> Int64 {
        switch random.weighted([70, 28, 2]) {
        case 0: 0
        case 1: random.int64(1...300)
        default: random.pick([-5, Limits.amountMinorMax + 1])
        }
    }

    mutating func discount() -> Int64 {
        random.chance(0.9) ? 0 : random.int64(1...2_000)
    }

    mutating func currency() -> String {
        random.chance(0.97) ? random.pick(["EUR", "USD"]) : random.pick(["usd", "EURO", "", "ÉUR", "US"])
    }

    mutating func invalidTTL() -> Int64 {
        random.pick([0, -1, Limits.reservationTTLMaxSeconds + 1, Limits.reservationTTLMaxSeconds])
    }

    mutating func requestKey() -> String? {
        guard random.chance(0.35) else { return nil }
        switch random.weighted([55, 42, 3]) {
        case 0:
            counter += 1
            let key = "k\(counter)"
            recentKeys.append(key)
            if recentKeys.count > 20 { recentKeys.removeFirst() }
            return key
        case 1: return recentKeys.isEmpty ? "k0" : random.pick(recentKeys)
        default: return invalidText(maxBytes: 64)
        }
    }

    /// Mostly `valid`; now and then an identifier that must be refused.
    mutating func identifier(_ valid: String, maxBytes: Int) -> String {
        random.chance(0.98) ? valid : invalidText(maxBytes: maxBytes)
    }

    /// An identifier on or past a boundary: empty, one byte too long (in ASCII or
    /// in two-byte characters), with a control character (C0, DEL or C1), with an
    /// invisible character, not in NFC, or valid but unusual (non-ASCII, exactly
    /// the maximum length).
    mutating func invalidText(maxBytes: Int) -> String {
        switch random.int(0...10) {
        case 0: ""
        case 1: String(repeating: "x", count: maxBytes + 1)
        case 2: String(repeating: "é", count: maxBytes / 2 + 1)
        case 3: "tab\tbed"
        case 4: "del\u{7F}"
        case 5: "nel\u{85}x"
        case 6: String(repeating: "y", count: maxBytes)
        case 7: "zero\u{200B}width"
        case 8: "cafe\u{301}"
        case 9: "\u{212A}elvin"
        default: "café"
        }
    }

    enum IdentityKind {
        case reservation
        case order
    }

    /// A new id (usually), or one that was created before in the same store: a retry.
    mutating func newOrRecent(_ kind: IdentityKind, store: String) -> String {
        let pool = kind == .reservation ? recentReservations : recentOrders
        let sameStore = pool.filter { $0.store == store }
        if !sameStore.isEmpty && random.chance(0.2) { return random.pick(sameStore).id }
        counter += 1
        return identifier("\(kind == .reservation ? "r" : "o")\(counter)", maxBytes: 64)
    }

    static func remember(_ pool: inout [GeneratedEntity], _ entry: GeneratedEntity) {
        pool.append(entry)
        if pool.count > 40 { pool.removeFirst() }
    }

    /// One of the ids created lately (most often one of the latest), or nil now and then.
    mutating func recent(_ pool: [GeneratedEntity]) -> GeneratedEntity? {
        guard !pool.isEmpty, random.chance(0.95) else { return nil }
        let newest = random.chance(0.6) ? 5 : 40
        return pool[random.int(max(0, pool.count - newest)...(pool.count - 1))]
    }
}
