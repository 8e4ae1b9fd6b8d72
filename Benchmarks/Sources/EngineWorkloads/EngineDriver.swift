import Engine

/// What every workload shares: one store, SKU names, and a state machine driven
/// with a monotonic batch clock, its events drained after every command (the
/// shard runtime drains them after every batch, keeping the capacity).
public struct EngineDriver {
    public static let store = "bench"
    /// 2023-11-14 in ns since the Unix epoch; advanced by 1 ns per command.
    static let startTimestamp: Int64 = 1_700_000_000_000_000_000

    public private(set) var machine: StateMachine
    var timestamp = EngineDriver.startTimestamp
    /// Measured mutations that changed nothing (failed or replayed), and
    /// measured queries that failed: must stay 0.
    public private(set) var unexpectedOutcomes = 0
    /// The first of them, for the failure message.
    public private(set) var firstUnexpectedOutcome: Outcome?

    init(limits: Limits) {
        machine = StateMachine(limits: limits)
    }

    /// SKU names stay ≤ 15 bytes so Swift keeps them inline (no heap string).
    static func skuName(_ index: Int) -> String { "sku\(index)" }

    /// Applies a command that must change state; counts it if it did not.
    @inline(__always)
    mutating func apply(_ command: Command, prepared: Preparation = .none) {
        timestamp &+= 1
        let applied = machine.apply(command, at: timestamp, prepared: prepared)
        if applied.lsn == nil {
            unexpectedOutcomes &+= 1
            if firstUnexpectedOutcome == nil { firstUnexpectedOutcome = applied.outcome }
        }
        machine.events.removeAll(keepingCapacity: true)
    }

    /// Applies a query, which must succeed; counts it if it did not.
    @inline(__always)
    mutating func query(_ command: Command) {
        timestamp &+= 1
        let applied = machine.apply(command, at: timestamp)
        if case .failure = applied.outcome {
            unexpectedOutcomes &+= 1
            if firstUnexpectedOutcome == nil { firstUnexpectedOutcome = applied.outcome }
        }
    }

    /// Applies a set-up command and traps if it fails (never measured).
    mutating func applyChecked(_ command: Command) {
        timestamp &+= 1
        let applied = machine.apply(command, at: timestamp)
        machine.events.removeAll(keepingCapacity: true)
        if case .failure(let error) = applied.outcome {
            fatalError("benchmark set-up command \(command) failed: \(error)")
        }
    }

    /// Creates `count` SKUs named `skuName(0..<count)`, each with `onHand` units.
    mutating func stockSKUs(count: Int, onHand: Int64) {
        for index in 0..<count {
            applyChecked(.setStock(SetStock(store: Self.store, sku: Self.skuName(index), onHand: onHand)))
        }
    }

    /// Traps if any measured command failed or was a replay (call outside measurement).
    public func checkNoUnexpectedOutcomes(_ workloadName: String) {
        precondition(
            unexpectedOutcomes == 0,
            "\(workloadName): \(unexpectedOutcomes) commands changed nothing; the first answered \(String(describing: firstUnexpectedOutcome))")
    }
}
