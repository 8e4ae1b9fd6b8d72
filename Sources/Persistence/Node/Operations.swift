import Engine
import Foundation

/// Offline and online operator work on data directories: restore to a point,
/// consistent backups, verification. The `holdfast` CLI wraps these.
public enum Operations {
    /// Where a restored or backed-up shard ended.
    public struct ShardPoint: Sendable, Equatable {
        public var shard: Int
        public var lsn: UInt64
        public var timestamp: Int64
    }

    /// What `restore` or `backup` wrote: where each shard ended, and which
    /// carried files (`CarriedFiles`) the source had and the target now has.
    public struct CopyReport: Sendable, Equatable {
        public var shards: [ShardPoint]
        public var carriedFiles: [String]
    }

    /// Rebuilds the state of `source` up to a point — per shard an LSN, or a
    /// time for all shards, or the end — and writes it into `target`, a new
    /// data directory holding one snapshot per shard and an empty log, and the
    /// files named in `carrying` that `source` has. Does not modify `source`
    /// (it may be running). The target's MANIFEST is written last.
    public static func restore(
        from source: String, to target: String, lsnPerShard: [Int: UInt64] = [:], upToTimestamp: Int64? = nil,
        carrying: [String] = [], progress: (@Sendable (String) -> Void)? = nil
    ) throws(PersistenceError) -> CopyReport {
        let directory = try DataDirectory.open(source)
        for shard in lsnPerShard.keys where !(0..<directory.shardCount).contains(shard) {
            throw .invalidRequest(reason: "no shard \(shard) in \(source) (it has \(directory.shardCount))")
        }
        try requireEmpty(target)
        let limits = directory.limits()
        var states: [StateMachine] = []
        for shard in 0..<directory.shardCount {
            progress?("shard \(shard): rebuilding from \(directory.shardPath(shard))")
            let recovered = try Recovery.recoverShard(
                directory: directory.shardPath(shard), shardIndex: shard, shardCount: directory.shardCount, limits: limits,
                options: Recovery.Options(
                    repair: false, upToLSN: lsnPerShard[shard], upToTimestamp: upToTimestamp,
                    logExtentRequired: directory.requiresLogExtent),
                progress: progress)
            states.append(recovered.state)
            progress?("shard \(shard): at LSN \(recovered.state.lastLSN) (\(recovered.report.replayedRecords) records replayed)")
        }
        var carried: [String] = []
        _ = try DataDirectory.create(target, shardCount: directory.shardCount, limits: limits) {
            (created) throws(PersistenceError) in
            for (shard, state) in states.enumerated() {
                try SnapshotFile.write(
                    state, shardIndex: shard, shardCount: directory.shardCount, directory: created.shardPath(shard),
                    pacing: .full)
            }
            carried = try CarriedFiles.copy(carrying, from: source, to: target)
        }
        let points = states.enumerated().map { ShardPoint(shard: $0.offset, lsn: $0.element.lastLSN, timestamp: $0.element.now) }
        return CopyReport(shards: points, carriedFiles: carried)
    }

    /// Copies `source` into `target` consistently, whether a node is running on
    /// it or not: per shard the newest valid snapshot and the log segments after
    /// it, each copied up to its last valid frame (a frame being written during
    /// the copy is left out, as a crash would), with a `LOG-EXTENT` record for
    /// what was copied; the files named in `carrying` that `source` has; and
    /// last the MANIFEST. Then recovers the copy, read-only, to prove it loads.
    public static func backup(
        from source: String, to target: String, carrying: [String] = [],
        progress: (@Sendable (String) -> Void)? = nil
    ) throws(PersistenceError) -> CopyReport {
        let directory = try DataDirectory.open(source)
        try requireEmpty(target)
        try FileSystem.makeDirectory(target)
        let limits = directory.limits()
        let manifest = try FileSystem.readFile(FileSystem.join(source, DataDirectory.manifestName))
        for shard in 0..<directory.shardCount {
            try copyShardRetrying(shard, of: directory, to: target, progress: progress)
        }
        let carried = try CarriedFiles.copy(carrying, from: source, to: target)
        try FileSystem.writeAtomically(manifest, to: FileSystem.join(target, DataDirectory.manifestName))
        var points: [ShardPoint] = []
        for shard in 0..<directory.shardCount {
            let recovered = try Recovery.recoverShard(
                directory: DataDirectory.shardPath(in: target, shard), shardIndex: shard, shardCount: directory.shardCount,
                limits: limits, options: Recovery.Options(repair: false, logExtentRequired: true))
            points.append(ShardPoint(shard: shard, lsn: recovered.state.lastLSN, timestamp: recovered.state.now))
            progress?("shard \(shard): backup verified, at LSN \(recovered.state.lastLSN)")
        }
        return CopyReport(shards: points, carriedFiles: carried)
    }

    /// Copies one shard; starts it again when the copy raced with a running node.
    private static func copyShardRetrying(
        _ shard: Int, of directory: DataDirectory, to target: String, progress: (@Sendable (String) -> Void)?
    ) throws(PersistenceError) {
        let from = directory.shardPath(shard)
        let to = DataDirectory.shardPath(in: target, shard)
        var attempt = 0
        while true {
            attempt += 1
            do {
                try FileSystem.makeDirectory(to)
                try copyShard(
                    from: from, to: to, shard: shard, shardCount: directory.shardCount, limits: directory.limits(),
                    extentRequired: directory.requiresLogExtent, progress: progress)
                return
            } catch {
                // A running node may delete a snapshot or segment under us
                // (retention), or be mid-write: start this shard again.
                guard attempt < 5 else { throw error }
                progress?("shard \(shard): copy raced with the running node (\(error)); retrying")
                for name in (try? FileSystem.list(to)) ?? [] { try? FileSystem.remove(FileSystem.join(to, name)) }
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
    }

    private static func copyShard(
        from: String, to: String, shard: Int, shardCount: Int, limits: Limits, extentRequired: Bool,
        progress: (@Sendable (String) -> Void)?
    ) throws(PersistenceError) {
        var snapshotLSN: UInt64 = 0
        for path in try SnapshotFile.list(in: from) {
            // Read once and verify those bytes: retention may delete the file meanwhile.
            guard let bytes = try? FileSystem.readFile(path),
                let loaded = try? SnapshotFile.load(
                    bytes: bytes, path: path, shardIndex: shard, shardCount: shardCount, limits: limits)
            else {
                continue
            }
            try FileSystem.writeAtomically(bytes, to: FileSystem.join(to, (path as NSString).lastPathComponent))
            snapshotLSN = loaded.info.lsn
            progress?("shard \(shard): copied snapshot at LSN \(snapshotLSN)")
            break
        }
        var scanner = LogScanner(
            directory: from, shardIndex: shard, shardCount: shardCount, limitsDigest: LimitsFingerprint.digest(of: limits))
        scanner.extentRequired = extentRequired
        let report = try scanner.scan(decodeAfter: .max, visit: { _ in })
        let withFrames = report.segments.filter { $0.frames > 0 }
        // Segments needed: from the one holding LSN snapshot+1 (or the last
        // with frames, to continue its chain) to the last with frames.
        guard let last = withFrames.last else {
            try LogExtent.write(newestSegment: 0, directory: to)
            return
        }
        // Recorded first, as a writer does: the copy reaches that far.
        try LogExtent.write(newestSegment: last.sequence, directory: to)
        let firstNeeded = withFrames.first { ($0.lastLSN ?? 0) > snapshotLSN } ?? last
        for segment in report.segments where segment.sequence >= firstNeeded.sequence && segment.sequence <= last.sequence {
            var bytes = try FileSystem.readFile(segment.path)
            let used = Int(segment.usedBytes)
            if used < bytes.count { bytes.replaceSubrange(used..., with: repeatElement(0, count: bytes.count - used)) }
            try FileSystem.writeAtomically(bytes, to: FileSystem.join(to, (segment.path as NSString).lastPathComponent))
            progress?("shard \(shard): copied segment \(segment.sequence) (\(segment.records) records)")
        }
    }

    /// A target must be an empty directory, or not exist in a directory that does.
    private static func requireEmpty(_ path: String) throws(PersistenceError) {
        guard FileSystem.exists(path) else {
            let parent = FileSystem.directoryOf(path)
            guard FileSystem.isDirectory(parent) else {
                throw .invalidRequest(reason: "\(parent) does not exist; only the target directory itself is created")
            }
            return
        }
        guard FileSystem.isDirectory(path), try FileSystem.list(path).isEmpty else {
            throw .invalidRequest(reason: "\(path) exists and is not an empty directory")
        }
    }

    /// Verifies every shard's snapshots and log, read-only.
    public static func verify(
        _ path: String, progress: (@Sendable (String) -> Void)? = nil
    ) throws(PersistenceError) -> [ShardRecoveryReport] {
        let directory = try DataDirectory.open(path)
        var reports: [ShardRecoveryReport] = []
        for shard in 0..<directory.shardCount {
            let recovered = try Recovery.recoverShard(
                directory: directory.shardPath(shard), shardIndex: shard, shardCount: directory.shardCount,
                limits: directory.limits(),
                options: Recovery.Options(repair: false, logExtentRequired: directory.requiresLogExtent),
                progress: progress)
            reports.append(recovered.report)
        }
        return reports
    }

    /// Decoded log records of one shard, for `wal dump`; calls `visit` in LSN order.
    public static func dumpLog(
        _ path: String, shard: Int, fromLSN: UInt64 = 1, visit: (LogRecord) throws -> Void
    ) throws(PersistenceError) -> LogScanReport {
        let directory = try DataDirectory.open(path)
        guard (0..<directory.shardCount).contains(shard) else {
            throw .invalidRequest(reason: "no shard \(shard) in \(path) (it has \(directory.shardCount))")
        }
        var scanner = LogScanner(
            directory: directory.shardPath(shard), shardIndex: shard, shardCount: directory.shardCount,
            limitsDigest: LimitsFingerprint.digest(of: directory.limits()))
        scanner.extentRequired = directory.requiresLogExtent
        return try scanner.scan(decodeAfter: fromLSN > 0 ? fromLSN - 1 : 0, visit: visit)
    }
}
