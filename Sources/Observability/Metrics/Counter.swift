import Synchronization

/// A monotonically increasing count, lock-free (one relaxed atomic add).
public final class Counter: Sendable {
    private let count = Atomic<UInt64>(0)

    public init() {}

    /// Adds `amount` (default 1); safe from any thread.
    public func increment(by amount: UInt64 = 1) {
        count.wrappingAdd(amount, ordering: .relaxed)
    }

    public var value: UInt64 { count.load(ordering: .relaxed) }
}

/// A counter with labels: look a child up once per label combination, keep it.
public final class CounterFamily: Sendable {
    public let name: String
    let help: String
    let series: SeriesTable<Counter>

    init(name: String, help: String, labelNames: [String], seriesMax: Int) {
        self.name = name
        self.help = help
        series = SeriesTable(familyName: name, labelNames: labelNames, maximum: seriesMax) { Counter() }
    }

    /// The child for `values` (one per label name, in order), made on first use.
    /// - Throws: `MetricsError.labelCountMismatch`, `.tooManySeries`.
    public func labels(_ values: String...) throws(MetricsError) -> Counter {
        try series.child(values)
    }

    /// The child for `values`, as an array.
    public func labels(values: [String]) throws(MetricsError) -> Counter {
        try series.child(values)
    }
}

extension CounterFamily: MetricFamily {
    var type: String { "counter" }

    func renderSamples(into text: inout String) {
        for (values, counter) in series.sorted() {
            text += name + Exposition.labelSet(series.labelNames, values) + " " + String(counter.value) + "\n"
        }
    }
}
