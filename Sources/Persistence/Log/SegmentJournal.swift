import CHoldfastSupport
import Engine
import Foundation
import Glibc

/// A shard's write-ahead log on disk: the `Journal` the shard runtime writes
/// through, in `strict` or `relaxed` durability.
///
/// The shard's writer thread hands over each batch's records (`append`) and
/// goes on. One I/O thread per journal takes every batch waiting, encodes them
/// into one frame (group commit: checksums, hash chain, padding to 4096 bytes)
/// and writes it with one write plus fdatasync (linked io_uring submissions, or
/// pwrite + fdatasync). Batches are reported durable in order.
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
        /// Latency of each frame's write (+ fdatasync in strict mode), in ns,
        /// for the most recent `latencySampleCapacity` frames.
        public var writeLatenciesNanoseconds: [Int64] = []
        public var failedWrites = 0
    }

    public static let latencySampleCapacity = 1 << 16

    private struct PendingBatch {
        var records: [LogRecord]
        var onDurable: Callback
    }

    /// A frame encoded and placed, waiting to be written (again).
    private struct Frame {
        var buffer: AlignedBuffer
        var paddedLength: Int
        var segmentSequence: UInt64
        var offset: Int64
        var lastLSN: UInt64
        var recordCount: Int
        var recordBytes: Int
        var callbacks: [Callback]
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

    private let segmentHeader: SegmentFormat.SegmentHeader
    private let device: LogDevice
    private let faults: StorageFaults?
    private let condition = NSCondition()
    private let finished = DispatchSemaphore(value: 0)
    private let preparer: BackgroundWorker

    // Guarded by `condition`.
    private var pending: [PendingBatch] = []
    private var haltReason: String?
    private var closing = false
    private var noteList: [String] = []
    /// Highest LSN written (strict: and synced) and reported to its batch.
    private var durableLSN: UInt64
    /// Highest LSN known to be on stable storage (= durableLSN in strict mode;
    /// in relaxed mode it trails until the periodic fdatasync).
    private var syncedLSN: UInt64
    private var statistics = Statistics()
    private var latencyCursor = 0
    private var bytesSinceMarkStorage = 0
    private var currentSegment: UInt64

    // Touched only by the I/O thread (and `init`).
    private var position: LogPosition
    private var unresolved: [Frame] = []
    /// Relaxed mode: frames written since the last successful fdatasync, kept
    /// so that a failed sync can be answered by writing them again.
    private var unsyncedFrames: [Frame] = []
    private var openSegments: [UInt64: Int32] = [:]
    private var directIOActive: Bool
    private let hasher = SHA256Hasher()
    private var encoder = BinaryWriter(reservingCapacity: 256)
    private var unsyncedSince: UInt64?
    /// Size of the segment open at start (later ones are `options.segmentBytes`).
    /// Sizes of segment files as found, by sequence (files made by earlier
    /// runs may have another size than `options.segmentBytes`).
    private var segmentCapacities: [UInt64: Int64] = [:]
    /// The highest segment sequence already handed to the preparer.
    private var preparedSequence: UInt64 = 0
    /// Frames known durable, counted from the first (relaxed mode's window).
    private var syncedFrameCount: UInt64
    /// Frames written so far (their sequence numbers are below this).
    private var writtenFrameCount: UInt64

    /// Opens the log of one shard at `position` (from recovery) and starts its I/O thread.
    public init(
        directory: String, shardIndex: Int, shardCount: Int, limits: Limits, position: LogPosition,
        options: JournalOptions, faults: StorageFaults? = nil
    ) throws(PersistenceError) {
        precondition(options.durability != .none, "durability none has no journal on disk")
        if let problem = options.problem() { throw .invalidRequest(reason: problem) }
        self.directory = directory
        self.options = options
        self.position = position
        self.faults = faults
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
        let thread = Thread { [self] in
            runIOLoop()
            finished.signal()
        }
        thread.name = "hf-wal-\(shardIndex)"
        thread.start()
    }

    deinit {
        for fd in openSegments.values { FileSystem.close(fd) }
    }

    // MARK: Journal

    public func append(_ records: [LogRecord], onDurable: @escaping Callback) {
        condition.lock()
        if closing {
            condition.unlock()
            onDurable(.failure(JournalError(reason: "journal closed")))
            return
        }
        pending.append(PendingBatch(records: records, onDurable: onDurable))
        condition.signal()
        condition.unlock()
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

    /// Writes what is queued, syncs, stops the I/O thread and closes the files.
    /// Batches still failing are left failed. Idempotent.
    public func close() {
        condition.lock()
        let wasClosing = closing
        closing = true
        condition.broadcast()
        condition.unlock()
        if !wasClosing { finished.wait() }
    }

    // MARK: The I/O thread

    private func runIOLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && !closing && haltReason == nil && !relaxedSyncDue() {
                if unsyncedSince != nil {
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Double(options.relaxedSyncIntervalMilliseconds) / 1_000))
                } else {
                    condition.wait()
                }
            }
            let batches = pending
            pending.removeAll(keepingCapacity: true)
            let halted = haltReason != nil
            let stop = closing
            condition.unlock()

            if !batches.isEmpty {
                let frames = encodeFrames(batches)
                if halted {
                    // Keep them for the retry, in order; their outcome is unknown.
                    unresolved.append(contentsOf: frames)
                    failCallbacks(of: frames, reason: writesHaltedReason ?? "log write failed")
                } else {
                    write(frames)
                }
            }
            if relaxedSyncDue() || (stop && unsyncedSince != nil) { syncRelaxed() }
            if writesHaltedReason != nil {
                if stop { break }
                Thread.sleep(forTimeInterval: Double(options.retryIntervalMilliseconds) / 1_000)
                retryUnresolved()
                continue
            }
            if stop && batches.isEmpty {
                condition.lock()
                let drained = pending.isEmpty
                condition.unlock()
                if drained { break }
            }
        }
        for fd in openSegments.values { FileSystem.close(fd) }
        openSegments.removeAll()
        preparer.waitUntilIdle()
        preparer.stop()
    }

    /// Writes frames in order; on the first failure keeps it and the rest for retry.
    private func write(_ frames: [Frame]) {
        for (index, frame) in frames.enumerated() {
            if let failure = writeFrame(frame) {
                let rest = Array(frames[index...])
                unresolved.append(contentsOf: rest)
                condition.lock()
                haltReason = failure
                statistics.failedWrites += 1
                condition.broadcast()
                condition.unlock()
                failCallbacks(of: rest, reason: failure)
                return
            }
            completed(frame)
            for callback in frame.callbacks { callback(.success(())) }
        }
    }

    private func retryUnresolved() {
        if unsyncedSince != nil {
            // Relaxed mode's fdatasync failed: writes stay halted until it succeeds.
            syncRelaxed()
            if unsyncedSince != nil { return }
        }
        while let frame = unresolved.first {
            if let failure = writeFrame(frame, forceSync: true) {
                condition.lock()
                haltReason = failure
                statistics.failedWrites += 1
                condition.unlock()
                return
            }
            unresolved.removeFirst()
            completed(frame)
        }
        condition.lock()
        haltReason = nil
        condition.broadcast()
        condition.unlock()
    }

    private func failCallbacks(of frames: [Frame], reason: String) {
        let error = JournalError(reason: reason)
        for frame in frames {
            for callback in frame.callbacks { callback(.failure(error)) }
        }
    }

    /// Bookkeeping after a frame is durable (strict) or written (relaxed).
    private func completed(_ frame: Frame) {
        condition.lock()
        durableLSN = max(durableLSN, frame.lastLSN)
        if options.durability == .strict { syncedLSN = durableLSN }
        statistics.frames += 1
        statistics.batches += frame.callbacks.count
        statistics.records += frame.recordCount
        statistics.recordBytes += frame.recordBytes
        statistics.bytesWritten += frame.paddedLength
        bytesSinceMarkStorage += frame.paddedLength
        currentSegment = frame.segmentSequence
        condition.broadcast()
        condition.unlock()
    }

    /// Writes one frame at its place (and syncs it in strict mode, or when
    /// `forceSync`); nil on success, else why not.
    private func writeFrame(_ frame: Frame, forceSync: Bool = false) -> String? {
        let fd: Int32
        do {
            fd = try segment(frame.segmentSequence)
        } catch {
            return "cannot open log segment: \(error)"
        }
        if let injected = faults?.injected(.frameWrite) {
            return "log write to \(segmentPath(frame.segmentSequence)) failed: \(String(cString: strerror(injected))) (errno \(injected))"
        }
        let sync = options.durability == .strict || forceSync
        let started = DispatchTime.now().uptimeNanoseconds
        let status = device.write(
            fd: fd, buffer: frame.buffer.pointer, length: frame.paddedLength, offset: frame.offset, sync: sync)
        let elapsed = Int64(DispatchTime.now().uptimeNanoseconds - started)
        if status != 0 {
            return "log write to \(segmentPath(frame.segmentSequence)) at byte \(frame.offset) failed: \(String(cString: strerror(status))) (errno \(status))"
        }
        if !sync && unsyncedSince == nil { unsyncedSince = DispatchTime.now().uptimeNanoseconds }
        recordLatency(elapsed)
        writtenFrameCount += 1
        if sync {
            syncedFrameCount = writtenFrameCount
        } else {
            unsyncedFrames.append(frame)
        }
        retireSegments(before: frame.segmentSequence, synced: sync)
        return nil
    }

    private func recordLatency(_ nanoseconds: Int64) {
        condition.lock()
        if statistics.writeLatenciesNanoseconds.count < SegmentJournal.latencySampleCapacity {
            statistics.writeLatenciesNanoseconds.append(nanoseconds)
        } else {
            statistics.writeLatenciesNanoseconds[latencyCursor] = nanoseconds
            latencyCursor = (latencyCursor + 1) % SegmentJournal.latencySampleCapacity
        }
        condition.unlock()
    }

    private func relaxedSyncDue() -> Bool {
        guard let since = unsyncedSince else { return false }
        return DispatchTime.now().uptimeNanoseconds - since >= UInt64(options.relaxedSyncIntervalMilliseconds) * 1_000_000
    }

    /// Relaxed mode: fdatasync every segment written since the last sync.
    /// On failure the frames written since the last good sync go back to the
    /// retry list: after a failed fdatasync the kernel may have dropped their
    /// pages as clean, so only writing them again (with a sync) is safe.
    private func syncRelaxed() {
        condition.lock()
        let covered = durableLSN
        condition.unlock()
        let coveredFrames = writtenFrameCount
        for (sequence, fd) in openSegments {
            let status = device.sync(fd: fd)
            if status != 0 {
                condition.lock()
                statistics.failedWrites += 1
                haltReason = "log sync of \(segmentPath(sequence)) failed: \(String(cString: strerror(status))) (errno \(status))"
                condition.unlock()
                unresolved.insert(contentsOf: unsyncedFrames, at: 0)
                unsyncedFrames.removeAll()
                unsyncedSince = nil
                return
            }
        }
        unsyncedSince = nil
        unsyncedFrames.removeAll()
        syncedFrameCount = coveredFrames
        retireSegments(before: position.segmentSequence, synced: true)
        condition.lock()
        syncedLSN = max(syncedLSN, covered)
        condition.broadcast()
        condition.unlock()
    }

    /// Closes segments older than `sequence` once nothing more goes to them
    /// (in relaxed mode only after a sync covered them).
    private func retireSegments(before sequence: UInt64, synced: Bool) {
        for (old, fd) in openSegments where old < sequence {
            if options.durability == .relaxed && !synced { continue }
            FileSystem.close(fd)
            openSegments[old] = nil
        }
    }

    // MARK: Encoding

    /// Encodes batches into frames of at most `frameBytesMax` bytes, placed one
    /// after another from `position`; each batch's callback rides on the frame
    /// that holds its last record.
    private func encodeFrames(_ batches: [PendingBatch]) -> [Frame] {
        var frames: [Frame] = []
        var builder = FrameBuilder(capacity: min(options.frameBytesMax, 64 << 10))
        for batch in batches {
            for record in batch.records {
                encoder.reset()
                CommandCodec.encode(record, into: &encoder)
                let size = SegmentFormat.recordHeaderBytes + encoder.bytes.count
                if builder.recordCount > 0 && builder.length + size > options.frameBytesMax {
                    frames.append(finish(&builder))
                    builder = FrameBuilder(capacity: min(options.frameBytesMax, 64 << 10))
                }
                builder.append(payload: encoder.bytes, lsn: record.lsn)
            }
            builder.callbacks.append(batch.onDurable)
        }
        if builder.recordCount > 0 || !builder.callbacks.isEmpty {
            if builder.recordCount == 0, let last = frames.indices.last {
                frames[last].callbacks.append(contentsOf: builder.callbacks)
            } else if builder.recordCount > 0 {
                frames.append(finish(&builder))
            } else {
                // Only empty batches: nothing to write; they are as durable as the log.
                for callback in builder.callbacks { callback(.success(())) }
            }
        }
        return frames
    }

    private func finish(_ builder: inout FrameBuilder) -> Frame {
        let padded = AlignedBuffer.roundUp(builder.length)
        if position.offset + Int64(padded) > capacity(of: position.segmentSequence) {
            position.segmentSequence += 1
            position.offset = Int64(SegmentFormat.blockSize)
        }
        // Strict mode syncs each frame before writing the next; relaxed mode
        // may have every frame since its last fdatasync still in flight.
        let unsynced = options.durability == .strict ? 0 : position.nextFrameSequence - syncedFrameCount
        let chainHash = builder.seal(
            frameSequence: position.nextFrameSequence, previousChainHash: position.chainHash,
            unsyncedBefore: UInt16(clamping: unsynced), hasher: hasher)
        let frame = Frame(
            buffer: builder.buffer, paddedLength: padded, segmentSequence: position.segmentSequence,
            offset: position.offset, lastLSN: builder.lastLSN, recordCount: builder.recordCount,
            recordBytes: builder.length - SegmentFormat.frameHeaderBytes, callbacks: builder.callbacks)
        position.offset += Int64(padded)
        position.nextFrameSequence += 1
        position.chainHash = chainHash
        position.lastLSN = builder.lastLSN
        if position.offset * 2 > capacity(of: position.segmentSequence), preparedSequence <= position.segmentSequence {
            preparedSequence = position.segmentSequence + 1
            prepareSegment(preparedSequence)
        }
        return frame
    }

    /// The size of segment `sequence`: as found if it exists, else as it will be made.
    private func capacity(of sequence: UInt64) -> Int64 {
        if let known = segmentCapacities[sequence] { return known }
        var info = stat()
        if stat(segmentPath(sequence), &info) == 0 {
            segmentCapacities[sequence] = Int64(info.st_size)
            return Int64(info.st_size)
        }
        return Int64(options.segmentBytes)
    }

    // MARK: Segments

    func segmentPath(_ sequence: UInt64) -> String {
        FileSystem.join(directory, SegmentFormat.segmentName(sequence))
    }

    /// The open file of segment `sequence`, creating it (preallocated) if needed.
    private func segment(_ sequence: UInt64) throws(PersistenceError) -> Int32 {
        if let fd = openSegments[sequence] { return fd }
        let path = segmentPath(sequence)
        // A background preparation may be under way (or have renamed the file
        // but not yet synced the directory): let it finish first.
        preparer.waitUntilIdle()
        if !FileSystem.exists(path) { try createSegment(sequence) }
        let fd = try openForWriting(path)
        // Frames acknowledged in this file must not vanish with its directory
        // entry: make the entry durable before the first frame goes in, whoever
        // created the file (the preparer, an earlier run).
        do {
            try FileSystem.syncDirectory(directory)
        } catch {
            FileSystem.close(fd)
            throw error
        }
        openSegments[sequence] = fd
        segmentCapacities[sequence] = try FileSystem.size(ofFile: fd, path: path)
        return fd
    }

    private func openForWriting(_ path: String) throws(PersistenceError) -> Int32 {
        if directIOActive {
            do {
                return try FileSystem.open(path, flags: O_RDWR | holdfast_open_direct_flag())
            } catch {
                guard case .io(_, _, let code) = error, code == EINVAL else { throw error }
                directIOActive = false
                condition.lock()
                noteList.append("direct I/O not supported on this file system; using buffered writes + fdatasync")
                condition.unlock()
            }
        }
        return try FileSystem.open(path, flags: O_RDWR)
    }

    /// Creates the next segment ahead of need, off the I/O thread.
    private func prepareSegment(_ sequence: UInt64) {
        let path = segmentPath(sequence)
        guard !FileSystem.exists(path) else { return }
        preparer.async { [self] in
            guard !FileSystem.exists(path) else { return }
            _ = try? createSegment(sequence)
        }
    }

    /// Writes a segment in full — header block, then zeros — so that later
    /// frame writes overwrite blocks already allocated and written (fdatasync
    /// then commits no file-system metadata), then publishes it by rename.
    private func createSegment(_ sequence: UInt64) throws(PersistenceError) {
        let path = segmentPath(sequence)
        if let injected = faults?.injected(.segmentCreate) {
            throw .io(operation: "create segment", path: path, errno: injected)
        }
        let temporary = path + ".tmp"
        // Direct I/O and a sync every few MiB keep the zeros out of the page
        // cache and each file-system journal commit small: on ext4 a large
        // dirty file makes the log's own fdatasync wait (measured: 20 ms).
        let fd: Int32
        do {
            fd = try FileSystem.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC | holdfast_open_direct_flag())
        } catch {
            fd = try FileSystem.open(temporary, flags: O_WRONLY | O_CREAT | O_TRUNC)
        }
        var header = segmentHeader
        header.sequence = sequence
        header.createdAtNanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
        let chunk = 1 << 20
        let zeros = AlignedBuffer(capacity: chunk)
        zeros.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: chunk)
        header.encodedBlock().withUnsafeBytes { zeros.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        var status: Int32 = 0
        var offset = 0
        while status == 0 && offset < options.segmentBytes {
            let length = min(chunk, options.segmentBytes - offset)
            status = FileSystem.pwriteAll(fd, zeros.pointer, length, at: Int64(offset))
            if offset == 0 {
                // Only the first chunk carries the header.
                zeros.pointer.initializeMemory(as: UInt8.self, repeating: 0, count: SegmentFormat.blockSize)
            }
            offset += length
            if status == 0 && offset % (8 << 20) == 0 { status = FileSystem.fdatasync(fd) }
        }
        if status == 0 { status = FileSystem.fdatasync(fd) }
        FileSystem.close(fd)
        if status != 0 {
            try? FileSystem.remove(temporary)
            throw .io(operation: "preallocate segment", path: path, errno: status)
        }
        try FileSystem.rename(temporary, path)
        try FileSystem.syncDirectory(directory)
        condition.lock()
        statistics.segmentsCreated += 1
        condition.unlock()
    }
}

/// Builds one frame in an aligned buffer: header space, then records.
private struct FrameBuilder {
    var buffer: AlignedBuffer
    var length = SegmentFormat.frameHeaderBytes
    var recordCount = 0
    var firstLSN: UInt64 = 0
    var lastLSN: UInt64 = 0
    var callbacks: [SegmentJournal.Callback] = []

    init(capacity: Int) {
        buffer = AlignedBuffer(capacity: capacity)
    }

    mutating func append(payload: [UInt8], lsn: UInt64) {
        let size = SegmentFormat.recordHeaderBytes + payload.count
        buffer.reserve(length + size, keeping: length)
        let base = buffer.pointer + length
        payload.withUnsafeBytes { bytes in
            base.storeLittleEndian(UInt32(bytes.count), toByteOffset: 0)
            base.storeLittleEndian(CRC32C.checksum(bytes), toByteOffset: 4)
            (base + SegmentFormat.recordHeaderBytes).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        if recordCount == 0 { firstLSN = lsn }
        lastLSN = lsn
        recordCount += 1
        length += size
    }

    /// Fills the header, checksums, and zero padding; returns the chain hash.
    mutating func seal(
        frameSequence: UInt64, previousChainHash: Digest256, unsyncedBefore: UInt16, hasher: SHA256Hasher
    ) -> Digest256 {
        let padded = AlignedBuffer.roundUp(length)
        buffer.reserve(padded, keeping: length)
        let base = buffer.pointer
        (base + length).initializeMemory(as: UInt8.self, repeating: 0, count: padded - length)
        base.storeLittleEndian(SegmentFormat.frameMagic, toByteOffset: 0)
        base.storeLittleEndian(SegmentFormat.frameVersion, toByteOffset: 4)
        base.storeLittleEndian(unsyncedBefore, toByteOffset: SegmentFormat.unsyncedOffset)
        base.storeLittleEndian(UInt32(length), toByteOffset: 8)
        base.storeLittleEndian(UInt32(recordCount), toByteOffset: 12)
        base.storeLittleEndian(frameSequence, toByteOffset: 16)
        base.storeLittleEndian(firstLSN, toByteOffset: 24)
        base.storeLittleEndian(lastLSN, toByteOffset: 32)
        previousChainHash.bytes.withUnsafeBytes { (base + 40).copyMemory(from: $0.baseAddress!, byteCount: 32) }
        let chainHash = SegmentFormat.frameChainHash(UnsafeRawPointer(base), length: length, hasher: hasher)
        chainHash.bytes.withUnsafeBytes {
            (base + SegmentFormat.chainHashOffset).copyMemory(from: $0.baseAddress!, byteCount: 32)
        }
        base.storeLittleEndian(SegmentFormat.frameCRC(UnsafeRawPointer(base), length: length), toByteOffset: SegmentFormat.crcOffset)
        base.storeLittleEndian(UInt32(0), toByteOffset: 108)
        return chainHash
    }
}
