/// Why a metric could not be registered or a labelled child not be made.
public enum MetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not `[a-zA-Z_:][a-zA-Z0-9_:]*`, or a counter name without the `_total` suffix.
    case invalidName(String, reason: String)
    /// Not `[a-zA-Z_][a-zA-Z0-9_]*`, reserved (`__…`, `le` on a histogram), or repeated.
    case invalidLabelName(String, reason: String)
    /// A family with this name is already registered.
    case duplicateName(String)
    /// Label values given do not match the family's label names.
    case labelCountMismatch(family: String, expected: Int, given: Int)
    /// The family has `MetricsRegistry.seriesPerFamilyMax` children already.
    case tooManySeries(family: String, max: Int)
    /// Histogram bounds that are empty, not finite, not positive or not ascending.
    case invalidBuckets(String)

    public var description: String {
        switch self {
        case .invalidName(let name, let reason): "invalid metric name '\(name)': \(reason)"
        case .invalidLabelName(let name, let reason): "invalid label name '\(name)': \(reason)"
        case .duplicateName(let name): "metric '\(name)' is already registered"
        case .labelCountMismatch(let family, let expected, let given):
            "metric '\(family)' takes \(expected) label values, \(given) given"
        case .tooManySeries(let family, let max): "metric '\(family)' already has \(max) label combinations"
        case .invalidBuckets(let reason): "invalid histogram buckets: \(reason)"
        }
    }
}

/// Checks names against the Prometheus data model.
enum MetricNaming {
    static func checkMetricName(_ name: String) throws(MetricsError) {
        guard let first = name.utf8.first else { throw .invalidName(name, reason: "empty") }
        guard isNameStart(first) || first == UInt8(ascii: ":") else {
            throw .invalidName(name, reason: "must start with a letter, '_' or ':'")
        }
        for byte in name.utf8 where !(isNameStart(byte) || isDigit(byte) || byte == UInt8(ascii: ":")) {
            throw .invalidName(name, reason: "only letters, digits, '_' and ':' are allowed")
        }
    }

    static func checkLabelNames(_ names: [String], reserved: Set<String> = []) throws(MetricsError) {
        var seen: Set<String> = []
        for name in names {
            guard let first = name.utf8.first, isNameStart(first) else {
                throw .invalidLabelName(name, reason: "must start with a letter or '_'")
            }
            for byte in name.utf8 where !(isNameStart(byte) || isDigit(byte)) {
                throw .invalidLabelName(name, reason: "only letters, digits and '_' are allowed")
            }
            if name.hasPrefix("__") { throw .invalidLabelName(name, reason: "names starting with '__' are reserved") }
            if reserved.contains(name) { throw .invalidLabelName(name, reason: "reserved for this metric type") }
            if !seen.insert(name).inserted { throw .invalidLabelName(name, reason: "repeated") }
        }
    }

    private static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == UInt8(ascii: "_")
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}
