import CHoldfastSupport
import Engine
import Foundation
import Glibc
import Synchronization

/// A shard's write-ahead log on disk: the `Journal` the shard runtime writes
/// through, in `strict` or `relaxed` durability.
///
/// The journal has no thread of its own: the shard's writer thread drives it.
/// `append` encodes the batch's records into one frame (checksums, hash chain,
/// padding to 4096 bytes), writes it with one write plus fdatasync (pwrite +
/// fdatasync, or linked io_uring submissions) and reports the batch durable
/// before it returns, so a reply goes from the writer straight to the
/// connection's event loop. Commands that arrive during the write queue up
/// for the writer's next batch: group commit. Timed work — relaxed mode's
/// periodic fdatasync, retries after a failure — runs when the writer calls
/// `serviceTimers`. Preparing the next segment runs on a low-priority thread.
///
/// On a write error the journal keeps the failed frames, fails their batches
/// (outcome unknown: they may still become durable), halts new writes through
/// `writesHaltedReason`, and rewrites the kept frames at their places every
/// `retryIntervalMilliseconds` until that succeeds; then writes resume.
public final class SegmentJournal: Journal, @unchecked Sendable {
    public typealias Callback = @Sendable (Result<Void, JournalError>) -> Void

    /// Numbers for benchmarks and `stats`.
    public struct Statistics: Sendable {
        public var frames = 0
        public var batches = 0
        public var records = 0
        /// Bytes written to segments, padding included.
        public var bytesWritten = 0
        /// Bytes of records (headers and payloads) in those frames.
        public var recordBytes = 0
        public var segmentsCreated = 0
        /// Segments the writer opened without the preparer having finished
        /// them first (the one open at start; later ones only if the log
        /// outran the preparer): each may have waited for the preparer.
        public var segmentSwitchWaits = 0
        /// Latency of each frame's write (+ fdatasync in strict mode), in ns,
        /// for the most recent `latencySampleCapacity` frames.
        public var writeLatenciesNanoseconds: [Int64] = []
        public var failedWrites = 0
    }

    public static let latencySampleCapacity = 1 << 16

    struct PendingBatch {
        var records: [LogRecord]
        var onDurable: Callback
    }

    /// A frame encoded and placed, waiting to be written (again).
    struct Frame {
        var buffer: AlignedBuffer
        var paddedLength: Int
        var segmentSequence: UInt64
        var offset: Int64
        /// Its frame sequence (the header's).
        var sequence: UInt64
        var lastLSN: UInt64
        var recordCount: Int
        var recordBytes: Int
        var callbacks: [Callback]
    }

    /// A frame handed to a pipelined device and not yet answered.
    struct InFlightFrame {
        var frame: Frame
        var tag: UInt64
        var submittedAt: UInt64
        /// The write's result once reaped (bytes, or a negated errno).
        var writeResult: Int32?
        /// The linked fdatasync's result once reaped.
        var syncResult: Int32?
        /// Why it never reached the device (segment, injected fault, submission).
        var refusal: JournalFailure?

        var isFinished: Bool { refusal != nil || (writeResult != nil && syncResult != nil) }
    }

    public let directory: String
    public let options: JournalOptions
    /// What an operator should know about how this journal writes (fallbacks).
    public var notes: [String] {
        condition.lock()
        defer { condition.unlock() }
        return noteList
    }
    public var resumesAfterFailure: Bool { true }
    /// Counters and latency histograms for metrics, readable without the journal's lock.
    public let metrics = JournalMetrics()

    let shardIndex: Int
    let segmentHeader: SegmentFormat.SegmentHeader
    let device: LogDevice
    let faults: StorageFaults?
    let onEvent: JournalEventHandler?
    /// Raised before the first frame goes into a newer segment.
    let extentRecorder: LogExtentRecorder
    let condition = NSCondition()
    let preparer: BackgroundWorker
    /// Set while the writer waits for the preparer: it then writes the rest
    /// of the segment without the rests that spare the log's syncs.
    let preparationWanted = Atomic<Bool>(false)

    // Guarded by `condition`.
    var haltReason: String?
    /// The current failure episode: when it began, and the attempts that failed in it.
    var haltedSinceNanoseconds: UInt64?
    var failedAttemptsInEpisode = 0
    var closing = false
    var noteList: [String] = []
    /// Highest LSN written (strict: and synced) and reported to its batch.
    var durableLSN: UInt64
    /// Highest LSN known to be on stable storage (= durableLSN in strict mode;
    /// in relaxed mode it trails until the periodic fdatasync).
    var syncedLSN: UInt64
    var statistics = Statistics()
    var latencyCursor = 0
    var bytesSinceMarkStorage = 0
    var currentSegment: UInt64
    /// Segments the preparer has finished: created, renamed, directory
    /// synced, extent recorded.
    var preparedSegments = Set<UInt64>()

    // Touched only by the shard's writer thread (`append`, `serviceTimers`),
    // by `init`, and by `close` once the writer has stopped.
    var position: LogPosition
    /// When the next retry of failed frames is due (monotonic ns), while halted.
    var retryDueNanoseconds: UInt64 = 0
    var unresolved: [Frame] = []
    /// Relaxed mode: frames written since the last successful fdatasync, kept
    /// so that a failed sync can be answered by writing them again.
    var unsyncedFrames: [Frame] = []
    var openSegments: [UInt64: Int32] = [:]
    var directIOActive: Bool
    let hasher = SHA256Hasher()
    var encoder = BinaryWriter(reservingCapacity: 256)
    var unsyncedSince: UInt64?
    /// Size of the segment open at start (later ones are `options.segmentBytes`).
    /// Sizes of segment files as found, by sequence (files made by earlier
    /// runs may have another size than `options.segmentBytes`).
    var segmentCapacities: [UInt64: Int64] = [:]
    /// The highest segment sequence already handed to the preparer.
    var preparedSequence: UInt64 = 0
    /// Frames known durable, counted from the first (relaxed mode's window).
    var syncedFrameCount: UInt64
    /// Frames written so far (their sequence numbers are below this).
    var writtenFrameCount: UInt64
    /// Strict mode on an io_uring device: frames are submitted without
    /// waiting, and the writer collects their completions between batches.
    let pipeline: PipelinedLogDevice?
    /// Submitted frames not yet answered, oldest first (pipelined mode).
    var inFlight: [InFlightFrame] = []
    var nextTag: UInt64 = 0
    var reaped: [LogCompletion] = []

    /// Opens the log of one shard at `position` (from recovery).
    /// - Parameter events: told when writes halt after a failure and when they resume.
    public init(
        directory: String, shardIndex: Int, shardCount: Int, limits: Limits, position: LogPosition,
        options: JournalOptions, faults: StorageFaults? = nil, events: JournalEventHandler? = nil
    ) throws(PersistenceError) {
        precondition(options.durability != .none, "durability none has no journal on disk")
        if let problem = options.problem() { throw .invalidRequest(reason: problem) }
        self.directory = directory
        self.shardIndex = shardIndex
        self.options = options
        self.position = position
        self.faults = faults
        onEvent = events
        extentRecorder = try LogExtentRecorder(directory: directory)
        syncedFrameCount = position.nextFrameSequence
        writtenFrameCount = position.nextFrameSequence
        durableLSN = position.lastLSN
        syncedLSN = position.lastLSN
        currentSegment = position.segmentSequence
        directIOActive = options.directIO
        segmentHeader = SegmentFormat.SegmentHeader(
            shardIndex: UInt16(shardIndex), shardCount: UInt16(shardCount), sequence: 0,
            createdAtNanoseconds: 0, limitsDigest: LimitsFingerprint.digest(of: limits))
        preparer = BackgroundWorker(name: "hf-wal-prep-\(shardIndex)")
        let made = try makeLogDevice(options.ioBackend)
        device = made.device
        pipeline = options.durability == .strict ? made.device as? PipelinedLogDevice : nil
        if let note = made.note { noteList.append(note) }
        // Open (or create) the current segment now, so a start on a full disk
        // fails at once rather than at the first write. An existing segment
        // keeps the size it was made with, whatever the options say now.
        let fd = try segment(position.segmentSequence)
        // Recovery accepted what it read, possibly from the page cache only
        // (a crash of the process, not of the machine, after a failed sync):
        // make it durable before anything is built on it.
        let status = FileSystem.fdatasync(fd)
        if status != 0 { throw .io(operation: "fdatasync", path: segmentPath(position.segmentSequence), errno: status) }
    }

    deinit {
        for fd in openSegments.values { FileSystem.close(fd) }
    }

    // MARK: Journal

    /// Writes the batch as one frame (and, in strict mode, syncs it) on the
    /// calling thread — the shard's writer — and calls `onDurable` before it
    /// returns; on a pipelined device it only submits the frame, and
    /// `collectCompletions` calls `onDurable` later. While writes are halted
    /// the frame is kept for the retry and its batch fails at once (outcome
    /// unknown).
    public func append(_ records: [LogRecord], onDurable: @escaping Callback) {
        condition.lock()
        let isClosing = closing
        let halted = haltReason
        condition.unlock()
        if isClosing {
            onDurable(.failure(JournalError(reason: "journal closed")))
            return
        }
        let frames = encodeFrames([PendingBatch(records: records, onDurable: onDurable)])
        if let halted {
            unresolved.append(contentsOf: frames)
            failCallbacks(of: frames, reason: halted)
            return
        }
        if pipeline != nil {
            submit(frames)
            return
        }
        write(frames)
        if relaxedSyncDue() { syncRelaxed() }
    }

    public var hasWritesInFlight: Bool { !inFlight.isEmpty }

    /// Relaxed mode's periodic fdatasync and, while writes are halted, the
    /// retry of the failed frames, when due; returns when to be called again.
    public func serviceTimers(nowNanoseconds now: UInt64) -> UInt64? {
        collectCompletions(waiting: false)
        if relaxedSyncDue() { syncRelaxed() }
        if writesHaltedReason != nil, now >= retryDueNanoseconds {
            retryUnresolved()
        }
        var due: UInt64?
        if let since = unsyncedSince {
            due = since + UInt64(options.relaxedSyncIntervalMilliseconds) * 1_000_000
        }
        if writesHaltedReason != nil { due = min(due ?? .max, retryDueNanoseconds) }
        return due
    }

    public var writesHaltedReason: String? {
        condition.lock()
        defer { condition.unlock() }
        return haltReason
    }

    // MARK: Queries and control

    /// LSN up to which the log is durable (strict) or written (relaxed).
    public var lastDurableLSN: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return durableLSN
    }

    /// Waits until the log is on stable storage through `lsn` (in relaxed
    /// mode: until the next periodic fdatasync covers it); false on timeout.
    public func waitUntilSynced(_ lsn: UInt64, timeoutSeconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeoutSeconds)
        condition.lock()
        defer { condition.unlock() }
        while syncedLSN < lsn {
            if !condition.wait(until: deadline) { return syncedLSN >= lsn }
        }
        return true
    }

    public var currentStatistics: Statistics {
        condition.lock()
        defer { condition.unlock() }
        return statistics
    }

    /// Bytes written since the last `resetBytesSinceMark()` (snapshot scheduling).
    public var bytesSinceMark: Int {
        condition.lock()
        defer { condition.unlock() }
        return bytesSinceMarkStorage
    }

    /// Subtracts `bytes` (a value read earlier) from the count since the mark.
    public func resetBytesSinceMark(by bytes: Int) {
        condition.lock()
        bytesSinceMarkStorage = max(0, bytesSinceMarkStorage - bytes)
        condition.unlock()
    }

    /// The segment being written (older ones may be deleted by retention).
    public var currentSegmentSequence: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return currentSegment
    }

    /// Syncs what relaxed mode wrote, closes the files and stops the segment
    /// preparer. Call once the shard's writer has stopped. Batches still
    /// failing are left failed. Idempotent.
    public func close() {
        condition.lock()
        let wasClosing = closing
        closing = true
        condition.broadcast()
        condition.unlock()
        guard !wasClosing else { return }
        while !inFlight.isEmpty { collectCompletions(waiting: true) }
        if unsyncedSince != nil && writesHaltedReason == nil { syncRelaxed() }
        for fd in openSegments.values { FileSystem.close(fd) }
        openSegments.removeAll()
        preparer.waitUntilIdle()
        preparer.stop()
    }
}
