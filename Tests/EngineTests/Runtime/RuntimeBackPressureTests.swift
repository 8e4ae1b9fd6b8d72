import Dispatch
import Foundation
import Testing

@testable import Engine

/// Bounds on work applied but not yet durable, sticky journal failure, and
/// ticks on an idle shard.
@Suite struct RuntimeBackPressureTests {
    @Test("At most journalBatchesInFlightMax batches wait on the journal; then the queue fills and callers get busy")
    func inFlightBatchesAreBounded() async throws {
        let journal = ControlledJournal()
        let limits = Limits(shardQueueCapacity: 4, journalBatchesInFlightMax: 2)
        let runtime = ShardRuntime(shardCount: 1, limits: limits, journalForShard: { _ in journal })
        let answers = Collected()
        let done = DispatchGroup()
        for request in 0..<20 {
            done.enter()
            runtime.submit(.setStock(SetStock(store: "s", sku: "A", onHand: Int64(request)))) {
                answers.append($0)
                done.leave()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(journal.pendingCount == 2, "the writer must stop at two batches in the journal")
        let busy = answers.values.filter { $0 == .failure(.busy) }.count
        #expect(busy >= 20 - 2 - 4 - 1, "beyond two batches in flight and a full queue, callers are refused")
        #expect(answers.values.allSatisfy { $0 == .failure(.busy) }, "nothing is acknowledged before it is durable")
        while journal.pendingCount > 0 || answers.values.count < 20 {
            journal.completeOldest(.success(()))
            try await Task.sleep(for: .milliseconds(5))
        }
        done.wait()
        let acknowledged = answers.values.filter { if case .success = $0 { true } else { false } }.count
        #expect(acknowledged + answers.values.filter { $0 == .failure(.busy) }.count == 20)
        #expect(acknowledged >= 3)
        runtime.shutdown()
    }

    @Test("An inspection (a snapshot's copy) is queued even when the queue is full, and answered once the writer gets to it")
    func inspectionPassesAFullQueue() async throws {
        let journal = ControlledJournal()
        let limits = Limits(shardQueueCapacity: 4, journalBatchesInFlightMax: 1)
        let runtime = ShardRuntime(shardCount: 1, limits: limits, journalForShard: { _ in journal })
        var refused = false
        var request = 0
        while !refused && request < 100 {
            let outcome = Collected()
            runtime.submit(.setStock(SetStock(store: "s", sku: "A", onHand: Int64(request)))) { outcome.append($0) }
            request += 1
            try await Task.sleep(for: .milliseconds(2))
            refused = outcome.values == [.failure(.busy)]
        }
        #expect(refused, "the queue is full")
        let inspected = Task { await runtime.inspect(shard: 0) { $0.lastLSN } }
        for _ in 0..<500 where journal.pendingCount > 0 || runtime.queueDepth(shard: 0)! > 0 {
            journal.completeOldest(.success(()))
            try await Task.sleep(for: .milliseconds(2))
        }
        let lsn = await inspected.value
        #expect(lsn != nil, "the inspection was queued, not refused")
        runtime.shutdown()
    }

    @Test("A batch after a failed one is not acknowledged, even if the journal says it is durable")
    func failureIsSticky() async throws {
        let journal = ControlledJournal()
        let runtime = ShardRuntime(shardCount: 1, journalForShard: { _ in journal })
        let first = Collected()
        let second = Collected()
        runtime.submit(.setStock(SetStock(store: "s", sku: "A", onHand: 5))) { first.append($0) }
        for _ in 0..<200 where journal.pendingCount < 1 { try await Task.sleep(for: .milliseconds(2)) }
        runtime.submit(.adjustStock(AdjustStock(store: "s", sku: "A", delta: 1, reason: "count"))) { second.append($0) }
        for _ in 0..<200 where journal.pendingCount < 2 { try await Task.sleep(for: .milliseconds(2)) }
        #expect(journal.pendingCount == 2)
        journal.completeNewest(.success(()))
        journal.completeOldest(.failure(JournalError(reason: "I/O error")))
        for _ in 0..<200 where first.values.isEmpty || second.values.isEmpty {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(first.values == [.failure(.journalFailure(reason: "I/O error"))])
        #expect(second.values == [.failure(.journalFailure(reason: "I/O error"))])
        #expect(runtime.writesHaltedReason(shard: 0) == "I/O error")
        runtime.shutdown()
    }

    @Test("An idle shard still ticks, so holds expire without traffic")
    func idleShardExpiresHolds() async throws {
        let clock = ManualBatchClock()
        let runtime = ShardRuntime(
            shardCount: 1, limits: Limits(idleTickIntervalMilliseconds: 20), clock: clock)
        defer { runtime.shutdown() }
        _ = await runtime.execute(.setStock(SetStock(store: "s", sku: "A", onHand: 3)))
        let placed = await runtime.execute(
            .reserve(Reserve(store: "s", reservationID: "r", lines: [LineRequest(sku: "A", quantity: 2)], ttlSeconds: 1)))
        guard case .success = placed else { throw TestFailure("reserve failed: \(placed)") }
        clock.advance(seconds: 2)
        var expired = false
        for _ in 0..<100 where !expired {
            try await Task.sleep(for: .milliseconds(10))
            let page = runtime.events(shard: 0, after: 0, limit: 100)?.events ?? []
            expired = page.contains { $0.kind == .reservationExpired(reservationID: "r") }
        }
        #expect(expired, "the idle tick expired the reservation")
        let stock = await runtime.execute(.getStock(StockQuery(store: "s", sku: "A")))
        guard case .success(.stock(let view)) = stock else { throw TestFailure("read failed: \(stock)") }
        #expect(view.totals.reserved == 0)
    }
}

/// A journal whose batches complete only when the test says so, in any order.
final class ControlledJournal: Journal, @unchecked Sendable {
    private let lock = NSLock()
    private var pending: [@Sendable (Result<Void, JournalError>) -> Void] = []

    func append(_ records: [LogRecord], onDurable: @escaping @Sendable (Result<Void, JournalError>) -> Void) {
        lock.withLock { pending.append(onDurable) }
    }

    var pendingCount: Int { lock.withLock { pending.count } }

    func completeOldest(_ result: Result<Void, JournalError>) {
        let callback = lock.withLock { pending.isEmpty ? nil : pending.removeFirst() }
        callback?(result)
    }

    func completeNewest(_ result: Result<Void, JournalError>) {
        let callback = lock.withLock { pending.popLast() }
        callback?(result)
    }
}

@Suite struct SystemBatchClockTests {
    @Test("The batch clock starts at wall-clock time and never goes back")
    func anchoredAndMonotonic() {
        let clock = SystemBatchClock()
        let wall = Int64(Date().timeIntervalSince1970 * 1e9)
        var previous = clock.nowNanoseconds()
        #expect(abs(previous - wall) < 5_000_000_000, "within 5 s of the wall clock")
        for _ in 0..<10_000 {
            let next = clock.nowNanoseconds()
            #expect(next >= previous)
            previous = next
        }
    }
}
