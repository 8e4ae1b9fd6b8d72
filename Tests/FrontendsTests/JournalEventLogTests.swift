import Foundation
import Glibc
import Logging
import Persistence
import Synchronization
import Testing

@testable import holdfast

/// The lines `holdfast serve` writes for journal events.
@Suite struct JournalEventLogTests {
    /// Keeps every line logged through it.
    struct CapturingHandler: LogHandler {
        final class Lines: Sendable {
            let entries = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])
        }
        let lines: Lines
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            lines.entries.withLock { $0.append((event.level, "\(event.message)", event.metadata ?? [:])) }
        }
    }

    @Test("A halt is one error line with the errno's name and number and the file; a resume one info line")
    func lines() {
        let lines = CapturingHandler.Lines()
        let logger = Logger(label: "holdfast.journal") { _ in CapturingHandler(lines: lines) }
        let handler = JournalEventLog.handler(logger: logger, retryIntervalMilliseconds: 200)
        let path = "/data/shard-001/wal-000000000004.log"
        handler(.writesHalted(JournalFailure(shardIndex: 1, operation: "write + fdatasync", path: path, offset: 8_192, errno: ENOSPC)))
        handler(.writesResumed(shardIndex: 1, haltedSeconds: 12.3456, failedAttempts: 61))

        let entries = lines.entries.withLock { $0 }
        #expect(entries.count == 2)
        let halted = entries[0]
        #expect(halted.level == .error)
        #expect(halted.message.contains("No space left on device (ENOSPC, errno 28)") && halted.message.contains(path))
        #expect(halted.message.contains("retries every 200 ms"))
        #expect(halted.metadata["event"] == "JOURNAL_WRITES_HALTED")
        #expect(halted.metadata["errno"]?.description == "28" && halted.metadata["errno_name"] == "ENOSPC")
        #expect(halted.metadata["path"] == .string(path) && halted.metadata["offset"]?.description == "8192")
        #expect(halted.metadata["shard"]?.description == "1")
        let resumed = entries[1]
        #expect(resumed.level == .info && resumed.metadata["event"] == "JOURNAL_WRITES_RESUMED")
        #expect(resumed.metadata["halted_seconds"]?.description == "12.346")
        #expect(resumed.metadata["failed_attempts"]?.description == "61")
    }
}
