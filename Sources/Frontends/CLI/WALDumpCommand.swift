import ArgumentParser
import Engine
import Foundation
import Persistence
import REST

/// `holdfast wal dump`: one shard's log records, one line each, in LSN order.
struct WALDumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump",
        abstract: "Print one shard's log records: LSN, time, command, store and details.",
        discussion: """
            Reads (and checks) the log read-only; safe while a node runs. Records older than the \
            oldest kept snapshot were deleted with their segments by retention. With --json, prints \
            one JSON object per line.
            """)

    @OptionGroup var options: OperatorOptions

    @Option(help: "Shard whose log to read (0-based).")
    var shard: Int

    @Option(name: .customLong("from-lsn"), help: "First LSN to print.")
    var fromLSN: UInt64 = 1

    @Option(name: .customLong("to-lsn"), help: "Last LSN to print.")
    var toLSN: UInt64?

    @Option(help: "Print at most this many records.")
    var limit: Int?

    func validate() throws {
        guard shard >= 0 else { throw ValidationError("--shard must be 0 or more") }
        if let toLSN, toLSN < fromLSN { throw ValidationError("--to-lsn must not be below --from-lsn") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        var headerDue = !options.json
        let summary = try dump { line in
            if headerDue { print(WALDumpLine.header) }
            headerDue = false
            print(line)
        }
        options.progress?(summary.description)
    }

    /// Passes each selected record's line to `emit`; returns what was dumped.
    func dump(emit: (String) -> Void) throws -> WALDumpSummary {
        var summary = WALDumpSummary(shard: shard, fromLSN: fromLSN)
        var finishedEarly = false
        do {
            let report = try Operations.dumpLog(options.dataDir, shard: shard, fromLSN: fromLSN) { record in
                if let toLSN, record.lsn > toLSN {
                    finishedEarly = true
                    throw DumpFinished()
                }
                let line = WALDumpLine(record)
                emit(options.json ? OperatorOutput.json(line, compact: true) : line.text)
                summary.records += 1
                if summary.firstPrintedLSN == nil { summary.firstPrintedLSN = record.lsn }
                if let limit, summary.records >= limit {
                    finishedEarly = true
                    throw DumpFinished()
                }
            }
            summary.readToEnd = true
            summary.logFirstLSN = report.firstLSN
            summary.logLastLSN = report.lastLSN
        } catch {
            // The visitor stopped the scan: the log's extent is not known, and not needed.
            guard finishedEarly else { throw error }
        }
        return summary
    }
}

/// Thrown by the visitor to stop the scan once past --to-lsn or --limit. The
/// scanner wraps it in `PersistenceError.invalidRequest`, so `dump` recognises
/// it by the flag it set, not by type.
private struct DumpFinished: Error {}

/// One record as `wal dump` prints it.
struct WALDumpLine: Encodable, Equatable {
    var lsn: UInt64
    var timestampNanoseconds: Int64
    var time: String
    var tag: String
    var store: String
    var description: String

    static let widths = [10, 24, 19, 14]
    static let header = OperatorOutput.row(["LSN", "time (UTC)", "command", "store", "details"], widths: widths)

    init(_ record: LogRecord) {
        lsn = record.lsn
        timestampNanoseconds = record.timestamp
        time = OperatorTime.iso8601(nanoseconds: record.timestamp)
        tag = String(describing: CommandCodec.tag(of: record.command))
        store = record.command.store ?? "-"
        description = Self.compact(String(describing: record.command))
    }

    /// Drops the module prefix and `Optional(…)` around strings and numbers.
    static func compact(_ description: String) -> String {
        description.replacingOccurrences(of: "Engine.", with: "")
            .replacingOccurrences(
                of: #"Optional\(("(?:[^"\\]|\\.)*"|-?[0-9]+)\)"#, with: "$1", options: .regularExpression)
    }

    var text: String { OperatorOutput.row([String(lsn), time, tag, store, description], widths: Self.widths) }
}

/// What a dump printed, and the extent of the log when it read to the end.
struct WALDumpSummary: Equatable, CustomStringConvertible {
    var shard: Int
    var fromLSN: UInt64
    var records = 0
    var firstPrintedLSN: UInt64?
    /// Whether the scan reached the end of the log (then the log's extent is known).
    var readToEnd = false
    var logFirstLSN: UInt64?
    var logLastLSN: UInt64?

    var description: String {
        var parts = ["shard \(shard): \(records) record(s) printed"]
        if readToEnd {
            parts.append(
                logFirstLSN.map { "the log holds LSN \($0)...\(logLastLSN ?? $0)" } ?? "the log holds no records")
        }
        if let first = logFirstLSN ?? firstPrintedLSN, fromLSN < first {
            parts.append("LSNs before \(first) are only in snapshots")
        }
        return parts.joined(separator: "; ")
    }
}
