import Engine
import Foundation
import Testing

@testable import Persistence

/// A running node's snapshots are rebuilt from the shard's files (newest
/// snapshot, then the log), not copied from the writer.
@Suite struct SnapshotRebuildTests {
    @Test("A running shard's snapshot is rebuilt from its files and equals the writer's state, byte for byte",
        arguments: [Durability.strict, .relaxed])
    func rebuiltSnapshotEqualsWriterState(durability: Durability) async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions(durability: durability))
        defer { node.shutdown() }
        await run(workload(1_000, seed: 90), on: node)
        let first = try await node.snapshot(shard: 0)
        await run(workload(600, seed: 91), on: node)
        let second = try await node.snapshot(shard: 0)
        let writerState = await encodedStates(node)[0]

        #expect(second.lsn > first.lsn, "the second snapshot starts from the first and replays the log after it")
        let loaded = try SnapshotFile.load(second.path, shardIndex: 0, shardCount: 1, limits: node.limits)
        #expect(loaded.state.encodedState() == writerState)
    }

    @Test("A rebuild stops at the LSN asked for, though the log goes on")
    func rebuildStopsAtItsLSN() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        defer { node.shutdown() }
        await run(workload(800, seed: 92), on: node)
        _ = try await node.snapshot(shard: 0)
        await run(workload(400, seed: 93), on: node)
        let middleState = await encodedStates(node)[0]
        let middleLSN = try #require(await node.runtime.inspect(shard: 0) { $0.lastLSN })
        await run(workload(400, seed: 94), on: node)

        let rebuilt = try Recovery.rebuildRunningShard(
            directory: directory.sub("shard-000"), shardIndex: 0, shardCount: 1, limits: node.limits,
            throughLSN: middleLSN, logExtentRequired: true)
        #expect(rebuilt.lastLSN == middleLSN)
        #expect(rebuilt.encodedState() == middleState)
        #expect(rebuilt.recordsEvents, "events are recorded again once the rebuild is done")
    }

    @Test("A rebuild asked to stop (the node is shutting down) ends with an error, not a state")
    func rebuildStopsWhenCancelled() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        defer { node.shutdown() }
        await run(workload(3 * Int(Recovery.cancellationCheckRecords), seed: 98), on: node, batch: 256)
        let lsn = try #require(await node.runtime.inspect(shard: 0) { $0.lastLSN })
        #expect(lsn > Recovery.cancellationCheckRecords, "the log reaches a record where the rebuild asks")
        var asked = 0
        #expect(throws: PersistenceError.self) {
            try Recovery.rebuildRunningShard(
                directory: directory.sub("shard-000"), shardIndex: 0, shardCount: 1, limits: node.limits,
                throughLSN: lsn, logExtentRequired: true, isCancelled: { asked += 1; return true })
        }
        #expect(asked == 1)
    }

    @Test("When the files cannot give the state, the snapshot copies the writer's; later ones rebuild again")
    func unreadableFilesFallBackToACopy() async throws {
        let directory = TemporaryDirectory()
        var options = smallLogOptions()
        options.snapshotsRetained = 1
        let shardPath = directory.sub("shard-000")
        let node = try DurableNode(path: directory.path, shardCount: 1, options: options)
        defer { node.shutdown() }
        await run(workload(1_500, seed: 95), on: node)
        let only = try await node.snapshot(shard: 0)
        #expect(!segmentFiles(shardPath).contains(shardPath + "/" + SegmentFormat.segmentName(1)), "retention removed the first segment")
        await run(workload(300, seed: 96), on: node)
        try flipBit(in: only.path, at: 128 + only.stateBytes / 2)
        let lsn = try #require(await node.runtime.inspect(shard: 0) { $0.lastLSN })
        #expect(throws: PersistenceError.self) {
            try Recovery.rebuildRunningShard(
                directory: shardPath, shardIndex: 0, shardCount: 1, limits: node.limits, throughLSN: lsn,
                logExtentRequired: true)
        }

        let copied = try await node.snapshot(shard: 0)
        #expect(copied.lsn == lsn)
        let writerState = await encodedStates(node)[0]
        #expect(try SnapshotFile.load(copied.path, shardIndex: 0, shardCount: 1, limits: node.limits).state.encodedState() == writerState)

        await run(workload(300, seed: 97), on: node)
        let rebuilt = try await node.snapshot(shard: 0)
        #expect(try SnapshotFile.load(rebuilt.path, shardIndex: 0, shardCount: 1, limits: node.limits).state.encodedState() == (await encodedStates(node)[0]))
    }
}
