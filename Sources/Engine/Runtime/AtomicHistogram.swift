import Synchronization

/// A fixed-bucket histogram of integer observations (nanoseconds, bytes,
/// commands), lock-free: one relaxed atomic per bucket plus a count and a sum.
///
/// Two ways to record: `record(_:)` from any number of threads (atomic adds),
/// and `recordFromOwner(_:)` when one thread is the only one that records (a
/// shard's writer): a relaxed load and store, no read-modify-write. Readers on
/// other threads take a `snapshot()` at any time; it is not an atomic cut
/// across buckets (a scrape may see one observation in `count` but not yet in
/// its bucket), which Prometheus tolerates.
public final class AtomicHistogram: @unchecked Sendable {
    /// Inclusive upper bounds of the finite buckets, ascending; a last bucket takes the rest.
    public let upperBounds: [UInt64]
    /// `upperBounds.count + 1` bucket counts, then the count, then the sum.
    private let cells: UnsafeMutablePointer<Atomic<UInt64>>
    private let cellCount: Int

    /// What a reader sees: non-cumulative counts per bucket (the last is above every bound).
    public struct Snapshot: Sendable, Equatable {
        public var upperBounds: [UInt64]
        /// One per bound, plus the overflow bucket; not cumulative.
        public var bucketCounts: [UInt64]
        public var count: UInt64
        /// The sum of every observation (wraps past 2^64).
        public var sum: UInt64

        public init(upperBounds: [UInt64], bucketCounts: [UInt64], count: UInt64, sum: UInt64) {
            self.upperBounds = upperBounds
            self.bucketCounts = bucketCounts
            self.count = count
            self.sum = sum
        }
    }

    /// - Parameter upperBounds: strictly ascending inclusive bucket bounds; at most 64.
    public init(upperBounds: [UInt64]) {
        precondition(!upperBounds.isEmpty && upperBounds.count <= 64, "1...64 buckets")
        precondition(zip(upperBounds, upperBounds.dropFirst()).allSatisfy { $0 < $1 }, "bounds strictly ascending")
        self.upperBounds = upperBounds
        cellCount = upperBounds.count + 3
        cells = .allocate(capacity: cellCount)
        for index in 0..<cellCount { (cells + index).initialize(to: Atomic(0)) }
    }

    deinit {
        cells.deinitialize(count: cellCount)
        cells.deallocate()
    }

    /// Bounds 1, 2, 4, … up to at least `maximum` (batch sizes and other counts).
    public static func powersOfTwo(upTo maximum: UInt64) -> [UInt64] {
        var bounds: [UInt64] = [1]
        while bounds.last! < maximum && bounds.count < 64 { bounds.append(bounds.last! * 2) }
        return bounds
    }

    /// Latency bounds in nanoseconds from 10 µs to 10 s (1-2.5-5 steps).
    public static let latencyBoundsNanoseconds: [UInt64] = {
        var bounds: [UInt64] = []
        var decade: UInt64 = 10_000
        while decade <= 1_000_000_000 {
            bounds.append(decade)
            bounds.append(decade * 5 / 2)
            bounds.append(decade * 5)
            decade *= 10
        }
        bounds.append(10_000_000_000)
        return bounds
    }()

    @inline(__always)
    private func bucketIndex(_ value: UInt64) -> Int {
        // Few buckets: a linear scan over a small, cached array beats a search.
        var index = 0
        while index < upperBounds.count && value > upperBounds[index] { index += 1 }
        return index
    }

    /// Records one observation; safe from any number of threads.
    public func record(_ value: UInt64) {
        let bucket = bucketIndex(value)
        cells[bucket].wrappingAdd(1, ordering: .relaxed)
        cells[cellCount - 2].wrappingAdd(1, ordering: .relaxed)
        cells[cellCount - 1].wrappingAdd(value, ordering: .relaxed)
    }

    /// Records one observation with plain loads and stores: only for a
    /// histogram that a single thread records into (it loses counts otherwise).
    @inline(__always)
    public func recordFromOwner(_ value: UInt64) {
        let bucket = bucketIndex(value)
        Self.bump(cells + bucket, by: 1)
        Self.bump(cells + cellCount - 2, by: 1)
        Self.bump(cells + cellCount - 1, by: value)
    }

    @inline(__always)
    private static func bump(_ cell: UnsafeMutablePointer<Atomic<UInt64>>, by amount: UInt64) {
        cell.pointee.store(cell.pointee.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }

    /// The current counts.
    public func snapshot() -> Snapshot {
        var buckets: [UInt64] = []
        buckets.reserveCapacity(upperBounds.count + 1)
        for index in 0...upperBounds.count { buckets.append(cells[index].load(ordering: .relaxed)) }
        return Snapshot(
            upperBounds: upperBounds, bucketCounts: buckets, count: cells[cellCount - 2].load(ordering: .relaxed),
            sum: cells[cellCount - 1].load(ordering: .relaxed))
    }
}
