import Engine
import Synchronization

/// A journal's counters for metrics: updated by its I/O thread once per frame
/// (never per record), read by anyone at any time without a lock.
public final class JournalMetrics: Sendable {
    /// Time to make log data durable, in ns: one frame's linked write +
    /// fdatasync in strict mode (io_uring, or pwrite + fdatasync), one
    /// fdatasync of a segment in relaxed mode.
    public let syncLatencyNanoseconds = AtomicHistogram(upperBounds: AtomicHistogram.latencyBoundsNanoseconds)
    /// Relaxed mode only: one frame's write without a sync, in ns.
    public let unsyncedWriteLatencyNanoseconds = AtomicHistogram(
        upperBounds: AtomicHistogram.latencyBoundsNanoseconds)

    private let bytesWrittenCount = Atomic<UInt64>(0)
    private let recordBytesCount = Atomic<UInt64>(0)
    private let frameCount = Atomic<UInt64>(0)
    private let batchCount = Atomic<UInt64>(0)
    private let recordCount = Atomic<UInt64>(0)
    private let failureCount = Atomic<UInt64>(0)

    public init() {}

    /// Bytes written to segments, padding included (rewrites after a failure count again).
    public var bytesWritten: UInt64 { bytesWrittenCount.load(ordering: .relaxed) }
    /// Bytes of record headers and payloads in the frames written.
    public var recordBytes: UInt64 { recordBytesCount.load(ordering: .relaxed) }
    /// Frames written (strict: and synced); one frame carries one or more batches.
    public var frames: UInt64 { frameCount.load(ordering: .relaxed) }
    /// Shard batches made durable (strict) or written (relaxed).
    public var batches: UInt64 { batchCount.load(ordering: .relaxed) }
    /// Log records in those batches.
    public var records: UInt64 { recordCount.load(ordering: .relaxed) }
    /// Failed writes and syncs (each halts writes until a retry succeeds).
    public var failures: UInt64 { failureCount.load(ordering: .relaxed) }

    /// Counts a frame written (strict: and synced). I/O thread only.
    func countFrame(paddedBytes: Int, recordBytes: Int, batches: Int, records: Int) {
        Self.bump(bytesWrittenCount, by: UInt64(paddedBytes))
        Self.bump(recordBytesCount, by: UInt64(recordBytes))
        Self.bump(frameCount, by: 1)
        Self.bump(batchCount, by: UInt64(batches))
        Self.bump(recordCount, by: UInt64(records))
    }

    /// Counts a failed write or sync (any thread).
    func countFailure() {
        failureCount.wrappingAdd(1, ordering: .relaxed)
    }

    /// A relaxed load and store: the I/O thread is the only writer of these.
    private static func bump(_ counter: borrowing Atomic<UInt64>, by amount: UInt64) {
        counter.store(counter.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }
}
