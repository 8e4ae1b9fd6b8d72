import Foundation

/// Where the shard runtime reads the batch timestamp. The state machine never
/// reads a clock; the runtime stamps each batch once and logs the stamp.
public protocol BatchClock: Sendable {
    /// Nanoseconds since the Unix epoch.
    func nowNanoseconds() -> Int64
}

/// Wall-clock time that cannot jump: read `CLOCK_REALTIME` once, when the
/// clock is made, then advance it by `CLOCK_MONOTONIC`. A step of the system
/// clock (NTP, an operator) during a run then neither expires every hold at
/// once nor freezes batch time; the next start picks up the corrected time.
public struct SystemBatchClock: BatchClock {
    private let realtimeAnchorNanoseconds: Int64
    private let monotonicAnchorNanoseconds: Int64

    public init() {
        realtimeAnchorNanoseconds = Self.read(CLOCK_REALTIME)
        monotonicAnchorNanoseconds = Self.read(CLOCK_MONOTONIC)
    }

    public func nowNanoseconds() -> Int64 {
        realtimeAnchorNanoseconds + (Self.read(CLOCK_MONOTONIC) - monotonicAnchorNanoseconds)
    }

    private static func read(_ clock: clockid_t) -> Int64 {
        var time = timespec()
        clock_gettime(clock, &time)
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
