import ArgumentParser
import Foundation
import Persistence
import REST

/// Options every operator command shares: where the data is, and how to print.
struct OperatorOptions: ParsableArguments {
    @Option(help: "Data directory.")
    var dataDir = "./holdfast-data"

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Print no progress lines on standard error.")
    var quiet = false

    /// Where long work reports progress: standard error, unless `--quiet`.
    var progress: (@Sendable (String) -> Void)? {
        quiet ? nil : { @Sendable message in OperatorOutput.printError(message) }
    }

    /// Prints `report` as JSON or as its table.
    func emit(_ report: some OperatorReport) {
        print(json ? OperatorOutput.json(report) : report.table())
    }
}

/// A command's result: encodable for `--json`, with a human table.
protocol OperatorReport: Encodable {
    func table() -> String
}

/// An operator command's refusal: a plain message, printed as `Error: <message>`.
struct OperatorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

enum OperatorOutput {
    /// Pretty JSON with sorted keys, or one compact line.
    static func json(_ value: some Encodable, compact: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            compact ? [.sortedKeys, .withoutEscapingSlashes] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// One line on standard error (progress, notes), unbuffered.
    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Left-aligned columns two spaces apart, under a header row.
    static func table(_ headers: [String], _ rows: [[String]]) -> String {
        let all = [headers] + rows
        var widths = [Int](repeating: 0, count: headers.count)
        for row in all {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        return all.map { row($0, widths: widths) }.joined(separator: "\n")
    }

    /// One table line: each cell padded to its column's width (the last is not).
    static func row(_ cells: [String], widths: [Int]) -> String {
        cells.enumerated().map { column, cell in
            column == cells.count - 1 || column >= widths.count
                ? cell : cell.padding(toLength: max(widths[column], cell.count), withPad: " ", startingAt: 0)
        }.joined(separator: "  ")
    }

    /// `1536` → `1.5 KiB`.
    static func byteCount(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// The size of a file, nil if it cannot be read.
    static func fileSize(_ path: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
    }

    /// The directory part of `path`, "" if it has none. (Not Foundation's
    /// `deletingLastPathComponent`: on Linux it traps on one-character paths.)
    static func parentDirectory(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// The last component of `path`.
    static func fileName(of path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return String(trimmed) }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    private static func withoutTrailingSlashes(_ path: String) -> Substring {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// An optional value for a table cell.
    static func cell(_ value: (some CustomStringConvertible)?) -> String {
        value.map(\.description) ?? "-"
    }
}

/// Where one shard of a restore or backup ended.
struct ShardPointRow: Encodable, Equatable {
    var shard: Int
    var lsn: UInt64
    var timestampNanoseconds: Int64
    /// The state's time, ISO 8601; nil for an empty state (LSN 0).
    var time: String?

    init(_ point: Operations.ShardPoint) {
        shard = point.shard
        lsn = point.lsn
        timestampNanoseconds = point.timestamp
        time = point.lsn == 0 ? nil : OperatorTime.iso8601(nanoseconds: point.timestamp)
    }

    static func table(_ rows: [ShardPointRow]) -> String {
        OperatorOutput.table(
            ["shard", "LSN", "time (UTC)"], rows.map { [String($0.shard), String($0.lsn), $0.time ?? "-"] })
    }
}
