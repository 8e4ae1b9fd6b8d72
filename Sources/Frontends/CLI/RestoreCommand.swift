import ArgumentParser
import Foundation
import Persistence
import REST

/// `holdfast restore`: the state of a data directory at a point, into a new one.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Rebuild a data directory's state up to an LSN or a time, into a new data directory.",
        discussion: """
            Replays --data-dir (read-only; a node may be running on it) from the newest snapshot at \
            or before the point, and writes one snapshot per shard into --target, which must not \
            exist or be empty. Without --to-lsn or --to-time, restores to the end of the log. \
            --to-lsn N is for a 1-shard directory; otherwise give SHARD:N once per shard to stop \
            (shards not named are restored to the end, or to --to-time). With both, each shard \
            stops at whichever comes first. A restore reaches back only to the oldest kept snapshot. \
            The token secret (jwt-secret, mode 0600) comes along if the node keeps it in --data-dir, \
            so tokens issued before keep working on the new node.
            """)

    @OptionGroup var options: OperatorOptions

    @Option(help: "New data directory to restore into (must not exist, or be empty).")
    var target: String

    @Option(name: .customLong("to-lsn"), help: "Last LSN to apply: N (1-shard directory) or SHARD:N; repeatable.")
    var toLSN: [String] = []

    @Option(
        name: .customLong("to-time"),
        help: "Last time to apply: ISO 8601 (2025-01-31T12:00:00.000Z) or nanoseconds since the epoch.")
    var toTime: String?

    func validate() throws {
        for text in toLSN where LSNTarget(text) == nil {
            throw ValidationError("--to-lsn \(text): expected N or SHARD:N, whole numbers")
        }
        if let toTime, OperatorTime.nanoseconds(from: toTime) == nil {
            throw ValidationError(
                "--to-time \(toTime): expected ISO 8601 like 2025-01-31T12:00:00.000Z (or +01:00) or nanoseconds since the epoch"
            )
        }
    }

    func run() async throws {
        options.emit(try restore())
    }

    func restore() throws -> RestoreReport {
        let directory = try DataDirectory.open(options.dataDir)
        let lsnPerShard = try LSNTarget.perShard(toLSN, shardCount: directory.shardCount)
        try requireTargetParent()
        let copy: Operations.CopyReport
        do {
            copy = try Operations.restore(
                from: options.dataDir, to: target, lsnPerShard: lsnPerShard,
                upToTimestamp: toTime.flatMap(OperatorTime.nanoseconds(from:)), carrying: NodeFiles.carried,
                progress: options.progress)
        } catch {
            guard case .missingLog(let reason) = error else { throw error }
            throw OperatorError(
                "log incomplete: \(reason). A restore reaches back only to the oldest kept snapshot (see `holdfast snapshot list`)."
            )
        }
        return RestoreReport(
            source: options.dataDir, target: target, shards: copy.shards.map(ShardPointRow.init),
            carriedFiles: copy.carriedFiles)
    }

    /// Refuses at once, not after the replay, a target whose parent is missing.
    private func requireTargetParent() throws {
        let parent = OperatorOutput.parentDirectory(of: target)
        guard parent.isEmpty || FileManager.default.fileExists(atPath: parent) else {
            throw OperatorError("\(parent) does not exist; restore creates only the target directory itself")
        }
    }
}

/// One `--to-lsn` value: `N`, or `SHARD:N`.
struct LSNTarget: Equatable {
    var shard: Int?
    var lsn: UInt64

    init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy(Self.isWholeNumber), let lsn = UInt64(parts.last!) else {
            return nil
        }
        if parts.count == 2 {
            guard let shard = Int(parts[0]) else { return nil }
            self.shard = shard
        }
        self.lsn = lsn
    }

    /// The LSN bound of each named shard; a bare N only for a 1-shard directory.
    static func perShard(_ texts: [String], shardCount: Int) throws -> [Int: UInt64] {
        var bounds: [Int: UInt64] = [:]
        for text in texts {
            guard let target = LSNTarget(text) else {
                throw OperatorError("--to-lsn \(text): expected N or SHARD:N, whole numbers")
            }
            guard let shard = target.shard ?? (shardCount == 1 ? 0 : nil) else {
                throw OperatorError(
                    "--to-lsn \(text) names no shard, but the data directory has \(shardCount) shards: give SHARD:LSN for each shard to stop (e.g. --to-lsn 0:\(text))"
                )
            }
            guard bounds.updateValue(target.lsn, forKey: shard) == nil else {
                throw OperatorError("--to-lsn names shard \(shard) more than once")
            }
        }
        return bounds
    }

    private static func isWholeNumber(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { (0x30...0x39).contains($0) }
    }
}

struct RestoreReport: OperatorReport {
    var source: String
    var target: String
    var shards: [ShardPointRow]
    var carriedFiles: [String]

    func table() -> String {
        """
        \(ShardPointRow.table(shards))
        \(NodeFiles.lines(carried: carriedFiles, source: source).joined(separator: "\n"))
        restored \(source) into \(target) (the source was not modified)
        next:
          1. check it:    holdfast wal verify --data-dir \(target)
          2. start on it: holdfast serve --data-dir \(target) (stop the node it replaces first)
        """
    }
}
