import ArgumentParser
import Engine
import Foundation
import Logging
import Persistence

/// How a command opens a durable node: `holdfast serve` and `holdfast demo`.
struct NodeOptions: ParsableArguments {
    @Option(help: "Data directory (created if missing).")
    var dataDir = "./holdfast-data"

    @Option(help: "strict (reply after fdatasync), relaxed (fdatasync every few ms), or none (memory only).")
    var durability: String = Durability.strict.rawValue

    @Option(help: "How the log is written: auto (pwrite + fdatasync, measured fastest), uring (io_uring), or sync (pwrite + fdatasync).")
    var ioBackend: String = IOBackend.automatic.rawValue

    @Option(help: "Snapshot a shard once this many MiB of log were written since its last snapshot (1...65536).")
    var snapshotEveryLogMib: Int = DurableNode.Options().snapshotEveryLogBytes >> 20

    @Option(help: "Snapshot a shard with writes at least this often, in seconds (0: only by log volume).")
    var snapshotIntervalSeconds: Double = DurableNode.Options().snapshotIntervalSeconds

    @Option(help: """
        How fast snapshots and new log segments are written beside the log, in MiB/s (0: no limit). \
        The log's own fdatasync carries whatever was written since the one before; a cap keeps that small.
        """)
    var backgroundWriteMibPerSecond: Int = JournalOptions.backgroundWriteBytesPerSecondDefault >> 20

    @Option(help: """
        Nice value of the shards' writer threads, -20...19 (0: the process's own). Below 0 keeps a writer \
        from being pushed off its core by the network threads it wakes; needs CAP_SYS_NICE or RLIMIT_NICE \
        (refused: a note, and the writer runs at the process's priority).
        """)
    var writerNice: Int32 = 0

    @Flag(help: """
        Start even if the log is damaged before its tail: cut it at the damage and move what \
        followed into shard-NNN/quarantine-<time>/. The records after the damage are lost.
        """)
    var acceptCorruption = false

    @Option(
        name: .customLong("shards"),
        help: """
            Shards (writer threads) for a new data directory. Default: cores − 1, at least 1. The count \
            is fixed when the directory is created: a different count for an existing one is refused.
            """)
    var requestedShards: Int?

    /// The shard count for a new data directory.
    var shards: Int { requestedShards ?? ShardRuntime.defaultShardCount }

    func validate() throws {
        guard Durability(rawValue: durability) != nil else {
            throw ValidationError("--durability must be strict, relaxed or none")
        }
        guard IOBackend(rawValue: ioBackend) != nil else {
            throw ValidationError("--io-backend must be auto, uring or sync")
        }
        if let requestedShards, !(1...256).contains(requestedShards) {
            throw ValidationError("--shards must be 1...256")
        }
        guard (1...65_536).contains(snapshotEveryLogMib) else {
            throw ValidationError("--snapshot-every-log-mib must be 1...65536")
        }
        guard (-20...19).contains(writerNice) else { throw ValidationError("--writer-nice must be -20...19") }
        guard (0...65_536).contains(backgroundWriteMibPerSecond) else {
            throw ValidationError("--background-write-mib-per-second must be 0...65536")
        }
        guard snapshotIntervalSeconds.isFinite, (0...31_536_000).contains(snapshotIntervalSeconds) else {
            throw ValidationError("--snapshot-interval-seconds must be 0...31536000")
        }
    }

    /// Opens (or creates) the data directory and recovers it, reporting progress on `say` (stderr by default).
    /// - Parameter journalLogger: where a shard's log failures and recoveries are logged.
    func openNode(
        journalLogger: Logger? = nil, say: @escaping @Sendable (String) -> Void = NodeOptions.say
    ) throws -> DurableNode {
        var options = DurableNode.Options()
        if let journalLogger {
            options.journalEvents = JournalEventLog.handler(
                logger: journalLogger, retryIntervalMilliseconds: options.journal.retryIntervalMilliseconds)
        }
        options.durability = Durability(rawValue: durability)!
        options.journal.ioBackend = IOBackend(rawValue: ioBackend)!
        options.acceptCorruption = acceptCorruption
        options.snapshotEveryLogBytes = snapshotEveryLogMib << 20
        options.snapshotIntervalSeconds = snapshotIntervalSeconds
        options.journal.backgroundWriteBytesPerSecond = backgroundWriteMibPerSecond << 20
        options.writerNice = writerNice
        if options.durability != .none { try requireShardCountMatches() }
        let node = try DurableNode(path: dataDir, shardCount: shards, options: options, progress: say)
        let replayed = node.recovery.map(\.replayedRecords).reduce(0, +)
        say(
            "opened \(dataDir) (\(node.shardCount) shard(s), durability \(durability)), \(replayed) log records replayed")
        for note in node.notes { say("note: \(note)") }
        return node
    }

    /// Refuses `--shards` that differs from an existing data directory's count,
    /// rather than ignore it: the count is fixed at creation.
    func requireShardCountMatches() throws {
        guard let requestedShards, FileManager.default.fileExists(atPath: dataDir + "/" + DataDirectory.manifestName)
        else { return }
        let existing = try DataDirectory.open(dataDir).shardCount
        guard existing != requestedShards else { return }
        throw OperatorError(
            "--shards \(requestedShards): the data directory \(dataDir) has \(existing) shard\(existing == 1 ? "" : "s"), "
                + "and the shard count is fixed when a data directory is created (stores are placed on shards by "
                + "a hash of their id). Leave out --shards (or give --shards \(existing)) to start on it.")
    }

    /// Writes a line to standard error.
    static let say = { @Sendable (message: String) in FileHandle.standardError.write(Data("\(message)\n".utf8)) }
}
