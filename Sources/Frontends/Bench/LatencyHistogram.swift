import Histogram

/// Operation latencies in nanoseconds, in an HdrHistogram with three
/// significant digits from 1 ns to an hour (longer values count as an hour).
struct LatencyHistogram: Sendable {
    private(set) var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: LatencyHistogram.highestNanoseconds,
        numberOfSignificantValueDigits: .three)

    static let highestNanoseconds: UInt64 = 3_600_000_000_000

    /// Records `count` operations that took `nanoseconds` each (a frame's round trip).
    @inline(__always)
    mutating func record(_ nanoseconds: UInt64, count: Int) {
        guard count > 0 else { return }
        _ = histogram.record(min(max(nanoseconds, 1), Self.highestNanoseconds), count: UInt64(count))
    }

    mutating func merge(_ other: LatencyHistogram) { histogram.add(other.histogram) }

    var count: UInt64 { histogram.totalCount }

    /// Percentiles reported as the latency curve.
    static let distributionPercentiles: [Double] = [
        0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97.5, 99, 99.5, 99.9, 99.95, 99.99, 99.999, 100,
    ]

    /// The latency curve for plots: microseconds at each of `distributionPercentiles`.
    var distribution: [BenchReport.LatencyPoint] {
        guard count > 0 else { return [] }
        return Self.distributionPercentiles.map { percentile in
            let nanoseconds = percentile >= 100 ? histogram.max : histogram.valueAtPercentile(percentile)
            return BenchReport.LatencyPoint(percentile: percentile, microseconds: Double(nanoseconds) / 1_000)
        }
    }

    /// The percentiles of the report, in microseconds.
    var summary: LatencySummary {
        guard count > 0 else { return LatencySummary() }
        func micros(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1_000 }
        return LatencySummary(
            p50: micros(histogram.valueAtPercentile(50)), p90: micros(histogram.valueAtPercentile(90)),
            p99: micros(histogram.valueAtPercentile(99)), p999: micros(histogram.valueAtPercentile(99.9)),
            max: micros(histogram.max), mean: histogram.mean / 1_000)
    }
}

/// Latency percentiles of a run, in microseconds.
struct LatencySummary: Sendable, Codable, Equatable {
    var p50 = 0.0
    var p90 = 0.0
    var p99 = 0.0
    var p999 = 0.0
    var max = 0.0
    var mean = 0.0
}
