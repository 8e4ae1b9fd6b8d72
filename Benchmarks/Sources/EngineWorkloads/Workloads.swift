import Engine

/// The named workloads of the engine benchmarks, built the same way for the
/// package-benchmark suite and for `engine-profile` (callgrind).
public enum Workloads {
    /// Single-line reserves of one unit, all on one SKU with 10^9 on hand.
    public static func hotSKU() -> ReserveReleaseWorkload {
        ReserveReleaseWorkload(
            skuCount: 1, onHand: Limits.quantityMax, commandCount: ReserveReleaseWorkload.idPoolSize,
            lineSKUs: { _ in [0] })
    }

    /// Single-line reserves of one unit on uniformly random SKUs (seeded) of
    /// 1,000,000 in one store; 2^20 prebuilt commands, so a run cycles through
    /// about 650,000 distinct SKUs (1 − 1/e of them) before the draws repeat.
    public static func uniform1MSKUs() -> ReserveReleaseWorkload {
        var generator = SeededGenerator(seed: 0x1)
        return ReserveReleaseWorkload(
            skuCount: 1_000_000, onHand: 1_000, commandCount: 1 << 20,
            lineSKUs: { _ in [Int.random(in: 0..<1_000_000, using: &generator)] })
    }

    /// 5-line reserves: 5 distinct random SKUs (seeded) of 100,000, one unit each.
    public static func cart5Lines() -> ReserveReleaseWorkload {
        var generator = SeededGenerator(seed: 0x5)
        return ReserveReleaseWorkload(
            skuCount: 100_000, onHand: 1_000_000, commandCount: 1 << 18,
            lineSKUs: { _ in distinctDraws(5, below: 100_000, using: &generator) })
    }

    public static func orderLifecycle(fromReservation: Bool) -> OrderLifecycleWorkload {
        OrderLifecycleWorkload(fromReservation: fromReservation, seed: 0x0DE7)
    }
}
