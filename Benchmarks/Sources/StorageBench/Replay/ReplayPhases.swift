import Engine
import Foundation
import Glibc
import Persistence

/// Replay of one shard's log, whole and by phase. Each phase includes the ones
/// before it except `applyOnly` and `replayOnly`, so differences give the cost
/// of each step.
struct ReplayPhases {
    enum Phase: String, CaseIterable {
        /// `Recovery.recoverShard` after evicting the log's pages (posix_fadvise DONTNEED).
        case recoveryCold = "Recovery.recoverShard, log not in page cache"
        /// `Recovery.recoverShard` right after, pages cached.
        case recoveryWarm = "Recovery.recoverShard, log in page cache"
        /// pread of every segment file into memory, as the scanner reads them (cached).
        case readFiles = "phase: read segment files"
        /// The scanner without decoding: CRC-32C of frames and records, SHA-256 chain.
        case readAndVerify = "phase: read + verify (CRCs, hash chain)"
        /// The scanner decoding every record, visitor doing nothing.
        case readVerifyDecode = "phase: read + verify + decode"
        /// `StateMachine.apply` over the decoded records, already in memory, events on.
        case applyOnly = "phase: apply only (records in memory)"
        /// `StateMachine.replay` (as recovery applies) over the decoded records.
        case replayOnly = "phase: replay only (records in memory)"

        var isWholeRecovery: Bool { self == .recoveryCold || self == .recoveryWarm }

        /// The name `--replay-phases` selects it by.
        var key: String {
            switch self {
            case .recoveryCold: "cold"
            case .recoveryWarm: "warm"
            case .readFiles: "read"
            case .readAndVerify: "verify"
            case .readVerifyDecode: "decode"
            case .applyOnly: "apply"
            case .replayOnly: "replay"
            }
        }

        /// The phases named by `keys` (every phase when nil), in their order.
        static func selected(_ keys: [String]?) throws(BenchFailure) -> [Phase] {
            guard let keys else { return allCases }
            for key in keys where !allCases.contains(where: { $0.key == key }) {
                throw BenchFailure("no replay phase \(key); phases: \(allCases.map(\.key).joined(separator: ","))")
            }
            return allCases.filter { keys.contains($0.key) }
        }
    }

    let dataDirectory: String
    let shardDirectory: String
    let limits: Limits
    /// Every segment file, the one preallocated ahead included (recovery reads it too).
    let segmentPaths: [String]
    /// Every record of the log, decoded once, for `applyOnly`.
    let decoded: [LogRecord]
    var records: Int { decoded.count }
    let recordBytes: Int

    init(dataDirectory: String, limits: Limits) throws(BenchFailure) {
        self.dataDirectory = dataDirectory
        self.limits = limits
        do {
            let shardDirectory = try DataDirectory.open(dataDirectory).shardPath(0)
            self.shardDirectory = shardDirectory
            var decoded: [LogRecord] = []
            let report = try Operations.dumpLog(dataDirectory, shard: 0) { decoded.append($0) }
            self.decoded = decoded
            recordBytes = report.recordBytes
            segmentPaths = try FileManager.default.contentsOfDirectory(atPath: shardDirectory)
                .filter { $0.hasPrefix("wal-") && $0.hasSuffix(".log") }.sorted()
                .map { (shardDirectory as NSString).appendingPathComponent($0) }
        } catch {
            throw BenchFailure("reading the log back: \(error)")
        }
    }

    func time(_ phase: Phase) throws(BenchFailure) -> Int64 {
        do {
            switch phase {
            case .recoveryCold:
                evictFromPageCache()
                return try Stopwatch.time { try recover() }.nanoseconds
            case .recoveryWarm: return try Stopwatch.time { try recover() }.nanoseconds
            case .readFiles: return try Stopwatch.time { try readFiles() }.nanoseconds
            case .readAndVerify:
                return try Stopwatch.time { try Operations.dumpLog(dataDirectory, shard: 0, fromLSN: .max) { _ in } }
                    .nanoseconds
            case .readVerifyDecode:
                return try Stopwatch.time { try Operations.dumpLog(dataDirectory, shard: 0) { _ in } }.nanoseconds
            case .applyOnly: return try Stopwatch.time { try applyDecoded() }.nanoseconds
            case .replayOnly: return try Stopwatch.time { try replayDecoded() }.nanoseconds
            }
        } catch let failure as BenchFailure {
            throw failure
        } catch {
            throw BenchFailure("\(phase.rawValue): \(error)")
        }
    }

    private func recover() throws {
        let recovered = try Recovery.recoverShard(
            directory: shardDirectory, shardIndex: 0, shardCount: 1, limits: limits,
            options: Recovery.Options(repair: false))
        guard recovered.report.replayedRecords == records else {
            throw BenchFailure("recovery replayed \(recovered.report.replayedRecords) records, the log has \(records)")
        }
    }

    private func applyDecoded() throws {
        var machine = StateMachine(limits: limits)
        for record in decoded {
            guard machine.apply(record.command, at: record.timestamp).lsn == record.lsn else {
                throw BenchFailure("apply diverged at LSN \(record.lsn)")
            }
            // As recovery does.
            if machine.events.count >= 4_096 { machine.events.removeAll(keepingCapacity: true) }
        }
    }

    private func replayDecoded() throws {
        var machine = StateMachine(limits: limits)
        for record in decoded {
            guard machine.replay(record.command, at: record.timestamp, by: record.caller).lsn == record.lsn else {
                throw BenchFailure("replay diverged at LSN \(record.lsn)")
            }
        }
    }

    /// Reads every segment, whole, as the scanner does; returns the bytes read.
    @discardableResult
    private func readFiles() throws -> Int {
        var total = 0
        for path in segmentPaths {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw BenchFailure("open \(path): errno \(errno)") }
            defer { close(fd) }
            let size = Int(lseek(fd, 0, SEEK_END))
            let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
                count = pread(fd, buffer.baseAddress!, size, 0)
            }
            guard bytes.count == size else { throw BenchFailure("short read of \(path)") }
            total += bytes.count
        }
        return total
    }

    /// Drops the log's (clean) pages from the page cache, so the next read goes to the disk.
    private func evictFromPageCache() {
        for path in segmentPaths {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { continue }
            _ = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED)
            close(fd)
        }
    }
}
