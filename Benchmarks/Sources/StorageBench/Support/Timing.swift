import Glibc

/// The monotonic clock, in nanoseconds (as `DispatchTime`, without Foundation).
enum Stopwatch {
    static func nanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// Runs `body` once; its value and how long it took.
    static func time<Value>(_ body: () throws -> Value) rethrows -> (value: Value, nanoseconds: Int64) {
        let started = nanoseconds()
        let value = try body()
        return (value, nanoseconds() - started)
    }

    static func sleep(seconds: Double) async {
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }
}

/// Latency percentiles of one run, nearest-rank.
struct LatencyPercentiles {
    var count: Int
    var p50: Int64
    var p99: Int64
    var p999: Int64
    var max: Int64

    init(_ samples: [Int64]) {
        let sorted = samples.sorted()
        count = sorted.count
        func rank(_ fraction: Double) -> Int64 {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        p50 = rank(0.5)
        p99 = rank(0.99)
        p999 = rank(0.999)
        max = sorted.last ?? 0
    }
}

extension Int64 {
    var milliseconds: Double { Double(self) / 1e6 }
    var seconds: Double { Double(self) / 1e9 }
}
