import Engine
import Foundation
import Glibc
import Testing

@testable import Persistence

@Suite struct FailureTests {
    private func waitUntil(_ condition: () async -> Bool) async throws -> Bool {
        for _ in 0..<500 {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test(
        "A full disk on a log write halts writes with a clear error, keeps reads, and resumes when cleared",
        arguments: [IOBackend.sync, .uring])
    func diskFullOnWrite(backend: IOBackend) async throws {
        let directory = TemporaryDirectory()
        let faults = StorageFaults()
        var options = smallLogOptions()
        options.faults = faults
        options.journal.ioBackend = backend
        let node = try DurableNode(path: directory.path, shardCount: 1, options: options)
        await run(workload(200, seed: 20), on: node)

        faults.fail(.frameWrite, errno: ENOSPC)
        let failed = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "during", onHand: 7)))
        guard case .failure(.journalFailure(let reason)) = failed else { throw TestFailure("expected a journal failure, got \(failed)") }
        #expect(reason.contains("No space left on device"))
        #expect(node.runtime.writesHaltedReason(shard: 0)?.contains("No space left on device") == true)
        let refused = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "refused", onHand: 1)))
        guard case .failure(.journalFailure) = refused else { throw TestFailure("writes must be refused while halted, got \(refused)") }
        let read = await node.runtime.execute(.getStock(StockQuery(store: "store-0", sku: "sku-1")))
        if case .failure(.journalFailure) = read { Issue.record("reads must be served while writes are halted") }
        // The failed write is in memory but maybe not on disk: no read may show it.
        let unknown = await node.runtime.execute(.getStock(StockQuery(store: "s", sku: "during")))
        guard case .failure(.journalFailure(let why)) = unknown else {
            throw TestFailure("a read of a write that is not durable must be refused, got \(unknown)")
        }
        #expect(why.contains("not yet durable"))

        faults.clear()
        #expect(try await waitUntil { node.runtime.writesHaltedReason(shard: 0) == nil }, "writes resume once the fault clears")
        let after = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "after", onHand: 3)))
        #expect((try? after.get()) != nil)
        // The retry made it durable: now it may be read.
        let durable = await node.runtime.execute(.getStock(StockQuery(store: "s", sku: "during")))
        guard case .success(.stock(let retried)) = durable else { throw TestFailure("the retried write is durable: \(durable)") }
        #expect(retried.totals.onHand == Int64(7))
        let before = await encodedStates(node)
        node.shutdown()

        // The write whose outcome was unknown was retried and is durable; the
        // refused one never happened; the log verifies end to end.
        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { reopened.shutdown() }
        #expect(await encodedStates(reopened) == before)
        let during = await reopened.runtime.execute(.getStock(StockQuery(store: "s", sku: "during")))
        guard case .success(.stock(let view)) = during else { throw TestFailure("the retried write is missing: \(during)") }
        #expect(view.totals.onHand == 7)
        let never = await reopened.runtime.execute(.getStock(StockQuery(store: "s", sku: "refused")))
        if case .success = never { Issue.record("a refused write must not be applied") }
        #expect(try Operations.verify(directory.path)[0].cut == nil)
    }

    @Test("A full disk when a new segment is needed halts writes until space returns")
    func diskFullOnSegmentCreation() async throws {
        let directory = TemporaryDirectory()
        let faults = StorageFaults()
        var options = smallLogOptions()
        options.faults = faults
        let node = try DurableNode(path: directory.path, shardCount: 1, options: options)
        faults.fail(.segmentCreate, errno: ENOSPC)
        // Write until the first segment is full and the next cannot be made.
        var halted = false
        var attempts = 0
        while !halted && attempts < 5_000 {
            attempts += 1
            let outcome = await node.runtime.execute(
                .setStock(SetStock(store: "s", sku: "sku-\(attempts)", onHand: Int64(attempts))))
            if case .failure(.journalFailure(let reason)) = outcome {
                #expect(reason.contains("No space left on device"))
                halted = true
            }
        }
        #expect(halted, "the log filled its only segment")
        faults.clear()
        #expect(try await waitUntil { node.runtime.writesHaltedReason(shard: 0) == nil })
        await run(workload(100, seed: 21), on: node)
        let before = await encodedStates(node)
        node.shutdown()
        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { reopened.shutdown() }
        #expect(await encodedStates(reopened) == before)
        #expect(segmentFiles(directory.path + "/shard-000").count >= 2)
    }

    @Test("Relaxed durability writes the same log; it recovers identically after a clean stop")
    func relaxedMode() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions(durability: .relaxed))
        await run(workload(1_000, seed: 22), on: node)
        // A snapshot waits for the periodic fdatasync to cover its LSN.
        let snapshot = try await node.snapshot(shard: 0)
        await run(workload(200, seed: 23), on: node)
        let before = await encodedStates(node)
        node.shutdown()
        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { reopened.shutdown() }
        #expect(reopened.recovery[0].snapshot?.lsn == snapshot.lsn)
        #expect(await encodedStates(reopened) == before)
    }

    @Test("Durability none touches no files")
    func noneMode() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.sub("data"), shardCount: 1, options: smallLogOptions(durability: .none))
        await run(workload(100), on: node)
        node.shutdown()
        #expect(!FileManager.default.fileExists(atPath: directory.sub("data")))
    }

    @Test("Retention keeps the newest snapshots and deletes log segments they cover")
    func retention() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        for round in 0..<5 {
            await run(workload(600, seed: 30 + round), on: node)
            _ = try await node.snapshot(shard: 0)
        }
        await run(workload(100, seed: 40), on: node)
        let before = await encodedStates(node)
        node.shutdown()
        let shard = directory.path + "/shard-000"
        let snapshots = try SnapshotFile.list(in: shard)
        #expect(snapshots.count == 2)
        let segments = segmentFiles(shard)
        #expect(!segments.contains { $0.hasSuffix("wal-000000000001.log") }, "the oldest segments were deleted")
        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { reopened.shutdown() }
        #expect(await encodedStates(reopened) == before)
    }

    @Test("Periodic snapshots are taken by log volume")
    func periodicSnapshots() async throws {
        let directory = TemporaryDirectory()
        var options = smallLogOptions()
        options.snapshotEveryLogBytes = 64 << 10
        let node = try DurableNode(path: directory.path, shardCount: 1, options: options)
        defer { node.shutdown() }
        await run(workload(2_000, seed: 50), on: node)
        #expect(try await waitUntil { (try? SnapshotFile.list(in: directory.path + "/shard-000").isEmpty == false) ?? false })
    }

    @Test("Restore to an LSN and to a time rebuild exactly that prefix; backup copies a running node")
    func restoreAndBackup() async throws {
        let directory = TemporaryDirectory()
        let source = directory.sub("source")
        let node = try DurableNode(path: source, shardCount: 1, options: smallLogOptions())
        await run(workload(300, seed: 60), on: node)
        let midState = await encodedStates(node)
        let midLSN = await node.runtime.inspect(shard: 0) { $0.lastLSN }!
        let midTime = await node.runtime.inspect(shard: 0) { $0.now }!
        _ = try await node.snapshot(shard: 0)
        try await Task.sleep(for: .milliseconds(5))
        await run(workload(300, seed: 61), on: node)

        let backup = try Operations.backup(from: source, to: directory.sub("backup"))
        let endState = await encodedStates(node)
        let endLSN = await node.runtime.inspect(shard: 0) { $0.lastLSN }!
        #expect(backup.shards[0].lsn == endLSN)
        node.shutdown()

        let restored = try Operations.restore(from: source, to: directory.sub("at-lsn"), lsnPerShard: [0: midLSN])
        #expect(restored.shards[0].lsn == midLSN)
        let atLSN = try DurableNode(path: directory.sub("at-lsn"), options: smallLogOptions())
        #expect(await encodedStates(atLSN) == midState)
        await run(workload(20, seed: 62), on: atLSN)
        atLSN.shutdown()
        #expect(try Operations.verify(directory.sub("at-lsn"))[0].cut == nil)

        let atTime = try Operations.restore(from: source, to: directory.sub("at-time"), upToTimestamp: midTime)
        #expect(atTime.shards[0].lsn >= midLSN && atTime.shards[0].lsn < endLSN)

        let fromBackup = try DurableNode(path: directory.sub("backup"), options: smallLogOptions())
        defer { fromBackup.shutdown() }
        #expect(await encodedStates(fromBackup) == endState)

        #expect(throws: PersistenceError.self) {
            _ = try Operations.restore(from: source, to: directory.sub("too-far"), lsnPerShard: [0: endLSN + 1])
        }
        #expect(throws: PersistenceError.self) {
            _ = try Operations.restore(from: source, to: directory.sub("backup"))
        }
    }
}

@Suite struct RetentionValidityTests {
    @Test("A snapshot with a damaged header does not count toward the ones kept")
    func damagedSnapshotDoesNotCount() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        defer { node.shutdown() }
        await run(workload(200, seed: 80), on: node)
        let first = try await node.snapshot(shard: 0)
        await run(workload(200, seed: 81), on: node)
        let second = try await node.snapshot(shard: 0)
        try flipBit(in: second.path, at: 30)  // header byte: its CRC no longer matches
        await run(workload(200, seed: 82), on: node)
        let third = try await node.snapshot(shard: 0)
        let remaining = try SnapshotFile.list(in: directory.path + "/shard-000")
        #expect(remaining == [third.path, second.path, first.path], "two good ones kept, the damaged one left alone")
    }
}
