import Engine

/// Reading and checking one frame, and looking past damage.
extension LogScanner {

    struct ChainState {
        var lastFrameSequence: UInt64?
        var lastChainHash: Digest256?
        var lastLSN: UInt64?
    }

    enum FrameOutcome {
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
    func frame(
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

    func checkHeader(_ bytes: [UInt8], path: String, sequence: UInt64) throws(PersistenceError) {
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
    func readFrame(
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
    struct LaterFrames {
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
    func laterFrames(
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
