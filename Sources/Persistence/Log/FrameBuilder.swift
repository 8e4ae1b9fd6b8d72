import Engine

/// Builds one frame in an aligned buffer: header space, then records.
struct FrameBuilder {
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
