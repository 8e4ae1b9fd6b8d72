import Engine

/// The SKUs every measurement stocks: one store, names `sku<i>` (≤ 15 bytes,
/// kept inside the `String`), the same on-hand quantity each.
struct Catalog: Sendable {
    static let store = "bench"
    /// 2023-11-14 in ns since the Unix epoch: the first timestamp of direct applies.
    static let startTimestamp: Int64 = 1_700_000_000_000_000_000

    var skuCount: Int
    var onHand: Int64 = 1_000_000

    static func skuName(_ index: Int) -> String { "sku\(index)" }

    func setStock(_ index: Int) -> Command {
        .setStock(SetStock(store: Self.store, sku: Self.skuName(index), onHand: onHand))
    }

    /// A state machine with the catalog applied directly (no runtime, no log).
    func machine(limits: Limits) -> StateMachine {
        var machine = StateMachine(limits: limits)
        var timestamp = Self.startTimestamp
        for index in 0..<skuCount {
            DirectApply.applyChecked(setStock(index), to: &machine, timestamp: &timestamp)
        }
        return machine
    }

    /// Stocks the catalog through a runtime, `clients` concurrent batches of `batchSize`.
    func stock(_ runtime: ShardRuntime, clients: Int = 4, batchSize: Int = 4_096) async throws(BenchFailure) {
        let failures = await withTaskGroup(of: [String].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var failures: [String] = []
                    for start in stride(from: client * batchSize, to: skuCount, by: clients * batchSize) {
                        let batch = (start..<min(start + batchSize, skuCount)).map(setStock)
                        failures += await runtime.execute(batch: batch).failureDescriptions
                    }
                    return failures
                }
            }
            return await group.reduce(into: [String]()) { $0 += $1 }
        }
        if let first = failures.first { throw BenchFailure("stocking failed \(failures.count) times, first: \(first)") }
    }
}

/// Applying commands straight to a `StateMachine`, as the writer thread does:
/// timestamps advance by 1 µs per command, events are drained as the runtime does.
enum DirectApply {
    static func applyChecked(_ command: Command, to machine: inout StateMachine, timestamp: inout Int64) {
        timestamp += 1_000
        let applied = machine.apply(command, at: timestamp)
        machine.events.removeAll(keepingCapacity: true)
        if case .failure(let error) = applied.outcome { fatalError("set-up command \(command) failed: \(error)") }
    }
}

extension Array where Element == Outcome {
    var failureDescriptions: [String] {
        compactMap { outcome in
            if case .failure(let error) = outcome { return "\(error)" }
            return nil
        }
    }
}
