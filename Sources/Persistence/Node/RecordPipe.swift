import Engine
import Foundation

/// Carries decoded log records from the reading thread to the applying one,
/// in chunks, with a bounded number of chunks in between.
final class RecordPipe: @unchecked Sendable {
    private static let chunkSize = 4_096
    private static let chunksInFlight = 4
    private let condition = NSCondition()
    private var chunks: [[LogRecord]] = []
    private var filling: [LogRecord] = []
    private var result: Result<LogScanReport, PersistenceError>?
    private var cancelled = false

    /// Reader side: adds a record; throws once the applier gave up.
    func put(_ record: LogRecord) throws(PersistenceError) {
        filling.append(record)
        guard filling.count >= RecordPipe.chunkSize else { return }
        try flush()
    }

    private func flush() throws(PersistenceError) {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= RecordPipe.chunksInFlight && !cancelled { condition.wait() }
        if cancelled { throw .invalidRequest(reason: "replay stopped") }
        chunks.append(filling)
        filling = []
        filling.reserveCapacity(RecordPipe.chunkSize)
        condition.broadcast()
    }

    /// Reader side: the scan is over.
    func finish(_ outcome: Result<LogScanReport, PersistenceError>) {
        if case .success = outcome, !filling.isEmpty { try? flush() }
        condition.lock()
        result = outcome
        condition.broadcast()
        condition.unlock()
    }

    /// Applier side: the next chunk, or nil when the scan is over.
    func take() -> [LogRecord]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && result == nil { condition.wait() }
        guard !chunks.isEmpty else { return nil }
        condition.broadcast()
        return chunks.removeFirst()
    }

    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    func waitForResult() -> Result<LogScanReport, PersistenceError> {
        condition.lock()
        defer { condition.unlock() }
        while result == nil { condition.wait() }
        return result!
    }
}
