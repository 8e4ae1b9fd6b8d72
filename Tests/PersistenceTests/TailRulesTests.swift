import Engine
import Foundation
import Testing

@testable import Persistence

/// The scanner's rules for where a log ends, on damage a real crash can leave.
@Suite struct TailRulesTests {
    /// Writes `count` stock commands one at a time, so each is its own frame.
    private func writeFrames(_ count: Int, to path: String, options: DurableNode.Options) async throws {
        let node = try DurableNode(path: path, shardCount: 1, options: options)
        for index in 0..<count {
            let outcome = await node.runtime.execute(.setStock(SetStock(store: "s", sku: "sku-\(index)", onHand: 5)))
            guard case .success = outcome else { throw TestFailure("setStock failed: \(outcome)") }
        }
        node.shutdown()
    }

    private func overwrite(_ path: String, at offset: Int, with bytes: [UInt8]) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: bytes)
    }

    @Test("A torn write that lost its first block but left later bytes is cut, and later starts stay clean")
    func strayBytesAfterTheLastFrameAreCut() async throws {
        let directory = TemporaryDirectory()
        try await writeFrames(10, to: directory.path, options: smallLogOptions())
        let segment = segmentFiles(directory.path + "/shard-000")[0]
        let offsets = try frameOffsets(in: segment)
        let end = offsets.last! + 4_096
        // The torn frame's header block is zeros; its second block made it to disk.
        try overwrite(segment, at: end + 4_096, with: [UInt8](repeating: 0xAB, count: 512))

        let node = try DurableNode(path: directory.path, options: smallLogOptions())
        #expect(node.recovery[0].cut?.validFramesFollow == false)
        #expect(node.recovery[0].cut?.offset == Int64(end))
        // Write frames of another size past the stray bytes, then restart.
        await run(workload(200, seed: 71), on: node, batch: 7)
        let before = await encodedStates(node)
        node.shutdown()
        let again = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { again.shutdown() }
        #expect(again.recovery[0].cut == nil)
        #expect(await encodedStates(again) == before)
    }

    @Test("Relaxed mode: a lost frame followed by a newer one inside its unsynced window is a tail, not corruption")
    func relaxedReorderIsATail() async throws {
        let directory = TemporaryDirectory()
        var options = smallLogOptions(durability: .relaxed)
        options.journal.relaxedSyncIntervalMilliseconds = 10_000  // no sync during the test
        try await writeFrames(10, to: directory.path, options: options)
        let segment = segmentFiles(directory.path + "/shard-000")[0]
        let offsets = try frameOffsets(in: segment)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: segment)))
        try #require(offsets.count == 10)
        // The last frame was written with the one before it not yet synced
        // (no fdatasync for 10 s), so damage to that one is within its window.
        #expect(bytes.uint16(at: offsets[9] + 6) >= 1)
        let lostFirstLSN = bytes.uint64(at: offsets[8] + 24)
        try flipBit(in: segment, at: offsets[8] + 150)

        let node = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { node.shutdown() }
        #expect(node.recovery[0].cut?.offset == Int64(offsets[8]))
        #expect(node.recovery[0].cut?.validFramesFollow == false)
        #expect(node.recovery[0].lastLSN == lostFirstLSN - 1)
        #expect(try frameOffsets(in: segment).count == 8, "the newer frame was cut too")
    }

    @Test("Strict mode: the same damage is corruption (a newer frame proves the lost one was durable)")
    func strictDamageIsRefused() async throws {
        let directory = TemporaryDirectory()
        try await writeFrames(10, to: directory.path, options: smallLogOptions())
        let segment = segmentFiles(directory.path + "/shard-000")[0]
        let offsets = try frameOffsets(in: segment)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: segment)))
        #expect(bytes.uint16(at: offsets[9] + 6) == 0, "strict frames have no unsynced window")
        try flipBit(in: segment, at: offsets[8] + 150)
        #expect(throws: PersistenceError.self) { _ = try DurableNode(path: directory.path, options: smallLogOptions()) }
    }

    @Test("A lost last frame of a segment before a full next segment is refused; the operator flag quarantines what follows")
    func gapBetweenSegments() async throws {
        let directory = TemporaryDirectory()
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        await run(workload(3_000, seed: 72), on: node)
        node.shutdown()
        let segments = segmentFiles(directory.path + "/shard-000")
        #expect(segments.count >= 3)
        let lastOfFirst = try #require(try frameOffsets(in: segments[0]).last)
        try overwrite(segments[0], at: lastOfFirst, with: [UInt8](repeating: 0, count: 4_096))

        #expect(throws: PersistenceError.self) { _ = try DurableNode(path: directory.path, options: smallLogOptions()) }
        var accepting = smallLogOptions()
        accepting.acceptCorruption = true
        let forced = try DurableNode(path: directory.path, options: accepting)
        defer { forced.shutdown() }
        #expect(forced.recovery[0].cut?.validFramesFollow == true)
        #expect(forced.recovery[0].quarantine != nil)
        #expect(await invariantViolations(forced).isEmpty)
        await run(workload(50, seed: 73), on: forced)
    }

    @Test("File names count only if they are digits")
    func fileNames() {
        #expect(SegmentFormat.segmentSequence(fromName: "wal-000000000007.log") == 7)
        #expect(SegmentFormat.segmentSequence(fromName: "wal-+00000000007.log") == nil)
        #expect(SegmentFormat.segmentSequence(fromName: "wal- 00000000007.log") == nil)
        #expect(SnapshotFile.lsn(fromName: "snapshot-00000000000000000042.hfs") == 42)
        #expect(SnapshotFile.lsn(fromName: "snapshot-+0000000000000000042.hfs") == nil)
        #expect(SnapshotFile.lsn(fromName: "snapshot-99999999999999999999.hfs") == nil)
    }
}
