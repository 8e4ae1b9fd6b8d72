import Engine
import Foundation
import Testing

@testable import Persistence

/// The `LOG-EXTENT` record: a missing segment is refused, every crash point
/// around a segment's creation still starts, and version 1 directories open.
@Suite struct LogExtentTests {
    @Test("Deleting the newest segment by hand is refused at start and by verify, naming the file")
    func newestSegmentDeleted() async throws {
        let directory = TemporaryDirectory()
        try await writeSegments(directory.path, atLeast: 3)
        let shard = directory.sub("shard-000")
        let newest = segmentFiles(shard).last!
        try FileManager.default.removeItem(atPath: newest)

        let startError = PersistenceErrorCatcher.error { _ = try DurableNode(path: directory.path, options: smallLogOptions()) }
        guard case .missingLog(let reason) = startError else { throw TestFailure("expected missingLog, got \(String(describing: startError))") }
        #expect(reason.contains(newest) && reason.contains("is missing"), "\(reason)")
        let verifyError = PersistenceErrorCatcher.error { _ = try Operations.verify(directory.path) }
        guard case .missingLog(let verifyReason) = verifyError else { throw TestFailure("verify passed: \(String(describing: verifyError))") }
        #expect(verifyReason.contains(newest))
        #expect(PersistenceErrorCatcher.error { _ = try Operations.backup(from: directory.path, to: directory.sub("b")) } != nil)
    }

    @Test("Deleting the newest segment that holds frames (and the prepared one after it) is refused too")
    func newestWrittenSegmentDeleted() async throws {
        let directory = TemporaryDirectory()
        try await writeSegments(directory.path, atLeast: 3)
        let shard = directory.sub("shard-000")
        let written = segmentFiles(shard).filter { (try? frameOffsets(in: $0).isEmpty) == false }
        let removed = segmentFiles(shard).filter { $0 >= written.last! }
        for path in removed { try FileManager.default.removeItem(atPath: path) }

        let error = PersistenceErrorCatcher.error { _ = try DurableNode(path: directory.path, options: smallLogOptions()) }
        guard case .missingLog(let reason) = error else { throw TestFailure("expected missingLog, got \(String(describing: error))") }
        #expect(reason.contains(written.last!), "names the first missing file: \(reason)")
    }

    @Test("--accept-corruption starts past missing segments, says so, and lowers the record")
    func acceptedLoss() async throws {
        let directory = TemporaryDirectory()
        try await writeSegments(directory.path, atLeast: 3)
        let shard = directory.sub("shard-000")
        try FileManager.default.removeItem(atPath: segmentFiles(shard).last!)
        var options = smallLogOptions()
        options.acceptCorruption = true
        let node = try DurableNode(path: directory.path, options: options)
        #expect(node.notes.contains { $0.contains("accepted the loss of 1 missing log segment") }, "\(node.notes)")
        await run(workload(300, seed: 5), on: node)
        let before = await encodedStates(node)
        node.shutdown()

        let reopened = try DurableNode(path: directory.path, options: smallLogOptions())
        defer { reopened.shutdown() }
        #expect(await encodedStates(reopened) == before)
        #expect(try Operations.verify(directory.path)[0].cut == nil)
    }

    @Test("With a snapshot past the end of what is left, --accept-corruption lets the snapshot stand in for the log")
    func acceptedLossBeforeSnapshot() async throws {
        let directory = TemporaryDirectory()
        let shard = directory.sub("shard-000")
        let node = try DurableNode(path: directory.path, shardCount: 1, options: smallLogOptions())
        await run(workload(2_000, seed: 11), on: node)
        _ = try await node.snapshot(shard: 0)
        await run(workload(2_000, seed: 12), on: node)
        let snapshot = try await node.snapshot(shard: 0)
        let state = await encodedStates(node)
        node.shutdown()
        let written = segmentFiles(shard).filter { (try? frameOffsets(in: $0).isEmpty) == false }
        #expect(written.count >= 2, "retention kept the segments after the older snapshot")
        for path in segmentFiles(shard) where path >= written.last! { try FileManager.default.removeItem(atPath: path) }

        #expect(PersistenceErrorCatcher.error { _ = try DurableNode(path: directory.path, options: smallLogOptions()) } != nil)
        var options = smallLogOptions()
        options.acceptCorruption = true
        let accepted = try DurableNode(path: directory.path, options: options)
        #expect(accepted.recovery[0].snapshot?.lsn == snapshot.lsn && accepted.recovery[0].quarantine != nil)
        #expect(await encodedStates(accepted) == state)
        await run(workload(300, seed: 13), on: accepted)
        let after = await encodedStates(accepted)
        accepted.shutdown()
        try await expectStarts(directory.path, with: after)
    }

    @Test("Crash points around a new segment all start: recorded but empty, created but not recorded, record or segment half-written")
    func crashPointsStart() async throws {
        let directory = TemporaryDirectory()
        let state = try await writeSegments(directory.path, atLeast: 2)
        let shard = directory.sub("shard-000")
        let written = segmentFiles(shard).filter { (try? frameOffsets(in: $0).isEmpty) == false }
        let newestWritten = try #require(SegmentFormat.segmentSequence(fromName: (written.last! as NSString).lastPathComponent))

        // 1. The segment after the newest written one was prepared and recorded, and nothing went in yet.
        #expect(try recordedNewest(shard) == newestWritten + 1, "the preparer recorded the next segment ahead of need")
        #expect(segmentFiles(shard).count == written.count + 1)
        try await expectStarts(directory.path, with: state)

        // 2. Created (file durable) but not yet recorded: a crash right after the preparer's rename.
        try LogExtent.write(newestSegment: newestWritten, directory: shard)
        try await expectStarts(directory.path, with: state)
        #expect(try recordedNewest(shard) >= newestWritten, "the start does not lower it")

        // 3. A crash while the record itself was being written leaves its temporary file.
        try Data("{\"format\":\"holdf".utf8).write(to: URL(fileURLWithPath: shard + "/LOG-EXTENT.tmp"))
        // 4. A crash while a segment was being preallocated leaves its temporary file.
        try Data(repeating: 0, count: 8_192).write(
            to: URL(fileURLWithPath: shard + "/" + SegmentFormat.segmentName(newestWritten + 5) + ".tmp"))
        try await expectStarts(directory.path, with: state)
        #expect(!FileManager.default.fileExists(atPath: shard + "/LOG-EXTENT.tmp"))

        // Writing on from any of these keeps the record ahead of the frames.
        let node = try DurableNode(path: directory.path, options: smallLogOptions())
        await run(workload(3_000, seed: 9), on: node)
        node.shutdown()
        let newest = segmentFiles(shard).compactMap { SegmentFormat.segmentSequence(fromName: ($0 as NSString).lastPathComponent) }.max()!
        #expect(try recordedNewest(shard) == newest)
        #expect(try Operations.verify(directory.path)[0].cut == nil)
    }

    @Test("A version 1 directory (no records) opens read-only as it is; a node upgrades it; then a deletion is caught")
    func versionOneDirectory() async throws {
        let directory = TemporaryDirectory()
        try await writeSegments(directory.path, atLeast: 2)
        let shard = directory.sub("shard-000")
        try FileManager.default.removeItem(atPath: shard + "/LOG-EXTENT")
        try setManifestVersion(1, in: directory.path)

        _ = try Operations.verify(directory.path)
        #expect(!FileManager.default.fileExists(atPath: shard + "/LOG-EXTENT"), "read-only tools write nothing")
        #expect(try DataDirectory.open(directory.path).manifest.version == 1)

        let node = try DurableNode(path: directory.path, options: smallLogOptions())
        node.shutdown()
        #expect(try DataDirectory.open(directory.path).manifest.version == 2)
        let newest = segmentFiles(shard).last!
        #expect(try recordedNewest(shard) == SegmentFormat.segmentSequence(fromName: (newest as NSString).lastPathComponent))

        try FileManager.default.removeItem(atPath: newest)
        #expect(PersistenceErrorCatcher.error { _ = try DurableNode(path: directory.path, options: smallLogOptions()) } != nil)
    }

    @Test("In a version 2 directory a missing LOG-EXTENT is refused, naming it; a version 3 directory is refused")
    func recordMissing() async throws {
        let directory = TemporaryDirectory()
        try await writeSegments(directory.path, atLeast: 1)
        let record = directory.sub("shard-000/LOG-EXTENT")
        let contents = try Data(contentsOf: URL(fileURLWithPath: record))
        try FileManager.default.removeItem(atPath: record)
        let error = PersistenceErrorCatcher.error { _ = try DurableNode(path: directory.path, options: smallLogOptions()) }
        #expect("\(String(describing: error))".contains(record + " is missing"))
        try contents.write(to: URL(fileURLWithPath: record))

        try setManifestVersion(3, in: directory.path)
        let newer = PersistenceErrorCatcher.error { _ = try DataDirectory.open(directory.path) }
        #expect("\(String(describing: newer))".contains("data directory version 3; this build reads versions 1 to 2"))
    }

    @Test("A new directory records no segment before the first write; restore's target too")
    func newDirectories() async throws {
        let directory = TemporaryDirectory()
        let created = try DataDirectory.create(directory.sub("new"), shardCount: 2, limits: .standard)
        #expect(try recordedNewest(created.shardPath(1)) == 0)
        let node = try DurableNode(path: directory.sub("new"), options: smallLogOptions())
        node.shutdown()
        #expect(try recordedNewest(created.shardPath(1)) == 1, "the journal records the segment it opens")

        try await writeSegments(directory.sub("source"), atLeast: 2)
        _ = try Operations.restore(from: directory.sub("source"), to: directory.sub("restored"))
        #expect(try recordedNewest(directory.sub("restored/shard-000")) == 0, "a restored log starts empty")
        _ = try Operations.backup(from: directory.sub("source"), to: directory.sub("backup"))
        let copied = segmentFiles(directory.sub("backup/shard-000")).last!
        #expect(try recordedNewest(directory.sub("backup/shard-000")) == SegmentFormat.segmentSequence(fromName: (copied as NSString).lastPathComponent))
    }

    // MARK: Helpers

    /// Writes until shard 0's log has frames in at least `count` segments
    /// and the next segment is prepared (and recorded) ahead of need.
    /// Returns the state written.
    @discardableResult
    private func writeSegments(_ path: String, atLeast count: Int) async throws -> [[UInt8]] {
        let node = try DurableNode(path: path, shardCount: 1, options: smallLogOptions())
        defer { node.shutdown() }
        let shard = path + "/shard-000"
        for round in 0..<200 {
            await run(workload(200, seed: round), on: node)
            let written = segmentFiles(shard).filter { (try? frameOffsets(in: $0).isEmpty) == false }
            if written.count >= count, segmentFiles(shard).count > written.count, try recordedNewest(shard) > written.count {
                return await encodedStates(node)
            }
        }
        throw TestFailure("the log did not reach \(count) segments")
    }

    private func recordedNewest(_ shardPath: String) throws -> UInt64 {
        try #require(try LogExtent.read(directory: shardPath)).newestSegment
    }

    /// Reopens the directory and checks it recovers `state`, with nothing cut.
    private func expectStarts(_ path: String, with state: [[UInt8]]) async throws {
        let node = try DurableNode(path: path, options: smallLogOptions())
        defer { node.shutdown() }
        #expect(await encodedStates(node) == state)
        #expect(node.recovery.allSatisfy { $0.cut == nil })
    }

    private func setManifestVersion(_ version: Int, in path: String) throws {
        let manifestPath = path + "/MANIFEST"
        var object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: manifestPath))) as! [String: Any]
        object["version"] = version
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: manifestPath))
    }
}

/// The `PersistenceError` a body throws, nil if it returns.
enum PersistenceErrorCatcher {
    static func error(_ body: () throws -> Void) -> PersistenceError? {
        do {
            try body()
            return nil
        } catch let error as PersistenceError {
            return error
        } catch {
            return .invalidRequest(reason: "\(error)")
        }
    }
}
