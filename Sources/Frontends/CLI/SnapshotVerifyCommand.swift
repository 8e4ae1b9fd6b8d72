import ArgumentParser
import Persistence

/// `holdfast snapshot verify`: loads snapshots completely; exit 1 if any is bad.
struct SnapshotVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Verify snapshots completely: header, CRC-32C and SHA-256 of the state, shard, limits, and the state itself.",
        discussion: """
            Checks every snapshot of every shard, or only --file. Shard count and engine limits come \
            from the data directory's MANIFEST; a --file's shard from its shard-NNN directory, else \
            from its header. Exits 1 if any snapshot is bad. Safe while a node runs.
            """)

    @OptionGroup var options: OperatorOptions

    @Option(help: "Verify only this snapshot file.")
    var file: String?

    func run() async throws {
        let report = try verifySnapshots()
        options.emit(report)
        if !report.passed { throw ExitCode(1) }
    }

    func verifySnapshots() throws -> SnapshotVerifyReport {
        let directory = try DataDirectory.open(options.dataDir)
        var targets: [(shard: Int?, path: String)] = []
        if let file {
            targets = [(Self.shardIndex(ofDirectoryHolding: file), file)]
        } else {
            for shard in 0..<directory.shardCount {
                targets += try SnapshotFile.list(in: directory.shardPath(shard)).map { (shard, $0) }
            }
        }
        let checks = targets.map { target in
            options.progress?("verifying \(target.path)")
            return Self.verify(target.path, expectedShard: target.shard, in: directory)
        }
        return SnapshotVerifyReport(checks: checks)
    }

    static func verify(_ path: String, expectedShard: Int?, in directory: DataDirectory) -> SnapshotCheck {
        do {
            let shard = try expectedShard ?? SnapshotFile.readInfo(path).shardIndex
            let loaded = try SnapshotFile.load(
                path, shardIndex: shard, shardCount: directory.shardCount, limits: directory.limits())
            return SnapshotCheck(shard: shard, path: path, lsn: loaded.info.lsn, stateBytes: loaded.info.stateBytes)
        } catch {
            let header = try? SnapshotFile.readInfo(path)
            return SnapshotCheck(
                shard: expectedShard ?? header?.shardIndex, path: path, lsn: header?.lsn, problem: "\(error)")
        }
    }

    /// `3` for `.../shard-003/snapshot-….hfs`; nil elsewhere.
    static func shardIndex(ofDirectoryHolding path: String) -> Int? {
        let parent = OperatorOutput.fileName(of: OperatorOutput.parentDirectory(of: path))
        guard parent.hasPrefix("shard-") else { return nil }
        return Int(parent.dropFirst("shard-".count))
    }
}

/// The outcome of loading one snapshot.
struct SnapshotCheck: Encodable, Equatable {
    var shard: Int?
    var path: String
    var lsn: UInt64?
    var stateBytes: Int?
    /// Why the snapshot is bad; nil if it loaded.
    var problem: String?
}

struct SnapshotVerifyReport: OperatorReport {
    var checks: [SnapshotCheck]

    var passed: Bool { checks.allSatisfy { $0.problem == nil } }

    enum CodingKeys: String, CodingKey { case checks, passed }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(checks, forKey: .checks)
        try container.encode(passed, forKey: .passed)
    }

    func table() -> String {
        guard !checks.isEmpty else { return "no snapshots to verify" }
        let rows = checks.map { check in
            [
                OperatorOutput.cell(check.shard), OperatorOutput.cell(check.lsn), check.path,
                check.problem.map { "BAD: \($0)" } ?? "ok",
            ]
        }
        let bad = checks.filter { $0.problem != nil }.count
        return OperatorOutput.table(["shard", "LSN", "file", "result"], rows)
            + "\n\(checks.count) snapshot(s) verified, \(bad) bad: \(passed ? "PASS" : "FAIL")"
    }
}
