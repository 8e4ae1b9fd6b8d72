import Foundation

/// Where the shard runtime reads the batch timestamp. The state machine never
/// reads a clock; the runtime stamps each batch once and logs the stamp.
public protocol BatchClock: Sendable {
    /// Nanoseconds since the Unix epoch.
    func nowNanoseconds() -> Int64
}

/// The system's real-time clock.
public struct SystemBatchClock: BatchClock {
    public init() {}

    public func nowNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }
}

/// A clock that moves only when told to (tests, simulations).
public final class ManualBatchClock: BatchClock, @unchecked Sendable {
    private let lock = Lock()
    private var current: Int64

    public init(startNanoseconds: Int64 = 1_700_000_000_000_000_000) {
        current = startNanoseconds
    }

    public func nowNanoseconds() -> Int64 { lock.withLock { current } }

    public func advance(seconds: Int64) {
        lock.withLock { current += seconds * 1_000_000_000 }
    }
}
