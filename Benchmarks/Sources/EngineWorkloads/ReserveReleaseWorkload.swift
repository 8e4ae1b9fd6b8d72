import Engine

/// Steady-state reservation traffic over prebuilt commands.
///
/// Reserve number `k` uses reservation id `r<k mod idPoolSize>`; the
/// reservation made `activeWindow` reserves earlier is released, so about
/// `activeWindow` reservations are active at any time. Finished reservations are
/// retained until the table (`reservationsPerShardMax`) is full; from then on
/// each reserve evicts the oldest finished one. `idPoolSize` is twice that
/// capacity, so an id comes round again only long after its previous use was
/// evicted, and every reserve creates a new reservation (checked through
/// `EngineDriver.unexpectedOutcomes`).
public struct ReserveReleaseWorkload {
    public static let reservationCapacity = 1 << 16
    public static let idPoolSize = 2 * reservationCapacity
    public static let activeWindow = 1_024

    public private(set) var driver: EngineDriver
    /// `reserves.count` is a power-of-two multiple of `idPoolSize`.
    let reserves: ContiguousArray<Command>
    /// `Preparation.of(reserves[i])`: worked out before the measured loops, as
    /// the server's network threads do before a command reaches the writer.
    let reservePreparations: ContiguousArray<Preparation>
    /// `releases[i]` releases reservation id `r<i>`.
    let releases: ContiguousArray<Command>
    var reservesDone = 0
    var releasesDone = 0

    /// - Parameters:
    ///   - skuCount: SKUs created in the store, each with `onHand` units.
    ///   - commandCount: prebuilt reserve commands (a power of two ≥ `idPoolSize`).
    ///   - lineSKUs: the SKU indexes of reserve `k`'s lines (one unit each).
    init(skuCount: Int, onHand: Int64, commandCount: Int, lineSKUs: (Int) -> [Int]) {
        precondition(commandCount.nonzeroBitCount == 1 && commandCount >= Self.idPoolSize)
        driver = EngineDriver(limits: Limits(reservationsPerShardMax: Self.reservationCapacity))
        driver.stockSKUs(count: skuCount, onHand: onHand)
        let store = EngineDriver.store
        reserves = ContiguousArray(
            (0..<commandCount).map { k in
                let lines = lineSKUs(k).map { LineRequest(sku: EngineDriver.skuName($0), quantity: 1) }
                return Command.reserve(Reserve(store: store, reservationID: "r\(k % Self.idPoolSize)", lines: lines))
            })
        reservePreparations = ContiguousArray(reserves.map(Preparation.of))
        releases = ContiguousArray(
            (0..<Self.idPoolSize).map { id in
                Command.releaseReservation(ReservationReference(store: store, reservationID: "r\(id)"))
            })
    }

    @inline(__always)
    mutating func reserveNext() {
        let index = reservesDone & (reserves.count - 1)
        driver.apply(reserves[index], prepared: reservePreparations[index])
        reservesDone &+= 1
    }

    @inline(__always)
    mutating func releaseOldest() {
        driver.apply(releases[releasesDone & (Self.idPoolSize - 1)])
        releasesDone &+= 1
    }

    /// One reserve, plus the release of the reservation `activeWindow` reserves old.
    @inline(__always)
    mutating func reserveAndReleaseOldest() {
        reserveNext()
        if reservesDone - releasesDone > Self.activeWindow { releaseOldest() }
    }

    /// `count` reserves, each followed by the release of the oldest active one
    /// (the measured loop of the reserve+release benchmarks).
    @inline(never)
    public mutating func runReservePairs(count: Int) {
        for _ in 0..<count { reserveAndReleaseOldest() }
    }

    /// `count` reserves and no release (the measured loop of `.reserveOnly`).
    @inline(never)
    public mutating func runReserves(count: Int) {
        for _ in 0..<count { reserveNext() }
    }

    /// Releases the oldest reservations until at most `active` are active.
    @inline(never)
    public mutating func releaseDown(to active: Int) {
        while reservesDone - releasesDone > active { releaseOldest() }
    }

    /// Runs every prebuilt command twice, well past the point where the
    /// reservation table is full and evicting, so the id index, slot table,
    /// line pool, expiry heap, retention queue and event buffer have all
    /// reached their steady-state capacity before anything is measured.
    /// (Its own loop, not `runReservePairs`, so a profiler can collect the
    /// measured loops alone.)
    public mutating func warmUp() {
        for _ in 0..<(2 * reserves.count + Self.activeWindow) { reserveAndReleaseOldest() }
        driver.checkNoUnexpectedOutcomes("warm-up")
    }
}
