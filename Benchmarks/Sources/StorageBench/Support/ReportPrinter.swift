import Foundation

/// Prints figures as a plain-text table (medians, min–max) or as JSON.
enum ReportPrinter {
    static func table(_ set: FigureSet, runs: Int) -> String {
        let header = ["measurement", "configuration", "median", "min – max", "unit", "target"]
        var rows: [[String]] = []
        var lastSection = ""
        for figure in set.figures {
            if figure.section != lastSection {
                rows.append(["[\(figure.section)]", "", "", "", "", ""])
                lastSection = figure.section
            }
            rows.append([
                figure.name, figure.configuration, format(figure.median),
                "\(format(figure.minimum)) – \(format(figure.maximum))",
                figure.unit + (figure.samples.count == runs ? "" : " (\(figure.samples.count) runs)"),
                figure.target ?? "",
            ])
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        let numeric: Set<Int> = [2, 3]
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return numeric.contains(column) ? padding + cell : cell + padding
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    static func json(_ set: FigureSet, configuration: [String: String]) throws -> String {
        struct Document: Encodable {
            var configuration: [String: String]
            var figures: FigureSet
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(Document(configuration: configuration, figures: set))
        return String(decoding: data, as: UTF8.self)
    }

    /// Thousands separators at 100 and above; three significant digits below.
    static func format(_ value: Double) -> String {
        if abs(value) >= 100 {
            let formatter = NumberFormatter()
            formatter.numberStyle = .decimal
            formatter.maximumFractionDigits = 0
            formatter.locale = Locale(identifier: "en_US")
            return formatter.string(from: NSNumber(value: value.rounded())) ?? "\(value)"
        }
        if value == 0 { return "0" }
        return String(format: "%.3g", value)
    }
}

/// Progress and per-run values, on standard error so standard output stays the table (or JSON).
func say(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
