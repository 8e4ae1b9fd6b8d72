/// Pieces of the Prometheus text exposition format, version 0.0.4.
enum Exposition {
    /// The `Content-Type` of `MetricsRegistry.render()`.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// HELP text: backslash and line feed escaped.
    static func escapeHelp(_ text: String) -> String {
        guard text.contains(where: { $0 == "\\" || $0 == "\n" }) else { return text }
        var escaped = ""
        for character in text {
            switch character {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A label value: backslash, double quote and line feed escaped.
    static func escapeLabelValue(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        var escaped = ""
        for character in value {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// `{a="x",b="y"}`, or nothing without labels.
    static func labelSet(_ names: [String], _ values: [String], extra: (name: String, value: String)? = nil) -> String {
        if names.isEmpty && extra == nil { return "" }
        var text = "{"
        for (index, name) in names.enumerated() {
            if index > 0 { text += "," }
            text += name + "=\"" + escapeLabelValue(values[index]) + "\""
        }
        if let extra {
            if !names.isEmpty { text += "," }
            text += extra.name + "=\"" + escapeLabelValue(extra.value) + "\""
        }
        return text + "}"
    }

    /// A float sample value as Prometheus parses it: `+Inf`, `-Inf`, `NaN`, or
    /// the shortest decimal that reads back as the same double.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func header(into text: inout String, name: String, help: String, type: String) {
        text += "# HELP " + name + " " + escapeHelp(help) + "\n"
        text += "# TYPE " + name + " " + type + "\n"
    }
}
