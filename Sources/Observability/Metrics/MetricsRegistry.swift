import Engine
import Synchronization

/// Families rendered by `MetricsRegistry`.
protocol MetricFamily: Sendable {
    var name: String { get }
    var help: String { get }
    var type: String { get }
    func renderSamples(into text: inout String)
}

/// A set of metric families, rendered in the Prometheus text exposition
/// format 0.0.4 (`GET /metrics`).
///
/// Counters and histograms are lock-free to update; register them once at
/// start-up, look labelled children up once and keep them. Gauges (and
/// counters or histograms kept elsewhere) are sampled by closures at render
/// time. Families render sorted by name, series sorted by label values.
public final class MetricsRegistry: Sendable {
    /// Label combinations per family at most (each is a time series to store).
    public static let seriesPerFamilyMax = 10_000
    /// The `Content-Type` to serve `render()` with.
    public static let contentType = Exposition.contentType

    private let families = Mutex<[String: any MetricFamily]>([:])

    public init() {}

    // MARK: Counters

    /// Registers a counter without labels. `name` must end in `_total`.
    /// - Throws: `MetricsError` for a bad or repeated name.
    public func counter(name: String, help: String) throws(MetricsError) -> Counter {
        try counter(name: name, help: help, labelNames: []).labels(values: [])
    }

    /// Registers a labelled counter family. `name` must end in `_total`.
    public func counter(name: String, help: String, labelNames: [String]) throws(MetricsError) -> CounterFamily {
        try Self.checkCounterName(name)
        try MetricNaming.checkLabelNames(labelNames)
        let family = CounterFamily(
            name: name, help: help, labelNames: labelNames, seriesMax: MetricsRegistry.seriesPerFamilyMax)
        try add(family)
        return family
    }

    /// Registers a counter whose values are read from `sample` at render time.
    public func sampledCounter(
        name: String, help: String, labelNames: [String] = [],
        sample: @escaping @Sendable () -> [LabelledSample<UInt64>]
    ) throws(MetricsError) {
        try Self.checkCounterName(name)
        try MetricNaming.checkLabelNames(labelNames)
        try add(
            SampledFamily(
                name: name, help: help, type: "counter", labelNames: labelNames, sample: sample,
                renderValue: SampleText.counter))
    }

    // MARK: Histograms

    /// Registers a latency histogram without labels; buckets are upper bounds in seconds.
    public func histogram(
        name: String, help: String, bucketsSeconds: [Double] = LatencyHistogram.defaultBucketsSeconds
    ) throws(MetricsError) -> LatencyHistogram {
        try histogram(name: name, help: help, bucketsSeconds: bucketsSeconds, labelNames: []).labels(values: [])
    }

    /// Registers a labelled latency histogram family.
    public func histogram(
        name: String, help: String, bucketsSeconds: [Double] = LatencyHistogram.defaultBucketsSeconds,
        labelNames: [String]
    ) throws(MetricsError) -> HistogramFamily {
        try MetricNaming.checkMetricName(name)
        try MetricNaming.checkLabelNames(labelNames, reserved: ["le"])
        let bounds = try LatencyHistogram.nanosecondBounds(bucketsSeconds)
        let family = HistogramFamily(
            name: name, help: help, labelNames: labelNames, boundsNanoseconds: bounds,
            seriesMax: MetricsRegistry.seriesPerFamilyMax)
        try add(family)
        return family
    }

    /// Registers a histogram kept elsewhere (an `AtomicHistogram`), read at
    /// render time. Recorded values are divided by `unitsPerBase` (1e9 for
    /// nanoseconds rendered as seconds, 1 for counts).
    public func sampledHistogram(
        name: String, help: String, labelNames: [String] = [], unitsPerBase: Double,
        sample: @escaping @Sendable () -> [LabelledSample<AtomicHistogram.Snapshot>]
    ) throws(MetricsError) {
        try MetricNaming.checkMetricName(name)
        try MetricNaming.checkLabelNames(labelNames, reserved: ["le"])
        guard unitsPerBase.isFinite && unitsPerBase > 0 else { throw .invalidBuckets("unitsPerBase must be positive") }
        try add(
            SampledFamily(
                name: name, help: help, type: "histogram", labelNames: labelNames, sample: sample,
                renderValue: { name, names, values, snapshot, text in
                    HistogramText.render(
                        snapshot, name: name, labelNames: names, labelValues: values, unitsPerBase: unitsPerBase,
                        into: &text)
                }))
    }

    // MARK: Gauges

    /// Registers a gauge without labels, read from `sample` at render time.
    public func gauge(name: String, help: String, sample: @escaping @Sendable () -> Double) throws(MetricsError) {
        try gauge(name: name, help: help, labelNames: []) { [LabelledSample(labels: [], value: sample())] }
    }

    /// Registers a labelled gauge family, read from `sample` at render time.
    public func gauge(
        name: String, help: String, labelNames: [String], sample: @escaping @Sendable () -> [LabelledSample<Double>]
    ) throws(MetricsError) {
        try MetricNaming.checkMetricName(name)
        try MetricNaming.checkLabelNames(labelNames)
        try add(
            SampledFamily(
                name: name, help: help, type: "gauge", labelNames: labelNames, sample: sample,
                renderValue: SampleText.gauge))
    }

    // MARK: Rendering

    /// Every family in the text exposition format 0.0.4, sorted by name.
    public func render() -> String {
        let sorted = families.withLock { Array($0.values) }.sorted { $0.name < $1.name }
        var text = ""
        text.reserveCapacity(4_096)
        for family in sorted {
            Exposition.header(into: &text, name: family.name, help: family.help, type: family.type)
            family.renderSamples(into: &text)
        }
        return text
    }

    /// Names of the registered families, sorted.
    public var familyNames: [String] { families.withLock { $0.keys.sorted() } }

    private func add(_ family: any MetricFamily) throws(MetricsError) {
        let added = families.withLock { table in
            guard table[family.name] == nil else { return false }
            table[family.name] = family
            return true
        }
        if !added { throw .duplicateName(family.name) }
    }

    private static func checkCounterName(_ name: String) throws(MetricsError) {
        try MetricNaming.checkMetricName(name)
        guard name.hasSuffix("_total"), name.count > "_total".count else {
            throw .invalidName(name, reason: "counter names end in '_total'")
        }
    }
}
