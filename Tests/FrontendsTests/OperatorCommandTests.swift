import ArgumentParser
import Engine
import Foundation
import Persistence
import REST
import Testing

@testable import holdfast

/// The operator commands, parsed from their command lines and run on real data
/// directories written by a `DurableNode` with small log segments.
@Suite struct OperatorCommandTests {
    @Test("restore --to-lsn rebuilds exactly that LSN; the restored directory opens there and verifies")
    func restoreToLSN() async throws {
        let scratch = OperatorScratch()
        try await OperatorFixture.write(
            scratch.data, shards: 1, batches: 30, perBatch: 10, snapshotAfterBatches: [12, 20])
        let report = try parse(
            RestoreCommand.self,
            ["restore", "--data-dir", scratch.data, "--target", scratch.sub("restored"), "--to-lsn", "150"]
        )
        .restore()
        #expect(report.shards.map(\.lsn) == [150])

        let verified = try parse(WALVerifyCommand.self, ["wal", "verify", "--data-dir", scratch.sub("restored")])
            .verifyLogs()
        #expect(verified.shards.map(\.stateLSN) == [150])
        #expect(verified.shards.map(\.snapshotLSN) == [150])
        #expect(verified.warnings.isEmpty)

        let node = try OperatorFixture.open(scratch.sub("restored"), shards: 1)
        #expect(node.recovery.map(\.lastLSN) == [150])
        let lastLSN = await node.runtime.inspect(shard: 0) { $0.lastLSN }
        #expect(lastLSN == 150)
        node.shutdown()
    }

    @Test("restore --to-time stops every shard at its last record stamped at or before that time")
    func restoreToTime() async throws {
        let scratch = OperatorScratch()
        let start = try await OperatorFixture.write(scratch.data, shards: 1, batches: 10, perBatch: 10)
        // Batch k is stamped start + k s; 4.5 s after the start lies after batch 4 (LSNs 41...50).
        let bound = OperatorTime.iso8601(nanoseconds: start + 4_500_000_000)
        let report = try parse(
            RestoreCommand.self,
            ["restore", "--data-dir", scratch.data, "--target", scratch.sub("t"), "--to-time", bound]
        )
        .restore()
        #expect(report.shards.map(\.lsn) == [50])
        #expect(report.shards.map(\.timestampNanoseconds) == [start + 4_000_000_000])
    }

    @Test("restore with SHARD:N per shard on a 2-shard directory")
    func restorePerShard() async throws {
        let scratch = OperatorScratch()
        try await OperatorFixture.write(scratch.data, shards: 2, batches: 20, perBatch: 10)
        let report = try parse(
            RestoreCommand.self,
            ["restore", "--data-dir", scratch.data, "--target", scratch.sub("r"), "--to-lsn", "0:7", "--to-lsn", "1:9"]
        ).restore()
        #expect(report.shards.map(\.lsn) == [7, 9])
        let node = try OperatorFixture.open(scratch.sub("r"), shards: 2)
        #expect(node.recovery.map(\.lastLSN) == [7, 9])
        node.shutdown()
    }

    @Test("backup of a running node reaches its last LSN, and the copy verifies")
    func backupWhileRunning() async throws {
        let scratch = OperatorScratch()
        let node = try OperatorFixture.open(scratch.data, shards: 2)
        for batch in 0..<20 { _ = await node.runtime.execute(batch: OperatorFixture.commands(batch: batch, count: 10)) }
        _ = try await node.snapshot(shard: 0)
        for batch in 20..<30 {
            _ = await node.runtime.execute(batch: OperatorFixture.commands(batch: batch, count: 10))
        }
        var expected: [UInt64] = []
        for shard in 0..<2 { expected.append(await node.runtime.inspect(shard: shard) { $0.lastLSN } ?? 0) }
        #expect(expected.reduce(0, +) == 300)

        let report = try parse(
            BackupCommand.self, ["backup", "--data-dir", scratch.data, "--target", scratch.sub("b")]
        ).backup()
        #expect(report.shards.map(\.lsn) == expected)
        node.shutdown()

        let verified = try parse(WALVerifyCommand.self, ["wal", "verify", "--data-dir", scratch.sub("b")]).verifyLogs()
        #expect(verified.shards.map(\.stateLSN) == expected)
        #expect(verified.shards[0].snapshotLSN != nil)
        let snapshots = try parse(SnapshotVerifyCommand.self, ["snapshot", "verify", "--data-dir", scratch.sub("b")])
            .verifySnapshots()
        #expect(snapshots.passed && snapshots.checks.count == 1)
    }

    @Test("wal dump prints one line per record between --from-lsn and --to-lsn, and stops at --limit")
    func walDump() async throws {
        let scratch = OperatorScratch()
        try await OperatorFixture.write(scratch.data, shards: 1, batches: 40, perBatch: 10)
        let dump = ["wal", "dump", "--data-dir", scratch.data, "--shard", "0"]

        var lines: [String] = []
        let ranged = try parse(WALDumpCommand.self, dump + ["--from-lsn", "120", "--to-lsn", "179"]).dump {
            lines.append($0)
        }
        #expect(ranged.records == 60 && lines.count == 60)
        #expect(lines.first?.hasPrefix("120 ") == true && lines.last?.hasPrefix("179 ") == true)
        #expect(lines.allSatisfy { $0.contains(" setStock ") && $0.contains(" store-") })
        #expect(!ranged.readToEnd)

        var json: [String] = []
        let limited = try parse(WALDumpCommand.self, dump + ["--from-lsn", "395", "--limit", "3", "--json"]).dump {
            json.append($0)
        }
        #expect(limited.records == 3)
        let decoded = try json.map { try JSONDecoder().decode(DumpedRecord.self, from: Data($0.utf8)) }
        #expect(decoded.map(\.lsn) == [395, 396, 397])
        #expect(
            decoded.allSatisfy {
                $0.tag == "setStock" && $0.store.hasPrefix("store-") && $0.description.hasPrefix("setStock(")
            })

        let whole = try parse(WALDumpCommand.self, dump).dump { _ in }
        #expect(whole.records == 400 && whole.readToEnd && whole.logLastLSN == 400)
    }

    @Test("snapshot create writes one per shard offline; verify fails on a flipped byte, list still reads the header")
    func snapshotCreateAndVerify() async throws {
        let scratch = OperatorScratch()
        try await OperatorFixture.write(scratch.data, shards: 2, batches: 10, perBatch: 10)
        let created = try await parse(SnapshotCreateCommand.self, ["snapshot", "create", "--data-dir", scratch.data])
            .createSnapshots()
        #expect(created.snapshots.map(\.shard) == [0, 1])
        #expect(created.snapshots.compactMap(\.lsn).reduce(0, +) == 100)

        let verify = ["snapshot", "verify", "--data-dir", scratch.data]
        #expect(try parse(SnapshotVerifyCommand.self, verify).verifySnapshots().passed)

        let damaged = created.snapshots[1].path
        try flipByte(in: damaged, at: 200)
        let report = try parse(SnapshotVerifyCommand.self, verify).verifySnapshots()
        #expect(!report.passed)
        #expect(report.checks.first { $0.path == damaged }?.problem?.contains("checksum") == true)
        let exit = await thrownError {
            try await parse(SnapshotVerifyCommand.self, verify + ["--file", damaged]).run()
        }
        #expect(exit as? ExitCode == ExitCode(1))

        let listed = try parse(SnapshotListCommand.self, ["snapshot", "list", "--data-dir", scratch.data])
            .listSnapshots()
        #expect(listed.snapshots.map(\.headerValid) == [true, true])
        try flipByte(in: damaged, at: 30)
        let relisted = try parse(SnapshotListCommand.self, ["snapshot", "list", "--data-dir", scratch.data])
            .listSnapshots()
        #expect(relisted.snapshots.map(\.headerValid) == [true, false])
    }

    @Test("snapshot create refuses a data directory a running node holds, and says so")
    func snapshotCreateLocked() async throws {
        let scratch = OperatorScratch()
        let node = try OperatorFixture.open(scratch.data, shards: 1)
        defer { node.shutdown() }
        let command = try parse(SnapshotCreateCommand.self, ["snapshot", "create", "--data-dir", scratch.data])
        #expect(await message { _ = try await command.createSnapshots() }?.contains("locked by a running node") == true)
    }

    @Test("wal verify warns about a torn tail and fails on corruption before it, naming file and offset")
    func walVerifyDamage() async throws {
        let scratch = OperatorScratch()
        try await OperatorFixture.write(scratch.data, shards: 1, batches: 120, perBatch: 10)
        let verify = ["wal", "verify", "--data-dir", scratch.data]
        let segments = OperatorFixture.segmentsWithFrames(scratch.data + "/shard-000")
        #expect(segments.count >= 3)

        let tail = segments.last!
        try flipByte(in: tail.path, at: tail.lastNonZeroOffset)
        let torn = try parse(WALVerifyCommand.self, verify).verifyLogs()
        #expect(torn.warnings.count == 1 && torn.warnings[0].contains("torn tail"))
        #expect(torn.shards[0].stateLSN < 1_200)  // 120 batches × 10

        let middle = segments[1]
        try flipByte(in: middle.path, at: 4_096 + 200)
        let error = await thrownError { _ = try parse(WALVerifyCommand.self, verify).verifyLogs() }
        guard case .corrupt(let path, let offset, _) = error as? PersistenceError else {
            Issue.record("expected corruption, got \(String(describing: error))")
            return
        }
        #expect(path == middle.path && offset == 4_096)
    }

    @Test("Bad input gets a clear error, never a trap")
    func badInput() async throws {
        let scratch = OperatorScratch()
        try await OperatorFixture.write(scratch.data, shards: 2, batches: 2, perBatch: 10)
        let restore = ["restore", "--data-dir", scratch.data, "--target", scratch.sub("x")]

        let bareLSN = await message { _ = try parse(RestoreCommand.self, restore + ["--to-lsn", "5"]).restore() }
        #expect(bareLSN?.contains("names no shard, but the data directory has 2 shards") == true)
        #expect(throws: (any Error).self) { try parse(RestoreCommand.self, restore + ["--to-lsn", "x:y"]) }
        #expect(throws: (any Error).self) { try parse(RestoreCommand.self, restore + ["--to-lsn", "0:"]) }
        #expect(throws: (any Error).self) { try parse(RestoreCommand.self, restore + ["--to-time", "yesterday"]) }
        let twice = await message {
            _ = try parse(RestoreCommand.self, restore + ["--to-lsn", "0:3", "--to-lsn", "0:4"]).restore()
        }
        #expect(twice?.contains("names shard 0 more than once") == true)
        let noShard = await message { _ = try parse(RestoreCommand.self, restore + ["--to-lsn", "7:3"]).restore() }
        #expect(noShard?.contains("no shard 7") == true)
        let beyond = await message { _ = try parse(RestoreCommand.self, restore + ["--to-lsn", "0:99999"]).restore() }
        #expect(beyond?.contains("beyond the end of the log") == true)

        try FileManager.default.createDirectory(atPath: scratch.sub("full/inside"), withIntermediateDirectories: true)
        let full = ["--data-dir", scratch.data, "--target", scratch.sub("full")]
        let restoreFull = await message { _ = try parse(RestoreCommand.self, ["restore"] + full).restore() }
        #expect(restoreFull?.contains("exists and is not an empty directory") == true)
        let backupFull = await message { _ = try parse(BackupCommand.self, ["backup"] + full).backup() }
        #expect(backupFull?.contains("exists and is not an empty directory") == true)

        let noParent = await message {
            _ = try parse(
                RestoreCommand.self, ["restore", "--data-dir", scratch.data, "--target", scratch.sub("none/target")]
            ).restore()
        }
        #expect(noParent?.contains("does not exist") == true)
        let missing = await message {
            _ = try parse(WALVerifyCommand.self, ["wal", "verify", "--data-dir", scratch.sub("missing")]).verifyLogs()
        }
        #expect(missing?.contains("is not a Holdfast data directory") == true)
        let badShard = await message {
            _ = try parse(WALDumpCommand.self, ["wal", "dump", "--data-dir", scratch.data, "--shard", "2"]).dump { _ in
            }
        }
        #expect(badShard?.contains("no shard 2") == true)
        #expect(throws: (any Error).self) {
            try parse(WALDumpCommand.self, ["wal", "dump", "--shard", "0", "--from-lsn", "9", "--to-lsn", "3"])
        }
        #expect(throws: (any Error).self) { try parse(WALDumpCommand.self, ["wal", "dump", "--shard", "-1"]) }
        #expect(!FileManager.default.fileExists(atPath: scratch.sub("x")))
    }

    @Test("Times print as ISO 8601 with milliseconds and parse back exactly, offsets and nanoseconds included")
    func times() {
        #expect(OperatorTime.iso8601(nanoseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(OperatorTime.iso8601(nanoseconds: 1_700_000_000_123_456_789) == "2023-11-14T22:13:20.123Z")
        #expect(OperatorTime.iso8601(nanoseconds: 1_709_164_800_000_000_000) == "2024-02-29T00:00:00.000Z")
        #expect(OperatorTime.nanoseconds(from: "2023-11-14T22:13:20.123456789Z") == 1_700_000_000_123_456_789)
        #expect(OperatorTime.nanoseconds(from: "2023-11-14T23:13:20.5+01:00") == 1_700_000_000_500_000_000)
        #expect(OperatorTime.nanoseconds(from: "2024-02-29T00:00:00Z") == 1_709_164_800_000_000_000)
        #expect(OperatorTime.nanoseconds(from: "1700000000123456789") == 1_700_000_000_123_456_789)
        for bad in [
            "", "2023-02-29T00:00:00Z", "2023-11-14T22:13:20", "2023-11-14 22:13:20Z", "2023-11-14T24:00:00Z",
            "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20.1234567891Z", "99999999999999999999", "1969-12-31T23:59:59Z",
        ] {
            #expect(OperatorTime.nanoseconds(from: bad) == nil, "\(bad)")
        }
        // Whole milliseconds: the printed form keeps milliseconds.
        for nanoseconds: Int64 in [0, 951_782_400_000_000_000, 4_102_444_799_999_000_000] {
            #expect(OperatorTime.nanoseconds(from: OperatorTime.iso8601(nanoseconds: nanoseconds)) == nanoseconds)
        }
    }

    @Test("Path parts without Foundation's path methods, one-character names included")
    func pathParts() {
        #expect(OperatorOutput.parentDirectory(of: "x") == "")
        #expect(OperatorOutput.parentDirectory(of: "a/b/") == "a")
        #expect(OperatorOutput.parentDirectory(of: "/a") == "/")
        #expect(OperatorOutput.fileName(of: "x") == "x")
        #expect(OperatorOutput.fileName(of: "d/shard-003/") == "shard-003")
        #expect(SnapshotVerifyCommand.shardIndex(ofDirectoryHolding: "d/shard-003/snapshot-1.hfs") == 3)
        #expect(SnapshotVerifyCommand.shardIndex(ofDirectoryHolding: "s") == nil)
    }

    @Test("Dump details drop the module prefix and Optional(…) around strings and numbers")
    func compactDescription() {
        let command = Command.adjustStock(
            AdjustStock(store: "s", sku: "k", delta: -2, reason: "say \"hi\" (x)", requestKey: "adj-1"))
        #expect(
            WALDumpLine.compact(String(describing: command))
                == #"adjustStock(AdjustStock(store: "s", sku: "k", location: nil, delta: -2, reason: "say \"hi\" (x)", requestKey: "adj-1"))"#
        )
        #expect(WALDumpLine.compact("X(a: Optional(-5), b: Optional(\"q\"))") == #"X(a: -5, b: "q")"#)
    }

    @Test("--to-lsn values: N or SHARD:N")
    func lsnTargets() throws {
        #expect(LSNTarget("42").map { [$0.shard, Int($0.lsn)] } == [nil, 42])
        #expect(LSNTarget("3:42").map { [$0.shard, Int($0.lsn)] } == [3, 42])
        for bad in ["", "x", "1:", ":1", "1:2:3", "-1", "1:-2", "18446744073709551616"] {
            #expect(LSNTarget(bad) == nil, "\(bad)")
        }
        #expect(try LSNTarget.perShard(["42"], shardCount: 1) == [0: 42])
        #expect(try LSNTarget.perShard(["0:4", "1:5"], shardCount: 2) == [0: 4, 1: 5])
    }
}

// MARK: - Fixture

/// The JSON fields of one `wal dump --json` line.
private struct DumpedRecord: Decodable {
    var lsn: UInt64
    var timestampNanoseconds: Int64
    var tag: String
    var store: String
    var description: String
}

/// The error `body` throws, nil if it returns.
private func thrownError(_ body: () async throws -> Void) async -> (any Error)? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}

/// The message of the error `body` throws, nil if it returns.
private func message(_ body: () async throws -> Void) async -> String? {
    await thrownError(body).map { "\($0)" }
}

/// Parses a full command line with the root command, as `holdfast` does.
private func parse<Command: ParsableCommand>(_ type: Command.Type, _ arguments: [String]) throws -> Command {
    let parsed = try HoldfastCommand.parseAsRoot(arguments + ["--quiet"])
    guard let command = parsed as? Command else { throw OperatorError("parsed \(Swift.type(of: parsed)), not \(type)") }
    return command
}

private func flipByte(in path: String, at offset: Int) throws {
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    try handle.seek(toOffset: UInt64(offset))
    let byte = try handle.read(upToCount: 1)![0]
    try handle.seek(toOffset: UInt64(offset))
    try handle.write(contentsOf: [byte ^ 0x5A])
}

/// A temporary directory, removed when the value goes.
private final class OperatorScratch: Sendable {
    let path = NSTemporaryDirectory() + "holdfast-operator-\(UUID().uuidString.prefix(8))"

    init() { try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    var data: String { sub("data") }
    func sub(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

private enum OperatorFixture {
    static func options() -> DurableNode.Options {
        var options = DurableNode.Options()
        options.journal = JournalOptions(segmentBytes: 128 << 10, frameBytesMax: 64 << 10)
        options.snapshotIntervalSeconds = 0
        options.snapshotEveryLogBytes = .max
        return options
    }

    static func open(_ path: String, shards: Int, clock: BatchClock = SystemBatchClock()) throws -> DurableNode {
        let limits =
            FileManager.default.fileExists(atPath: path + "/MANIFEST")
            ? try DataDirectory.open(path).limits() : .standard
        return try DurableNode(path: path, shardCount: shards, limits: limits, options: options(), clock: clock)
    }

    /// `count` stock settings, one per SKU of stores spread over the shards; each changes state (one LSN).
    static func commands(batch: Int, count: Int) -> [Command] {
        (0..<count).map { index in
            .setStock(
                SetStock(
                    store: "store-\(index % 4)", sku: "sku-\(batch)-\(index)", onHand: Int64(batch * 1_000 + index + 1))
            )
        }
    }

    /// Writes `batches` batches of `perBatch` commands, batch k stamped one
    /// second after batch k − 1, snapshotting after the given batch counts;
    /// returns the first batch's time. On one shard, batch k holds LSNs k·perBatch + 1 ...
    @discardableResult
    static func write(
        _ path: String, shards: Int, batches: Int, perBatch: Int, snapshotAfterBatches: Set<Int> = []
    ) async throws -> Int64 {
        let clock = ManualBatchClock()
        let start = clock.nowNanoseconds()
        let node = try open(path, shards: shards, clock: clock)
        defer { node.shutdown() }
        for batch in 0..<batches {
            for outcome in await node.runtime.execute(batch: commands(batch: batch, count: perBatch)) {
                if case .failure(let error) = outcome { throw OperatorError("fixture command failed: \(error)") }
            }
            clock.advance(seconds: 1)
            if snapshotAfterBatches.contains(batch + 1) { _ = try await node.snapshotAll() }
        }
        return start
    }

    /// Log segments holding frames, oldest first, with the offset of their last non-zero byte.
    static func segmentsWithFrames(_ shardPath: String) -> [(path: String, lastNonZeroOffset: Int)] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: shardPath)) ?? []).filter {
            $0.hasPrefix("wal-")
        }.sorted()
        return names.compactMap { name in
            let path = shardPath + "/" + name
            guard let bytes = FileManager.default.contents(atPath: path), bytes.count > 4_096,
                let last = bytes[4_096...].lastIndex(where: { $0 != 0 })
            else { return nil }
            return (path, last)
        }
    }
}
