import Foundation
import Testing

@testable import Engine

/// Queries answered at once on the caller's thread (`ShardRuntime.read`): they
/// show what is durable, never a change still being written or whose write
/// failed, and hand everything else to the queue.
@Suite struct ReadWithoutQueueTests {
    static func onHand(_ outcome: Outcome?) -> Int64? {
        guard case .success(.stock(let view)) = outcome else { return nil }
        return view.totals.onHand
    }

    static func stock(_ sku: String) -> Command { .getStock(StockQuery(store: "s", sku: sku)) }

    /// `runtime.read`, tried again while it gives up (the writer may be
    /// applying a batch — an idle tick — at that moment); nil after 10 s.
    static func readEventually(_ runtime: ShardRuntime, _ command: Command) async throws -> Outcome? {
        for _ in 0..<1_000 {
            if let outcome = runtime.read(command) { return outcome }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    @Test("A read without the queue shows durable state, and goes to the queue while a change it reads is written")
    func readsNeverShowAChangeBeingWritten() async throws {
        let journal = GatedJournal()
        journal.openGate()
        let runtime = ShardRuntime(shardCount: 1, journalForShard: { _ in journal })
        defer {
            journal.openGate()
            runtime.shutdown()
        }
        _ = await runtime.execute(.setStock(SetStock(store: "s", sku: "A", onHand: 5)))
        _ = await runtime.execute(.setStock(SetStock(store: "s", sku: "B", onHand: 3)))
        #expect(Self.onHand(try await Self.readEventually(runtime, Self.stock("A"))) == 5)
        let unknown = try await Self.readEventually(runtime, .getStock(StockQuery(store: "s", sku: "NONE")))
        #expect(unknown == .failure(.unknownSKU(sku: "NONE")))
        #expect(runtime.read(.adjustStock(AdjustStock(store: "s", sku: "A", delta: 1, reason: "x"))) == nil)

        journal.closeGate()
        let batchesBefore = journal.appendedBatches
        let answered = Collected()
        runtime.submit(.adjustStock(AdjustStock(store: "s", sku: "A", delta: 1, reason: "count"))) {
            answered.append($0)
        }
        try await journal.waitForAppendedBatches(batchesBefore + 1)
        // A's change is applied but not durable: a read of A must wait for it,
        // through the queue; B's state is durable and is read at once.
        #expect(runtime.read(Self.stock("A")) == nil)
        let countedBefore = runtime.metrics(shard: 0)?.readsWithoutQueue
        #expect(runtime.read(batch: [Self.stock("B"), Self.stock("A")]) == nil, "all or none")
        #expect(runtime.metrics(shard: 0)?.readsWithoutQueue == countedBefore, "a refused batch counts nothing")
        let readsBefore = runtime.metrics(shard: 0)?.readsWithoutQueue ?? 0
        #expect(Self.onHand(try await Self.readEventually(runtime, Self.stock("B"))) == 3)
        #expect(runtime.metrics(shard: 0)?.readsWithoutQueue == readsBefore + 1, "counted once, as a command")
        let queued = Collected()
        runtime.submit(Self.stock("A")) { queued.append($0) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(answered.values.isEmpty && queued.values.isEmpty, "nothing answered before the write is durable")

        journal.openGate()
        for _ in 0..<3_000 where queued.values.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(answered.values.count == 1)
        #expect(Self.onHand(queued.values.first) == 6)
        #expect(Self.onHand(try await Self.readEventually(runtime, Self.stock("A"))) == 6, "durable now: read at once")
    }

    @Test("A change whose write failed is never read without the queue; the queue refuses it")
    func failedWritesAreNotRead() async throws {
        let journal = FailingJournal(failAfterBatches: 1)
        let runtime = ShardRuntime(shardCount: 1, journalForShard: { _ in journal })
        defer { runtime.shutdown() }
        _ = await runtime.execute(.setStock(SetStock(store: "s", sku: "B", onHand: 3)))
        let failed = await runtime.execute(.setStock(SetStock(store: "s", sku: "A", onHand: 5)))
        #expect(failed == .failure(.journalFailure(reason: "disk full")))
        #expect(runtime.read(Self.stock("A")) == nil)
        #expect(Self.onHand(try await Self.readEventually(runtime, Self.stock("B"))) == 3)
        guard case .failure(.journalFailure) = await runtime.execute(Self.stock("A")) else {
            Issue.record("the queued read of a change not durable must be refused")
            return
        }
    }

    @Test("While a purge of retained records is being written, 'unknown' answers and order lists go to the queue")
    func purgesBeingWrittenAreNotRead() async throws {
        let journal = GatedJournal()
        journal.openGate()
        let clock = ManualBatchClock()
        let runtime = ShardRuntime(
            shardCount: 1, limits: Limits(idempotencyRetentionSeconds: 1), clock: clock,
            journalForShard: { _ in journal })
        defer {
            journal.openGate()
            runtime.shutdown()
        }
        let reservation = Command.getReservation(ReservationReference(store: "s", reservationID: "r"))
        _ = await runtime.execute(.setStock(SetStock(store: "s", sku: "A", onHand: 5)))
        _ = await runtime.execute(
            .reserve(Reserve(store: "s", reservationID: "r", lines: [LineRequest(sku: "A", quantity: 1)])))
        _ = await runtime.execute(.releaseReservation(ReservationReference(store: "s", reservationID: "r")))
        guard case .success(.reservation) = try await Self.readEventually(runtime, reservation) else {
            Issue.record("the released reservation is retained and read at once")
            return
        }

        journal.closeGate()
        let batchesBefore = journal.appendedBatches
        clock.advance(seconds: 2)
        // The next batch's tick purges the finished reservation (no event names it).
        runtime.submit(.setStock(SetStock(store: "s", sku: "Z", onHand: 1))) { _ in }
        try await journal.waitForAppendedBatches(batchesBefore + 1)
        #expect(runtime.read(reservation) == nil)
        #expect(runtime.read(.listOrders(OrderListQuery(store: "s", customerID: "c"))) == nil)
        let found = try await Self.readEventually(runtime, Self.stock("A"))
        #expect(Self.onHand(found) == 5, "a record found is not a purged one")

        journal.openGate()
        var after: Outcome?
        for _ in 0..<3_000 where after == nil {
            after = runtime.read(reservation)
            if after == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(after == .failure(.unknownReservation(id: "r")))
    }
}
