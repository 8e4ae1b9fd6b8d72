import ArgumentParser
import Persistence

/// `holdfast wal verify|dump`.
struct WALCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wal",
        abstract: "Verify and read the shards' write-ahead logs.",
        subcommands: [WALVerifyCommand.self, WALDumpCommand.self])
}

/// `holdfast wal verify`: a read-only recovery of every shard.
struct WALVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify every shard's newest valid snapshot and its log, read-only.",
        discussion: """
            Checks every segment header, frame checksum, frame sequence, hash-chain link and record, \
            and replays the log on the snapshot. A torn tail (a write cut short at the end of the log) \
            is a warning: recovery cuts it at the next start. Corruption before the tail is an error \
            naming the file and byte offset (exit 1). Safe while a node runs (its newest frame may \
            then show as a torn tail).
            """)

    @OptionGroup var options: OperatorOptions

    func run() async throws {
        options.emit(try verifyLogs())
    }

    func verifyLogs() throws -> WALVerifyReport {
        let reports = try Operations.verify(options.dataDir, progress: options.progress)
        return WALVerifyReport(shards: reports.map(WALShardSummary.init))
    }
}

/// What `wal verify` found in one shard.
struct WALShardSummary: Encodable, Equatable {
    var shard: Int
    var segments: Int
    var frames: Int
    var records: Int
    var firstLSN: UInt64?
    var lastLSN: UInt64?
    /// The state's LSN after replay: the snapshot's, or the log's last.
    var stateLSN: UInt64
    /// The last frame's chain hash (hex); nil for a log without frames.
    var headChainHash: String?
    var snapshotLSN: UInt64?
    var snapshotPath: String?
    var tornTail: String?
    var rejectedSnapshots: [String]

    init(_ report: ShardRecoveryReport) {
        shard = report.shardIndex
        segments = report.log.segments.count
        frames = report.log.frames
        records = report.log.records
        firstLSN = report.log.firstLSN
        lastLSN = report.log.lastLSN
        stateLSN = report.lastLSN
        headChainHash = report.log.frames > 0 ? report.log.headChainHash.description : nil
        snapshotLSN = report.snapshot?.lsn
        snapshotPath = report.snapshot?.path
        tornTail = report.cut?.description
        rejectedSnapshots = report.rejectedSnapshots
    }

    var warnings: [String] {
        (tornTail.map { ["shard \(shard): \($0) (recovery cuts it at the next start)"] } ?? [])
            + rejectedSnapshots.map { "shard \(shard): skipped snapshot: \($0)" }
    }
}

struct WALVerifyReport: OperatorReport {
    var shards: [WALShardSummary]

    var warnings: [String] { shards.flatMap(\.warnings) }

    enum CodingKeys: String, CodingKey { case shards, warnings }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(shards, forKey: .shards)
        try container.encode(warnings, forKey: .warnings)
    }

    func table() -> String {
        let rows = shards.map { shard in
            [
                String(shard.shard), String(shard.segments), String(shard.frames), String(shard.records),
                OperatorOutput.cell(shard.firstLSN), OperatorOutput.cell(shard.lastLSN), String(shard.stateLSN),
                OperatorOutput.cell(shard.snapshotLSN), OperatorOutput.cell(shard.headChainHash),
            ]
        }
        let headers = [
            "shard", "segments", "frames", "records", "first LSN", "last LSN", "state LSN", "snapshot LSN",
            "head chain hash",
        ]
        let notes =
            warnings.map { "warning: \($0)" } + ["log verified: \(warnings.isEmpty ? "OK" : "OK, with warnings")"]
        return ([OperatorOutput.table(headers, rows)] + notes).joined(separator: "\n")
    }
}
