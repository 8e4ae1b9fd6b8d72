import ArgumentParser
import Foundation
import Logging
import Observability

/// `holdfast serve`'s log options.
struct ServeLogOptions: ParsableArguments {
    @Option(help: "json: standard error carries only JSON lines (start-up notes and the ready line included); text: start-up notes as plain lines.")
    var logFormat = ServeLog.Format.json.rawValue

    func validate() throws {
        guard ServeLog.Format(rawValue: logFormat) != nil else { throw ValidationError("--log-format must be json or text") }
    }

    var format: ServeLog.Format { ServeLog.Format(rawValue: logFormat) ?? .json }
}

/// What `holdfast serve` says on standard error about its start and stop: with
/// `json` (the default) each note is a JSON line of the `holdfast.serve` logger
/// (docs/operations.md, "Logs"), so standard error is JSON lines only; with
/// `text`, plain lines as an operator at a terminal reads them.
struct ServeLog: Sendable {
    enum Format: String, Sendable {
        case json
        case text
    }

    let format: Format
    private let logger = Logger(label: "holdfast.serve")

    init(format: Format) {
        self.format = format
    }

    /// An informational note (progress, what was opened, where it listens).
    func note(_ message: String, _ metadata: Logger.Metadata = [:]) {
        switch format {
        case .json: logger.info("\(message)", metadata: metadata)
        case .text: NodeOptions.say(message)
        }
    }

    /// A warning; a multi-line text block becomes one JSON line (banner lines
    /// of `*` dropped, `WARNING: ` prefixes folded into the level).
    func warning(_ message: String, _ metadata: Logger.Metadata = [:]) {
        switch format {
        case .json: logger.warning("\(Self.oneLine(message))", metadata: metadata)
        case .text: NodeOptions.say(message)
        }
    }

    /// A failure that ends the start; the process then exits non-zero.
    func failure(_ message: String) {
        switch format {
        case .json: logger.error("\(message)", metadata: ["event": "start_failed"])
        case .text: NodeOptions.say("Error: \(message)")
        }
    }

    /// `note` as a plain closure, for code that reports progress as strings.
    var say: @Sendable (String) -> Void { { [self] message in note(message) } }

    /// `warning` as a plain closure.
    var warn: @Sendable (String) -> Void { { [self] message in warning(message) } }

    static func oneLine(_ block: String) -> String {
        block.split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.allSatisfy { $0 == "*" } }
            .map { $0.hasPrefix("WARNING: ") ? String($0.dropFirst("WARNING: ".count)) : $0 }
            .joined(separator: " ")
    }
}

extension ServeLog {
    /// Where serve listens, then the line that says it serves (docs/operations.md, "Run a node").
    /// Scripts wait for `"msg":"ready"` and read the ports from it.
    func ready(
        wire: (host: String, port: Int)?, unixSocket: String?, rest: (host: String, port: Int)?,
        connectionsMax: Int, openFilesMax: UInt64
    ) {
        var metadata: Logger.Metadata = [
            "event": "ready", "pid": .stringConvertible(Int(getpid())),
            "connections_max": .stringConvertible(connectionsMax), "open_files_max": .stringConvertible(openFilesMax),
        ]
        if let wire {
            note("listening on \(wire.host):\(wire.port) (wire protocol 1)")
            metadata["wire_host"] = .string(wire.host)
            metadata["wire_port"] = .stringConvertible(wire.port)
        }
        if let unixSocket {
            note("listening on unix:\(unixSocket)")
            metadata["unix_socket"] = .string(unixSocket)
        }
        if let rest {
            metadata["http_host"] = .string(rest.host)
            metadata["http_port"] = .stringConvertible(rest.port)
        }
        note("ready", metadata)
    }
}
