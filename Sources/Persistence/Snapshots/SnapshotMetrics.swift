import Engine
import Synchronization

/// A shard's snapshot counters for metrics, readable without a lock.
public final class SnapshotMetrics: Sendable {
    /// Wall-clock time (ns since the epoch) of the newest durable snapshot:
    /// one written by this process, or the one recovery started from; 0 if none.
    private let lastSnapshotAt = Atomic<Int64>(0)
    private let successCount = Atomic<UInt64>(0)
    private let failureCount = Atomic<UInt64>(0)
    private let lastDuration = Atomic<UInt64>(0)
    /// From the request (before the writer hands over the state) until the
    /// file is published and retention applied, in ns.
    public let durationNanoseconds = AtomicHistogram(
        upperBounds: [
            1_000_000, 5_000_000, 10_000_000, 50_000_000, 100_000_000, 500_000_000, 1_000_000_000, 5_000_000_000,
            10_000_000_000, 60_000_000_000,
        ])

    /// - Parameter recoveredSnapshotAt: `createdAt` of the snapshot recovery started from, if any.
    init(recoveredSnapshotAt: Int64?) {
        if let recoveredSnapshotAt { lastSnapshotAt.store(recoveredSnapshotAt, ordering: .relaxed) }
    }

    /// Wall-clock ns since the epoch of the newest durable snapshot; nil if there is none.
    public var lastSnapshotNanoseconds: Int64? {
        let value = lastSnapshotAt.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// Snapshots this process wrote successfully.
    public var snapshots: UInt64 { successCount.load(ordering: .relaxed) }
    /// Snapshots this process attempted that failed.
    public var failures: UInt64 { failureCount.load(ordering: .relaxed) }
    /// How long the last successful snapshot took, in ns (0 before the first).
    public var lastDurationNanoseconds: UInt64 { lastDuration.load(ordering: .relaxed) }

    func recordSuccess(createdAt: Int64, durationNanoseconds duration: UInt64) {
        // Snapshots of one shard may finish out of order only in theory; keep the newest.
        var current = lastSnapshotAt.load(ordering: .relaxed)
        while createdAt > current {
            let (exchanged, original) = lastSnapshotAt.compareExchange(
                expected: current, desired: createdAt, ordering: .relaxed)
            if exchanged { break }
            current = original
        }
        lastDuration.store(duration, ordering: .relaxed)
        durationNanoseconds.record(duration)
        successCount.wrappingAdd(1, ordering: .relaxed)
    }

    func recordFailure() {
        failureCount.wrappingAdd(1, ordering: .relaxed)
    }
}
