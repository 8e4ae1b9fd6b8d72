import Engine
import Foundation
import Glibc

/// What recovering one shard did.
public struct ShardRecoveryReport: Sendable {
    public var shardIndex: Int
    /// The snapshot the state started from; nil if it started empty.
    public var snapshot: SnapshotInfo?
    /// Newer snapshots that failed verification and were skipped, with why.
    public var rejectedSnapshots: [String] = []
    /// Log records applied on top of the snapshot.
    public var replayedRecords = 0
    public var log = LogScanReport()
    /// The torn tail cut (or, with the operator's flag, the damage cut past).
    public var cut: LogDamage?
    /// Where files past a damaged point were moved (accept-corruption only).
    public var quarantine: String?
    /// Recorded log segments found missing and accepted as lost (accept-corruption only).
    public var missingSegments: String?
    public var lastLSN: UInt64 = 0
    public var seconds: Double = 0
}

/// Rebuilds shard state at start: the newest valid snapshot, then the log.
public enum Recovery {
    public struct Options: Sendable {
        /// Cut a torn tail on disk (and clean temporary files); off for read-only tools.
        public var repair = true
        /// Proceed past corruption before the tail: cut the log there and move
        /// what followed into a quarantine directory. Loses the records after it.
        public var acceptCorruption = false
        /// Stop applying after this LSN (restore).
        public var upToLSN: UInt64?
        /// Stop applying records stamped after this time, ns since the epoch (restore).
        public var upToTimestamp: Int64?
        /// Refuse a shard log without its `LOG-EXTENT` record (data directory version 2 on).
        public var logExtentRequired: Bool

        public init(
            repair: Bool = true, acceptCorruption: Bool = false, upToLSN: UInt64? = nil, upToTimestamp: Int64? = nil,
            logExtentRequired: Bool = false
        ) {
            self.repair = repair
            self.acceptCorruption = acceptCorruption
            self.upToLSN = upToLSN
            self.upToTimestamp = upToTimestamp
            self.logExtentRequired = logExtentRequired
        }

        var isPartial: Bool { upToLSN != nil || upToTimestamp != nil }
    }

    /// Recovers one shard from its directory.
    public static func recoverShard(
        directory: String, shardIndex: Int, shardCount: Int, limits: Limits, options: Options = Options(),
        progress: (@Sendable (String) -> Void)? = nil
    ) throws(PersistenceError) -> (state: StateMachine, report: ShardRecoveryReport, end: LogPosition) {
        let started = DispatchTime.now().uptimeNanoseconds
        var report = ShardRecoveryReport(shardIndex: shardIndex)
        if options.repair { cleanTemporaryFiles(in: directory) }

        var machine = newestSnapshot(
            directory: directory, shardIndex: shardIndex, shardCount: shardCount, limits: limits, options: options,
            report: &report, progress: progress)
        let snapshotLSN = machine.lastLSN
        var scanner = LogScanner(
            directory: directory, shardIndex: shardIndex, shardCount: shardCount,
            limitsDigest: LimitsFingerprint.digest(of: limits))
        scanner.continuePastCorruption = options.acceptCorruption
        scanner.extentRequired = options.logExtentRequired
        var log = try replay(
            scanner, into: &machine, shardIndex: shardIndex, directory: directory, options: options, report: &report,
            progress: progress)
        report.log = log
        if let missing = log.missingSegments {
            report.missingSegments = try acceptMissingSegments(missing, directory: directory, repair: options.repair)
        }

        if let first = log.firstLSN, report.snapshot == nil, first != 1 {
            throw .missingLog(reason: "shard \(shardIndex): no snapshot, and the log starts at LSN \(first) instead of 1")
        }
        var end = log.end
        if let last = log.lastLSN, last < snapshotLSN, !options.isPartial {
            // The log stops before the snapshot: with damage or missing
            // segments the operator may let the snapshot stand in for the log
            // (all of it is moved aside and a new log starts after the
            // snapshot); otherwise records are missing.
            let damaged = log.damage != nil || log.missingSegments != nil
            guard damaged, options.acceptCorruption, options.repair else {
                throw .missingLog(reason: "shard \(shardIndex): the snapshot is at LSN \(snapshotLSN) but the log ends at LSN \(last)")
            }
            report.cut = log.damage
            report.quarantine = try quarantineWholeLog(directory: directory)
            end = LogPosition.newLog
            report.log.damage = nil
            log.damage = nil
        }
        if let bound = options.upToLSN, machine.lastLSN < bound {
            throw .invalidRequest(reason: "shard \(shardIndex): LSN \(bound) is beyond the end of the log (\(machine.lastLSN))")
        }
        end.lastLSN = max(end.lastLSN, machine.lastLSN)
        if let damage = log.damage {
            report.cut = damage
            if options.repair {
                report.quarantine = try cut(at: damage, directory: directory)
                progress?("shard \(shardIndex): cut \(damage)")
            }
        }
        report.lastLSN = machine.lastLSN
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return (machine, report, end)
    }

    /// The state of the newest snapshot that loads (within the restore bound),
    /// or an empty state; the ones that fail are recorded in the report.
    static func newestSnapshot(
        directory: String, shardIndex: Int, shardCount: Int, limits: Limits, options: Options,
        report: inout ShardRecoveryReport, progress: (@Sendable (String) -> Void)?
    ) -> StateMachine {
        for path in (try? SnapshotFile.list(in: directory)) ?? [] {
            if let info = try? SnapshotFile.readInfo(path) {
                if let bound = options.upToLSN, info.lsn > bound { continue }
                if let bound = options.upToTimestamp, info.stateTimestamp > bound { continue }
            }
            do {
                let loaded = try SnapshotFile.load(path, shardIndex: shardIndex, shardCount: shardCount, limits: limits)
                report.snapshot = loaded.info
                return loaded.state
            } catch {
                report.rejectedSnapshots.append("\(error)")
                progress?("shard \(shardIndex): skipping snapshot \(path): \(error)")
            }
        }
        return StateMachine(limits: limits)
    }

    /// Applies the log after the state's LSN: read, checked and decoded on a
    /// second thread while this one applies, so the two halves overlap.
    private static func replay(
        _ scanner: LogScanner, into machine: inout StateMachine, shardIndex: Int, directory: String,
        options: Options, report: inout ShardRecoveryReport, progress: (@Sendable (String) -> Void)?
    ) throws(PersistenceError) -> LogScanReport {
        let pipe = RecordPipe()
        let startLSN = machine.lastLSN
        let readerName = "hf-replay-\(shardIndex)"
        let reader = Thread {
            nameCurrentThread(readerName)
            pipe.finish(Result { () throws(PersistenceError) in
                try scanner.scan(decodeAfter: startLSN, visit: { record in try pipe.put(record) })
            })
        }
        reader.name = readerName
        reader.start()

        var reachedTarget = false
        var lastProgress = DispatchTime.now().uptimeNanoseconds
        while let chunk = pipe.take() {
            for record in chunk where !reachedTarget {
                if let bound = options.upToLSN, record.lsn > bound { reachedTarget = true; break }
                if let bound = options.upToTimestamp, record.timestamp > bound { reachedTarget = true; break }
                if let failure = apply(record, to: &machine, shardIndex: shardIndex, directory: directory) {
                    pipe.cancel()
                    _ = pipe.waitForResult()
                    throw failure
                }
                report.replayedRecords += 1
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if now - lastProgress > 1_000_000_000 {
                lastProgress = now
                progress?("shard \(shardIndex): \(report.replayedRecords) records replayed")
            }
        }
        return try pipe.waitForResult().get()
    }

    /// Replays one logged command (no events, no answer); the error if it does
    /// not continue the state or does not reproduce its logged LSN.
    static func apply(
        _ record: LogRecord, to machine: inout StateMachine, shardIndex: Int, directory: String
    ) -> PersistenceError? {
        guard record.lsn == machine.lastLSN &+ 1 else {
            return .missingLog(
                reason: "shard \(shardIndex): the state is at LSN \(machine.lastLSN) but the log continues at LSN \(record.lsn)")
        }
        let replayed = machine.replay(record.command, at: record.timestamp, by: record.caller)
        guard replayed.lsn == record.lsn else {
            let what = replayed.lsn.map { "got LSN \($0)" } ?? "changed nothing"
            let outcome = replayed.error.map { "failed: \($0)" } ?? "succeeded"
            return .corrupt(
                path: directory, offset: 0, reason: "replay diverged at LSN \(record.lsn): the command \(what) (\(outcome))")
        }
        return nil
    }

    /// Moves every segment into a new quarantine directory (the log restarts
    /// after the snapshot).
    static func quarantineWholeLog(directory: String) throws(PersistenceError) -> String {
        let target = FileSystem.join(directory, "quarantine-\(Int(Date().timeIntervalSince1970))")
        try FileSystem.makeDirectory(target)
        // Lower the record before the files go, so a crash in between leaves
        // segments past the record (read as usual), never a recorded one missing.
        try lowerLogExtent(to: 0, directory: directory)
        for name in try FileSystem.list(directory) where SegmentFormat.segmentSequence(fromName: name) != nil {
            try FileSystem.rename(FileSystem.join(directory, name), FileSystem.join(target, name))
        }
        try FileSystem.syncDirectory(directory)
        try FileSystem.syncDirectory(target)
        return target
    }

    /// Zeroes the log from the damaged point to the end of its segment; with
    /// valid frames after it (accept-corruption), first copies the segment and
    /// moves every later segment into a quarantine directory.
    static func cut(at damage: LogDamage, directory: String) throws(PersistenceError) -> String? {
        var quarantine: String?
        let segmentPaths = try FileSystem.list(directory).compactMap { name -> (UInt64, String)? in
            SegmentFormat.segmentSequence(fromName: name).map { ($0, FileSystem.join(directory, name)) }
        }
        let later = segmentPaths.filter { $0.0 > damage.segmentSequence }
        if damage.validFramesFollow {
            let target = FileSystem.join(directory, "quarantine-\(Int(Date().timeIntervalSince1970))")
            try FileSystem.makeDirectory(target)
            try lowerLogExtent(to: damage.segmentSequence, directory: directory)
            let copy = try FileSystem.readFile(damage.path)
            try FileSystem.writeAtomically(copy, to: FileSystem.join(target, (damage.path as NSString).lastPathComponent))
            for (_, path) in later {
                try FileSystem.rename(path, FileSystem.join(target, (path as NSString).lastPathComponent))
            }
            try FileSystem.syncDirectory(directory)
            quarantine = target
        } else {
            // A torn write can leave bytes in later, preallocated segments only
            // if it spanned them, which frames never do; zero them anyway if dirty.
            for (_, path) in later { try zero(path: path, from: Int64(SegmentFormat.blockSize), onlyIfDirty: true) }
        }
        try zero(path: damage.path, from: damage.offset, onlyIfDirty: false)
        return quarantine
    }

    private static func zero(path: String, from offset: Int64, onlyIfDirty: Bool) throws(PersistenceError) {
        let fd = try FileSystem.open(path, flags: O_RDWR)
        defer { FileSystem.close(fd) }
        let size = try FileSystem.size(ofFile: fd, path: path)
        guard offset < size else { return }
        if onlyIfDirty {
            let bytes = try FileSystem.readFile(path)
            if bytes[Int(offset)...].allSatisfy({ $0 == 0 }) { return }
        }
        let chunk = 1 << 20
        let zeros = [UInt8](repeating: 0, count: chunk)
        var position = offset
        while position < size {
            let length = Int(min(Int64(chunk), size - position))
            let status = zeros.withUnsafeBytes { FileSystem.pwriteAll(fd, $0.baseAddress!, length, at: position) }
            if status != 0 { throw .io(operation: "cut log tail", path: path, errno: status) }
            position += Int64(length)
        }
        let status = FileSystem.fdatasync(fd)
        if status != 0 { throw .io(operation: "fdatasync", path: path, errno: status) }
    }

    /// Accepts (operator's flag) that recorded segments are gone: with `repair`,
    /// lowers the record to the newest present so the log continues from there.
    private static func acceptMissingSegments(
        _ missing: ClosedRange<UInt64>, directory: String, repair: Bool
    ) throws(PersistenceError) -> String {
        let first = FileSystem.join(directory, SegmentFormat.segmentName(missing.lowerBound))
        if repair { try lowerLogExtent(to: missing.lowerBound - 1, directory: directory) }
        return "accepted the loss of \(missing.count) missing log segment(s) from \(first) on; their records are gone"
    }

    /// Rewrites the log extent record (if the directory has one) to `newestSegment`.
    static func lowerLogExtent(to newestSegment: UInt64, directory: String) throws(PersistenceError) {
        guard let extent = try LogExtent.read(directory: directory), extent.newestSegment > newestSegment else { return }
        try LogExtent.write(newestSegment: newestSegment, directory: directory)
    }

    /// Removes `*.tmp` files left by a crash during segment preallocation or a snapshot.
    static func cleanTemporaryFiles(in directory: String) {
        guard let names = try? FileSystem.list(directory) else { return }
        for name in names where name.hasSuffix(".tmp") {
            try? FileSystem.remove(FileSystem.join(directory, name))
        }
    }
}
