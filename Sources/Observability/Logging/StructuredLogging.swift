import Glibc
import Logging
import Synchronization

/// The process-wide logging set-up for `holdfast serve`.
public enum StructuredLogging {
    private static let bootstrapped = Atomic<Bool>(false)

    /// Makes every `Logger` write JSON lines (`JSONLogHandler`) to
    /// `fileDescriptor` (stderr by default) at `level` and above. Call once,
    /// early; swift-log allows one bootstrap per process, so later calls do
    /// nothing and return false.
    @discardableResult
    public static func bootstrap(
        level: Logger.Level = .info, fileDescriptor: Int32 = STDERR_FILENO,
        metadataProvider: Logger.MetadataProvider? = nil
    ) -> Bool {
        guard bootstrapped.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else {
            return false
        }
        let sink = LogSink(fileDescriptor: fileDescriptor)
        LoggingSystem.bootstrap(
            { label, provider in
                JSONLogHandler(label: label, sink: sink, level: level, metadataProvider: provider)
            }, metadataProvider: metadataProvider)
        return true
    }

    /// Parses a level name as operators type it (`trace` … `critical`, any case).
    public static func level(named name: String) -> Logger.Level? {
        Logger.Level(rawValue: name.lowercased())
    }
}

extension StructuredLogging {
    /// The metadata of a request's log line: `request_id`, `method`, `path`,
    /// `status` and `duration_ms` (milliseconds, three decimals).
    public static func requestMetadata(
        requestID: String, method: String, path: String, status: Int, durationNanoseconds: UInt64
    ) -> Logger.Metadata {
        [
            "event": "request", "request_id": .string(requestID), "method": .string(method), "path": .string(path),
            "status": .stringConvertible(status),
            "duration_ms": .stringConvertible((Double(durationNanoseconds) / 1_000).rounded() / 1_000),
        ]
    }
}
