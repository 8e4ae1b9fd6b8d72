import Engine
import Foundation
import Glibc

/// A node's data directory: `MANIFEST` (JSON: format version, shard count, the
/// engine limits that affect replay), `LOCK`, and one `shard-NNN` directory per
/// shard holding its log segments, their `LOG-EXTENT` record and snapshots.
///
/// Version 2 added the per-shard `LOG-EXTENT` record. Version 1 directories
/// still open: read-only tools read them as they are, and a node upgrades one
/// when it takes the lock (`upgradedIfNeeded`).
public struct DataDirectory: Sendable {
    public static let formatVersion = 2
    /// Versions this build opens.
    public static let readableVersions = 1...2
    public static let manifestName = "MANIFEST"

    public struct Manifest: Codable, Sendable, Equatable {
        public var format = "holdfast-data"
        public var version = DataDirectory.formatVersion
        public var shardCount: Int
        public var createdAt: String
        /// Every limit that changes what a command does; see `LimitsFingerprint`.
        public var limits: [String: Int64]
    }

    public let path: String
    public let manifest: Manifest

    public var shardCount: Int { manifest.shardCount }

    public func shardPath(_ index: Int) -> String { DataDirectory.shardPath(in: path, index) }

    /// `shard-NNN` under the data directory at `path`.
    static func shardPath(in path: String, _ index: Int) -> String {
        FileSystem.join(path, "shard-" + SegmentFormat.zeroPadded(UInt64(index), width: 3))
    }

    /// The limits recorded in the manifest, with runtime limits from `base`.
    public func limits(base: Limits = .standard) -> Limits {
        DataDirectory.apply(manifest.limits, to: base)
    }

    /// Opens an existing data directory.
    public static func open(_ path: String) throws(PersistenceError) -> DataDirectory {
        let manifestPath = FileSystem.join(path, manifestName)
        guard FileSystem.exists(manifestPath) else {
            throw .invalidRequest(reason: "\(path) is not a Holdfast data directory (no \(manifestName))")
        }
        let bytes = try FileSystem.readFile(manifestPath)
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(bytes))
        } catch {
            throw .corrupt(path: manifestPath, offset: 0, reason: "manifest is not valid JSON: \(error)")
        }
        guard manifest.format == "holdfast-data" else {
            throw .unsupportedFormat(path: manifestPath, reason: "format \"\(manifest.format)\"")
        }
        guard readableVersions.contains(manifest.version) else {
            throw .unsupportedFormat(
                path: manifestPath,
                reason: "data directory version \(manifest.version); this build reads versions \(readableVersions.lowerBound) to \(readableVersions.upperBound)")
        }
        guard (1...256).contains(manifest.shardCount) else {
            throw .corrupt(path: manifestPath, offset: 0, reason: "shard count \(manifest.shardCount) out of range")
        }
        guard Set(manifest.limits.keys) == Set(limitFields(of: .standard).keys) else {
            throw .corrupt(path: manifestPath, offset: 0, reason: "manifest limits do not name exactly the expected fields")
        }
        return DataDirectory(path: path, manifest: manifest)
    }

    /// Creates a new data directory (the directory may exist but must be empty).
    ///
    /// The MANIFEST is written last, after the shard directories with their
    /// `LOG-EXTENT` records and whatever `populate` puts in place (a restore's
    /// snapshots, carried files): a directory with a MANIFEST is complete.
    public static func create(
        _ path: String, shardCount: Int, limits: Limits,
        populate: (DataDirectory) throws(PersistenceError) -> Void = { _ throws(PersistenceError) in }
    ) throws(PersistenceError) -> DataDirectory {
        guard (1...256).contains(shardCount) else { throw .invalidRequest(reason: "shard count must be 1...256") }
        try FileSystem.makeDirectory(path)
        let existing = try FileSystem.list(path).filter { $0 != "LOCK" }
        guard existing.isEmpty else {
            throw .invalidRequest(reason: "\(path) is not empty and has no \(manifestName); refusing to use it")
        }
        let formatter = ISO8601DateFormatter()
        let manifest = Manifest(shardCount: shardCount, createdAt: formatter.string(from: Date()), limits: limitFields(of: limits))
        let directory = DataDirectory(path: path, manifest: manifest)
        for shard in 0..<shardCount {
            try FileSystem.makeDirectory(directory.shardPath(shard))
            try LogExtent.write(newestSegment: 0, directory: directory.shardPath(shard))
        }
        try populate(directory)
        try writeManifest(manifest, in: path)
        try FileSystem.syncDirectory(FileSystem.directoryOf(path))
        return directory
    }

    /// This directory at the current format version. A version 1 directory
    /// gets a `LOG-EXTENT` record per shard (covering the newest segment
    /// present), then — last, so a crash in between redoes it — a version 2
    /// MANIFEST. The caller holds the directory's lock.
    public func upgradedIfNeeded() throws(PersistenceError) -> DataDirectory {
        guard manifest.version < DataDirectory.formatVersion else { return self }
        for shard in 0..<shardCount {
            let shardPath = shardPath(shard)
            try FileSystem.makeDirectory(shardPath)
            let present = try FileSystem.list(shardPath).compactMap(SegmentFormat.segmentSequence(fromName:)).max() ?? 0
            let recorded = try LogExtent.read(directory: shardPath)?.newestSegment ?? 0
            try LogExtent.write(newestSegment: max(present, recorded), directory: shardPath)
        }
        var upgraded = manifest
        upgraded.version = DataDirectory.formatVersion
        try DataDirectory.writeManifest(upgraded, in: path)
        return DataDirectory(path: path, manifest: upgraded)
    }

    /// Whether every shard must have a `LOG-EXTENT` record (version 2 on).
    public var requiresLogExtent: Bool { manifest.version >= 2 }

    private static func writeManifest(_ manifest: Manifest, in path: String) throws(PersistenceError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(manifest)
        } catch {
            throw .invalidRequest(reason: "cannot encode manifest: \(error)")
        }
        try FileSystem.writeAtomically(Array(data) + [0x0A], to: FileSystem.join(path, manifestName))
    }

    /// Opens `path`, or creates it if it does not exist or is empty.
    public static func openOrCreate(_ path: String, shardCount: Int, limits: Limits) throws(PersistenceError) -> DataDirectory {
        if FileSystem.exists(FileSystem.join(path, manifestName)) { return try open(path) }
        return try create(path, shardCount: shardCount, limits: limits)
    }

    /// Refuses limits that differ from the manifest in anything that affects replay.
    public func check(limits: Limits) throws(PersistenceError) {
        let wanted = DataDirectory.limitFields(of: limits)
        let differing = wanted.keys.sorted().filter { wanted[$0] != manifest.limits[$0] }
        guard differing.isEmpty else {
            let detail = differing.map { "\($0): directory \(manifest.limits[$0].map(String.init) ?? "?"), process \(wanted[$0]!)" }
            throw .mismatch(reason: "engine limits differ from those the data directory was created with (\(detail.joined(separator: "; "))); replaying the log under other limits could give another state")
        }
    }

    /// Takes the directory's exclusive lock; held until the returned lock is released.
    public func lock() throws(PersistenceError) -> DirectoryLock {
        try DirectoryLock(path: FileSystem.join(path, "LOCK"))
    }

    static func limitFields(of limits: Limits) -> [String: Int64] {
        [
            "storesPerShardMax": Int64(limits.storesPerShardMax), "skusPerShardMax": Int64(limits.skusPerShardMax),
            "stockRecordsPerShardMax": Int64(limits.stockRecordsPerShardMax),
            "reservationsPerShardMax": Int64(limits.reservationsPerShardMax),
            "cartsPerShardMax": Int64(limits.cartsPerShardMax), "ordersPerShardMax": Int64(limits.ordersPerShardMax),
            "idempotencyKeysPerShardMax": Int64(limits.idempotencyKeysPerShardMax),
            "lineNodesPerShardMax": Int64(limits.lineNodesPerShardMax),
            "idempotencyRetentionSeconds": limits.idempotencyRetentionSeconds,
            "finishedOrderRetentionSeconds": limits.finishedOrderRetentionSeconds,
            "expirationsPerTickMax": Int64(limits.expirationsPerTickMax),
            "purgesPerTickMax": Int64(limits.purgesPerTickMax),
            "idleCartRetentionSeconds": limits.idleCartRetentionSeconds,
        ]
    }

    static func apply(_ fields: [String: Int64], to base: Limits) -> Limits {
        var limits = base
        func value(_ key: String) -> Int64? { fields[key] }
        if let v = value("storesPerShardMax") { limits.storesPerShardMax = Int(v) }
        if let v = value("skusPerShardMax") { limits.skusPerShardMax = Int(v) }
        if let v = value("stockRecordsPerShardMax") { limits.stockRecordsPerShardMax = Int(v) }
        if let v = value("reservationsPerShardMax") { limits.reservationsPerShardMax = Int(v) }
        if let v = value("cartsPerShardMax") { limits.cartsPerShardMax = Int(v) }
        if let v = value("ordersPerShardMax") { limits.ordersPerShardMax = Int(v) }
        if let v = value("idempotencyKeysPerShardMax") { limits.idempotencyKeysPerShardMax = Int(v) }
        if let v = value("lineNodesPerShardMax") { limits.lineNodesPerShardMax = Int(v) }
        if let v = value("idempotencyRetentionSeconds") { limits.idempotencyRetentionSeconds = v }
        if let v = value("finishedOrderRetentionSeconds") { limits.finishedOrderRetentionSeconds = v }
        if let v = value("expirationsPerTickMax") { limits.expirationsPerTickMax = Int(v) }
        if let v = value("purgesPerTickMax") { limits.purgesPerTickMax = Int(v) }
        // Added with state encoding 2; a manifest written before has no such key
        // and takes the build's default (idle carts are kept from then on).
        if let v = value("idleCartRetentionSeconds") { limits.idleCartRetentionSeconds = v }
        return limits
    }
}

/// An exclusive `flock` on a data directory's LOCK file: one process writes a
/// data directory at a time. Released by `release()` or when the process exits.
public final class DirectoryLock: @unchecked Sendable {
    private var fd: Int32

    /// How long a held lock is waited for before the directory counts as in use:
    /// a child process spawned at the moment the lock file was open holds a
    /// copy of its descriptor until its `exec` (O_CLOEXEC closes it only
    /// then), and a process that just exited may still be releasing it.
    static let waitSeconds = 2.0

    init(path: String) throws(PersistenceError) {
        // O_CLOEXEC: a child process (fork + exec) must not inherit the lock.
        fd = try FileSystem.open(path, flags: O_RDWR | O_CREAT | O_CLOEXEC)
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.waitSeconds * 1e9)
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            if code == EWOULDBLOCK && DispatchTime.now().uptimeNanoseconds < deadline {
                usleep(20_000)
                continue
            }
            FileSystem.close(fd)
            if code == EWOULDBLOCK { throw .locked(path: FileSystem.directoryOf(path)) }
            throw .io(operation: "flock", path: path, errno: code)
        }
    }

    public func release() {
        guard fd >= 0 else { return }
        FileSystem.close(fd)
        fd = -1
    }

    deinit { release() }
}
