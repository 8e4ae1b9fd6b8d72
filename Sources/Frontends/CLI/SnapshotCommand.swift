import ArgumentParser
import Engine
import Persistence
import REST

/// `holdfast snapshot create|list|verify`.
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Take, list and verify the shards' snapshots.",
        subcommands: [SnapshotCreateCommand.self, SnapshotListCommand.self, SnapshotVerifyCommand.self])
}

/// `holdfast snapshot create`: offline, recovers the node and snapshots every shard.
struct SnapshotCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Snapshot every shard now (offline: no node may be running on the data directory).",
        discussion: """
            Opens the node (recovering it and taking the directory lock), writes one snapshot per \
            shard, applies retention (the newest 2 snapshots are kept, and log segments older than \
            the oldest kept one are deleted) and shuts the node down.
            """)

    @OptionGroup var options: OperatorOptions

    func run() async throws {
        options.emit(try await createSnapshots())
    }

    func createSnapshots() async throws -> SnapshotCreateReport {
        let directory = try DataDirectory.open(options.dataDir)
        let node = try openNode(shardCount: directory.shardCount, limits: directory.limits())
        defer { node.shutdown() }
        for note in node.notes { options.progress?(note) }
        let infos = try await node.snapshotAll()
        return SnapshotCreateReport(snapshots: infos.map { SnapshotRow($0, shard: $0.shardIndex) })
    }

    /// Opens (and so recovers) the node, with no snapshots of its own.
    private func openNode(shardCount: Int, limits: Limits) throws -> DurableNode {
        var nodeOptions = DurableNode.Options()
        nodeOptions.snapshotIntervalSeconds = 0
        nodeOptions.snapshotEveryLogBytes = .max
        do {
            return try DurableNode(
                path: options.dataDir, shardCount: shardCount, limits: limits, options: nodeOptions,
                progress: options.progress)
        } catch {
            guard case .locked(let path) = error else { throw error }
            throw OperatorError(
                "\(path) is locked by a running node; `snapshot create` works offline only. Stop the node first, or copy it with `holdfast backup`."
            )
        }
    }
}

/// `holdfast snapshot list`: every snapshot file with its header, without the lock.
struct SnapshotListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every shard's snapshot files and whether their headers are valid.",
        discussion: "Reads headers only (fast); `snapshot verify` checks whole files. Safe while a node runs.")

    @OptionGroup var options: OperatorOptions

    func run() async throws {
        options.emit(try listSnapshots())
    }

    func listSnapshots() throws -> SnapshotListReport {
        let directory = try DataDirectory.open(options.dataDir)
        var rows: [SnapshotRow] = []
        for shard in 0..<directory.shardCount {
            for path in try SnapshotFile.list(in: directory.shardPath(shard)) {
                do {
                    let info = try SnapshotFile.readInfo(path)
                    let misplaced = info.shardIndex != shard || info.shardCount != directory.shardCount
                    rows.append(
                        SnapshotRow(
                            info, shard: shard,
                            problem: misplaced ? "header says shard \(info.shardIndex) of \(info.shardCount)" : nil))
                } catch {
                    rows.append(SnapshotRow(shard: shard, path: path, problem: "\(error)"))
                }
            }
        }
        return SnapshotListReport(shardCount: directory.shardCount, snapshots: rows)
    }
}

/// One snapshot file as the operator commands show it.
struct SnapshotRow: Encodable, Equatable {
    var shard: Int
    var path: String
    var lsn: UInt64?
    var stateTimestampNanoseconds: Int64?
    var stateTime: String?
    var createdAtNanoseconds: Int64?
    var createdTime: String?
    var sizeBytes: Int64?
    var headerValid: Bool
    /// Why the file is not a valid snapshot; nil if it is.
    var problem: String?

    init(_ info: SnapshotInfo, shard: Int, problem: String? = nil) {
        self.shard = shard
        path = info.path
        lsn = info.lsn
        stateTimestampNanoseconds = info.stateTimestamp
        stateTime = OperatorTime.iso8601(nanoseconds: info.stateTimestamp)
        createdAtNanoseconds = info.createdAt
        createdTime = OperatorTime.iso8601(nanoseconds: info.createdAt)
        sizeBytes = OperatorOutput.fileSize(info.path)
        headerValid = problem == nil
        self.problem = problem
    }

    init(shard: Int, path: String, problem: String) {
        self.shard = shard
        self.path = path
        self.problem = problem
        headerValid = false
        sizeBytes = OperatorOutput.fileSize(path)
    }

    var sizeCell: String { sizeBytes.map(OperatorOutput.byteCount) ?? "-" }
    var validCell: String { problem.map { "BAD: \($0)" } ?? "ok" }
}

struct SnapshotCreateReport: OperatorReport {
    var snapshots: [SnapshotRow]

    func table() -> String {
        let rows = snapshots.map {
            [String($0.shard), OperatorOutput.cell($0.lsn), $0.stateTime ?? "-", $0.sizeCell, $0.path]
        }
        return OperatorOutput.table(["shard", "LSN", "state time", "size", "path"], rows)
    }
}

struct SnapshotListReport: OperatorReport {
    var shardCount: Int
    var snapshots: [SnapshotRow]

    func table() -> String {
        let rows = snapshots.map { row in
            [
                String(row.shard), OperatorOutput.cell(row.lsn), row.stateTime ?? "-", row.createdTime ?? "-",
                row.sizeCell,
                OperatorOutput.fileName(of: row.path), row.validCell,
            ]
        }
        let empty = (0..<shardCount).filter { shard in !snapshots.contains { $0.shard == shard } }
        let notes = empty.map { "shard \($0): no snapshots" }
        return
            ([OperatorOutput.table(["shard", "LSN", "state time", "created", "size", "file", "header"], rows)] + notes)
            .joined(separator: "\n")
    }
}
