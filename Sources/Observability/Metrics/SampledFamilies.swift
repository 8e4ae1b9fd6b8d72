import Engine

/// One sample of a labelled family read at scrape time.
public struct LabelledSample<Value: Sendable>: Sendable {
    /// One value per label name, in order.
    public var labels: [String]
    public var value: Value

    public init(labels: [String], value: Value) {
        self.labels = labels
        self.value = value
    }
}

/// A family whose samples are read when the registry renders (gauges, and
/// counters or histograms kept elsewhere, such as a shard's).
final class SampledFamily<Value: Sendable>: Sendable {
    let name: String
    let help: String
    let type: String
    let labelNames: [String]
    private let sample: @Sendable () -> [LabelledSample<Value>]
    private let renderValue: @Sendable (String, [String], [String], Value, inout String) -> Void

    init(
        name: String, help: String, type: String, labelNames: [String],
        sample: @escaping @Sendable () -> [LabelledSample<Value>],
        renderValue: @escaping @Sendable (String, [String], [String], Value, inout String) -> Void
    ) {
        self.name = name
        self.help = help
        self.type = type
        self.labelNames = labelNames
        self.sample = sample
        self.renderValue = renderValue
    }
}

extension SampledFamily: MetricFamily {
    func renderSamples(into text: inout String) {
        // A sample with the wrong number of label values is a caller's bug; it is
        // left out rather than rendered as a series Prometheus would reject.
        let samples = sample().filter { $0.labels.count == labelNames.count }
            .sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
        for sample in samples { renderValue(name, labelNames, sample.labels, sample.value, &text) }
    }
}

enum SampleText {
    static func gauge(_ name: String, _ names: [String], _ values: [String], _ value: Double, _ text: inout String) {
        text += name + Exposition.labelSet(names, values) + " " + Exposition.format(value) + "\n"
    }

    static func counter(_ name: String, _ names: [String], _ values: [String], _ value: UInt64, _ text: inout String) {
        text += name + Exposition.labelSet(names, values) + " " + String(value) + "\n"
    }
}
