import Engine
import EngineWorkloads

/// An endless, seeded stream of mutating commands on random SKUs of a catalog:
/// 40 % reserves of 1–3 distinct SKUs (1–2 units each), 30 % releases of the
/// oldest active reservation, 20 % stock adjustments (±1–5), 10 % setStock.
/// Every command succeeds on a state that has the catalog stocked and has seen
/// the stream's earlier commands, so every one is logged.
struct MixedCommandStream {
    let catalog: Catalog
    /// Reservation ids are `<prefix><n>`; streams sharing a state need distinct prefixes.
    let idPrefix: String
    /// Above this many active reservations a reserve turns into a release.
    let activeReservationsMax: Int
    private var generator: SeededGenerator
    private var active: [String] = []
    private var oldestActive = 0
    private var reservationsMade = 0

    init(catalog: Catalog, idPrefix: String, activeReservationsMax: Int, seed: UInt64) {
        self.catalog = catalog
        self.idPrefix = idPrefix
        self.activeReservationsMax = activeReservationsMax
        generator = SeededGenerator(seed: seed)
    }

    private var activeCount: Int { active.count - oldestActive }

    mutating func next() -> Command {
        switch Int.random(in: 0..<100, using: &generator) {
        case ..<40: activeCount >= activeReservationsMax ? release() : reserve()
        case ..<70: activeCount == 0 ? reserve() : release()
        case ..<90: adjustStock()
        default: setStock()
        }
    }

    mutating func next(_ count: Int) -> [Command] {
        (0..<count).map { _ in next() }
    }

    private mutating func randomSKU() -> String {
        Catalog.skuName(Int.random(in: 0..<catalog.skuCount, using: &generator))
    }

    private mutating func reserve() -> Command {
        let lineCount = min(catalog.skuCount, Int.random(in: 1...3, using: &generator))
        var skus: [String] = []
        while skus.count < lineCount {
            let sku = randomSKU()
            if !skus.contains(sku) { skus.append(sku) }
        }
        let lines = skus.map { LineRequest(sku: $0, quantity: Int64.random(in: 1...2, using: &generator)) }
        let id = idPrefix + String(reservationsMade)
        reservationsMade += 1
        active.append(id)
        return .reserve(Reserve(store: Catalog.store, reservationID: id, lines: lines))
    }

    private mutating func release() -> Command {
        let id = active[oldestActive]
        oldestActive += 1
        if oldestActive > 4_096 && oldestActive * 2 > active.count {
            active.removeFirst(oldestActive)
            oldestActive = 0
        }
        return .releaseReservation(ReservationReference(store: Catalog.store, reservationID: id))
    }

    private mutating func adjustStock() -> Command {
        let magnitude = Int64.random(in: 1...5, using: &generator)
        let delta = Bool.random(using: &generator) ? magnitude : -magnitude
        return .adjustStock(AdjustStock(store: Catalog.store, sku: randomSKU(), delta: delta, reason: "recount"))
    }

    private mutating func setStock() -> Command {
        let onHand = catalog.onHand + Int64.random(in: 0..<1_000, using: &generator)
        return .setStock(SetStock(store: Catalog.store, sku: randomSKU(), onHand: onHand))
    }
}
