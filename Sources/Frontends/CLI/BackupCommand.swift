import ArgumentParser
import Persistence

/// `holdfast backup`: a consistent copy of a data directory, running or not.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy a data directory consistently, even while a node runs on it, then prove the copy loads.",
        discussion: """
            Per shard, copies the newest valid snapshot and the log segments after it, each up to \
            its last valid frame (a frame being written during the copy is left out, as a crash \
            would), the token secret (jwt-secret, mode 0600) if the node keeps it there, and last \
            the MANIFEST. Then recovers the copy read-only. --target must not exist or be empty. \
            The copy is itself a data directory: start on it, restore from it, verify it.
            """)

    @OptionGroup var options: OperatorOptions

    @Option(help: "Directory to write the backup into (must not exist, or be empty).")
    var target: String

    func run() async throws {
        options.emit(try backup())
    }

    func backup() throws -> BackupReport {
        let copy = try Operations.backup(
            from: options.dataDir, to: target, carrying: NodeFiles.carried, progress: options.progress)
        return BackupReport(
            source: options.dataDir, target: target, shards: copy.shards.map(ShardPointRow.init),
            carriedFiles: copy.carriedFiles)
    }
}

struct BackupReport: OperatorReport {
    var source: String
    var target: String
    var shards: [ShardPointRow]
    var carriedFiles: [String]

    func table() -> String {
        ([ShardPointRow.table(shards)] + NodeFiles.lines(carried: carriedFiles, source: source)
            + ["backed up \(source) into \(target); the copy recovers (verified read-only)"]).joined(separator: "\n")
    }
}
