import Engine
import Foundation
import Testing

@testable import Persistence

@Suite struct RecoveryTests {
    @Test("State recovered from the log alone equals the state of the process that wrote it, byte for byte",
        arguments: [IOBackend.uring, .sync])
    func logReplayIsByteIdentical(backend: IOBackend) async throws {
        let directory = TemporaryDirectory()
        var options = smallLogOptions()
        options.journal.ioBackend = backend
        let node = try DurableNode(path: directory.path, shardCount: 2, options: options)
        let succeeded = await run(workload(3_000), on: node)
        #expect(succeeded > 2_000)
        let before = await encodedStates(node)
        node.shutdown()
        #expect(segmentFiles(directory.path + "/shard-000").count > 2, "small segments rolled over")

        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { reopened.shutdown() }
        #expect(reopened.shardCount == 2)
        #expect(reopened.recovery.allSatisfy { $0.cut == nil && $0.snapshot == nil })
        #expect(reopened.recovery.map(\.replayedRecords).reduce(0, +) >= succeeded)
        #expect(await encodedStates(reopened) == before)
        #expect(await invariantViolations(reopened).isEmpty)
    }

    @Test("A log written from commands' received bytes replays to the writer's state, byte for byte")
    func receivedBytesReplayIdentically() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 2, options: smallLogOptions())
        // As the wire server does: each group's commands are decoded from one
        // buffer of payloads, and the group carries that buffer to the log.
        var succeeded = 0
        let commands = workload(2_000, seed: 9)
        for start in stride(from: 0, to: commands.count, by: 48) {
            let chunk = commands[start..<min(start + 48, commands.count)]
            for store in Set(chunk.compactMap(\.store)).sorted() {
                var bytes: [UInt8] = []
                var ranges: [Range<Int>] = []
                var decoded: [Command] = []
                for command in chunk where command.store == store {
                    let encoded = CommandCodec.encode(command)
                    let payload = encoded.dropFirst()
                    let range = bytes.count..<bytes.count + payload.count
                    bytes.append(contentsOf: payload)
                    ranges.append(range)
                    var reader = BinaryReader(bytes, range: range)
                    let tag = try #require(CommandCodec.Tag(rawValue: encoded[0]))
                    decoded.append(try CommandCodec.decode(payloadOf: tag, from: &reader))
                }
                let outcomes = await withCheckedContinuation { continuation in
                    node.runtime.submit(
                        group: ContinuationGroup(
                            commands: decoded, received: .init(bytes: bytes, ranges: ranges), continuation: continuation))
                }
                succeeded += outcomes.filter { if case .success = $0 { true } else { false } }.count
            }
        }
        #expect(succeeded > 1_000)
        let before = await encodedStates(node)
        node.shutdown()

        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { reopened.shutdown() }
        #expect(reopened.recovery.allSatisfy { $0.cut == nil })
        #expect(await encodedStates(reopened) == before)
        #expect(await invariantViolations(reopened).isEmpty)
    }

    @Test("Snapshot plus the log after it equals the writer's state; the log before it is not replayed")
    func snapshotPlusLog() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        await run(workload(1_000, seed: 1), on: node)
        let snapshot = try await node.snapshot(shard: 0)
        await run(workload(500, seed: 2), on: node)
        let before = await encodedStates(node)
        node.shutdown()

        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { reopened.shutdown() }
        let report = reopened.recovery[0]
        #expect(report.snapshot?.lsn == snapshot.lsn)
        #expect(UInt64(report.replayedRecords) == report.lastLSN - snapshot.lsn)
        #expect(await encodedStates(reopened) == before)
    }

    @Test("Writes continue after a restart and recover again")
    func restartTwice() async throws {
        let directory = TemporaryDirectory()
        for round in 0..<3 {
            let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
            await run(workload(400, seed: 10 + round), on: node)
            if round == 1 { _ = try await node.snapshot(shard: 0) }
            node.shutdown()
        }
        let node = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { node.shutdown() }
        #expect(await invariantViolations(node).isEmpty)
        let report = try Operations.verify(directory.path)
        #expect(report[0].cut == nil)
        #expect(report[0].lastLSN == node.recovery[0].lastLSN)
    }

    @Test("A torn last frame is cut and reported; the next start is clean")
    func tornTailIsCut() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        await run(workload(600, seed: 3), on: node)
        node.shutdown()
        let shard = directory.path + "/shard-000"
        let last = try #require(segmentFiles(shard).last { try! !frameOffsets(in: $0).isEmpty })
        let offsets = try frameOffsets(in: last)
        let tornOffset = try #require(offsets.last)
        let lastFrameFirstLSN = try [UInt8](Data(contentsOf: URL(fileURLWithPath: last))).uint64(at: tornOffset + 24)
        try flipBit(in: last, at: tornOffset + 200)

        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        let report = reopened.recovery[0]
        #expect(report.cut?.offset == Int64(tornOffset))
        #expect(report.cut?.path == last)
        #expect(report.cut?.validFramesFollow == false)
        #expect(report.lastLSN == lastFrameFirstLSN - 1)
        #expect(await invariantViolations(reopened).isEmpty)
        // New writes go where the torn frame was.
        await run(workload(50, seed: 4), on: reopened)
        let after = await encodedStates(reopened)
        reopened.shutdown()

        let again = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { again.shutdown() }
        #expect(again.recovery[0].cut == nil)
        #expect(await encodedStates(again) == after)
    }

    @Test("Damage before the tail stops the start with file and offset; the operator flag proceeds")
    func corruptionBeforeTailIsRefused() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        await run(workload(800, seed: 5), on: node)
        node.shutdown()
        let shard = directory.path + "/shard-000"
        let first = try #require(segmentFiles(shard).first)
        let offsets = try frameOffsets(in: first)
        #expect(offsets.count >= 2)
        let damaged = offsets[0]
        try flipBit(in: first, at: damaged + 150)

        #expect(throws: PersistenceError.corrupt(
            path: first, offset: Int64(damaged), reason: "frame checksum mismatch (valid frames follow, so this is not a torn tail)")
        ) {
            _ = try DurableNode(path: directory.path, options: smallLogOptions())
        }
        #expect(throws: PersistenceError.self) { _ = try Operations.verify(directory.path) }

        var accepting = smallLogOptions()
        accepting.acceptCorruption = true
        let forced = try DurableNode(path: directory.path, options: accepting)
        defer { forced.shutdown() }
        let report = forced.recovery[0]
        #expect(report.cut?.validFramesFollow == true)
        #expect(report.quarantine != nil)
        #expect(report.lastLSN == 0, "everything from the first frame on was cut")
        #expect(await invariantViolations(forced).isEmpty)
    }

    @Test("A bit flip in any frame byte of a middle segment is found")
    func bitFlipsAnywhereInAFrame() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        await run(workload(1_500, seed: 6), on: node)
        node.shutdown()
        let segment = segmentFiles(directory.path + "/shard-000")[0]
        let offsets = try frameOffsets(in: segment)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: segment)))
        let frame = offsets[1]
        let length = Int(bytes.uint32(at: frame + 8))
        var generator = SplitMix64(seed: 99)
        for _ in 0..<12 {
            let position = frame + Int(generator.next() % UInt64(length))
            try flipBit(in: segment, at: position)
            #expect(throws: PersistenceError.self, "flip at \(position)") { _ = try Operations.verify(directory.path) }
            try flipBit(in: segment, at: position)
        }
        #expect(try Operations.verify(directory.path)[0].cut == nil, "restored bytes verify again")
    }

    @Test("A damaged snapshot is skipped for an older one plus more log; state still equal")
    func damagedSnapshotIsSkipped() async throws {
        let directory = TemporaryDirectory()
        var options = smallLogOptions()
        options.snapshotsRetained = 3
        let node = try DurableNode(path: directory.path, shardCount: 1, options: options)
        await run(workload(500, seed: 7), on: node)
        let older = try await node.snapshot(shard: 0)
        await run(workload(500, seed: 8), on: node)
        let newer = try await node.snapshot(shard: 0)
        await run(workload(100, seed: 9), on: node)
        let before = await encodedStates(node)
        node.shutdown()
        try flipBit(in: newer.path, at: 128 + newer.stateBytes / 2)

        let reopened = try DurableNode(path: directory.path, options: options)
        defer { reopened.shutdown() }
        #expect(reopened.recovery[0].snapshot?.lsn == older.lsn)
        #expect(reopened.recovery[0].rejectedSnapshots.count == 1)
        #expect(await encodedStates(reopened) == before)
    }

    @Test("Limits and shard layout are checked against the data directory")
    func mismatchesAreRefused() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        await run(workload(10), on: node)
        #expect(throws: PersistenceError.locked(path: directory.path)) {
            _ = try DurableNode(path: directory.path, options: smallLogOptions())
        }
        node.shutdown()
        #expect(throws: PersistenceError.self) {
            _ = try DurableNode(path: directory.path, limits: Limits(idempotencyRetentionSeconds: 60), options: smallLogOptions())
        }
        try "junk".write(toFile: directory.sub("not-a-data-dir-file"), atomically: true, encoding: .utf8)
        let other = TemporaryDirectory()
        try "x".write(toFile: other.sub("stray"), atomically: true, encoding: .utf8)
        #expect(throws: PersistenceError.self) { _ = try DurableNode(path: other.path, options: smallLogOptions()) }
    }
}

