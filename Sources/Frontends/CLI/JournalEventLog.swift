import Logging
import Persistence

/// The log lines of journal failures: one error line when a shard's writes
/// halt (the errno by name and number, the file), one info line when they
/// resume. The journal reports each episode once; retries in between say nothing.
enum JournalEventLog {
    /// A handler for `DurableNode.Options.journalEvents` that writes to `logger`.
    static func handler(logger: Logger, retryIntervalMilliseconds: Int) -> JournalEventHandler {
        { event in log(event, to: logger, retryIntervalMilliseconds: retryIntervalMilliseconds) }
    }

    static func log(_ event: JournalEvent, to logger: Logger, retryIntervalMilliseconds: Int) {
        switch event {
        case .writesHalted(let failure):
            logger.error(
                "\(failure); shard \(failure.shardIndex) refuses writes, serves reads, and retries every \(retryIntervalMilliseconds) ms",
                metadata: haltedMetadata(failure))
        case .writesResumed(let shard, let haltedSeconds, let failedAttempts):
            logger.info(
                "shard \(shard) writes resumed: the log is written again",
                metadata: [
                    "event": "JOURNAL_WRITES_RESUMED", "shard": .stringConvertible(shard),
                    "halted_seconds": .stringConvertible((haltedSeconds * 1_000).rounded() / 1_000),
                    "failed_attempts": .stringConvertible(failedAttempts),
                ])
        }
    }

    static func haltedMetadata(_ failure: JournalFailure) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "event": "JOURNAL_WRITES_HALTED", "shard": .stringConvertible(failure.shardIndex),
            "operation": .string(failure.operation), "path": .string(failure.path),
            "errno": .stringConvertible(failure.errno), "errno_name": .string(failure.errnoName),
            "reason": .string(failure.errnoMessage),
        ]
        if let offset = failure.offset { metadata["offset"] = .stringConvertible(offset) }
        return metadata
    }
}
