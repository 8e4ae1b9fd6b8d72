import Engine
import Foundation
import Glibc

/// A snapshot's header fields (docs/storage-format.md, "Snapshots").
public struct SnapshotInfo: Sendable, Equatable {
    public var path: String
    public var shardIndex: Int
    public var shardCount: Int
    /// The state includes every command up to and including this LSN.
    public var lsn: UInt64
    /// The state's clock (the batch time of its last command), ns since the epoch.
    public var stateTimestamp: Int64
    /// Wall-clock time the snapshot was written, ns since the epoch.
    public var createdAt: Int64
    public var limitsDigest: Digest256
    public var stateBytes: Int
    public var stateDigest: Digest256
}

/// Writes, reads and verifies snapshot files `snapshot-<lsn>.hfs`:
/// a 128-byte header, then the state encoding (docs/storage-format.md).
public enum SnapshotFile {
    static let magic: [UInt8] = Array("HFSNAPSH".utf8)
    static let version: UInt32 = 1
    static let headerBytes = 128
    static let suffix = ".hfs"

    public static func name(forLSN lsn: UInt64) -> String {
        "snapshot-" + SegmentFormat.zeroPadded(lsn, width: 20) + suffix
    }

    static func lsn(fromName name: String) -> UInt64? {
        guard name.hasPrefix("snapshot-"), name.hasSuffix(suffix), name.count == 9 + 20 + suffix.count else { return nil }
        return SegmentFormat.digitsOnly(name.dropFirst(9).dropLast(suffix.count))
    }

    /// Snapshot files in `directory`, newest (highest LSN) first.
    public static func list(in directory: String) throws(PersistenceError) -> [String] {
        guard FileSystem.isDirectory(directory) else { return [] }
        return try FileSystem.list(directory)
            .compactMap { name in lsn(fromName: name).map { ($0, FileSystem.join(directory, name)) } }
            .sorted { $0.0 > $1.0 }
            .map(\.1)
    }

    /// Encodes `state` and writes it durably: temporary file, written and
    /// synced at `pacing` (at full speed once `hurry` says so), then — once `beforePublishing` returns (the log
    /// must be durable through the snapshot's LSN) — rename and directory fsync.
    @discardableResult
    public static func write(
        _ state: StateMachine, shardIndex: Int, shardCount: Int, directory: String, pacing: WritePacing,
        hurry: @escaping () -> Bool = { false }, beforePublishing: () throws(PersistenceError) -> Void = {}
    ) throws(PersistenceError) -> SnapshotInfo {
        let encoded = state.encodedState()
        let digest = encoded.withUnsafeBytes { SHA256Hasher.digest($0) }
        let info = SnapshotInfo(
            path: FileSystem.join(directory, name(forLSN: state.lastLSN)), shardIndex: shardIndex, shardCount: shardCount,
            lsn: state.lastLSN, stateTimestamp: state.now, createdAt: Int64(Date().timeIntervalSince1970 * 1e9),
            limitsDigest: LimitsFingerprint.digest(of: state.limits), stateBytes: encoded.count, stateDigest: digest)
        var header = [UInt8](repeating: 0, count: headerBytes)
        header.put(magic, at: 0)
        header.put(version, at: 8)
        header.put(UInt32(headerBytes), at: 12)
        header.put(UInt16(shardIndex), at: 16)
        header.put(UInt16(shardCount), at: 18)
        header.put(StateMachine.stateEncodingVersion, at: 20)
        header.put(info.lsn, at: 24)
        header.put(info.stateTimestamp, at: 32)
        header.put(info.createdAt, at: 40)
        header.put(info.limitsDigest.bytes, at: 48)
        header.put(UInt64(encoded.count), at: 80)
        header.put(digest.bytes, at: 88)
        header.put(CRC32C.checksum(header[0..<120]), at: 120)
        header.put(CRC32C.checksum(encoded), at: 124)

        let temporary = info.path + ".tmp"
        let (fd, direct) = try PacedFileWriter.create(temporary)
        let status = header.withUnsafeBytes { header in
            encoded.withUnsafeBytes { state in
                PacedFileWriter(pacing: pacing, hurry: hurry).write(fd, length: header.count + state.count, direct: direct) {
                    buffer, offset, count in
                    // The file is the header, then the state.
                    var filled = 0
                    if offset < header.count {
                        filled = min(count, header.count - offset)
                        buffer.copyMemory(from: header.baseAddress! + offset, byteCount: filled)
                    }
                    if filled < count {
                        buffer.advanced(by: filled).copyMemory(
                            from: state.baseAddress! + (offset + filled - header.count), byteCount: count - filled)
                    }
                }
            }
        }
        FileSystem.close(fd)
        if status != 0 {
            try? FileSystem.remove(temporary)
            throw .io(operation: "write snapshot", path: temporary, errno: status)
        }
        do {
            try beforePublishing()
        } catch {
            try? FileSystem.remove(temporary)
            throw error
        }
        try FileSystem.rename(temporary, info.path)
        try FileSystem.syncDirectory(directory)
        return info
    }

    /// Reads and checks the header only (fast; `load` checks everything).
    public static func readInfo(_ path: String) throws(PersistenceError) -> SnapshotInfo {
        let fd = try FileSystem.open(path, flags: O_RDONLY)
        defer { FileSystem.close(fd) }
        var header = [UInt8](repeating: 0, count: headerBytes)
        var count = 0
        var failure: PersistenceError?
        header.withUnsafeMutableBytes { raw in
            do {
                count = try FileSystem.preadAll(fd, raw.baseAddress!, headerBytes, at: 0, path: path)
            } catch {
                failure = error as? PersistenceError ?? .io(operation: "read", path: path, errno: EIO)
            }
        }
        if let failure { throw failure }
        let fileBytes = try FileSystem.size(ofFile: fd, path: path)
        return try parseHeader(header, count: count, fileBytes: fileBytes, path: path)
    }

    private static func parseHeader(
        _ header: [UInt8], count: Int, fileBytes: Int64, path: String
    ) throws(PersistenceError) -> SnapshotInfo {
        guard count == headerBytes else { throw .corrupt(path: path, offset: Int64(count), reason: "snapshot shorter than its header") }
        guard Array(header[0..<8]) == magic else { throw .unsupportedFormat(path: path, reason: "not a Holdfast snapshot (bad magic)") }
        guard header.uint32(at: 120) == CRC32C.checksum(header[0..<120]) else {
            throw .corrupt(path: path, offset: 120, reason: "snapshot header checksum mismatch")
        }
        let fileVersion = header.uint32(at: 8)
        guard fileVersion == version else {
            throw .unsupportedFormat(path: path, reason: "snapshot format version \(fileVersion); this build reads \(version)")
        }
        let stateVersion = header.uint32(at: 20)
        guard StateMachine.readableStateEncodingVersions.contains(stateVersion) else {
            throw .unsupportedFormat(
                path: path,
                reason: "state encoding version \(stateVersion); this build reads \(StateMachine.readableStateEncodingVersions)")
        }
        let stateBytes = header.uint64(at: 80)
        guard stateBytes == UInt64(fileBytes) - UInt64(headerBytes) else {
            throw .corrupt(path: path, offset: Int64(headerBytes), reason: "header promises \(stateBytes) state bytes, file holds \(fileBytes - Int64(headerBytes))")
        }
        return SnapshotInfo(
            path: path, shardIndex: Int(header.uint16(at: 16)), shardCount: Int(header.uint16(at: 18)),
            lsn: header.uint64(at: 24), stateTimestamp: header.int64(at: 32), createdAt: header.int64(at: 40),
            limitsDigest: Digest256(bytes: header.bytes(at: 48, count: 32)), stateBytes: Int(stateBytes),
            stateDigest: Digest256(bytes: header.bytes(at: 88, count: 32)))
    }

    /// Reads a snapshot and checks all of it: header, CRC and SHA-256 of the
    /// state, shard and limits, and the state's own structural validation.
    public static func load(
        _ path: String, shardIndex: Int, shardCount: Int, limits: Limits
    ) throws(PersistenceError) -> (state: StateMachine, info: SnapshotInfo) {
        try load(bytes: FileSystem.readFile(path), path: path, shardIndex: shardIndex, shardCount: shardCount, limits: limits)
    }

    /// `load` on bytes already read (`path` only names them in errors).
    static func load(
        bytes: [UInt8], path: String, shardIndex: Int, shardCount: Int, limits: Limits
    ) throws(PersistenceError) -> (state: StateMachine, info: SnapshotInfo) {
        let info = try parseHeader(
            bytes.count >= headerBytes ? Array(bytes[0..<headerBytes]) : bytes,
            count: min(bytes.count, headerBytes), fileBytes: Int64(bytes.count), path: path)
        let state = Array(bytes[headerBytes...])
        let storedCRC = bytes.uint32(at: 124)
        guard CRC32C.checksum(state) == storedCRC else {
            throw .corrupt(path: path, offset: Int64(headerBytes), reason: "state checksum (CRC-32C) mismatch")
        }
        guard state.withUnsafeBytes({ SHA256Hasher.digest($0) }) == info.stateDigest else {
            throw .corrupt(path: path, offset: Int64(headerBytes), reason: "state digest (SHA-256) mismatch")
        }
        guard info.shardIndex == shardIndex, info.shardCount == shardCount else {
            throw .mismatch(reason: "\(path) is a snapshot of shard \(info.shardIndex) of \(info.shardCount), expected shard \(shardIndex) of \(shardCount)")
        }
        guard info.limitsDigest == LimitsFingerprint.digest(of: limits) else {
            throw .mismatch(reason: "\(path) was taken under other engine limits than this process uses")
        }
        let machine: StateMachine
        do {
            machine = try StateMachine(decoding: state, limits: limits)
        } catch {
            throw .corrupt(path: path, offset: Int64(headerBytes), reason: "state does not load: \(error)")
        }
        guard machine.lastLSN == info.lsn else {
            throw .corrupt(path: path, offset: 24, reason: "header LSN \(info.lsn), state LSN \(machine.lastLSN)")
        }
        return (machine, info)
    }
}
