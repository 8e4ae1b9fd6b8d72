import Dispatch
import Engine

/// A histogram of durations, lock-free: observations land in fixed buckets
/// (relaxed atomic adds) and render in seconds.
public final class LatencyHistogram: Sendable {
    /// Default buckets, in seconds: 100 µs … 10 s.
    public static let defaultBucketsSeconds: [Double] = [
        0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    let storage: AtomicHistogram

    init(boundsNanoseconds: [UInt64]) {
        storage = AtomicHistogram(upperBounds: boundsNanoseconds)
    }

    /// Records a duration in nanoseconds.
    public func observe(nanoseconds: UInt64) {
        storage.record(nanoseconds)
    }

    /// Records a duration in seconds (negative or NaN counts as 0).
    public func observe(seconds: Double) {
        let nanoseconds = seconds * 1e9
        storage.record(
            nanoseconds.isNaN || nanoseconds <= 0 ? 0 : nanoseconds >= 1.8e19 ? UInt64.max : UInt64(nanoseconds))
    }

    /// Records the time since `start` (`DispatchTime.now().uptimeNanoseconds` taken earlier).
    public func observe(sinceUptimeNanoseconds start: UInt64) {
        let now = DispatchTime.now().uptimeNanoseconds
        storage.record(now >= start ? now - start : 0)
    }

    /// Runs `body` and records how long it took.
    public func time<Value>(_ body: () throws -> Value) rethrows -> Value {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { observe(sinceUptimeNanoseconds: start) }
        return try body()
    }

    public var count: UInt64 { storage.snapshot().count }

    /// Bounds in seconds to nanoseconds, checked: finite, positive, strictly ascending.
    static func nanosecondBounds(_ seconds: [Double]) throws(MetricsError) -> [UInt64] {
        guard !seconds.isEmpty, seconds.count <= 64 else { throw .invalidBuckets("1...64 bounds needed") }
        var bounds: [UInt64] = []
        for bound in seconds {
            guard bound.isFinite, bound > 0, bound < 1e9 else {
                throw .invalidBuckets("\(bound) is not a finite positive number of seconds")
            }
            let nanoseconds = UInt64((bound * 1e9).rounded())
            if let last = bounds.last, nanoseconds <= last { throw .invalidBuckets("bounds must ascend strictly") }
            bounds.append(nanoseconds)
        }
        return bounds
    }
}

/// A latency histogram with labels.
public final class HistogramFamily: Sendable {
    public let name: String
    let help: String
    let series: SeriesTable<LatencyHistogram>

    init(name: String, help: String, labelNames: [String], boundsNanoseconds: [UInt64], seriesMax: Int) {
        self.name = name
        self.help = help
        series = SeriesTable(familyName: name, labelNames: labelNames, maximum: seriesMax) {
            LatencyHistogram(boundsNanoseconds: boundsNanoseconds)
        }
    }

    /// The child for `values` (one per label name, in order), made on first use.
    public func labels(_ values: String...) throws(MetricsError) -> LatencyHistogram {
        try series.child(values)
    }

    public func labels(values: [String]) throws(MetricsError) -> LatencyHistogram {
        try series.child(values)
    }
}

extension HistogramFamily: MetricFamily {
    var type: String { "histogram" }

    func renderSamples(into text: inout String) {
        for (values, histogram) in series.sorted() {
            HistogramText.render(
                histogram.storage.snapshot(), name: name, labelNames: series.labelNames, labelValues: values,
                unitsPerBase: 1e9, into: &text)
        }
    }
}

/// The `_bucket`, `_sum` and `_count` lines of one histogram series.
enum HistogramText {
    /// - Parameter unitsPerBase: recorded units per rendered unit (1e9 for ns → s, 1 for counts).
    static func render(
        _ snapshot: AtomicHistogram.Snapshot, name: String, labelNames: [String], labelValues: [String],
        unitsPerBase: Double, into text: inout String
    ) {
        var cumulative: UInt64 = 0
        for (index, bound) in snapshot.upperBounds.enumerated() {
            cumulative &+= snapshot.bucketCounts[index]
            let le = Exposition.format(Double(bound) / unitsPerBase)
            text +=
                name + "_bucket" + Exposition.labelSet(labelNames, labelValues, extra: ("le", le)) + " "
                + String(cumulative) + "\n"
        }
        cumulative &+= snapshot.bucketCounts[snapshot.upperBounds.count]
        // +Inf equals _count; both come from the buckets so a scrape is self-consistent.
        text +=
            name + "_bucket" + Exposition.labelSet(labelNames, labelValues, extra: ("le", "+Inf")) + " "
            + String(cumulative) + "\n"
        let labels = Exposition.labelSet(labelNames, labelValues)
        text += name + "_sum" + labels + " " + Exposition.format(Double(snapshot.sum) / unitsPerBase) + "\n"
        text += name + "_count" + labels + " " + String(cumulative) + "\n"
    }
}
