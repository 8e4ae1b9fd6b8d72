import Dispatch
import Foundation
import Testing

@testable import Engine

/// A journal whose writes finish in the background but are answered only
/// when the writer collects them (as `SegmentJournal` does on io_uring): the
/// shard must collect them when it has nothing else to do, when its release
/// backlog is full, when it may not go further ahead, and when it stops.
@Suite struct WriterCollectedJournalTests {
    @Test("Writes answered only when the writer collects them all complete, in order, and nothing is oversold")
    func concurrentReservesComplete() async throws {
        let journal = WriterCollectedJournal(delaySeconds: 0.002)
        let runtime = ShardRuntime(shardCount: 1, journalForShard: { _ in journal })
        let stocked = await runtime.execute(.setStock(SetStock(store: "s", sku: "HOT", onHand: 3_000)))
        #expect((try? stocked.get()) != nil)
        let granted = Counter()
        let refused = Counter()
        let unexpected = Counter()
        let finished = DispatchGroup()
        for thread in 0..<4 {
            for request in 0..<1_000 {
                finished.enter()
                let command = Command.reserve(
                    Reserve(store: "s", reservationID: "t\(thread)-\(request)", lines: [LineRequest(sku: "HOT", quantity: 1)]))
                DispatchQueue.global().async {
                    runtime.submit(command) { outcome in
                        switch outcome {
                        case .success: granted.increment()
                        case .failure(.insufficientStock): refused.increment()
                        case .failure: unexpected.increment()
                        }
                        finished.leave()
                    }
                }
            }
        }
        finished.wait()
        #expect(unexpected.value == 0)
        #expect(granted.value == 3_000)
        #expect(refused.value == 1_000)
        let read = await runtime.execute(.getStock(StockQuery(store: "s", sku: "HOT")))
        guard case .success(.stock(let view)) = read else { throw TestFailure("stock read failed: \(read)") }
        #expect(view.totals.reserved == 3_000)
        runtime.shutdown()
        #expect(journal.unanswered == 0, "stopping collects every write in flight")
        #expect(journal.collectedOffWriter == 0, "only the writer thread collects")
        #expect(journal.answeredInOrder)
    }

    @Test("Reads queued behind a write in flight do not stall the writer (the release backlog is collected)")
    func readsBehindAWriteInFlight() async throws {
        let journal = WriterCollectedJournal(delaySeconds: 0.05)
        let runtime = ShardRuntime(shardCount: 1, journalForShard: { _ in journal })
        defer { runtime.shutdown() }
        let finished = DispatchGroup()
        let answered = Counter()
        finished.enter()
        runtime.submit(.setStock(SetStock(store: "s", sku: "A", onHand: 5))) { outcome in
            if (try? outcome.get()) != nil { answered.increment() }
            finished.leave()
        }
        // Far more separate read-only batches than the release backlog holds.
        for _ in 0..<200 {
            finished.enter()
            runtime.submit(.getStock(StockQuery(store: "s", sku: "A"))) { _ in
                answered.increment()
                finished.leave()
            }
        }
        #expect(finished.wait(timeout: .now() + 60) == .success, "every command is answered")
        #expect(answered.value == 201)
    }
}

/// See `WriterCollectedJournalTests`.
final class WriterCollectedJournal: Journal, @unchecked Sendable {
    private struct Write {
        var id: Int
        var finished = false
        var onDurable: @Sendable (Result<Void, JournalError>) -> Void
    }

    private let condition = NSCondition()
    private let delaySeconds: Double
    private var writes: [Write] = []
    private var nextID = 0
    private var lastAnswered = -1
    private var outOfOrder = false
    private var offWriter = 0

    init(delaySeconds: Double) { self.delaySeconds = delaySeconds }

    func append(_ records: [LogRecord], onDurable: @escaping @Sendable (Result<Void, JournalError>) -> Void) {
        condition.lock()
        let id = nextID
        nextID += 1
        writes.append(Write(id: id, onDurable: onDurable))
        condition.unlock()
        DispatchQueue.global().asyncAfter(deadline: .now() + delaySeconds) { [self] in
            condition.lock()
            if let index = writes.firstIndex(where: { $0.id == id }) { writes[index].finished = true }
            condition.broadcast()
            condition.unlock()
        }
    }

    var hasWritesInFlight: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !writes.isEmpty
    }

    func collectCompletions(waiting: Bool) {
        condition.lock()
        if !Thread.current.isShardWriter { offWriter += 1 }
        if waiting {
            while let first = writes.first, !first.finished { condition.wait() }
        }
        var ready: [Write] = []
        while let first = writes.first, first.finished { ready.append(writes.removeFirst()) }
        for write in ready {
            if write.id != lastAnswered + 1 { outOfOrder = true }
            lastAnswered = write.id
        }
        condition.unlock()
        for write in ready { write.onDurable(.success(())) }
    }

    var unanswered: Int { condition.withLock { writes.count } }
    var collectedOffWriter: Int { condition.withLock { offWriter } }
    var answeredInOrder: Bool { condition.withLock { !outOfOrder } }
}

extension Thread {
    fileprivate var isShardWriter: Bool {
        let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        return name.hasPrefix("hf-shard-")
    }
}
