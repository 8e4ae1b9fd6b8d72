import Dispatch
import Engine
import Foundation
import Testing

@testable import Persistence

/// Switching to a segment the preparer has finished costs the writer no wait,
/// even while the preparer is busy with the segment after it.
@Suite struct SegmentSwitchTests {
    @Test("The writer moves into a prepared segment without waiting for the busy preparer", arguments: [IOBackend.sync, .uring])
    func preparedSwitchDoesNotWait(backend: IOBackend) throws {
        let directory = TemporaryDirectory("segment-switch")
        let options = JournalOptions(
            durability: .strict, segmentBytes: 128 << 10, frameBytesMax: 64 << 10, ioBackend: backend,
            retryIntervalMilliseconds: 20)
        let journal = try SegmentJournal(
            directory: directory.path, shardIndex: 0, shardCount: 1, limits: .standard, position: .newLog,
            options: options)
        defer { journal.close() }
        let appender = Appender(journal: journal)
        // The first frame makes the preparer start on segment 2.
        appender.appendOne()
        #expect(try waitUntil { journal.condition.withLock { journal.preparedSegments.contains(2) } })

        // Keep the preparer busy: the switch must not wait for it.
        let release = DispatchSemaphore(value: 0)
        _ = journal.preparer.async { release.wait() }
        defer { release.signal() }
        let switched = DispatchSemaphore(value: 0)
        let writer = Thread {
            while journal.currentSegmentSequence < 2 { appender.appendOne() }
            switched.signal()
        }
        writer.start()
        let result = switched.wait(timeout: .now() + 60)
        release.signal()
        #expect(result == .success, "the writer waited for the preparer at the switch to a prepared segment")
        if result != .success { switched.wait() }
        #expect(journal.currentStatistics.segmentSwitchWaits == 1, "only the start opened a segment the preparer had not made")
    }

    private func waitUntil(_ condition: () -> Bool) throws -> Bool {
        for _ in 0..<6_000 {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }
}

/// Appends one record at a time and waits for it (on any one thread at a time).
private final class Appender: @unchecked Sendable {
    let journal: SegmentJournal
    var lsn: UInt64 = 0

    init(journal: SegmentJournal) { self.journal = journal }

    func appendOne() {
        lsn += 1
        let record = LogRecord(lsn: lsn, timestamp: 1, command: .setStock(SetStock(store: "s", sku: "sku-\(lsn)", onHand: 1)))
        let done = DispatchSemaphore(value: 0)
        journal.append([record]) { _ in done.signal() }
        while journal.hasWritesInFlight { journal.collectCompletions(waiting: true) }
        done.wait()
    }
}
