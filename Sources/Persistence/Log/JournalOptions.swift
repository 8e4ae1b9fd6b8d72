/// When a reply may leave, relative to the disk (docs/operations.md, "Durability modes").
public enum Durability: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Reply after the batch's write and fdatasync complete. The default.
    case strict
    /// Reply after the write reaches the kernel; fdatasync at most every
    /// `relaxedSyncIntervalMilliseconds`. A process crash loses nothing; a
    /// power loss or kernel crash loses at most that window (plus the write in
    /// flight).
    case relaxed
    /// No files at all: memory only, for tests and demos.
    case none

    public var description: String { rawValue }
}

/// How a shard's log is written.
public struct JournalOptions: Sendable, Equatable {
    public var durability: Durability
    public var relaxedSyncIntervalMilliseconds: Int
    /// Size of each preallocated segment file.
    public var segmentBytes: Int
    /// Largest frame (one group commit's write); bigger batches span several frames.
    public var frameBytesMax: Int
    /// Try O_DIRECT; fall back to buffered I/O where the file system refuses it.
    public var directIO: Bool
    public var ioBackend: IOBackend
    /// How long a failed journal waits between attempts to write again.
    public var retryIntervalMilliseconds: Int
    /// How fast files are written beside the log — the next segment, and the
    /// node's snapshots — in bytes per second (0: as fast as the disk goes).
    /// See `WritePacing`.
    public var backgroundWriteBytesPerSecond: Int

    /// The default of `backgroundWriteBytesPerSecond`: 64 MiB/s.
    public static let backgroundWriteBytesPerSecondDefault = 64 << 20

    public init(
        durability: Durability = .strict, relaxedSyncIntervalMilliseconds: Int = 5,
        segmentBytes: Int = 64 << 20, frameBytesMax: Int = 4 << 20, directIO: Bool = true,
        ioBackend: IOBackend = .automatic, retryIntervalMilliseconds: Int = 200,
        backgroundWriteBytesPerSecond: Int = JournalOptions.backgroundWriteBytesPerSecondDefault
    ) {
        self.durability = durability
        self.relaxedSyncIntervalMilliseconds = relaxedSyncIntervalMilliseconds
        self.segmentBytes = segmentBytes
        self.frameBytesMax = frameBytesMax
        self.directIO = directIO
        self.ioBackend = ioBackend
        self.retryIntervalMilliseconds = retryIntervalMilliseconds
        self.backgroundWriteBytesPerSecond = backgroundWriteBytesPerSecond
    }

    /// Checks the sizes fit together; returns the problem, or nil.
    public func problem() -> String? {
        let block = SegmentFormat.blockSize
        if segmentBytes % block != 0 { return "segment size must be a multiple of \(block) bytes" }
        // The largest command (256 lines of 64-byte SKUs and 32-byte
        // locations, with prices) encodes to about 32 KiB; a frame holds at least one.
        if frameBytesMax < 64 << 10 { return "frame size must be at least 64 KiB" }
        if frameBytesMax % block != 0 { return "frame size must be a multiple of \(block) bytes" }
        if segmentBytes < frameBytesMax + block { return "segment size must exceed the frame size by at least one block" }
        if segmentBytes > 1 << 32 { return "segment size must be at most 4 GiB" }
        if relaxedSyncIntervalMilliseconds < 1 || relaxedSyncIntervalMilliseconds > 10_000 {
            return "relaxed sync interval must be 1...10000 ms"
        }
        if retryIntervalMilliseconds < 1 || retryIntervalMilliseconds > 60_000 { return "retry interval must be 1...60000 ms" }
        if backgroundWriteBytesPerSecond < 0 { return "background write rate must not be negative" }
        return nil
    }
}

/// Where the next frame goes, and what it continues: the end of the valid log
/// as recovery found it, or the start of a new one.
public struct LogPosition: Sendable, Equatable {
    public var segmentSequence: UInt64
    /// Byte offset of the next frame in that segment (a multiple of 4096, ≥ 4096).
    public var offset: Int64
    public var nextFrameSequence: UInt64
    /// Chain hash of the last frame (zeros for a new log).
    public var chainHash: Digest256
    /// LSN of the last record in the log (0 for a new log).
    public var lastLSN: UInt64

    public static let newLog = LogPosition(
        segmentSequence: 1, offset: Int64(SegmentFormat.blockSize), nextFrameSequence: 0, chainHash: .zero, lastLSN: 0)
}
