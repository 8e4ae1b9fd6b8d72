/// One measured quantity, repeated: every run's value, and their median, min and max.
struct Figure: Encodable {
    var section: String
    var name: String
    var configuration: String
    var unit: String
    var samples: [Double]
    /// The target it is held against (docs/BENCHMARKS.md, "Targets"), if any, e.g. "≥ 2,000,000".
    var target: String?

    var median: Double {
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    var minimum: Double { samples.min() ?? 0 }
    var maximum: Double { samples.max() ?? 0 }

    private enum CodingKeys: String, CodingKey {
        case section, name, configuration, unit, samples, target, median, minimum, maximum
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(section, forKey: .section)
        try container.encode(name, forKey: .name)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(unit, forKey: .unit)
        try container.encode(samples, forKey: .samples)
        try container.encodeIfPresent(target, forKey: .target)
        try container.encode(median, forKey: .median)
        try container.encode(minimum, forKey: .minimum)
        try container.encode(maximum, forKey: .maximum)
    }
}

/// Figures in the order first recorded; each run adds one sample to each.
struct FigureSet: Encodable {
    private(set) var figures: [Figure] = []

    /// Adds `value` as one more run of the figure named `name` under `configuration`, in `unit`.
    mutating func record(
        _ section: String, _ name: String, configuration: String, unit: String, value: Double, target: String? = nil
    ) {
        if let index = figures.firstIndex(where: {
            $0.section == section && $0.name == name && $0.configuration == configuration && $0.unit == unit
        }) {
            figures[index].samples.append(value)
        } else {
            figures.append(
                Figure(
                    section: section, name: name, configuration: configuration, unit: unit, samples: [value],
                    target: target))
        }
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(figures)
    }
}
