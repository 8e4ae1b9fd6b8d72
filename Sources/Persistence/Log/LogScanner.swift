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
    /// Segments the log extent record names but the directory lacks
    /// (reported only when the scan was told to continue past corruption).
    public var missingSegments: ClosedRange<UInt64>?
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
    /// Refuse a log without a `LogExtent` record (data directory version 2 on).
    var extentRequired = false

    typealias Visitor = (LogRecord) throws -> Void

    /// Segment files in the directory, by sequence, and the recorded segments
    /// missing past the newest present (see `LogExtent`); gaps are refused, and
    /// so are missing segments unless `continuePastCorruption`.
    func segmentPaths() throws(PersistenceError) -> (
        found: [(sequence: UInt64, path: String)], missing: ClosedRange<UInt64>?
    ) {
        // The record first: a running writer creates a segment before recording it.
        let extent = try extentRecord()
        let names = FileSystem.isDirectory(directory) ? try FileSystem.list(directory) : []
        let found = names.compactMap { name -> (sequence: UInt64, path: String)? in
            guard let sequence = SegmentFormat.segmentSequence(fromName: name) else { return nil }
            return (sequence, FileSystem.join(directory, name))
        }.sorted { $0.sequence < $1.sequence }
        for (previous, next) in zip(found, found.dropFirst()) where next.sequence != previous.sequence &+ 1 {
            throw .missingLog(
                reason: "segments between \(previous.sequence) and \(next.sequence) are missing from \(directory)")
        }
        let missing = extent?.missingSegments(newestPresent: found.last?.sequence)
        if let missing, !continuePastCorruption { throw missingSegmentsError(missing) }
        return (found, missing)
    }

    private func extentRecord() throws(PersistenceError) -> LogExtent? {
        if let extent = try LogExtent.read(directory: directory) { return extent }
        guard extentRequired else { return nil }
        throw .missingLog(
            reason: "\(LogExtent.path(in: directory)) is missing: it records which log segments were written, "
                + "so without it a deleted segment would go unnoticed (docs/storage-format.md, \"The log extent record\")")
    }

    private func missingSegmentsError(_ missing: ClosedRange<UInt64>) -> PersistenceError {
        let first = FileSystem.join(directory, SegmentFormat.segmentName(missing.lowerBound))
        let files = missing.count == 1 ? first : "\(first) and \(missing.count - 1) later segment(s)"
        return .missingLog(
            reason: "log segment \(files) is missing: \(LogExtent.path(in: directory)) records segments up to "
                + "\(missing.upperBound), so the log's newest records are gone. Put the file back (from a backup), "
                + "or start with --accept-corruption to continue without them")
    }

    /// Scans every segment; calls `visit` for each record with an LSN above
    /// `decodeAfter` (older ones are checked but not decoded).
    func scan(
        decodeAfter: UInt64 = 0, progress: ((SegmentSummary) -> Void)? = nil, visit: Visitor
    ) throws(PersistenceError) -> LogScanReport {
        var report = LogScanReport()
        let (segments, missing) = try segmentPaths()
        report.missingSegments = missing
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
}
