import Engine

/// Where the valid log ends early: a torn write at the tail (cut by recovery),
/// or damage before the tail that an operator chose to cut past.
public struct LogDamage: Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var segmentSequence: UInt64
    public var offset: Int64
    public var reason: String
    /// False for a torn tail (nothing valid follows); true for damage with
    /// valid frames after it (only reported when the scan was told to go on).
    public var validFramesFollow: Bool

    public var description: String {
        validFramesFollow
            ? "corruption in \(path) at byte \(offset): \(reason) (valid frames follow)"
            : "torn tail in \(path) at byte \(offset): \(reason)"
    }
}

/// One segment as a scan saw it.
public struct SegmentSummary: Sendable, Equatable {
    public var sequence: UInt64
    public var path: String
    public var frames = 0
    public var records = 0
    public var firstLSN: UInt64?
    public var lastLSN: UInt64?
    /// End of the last valid frame in the segment (4096 if none).
    public var usedBytes: Int64 = Int64(SegmentFormat.blockSize)
    public var fileBytes: Int64 = 0
}

/// What a scan of one shard's log found.
public struct LogScanReport: Sendable {
    public var segments: [SegmentSummary] = []
    public var frames = 0
    public var records = 0
    public var recordBytes = 0
    public var firstLSN: UInt64?
    public var lastLSN: UInt64?
    /// The chain hash of the last valid frame: the head of the tamper-evident chain.
    public var headChainHash: Digest256 = .zero
    public var damage: LogDamage?
    /// Where a writer continues the log.
    public var end: LogPosition = .newLog
}

/// Reads a shard's log segments in order and checks everything: segment
/// headers (shard, limits), each frame's CRC, sequence, LSN continuity and
/// hash-chain link, each record's CRC and decoding.
///
/// Damage followed by nothing valid is a torn tail: the scan stops there and
/// reports it. Damage followed by any intact frame is corruption: the scan
/// throws with file and offset, unless `continuePastCorruption`, in which case
/// it stops there too and reports it (the operator's explicit choice).
struct LogScanner {
    let directory: String
    let shardIndex: Int
    let shardCount: Int
    let limitsDigest: Digest256
    var continuePastCorruption = false

    typealias Visitor = (LogRecord) throws -> Void

    /// Segment files in the directory, by sequence; gaps are refused.
    func segmentPaths() throws(PersistenceError) -> [(sequence: UInt64, path: String)] {
        guard FileSystem.isDirectory(directory) else { return [] }
        let found = try FileSystem.list(directory).compactMap { name -> (UInt64, String)? in
            guard let sequence = SegmentFormat.segmentSequence(fromName: name) else { return nil }
            return (sequence, FileSystem.join(directory, name))
        }.sorted { $0.0 < $1.0 }
        for (previous, next) in zip(found, found.dropFirst()) where next.0 != previous.0 &+ 1 {
            throw .missingLog(reason: "segments between \(previous.0) and \(next.0) are missing from \(directory)")
        }
        return found.map { (sequence: $0.0, path: $0.1) }
    }

    /// Scans every segment; calls `visit` for each record with an LSN above
    /// `decodeAfter` (older ones are checked but not decoded).
    func scan(
        decodeAfter: UInt64 = 0, progress: ((SegmentSummary) -> Void)? = nil, visit: Visitor
    ) throws(PersistenceError) -> LogScanReport {
        var report = LogScanReport()
        let segments = try segmentPaths()
        guard let first = segments.first else { return report }
        report.end.segmentSequence = first.sequence
        var state = ChainState()
        let hasher = SHA256Hasher()

        for (index, segment) in segments.enumerated() {
            let bytes = try FileSystem.readFile(segment.path)
            var summary = SegmentSummary(sequence: segment.sequence, path: segment.path)
            summary.fileBytes = Int64(bytes.count)
            try checkHeader(bytes, path: segment.path, sequence: segment.sequence)
            let later = segments[(index + 1)...]
            var offset = SegmentFormat.blockSize
            var stopped = false
            while offset < bytes.count {
                let outcome = try frame(
                    in: bytes, at: offset, path: segment.path, state: &state, decodeAfter: decodeAfter, hasher: hasher,
                    visit: visit)
                guard case .frame(let header, let paddedLength, let recordBytes) = outcome else {
                    let (reason, zeros, mismatch) = outcome.problem
                    let found = try laterFrames(after: offset, in: bytes, laterSegments: later, state: state)
                    if zeros && !found.inThisSegment && found.nextSegmentContinues {
                        break  // The writer moved on to the next segment.
                    }
                    stopped = true
                    if zeros && !found.inThisSegment && !found.inLaterSegments && !found.dirty {
                        break  // The clean end of the log.
                    }
                    // Damage. It is a torn tail unless an intact frame after it
                    // proves the damaged frame had been made durable before.
                    let proven = mismatch || found.provesDurable
                    if proven && !continuePastCorruption {
                        throw .corrupt(
                            path: segment.path, offset: Int64(offset),
                            reason: reason + (mismatch ? "" : " (valid frames follow, so this is not a torn tail)"))
                    }
                    report.damage = LogDamage(
                        path: segment.path, segmentSequence: segment.sequence, offset: Int64(offset),
                        reason: zeros ? "bytes after the last valid frame (a torn write)" : reason,
                        validFramesFollow: proven)
                    if report.frames == 0 || !zeros || found.inThisSegment {
                        report.end.segmentSequence = segment.sequence
                        report.end.offset = Int64(offset)
                    }
                    break
                }
                summary.frames += 1
                summary.records += header.recordCount
                if summary.firstLSN == nil { summary.firstLSN = header.firstLSN }
                summary.lastLSN = header.lastLSN
                report.frames += 1
                report.records += header.recordCount
                report.recordBytes += recordBytes
                if report.firstLSN == nil { report.firstLSN = header.firstLSN }
                report.lastLSN = header.lastLSN
                offset += paddedLength
                summary.usedBytes = Int64(offset)
                report.end = LogPosition(
                    segmentSequence: segment.sequence, offset: Int64(offset),
                    nextFrameSequence: header.frameSequence + 1, chainHash: header.chainHash,
                    lastLSN: header.lastLSN)
            }
            report.segments.append(summary)
            progress?(summary)
            if stopped { break }
        }
        if report.frames > 0 { report.headChainHash = report.end.chainHash }
        return report
    }

    // MARK: Pieces

    private struct ChainState {
        var lastFrameSequence: UInt64?
        var lastChainHash: Digest256?
        var lastLSN: UInt64?
    }

    private enum FrameOutcome {
        case frame(SegmentFormat.FrameHeader, paddedLength: Int, recordBytes: Int)
        /// Not a valid frame; `zeros` if the header bytes are all zero.
        case invalid(reason: String, zeros: Bool)
        /// An intact frame (its CRC matches) that does not continue the log:
        /// corruption or tampering, never a torn write.
        case mismatch(reason: String)

        var problem: (reason: String, zeros: Bool, mismatch: Bool) {
            switch self {
            case .frame: ("", false, false)
            case .invalid(let reason, let zeros): (reason, zeros, false)
            case .mismatch(let reason): (reason, false, true)
            }
        }
    }

    /// `readFrame` over a segment's bytes; a mismatch inside an intact frame
    /// becomes `.mismatch` (so the operator's flag can cut there).
    private func frame(
        in bytes: [UInt8], at offset: Int, path: String, state: inout ChainState, decodeAfter: UInt64,
        hasher: SHA256Hasher, visit: Visitor
    ) throws(PersistenceError) -> FrameOutcome {
        do {
            return try bytes.withUnsafeBytes { raw in
                try readFrame(
                    raw, bytes: bytes, at: offset, path: path, state: &state, decodeAfter: decodeAfter, hasher: hasher,
                    visit: visit)
            }
        } catch FrameMismatch.mismatch(let reason) {
            return .mismatch(reason: reason)
        } catch let error as PersistenceError {
            throw error
        } catch {
            throw .invalidRequest(reason: "\(error)")
        }
    }

    private func checkHeader(_ bytes: [UInt8], path: String, sequence: UInt64) throws(PersistenceError) {
        guard bytes.count >= SegmentFormat.blockSize else {
            throw .corrupt(path: path, offset: 0, reason: "segment shorter than one block (\(bytes.count) bytes)")
        }
        let header = try SegmentFormat.SegmentHeader.decode(Array(bytes[0..<SegmentFormat.blockSize]), path: path)
        guard header.sequence == sequence else {
            throw .corrupt(path: path, offset: 24, reason: "header says segment \(header.sequence), file name says \(sequence)")
        }
        guard Int(header.shardIndex) == shardIndex, Int(header.shardCount) == shardCount else {
            throw .mismatch(reason: "\(path) belongs to shard \(header.shardIndex) of \(header.shardCount), expected shard \(shardIndex) of \(shardCount)")
        }
        guard header.limitsDigest == limitsDigest else {
            throw .mismatch(reason: "\(path) was written under other engine limits than this process uses; replaying it could give another state")
        }
    }

    /// Validates the frame at `offset`; on success, visits its records and
    /// advances the chain state.
    private func readFrame(
        _ raw: UnsafeRawBufferPointer, bytes: [UInt8], at offset: Int, path: String, state: inout ChainState,
        decodeAfter: UInt64, hasher: SHA256Hasher, visit: Visitor
    ) throws -> FrameOutcome {
        let base = raw.baseAddress! + offset
        let available = raw.count - offset
        let headerBytes = UnsafeRawBufferPointer(start: base, count: min(available, SegmentFormat.frameHeaderBytes))
        let zeros = headerBytes.allSatisfy { $0 == 0 }
        let header: SegmentFormat.FrameHeader
        switch SegmentFormat.parseFrameHeader(base, available: available) {
        case .failure(let problem): return .invalid(reason: problem.reason, zeros: zeros)
        case .success(let parsed): header = parsed
        }
        guard SegmentFormat.frameCRC(base, length: header.frameLength) == header.crc else {
            return .invalid(reason: "frame checksum mismatch", zeros: false)
        }
        // From here the frame is intact as written: any mismatch is corruption
        // (or tampering), never a torn write.
        func corrupt(_ reason: String) -> FrameMismatch { .mismatch(reason) }
        guard header.frameSequence < .max, header.lastLSN < .max else {
            throw corrupt("frame sequence or LSN at the largest value")
        }
        if let last = state.lastFrameSequence, header.frameSequence != last + 1 {
            throw corrupt("frame sequence \(header.frameSequence) follows \(last): frames are missing or out of order")
        }
        if let chain = state.lastChainHash, header.previousChainHash != chain {
            throw corrupt("hash chain broken: the frame does not link to the previous frame's hash")
        }
        if let last = state.lastLSN, header.firstLSN != last + 1 {
            throw corrupt("first LSN \(header.firstLSN) follows LSN \(last)")
        }
        guard header.recordCount > 0, header.lastLSN >= header.firstLSN,
            header.lastLSN - header.firstLSN == UInt64(header.recordCount - 1)
        else {
            throw corrupt("frame claims \(header.recordCount) records for LSNs \(header.firstLSN)...\(header.lastLSN)")
        }
        guard SegmentFormat.frameChainHash(base, length: header.frameLength, hasher: hasher) == header.chainHash else {
            throw corrupt("chain hash mismatch: the frame's content does not match its hash")
        }
        var cursor = SegmentFormat.frameHeaderBytes
        var expectedLSN = header.firstLSN
        for _ in 0..<header.recordCount {
            let recordOffset = offset + cursor
            guard cursor + SegmentFormat.recordHeaderBytes <= header.frameLength else {
                throw corrupt("record at byte \(recordOffset): header past the end of its frame")
            }
            let length = Int(base.loadLittleEndian(fromByteOffset: cursor, as: UInt32.self))
            let crc = base.loadLittleEndian(fromByteOffset: cursor + 4, as: UInt32.self)
            let payloadStart = cursor + SegmentFormat.recordHeaderBytes
            guard length >= 16, payloadStart + length <= header.frameLength else {
                throw corrupt("record at byte \(recordOffset): length \(length) out of range")
            }
            let payload = UnsafeRawBufferPointer(start: base + payloadStart, count: length)
            guard CRC32C.checksum(payload) == crc else {
                throw corrupt("record at byte \(recordOffset): checksum mismatch")
            }
            let lsn = payload.baseAddress!.loadLittleEndian(fromByteOffset: 0, as: UInt64.self)
            guard lsn == expectedLSN else {
                throw corrupt("record at byte \(recordOffset): LSN \(lsn), expected \(expectedLSN)")
            }
            if lsn > decodeAfter {
                // Decode in place from the segment's bytes (no copy per record).
                let record: LogRecord
                var reader = BinaryReader(bytes, offset: offset + payloadStart)
                do {
                    record = try CommandCodec.decodeLogRecord(from: &reader)
                } catch {
                    throw corrupt("record at byte \(recordOffset) does not decode: \(error)")
                }
                guard reader.offset == offset + payloadStart + length else {
                    throw corrupt("record at byte \(recordOffset) decodes to fewer bytes than its length")
                }
                try visit(record)
            }
            expectedLSN &+= 1
            cursor = payloadStart + length
        }
        guard cursor == header.frameLength else {
            throw corrupt("\(header.frameLength - cursor) bytes follow the last record of the frame")
        }
        state.lastFrameSequence = header.frameSequence
        state.lastChainHash = header.chainHash
        state.lastLSN = header.lastLSN
        return .frame(
            header, paddedLength: AlignedBuffer.roundUp(header.frameLength),
            recordBytes: header.frameLength - SegmentFormat.frameHeaderBytes)
    }

    /// What lies past a point where the log stops being valid.
    private struct LaterFrames {
        /// An intact frame newer than the chain state later in this segment.
        var inThisSegment = false
        /// ... in a later segment.
        var inLaterSegments = false
        /// The next segment starts with the frame that continues the chain.
        var nextSegmentContinues = false
        /// An intact later frame proves the next frame had been made durable
        /// before it was written (it lies outside that frame's unsynced window).
        var provesDurable = false
        /// Non-zero bytes past the point, in this segment or later ones.
        var dirty = false
    }

    /// Scans every block boundary past `offset` in this segment and in all
    /// later segments for intact frames and stray bytes.
    private func laterFrames(
        after offset: Int, in bytes: [UInt8], laterSegments: ArraySlice<(sequence: UInt64, path: String)>,
        state: ChainState
    ) throws(PersistenceError) -> LaterFrames {
        var result = LaterFrames()
        let expected = state.lastFrameSequence.map { $0 &+ 1 } ?? 0
        func search(_ raw: UnsafeRawBufferPointer, from start: Int, firstOfSegment: Bool) -> Bool {
            var found = false
            var position = start
            guard start < raw.count else { return false }
            if raw[start...].contains(where: { $0 != 0 }) { result.dirty = true }
            while position + SegmentFormat.frameHeaderBytes <= raw.count {
                let base = raw.baseAddress! + position
                if base.loadLittleEndian(fromByteOffset: 0, as: UInt32.self) == SegmentFormat.frameMagic,
                    let header = SegmentFormat.isIntactFrame(base, available: raw.count - position),
                    state.lastFrameSequence.map({ header.frameSequence > $0 }) ?? true
                {
                    found = true
                    if firstOfSegment && position == start && header.frameSequence == expected {
                        result.nextSegmentContinues = true
                    }
                    // Frames below `frameSequence - unsyncedBefore` were durable
                    // when this one was written.
                    let unsynced = UInt64(header.unsyncedBefore)
                    if header.frameSequence >= unsynced && header.frameSequence - unsynced > expected {
                        result.provesDurable = true
                    }
                }
                position += SegmentFormat.blockSize
            }
            return found
        }
        result.inThisSegment = bytes.withUnsafeBytes { search($0, from: offset + SegmentFormat.blockSize, firstOfSegment: false) }
        if offset < bytes.count && bytes[offset..<min(offset + SegmentFormat.blockSize, bytes.count)].contains(where: { $0 != 0 }) {
            result.dirty = true
        }
        for (position, later) in laterSegments.enumerated() {
            let laterBytes = try FileSystem.readFile(later.path)
            guard laterBytes.count > SegmentFormat.blockSize else { continue }
            let before = result.nextSegmentContinues
            if laterBytes.withUnsafeBytes({ search($0, from: SegmentFormat.blockSize, firstOfSegment: position == 0) }) {
                result.inLaterSegments = true
            }
            if position > 0 { result.nextSegmentContinues = before }
        }
        return result
    }
}
