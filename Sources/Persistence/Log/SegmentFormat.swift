import Engine

/// The on-disk layout of log segments (docs/storage-format.md, "Log segments").
///
/// A segment is a preallocated, zero-filled file `wal-<sequence>.log`. Block 0
/// holds the segment header; frames follow from byte 4096, each starting on a
/// 4096-byte boundary. A frame is what one group commit writes with one write
/// and one fdatasync: a 112-byte frame header, then records, then zero padding
/// to the next block. All integers are little-endian.
enum SegmentFormat {
    static let blockSize = 4096
    static let version: UInt32 = 1

    // MARK: Segment header (block 0)

    static let segmentMagic: [UInt8] = Array("HFWALSEG".utf8)
    static let segmentHeaderBytes = 80

    struct SegmentHeader: Equatable {
        var shardIndex: UInt16
        var shardCount: UInt16
        var sequence: UInt64
        var createdAtNanoseconds: Int64
        var limitsDigest: Digest256

        /// Block 0 of a segment: the header, then zeros.
        func encodedBlock() -> [UInt8] {
            var block = [UInt8](repeating: 0, count: SegmentFormat.blockSize)
            block.put(SegmentFormat.segmentMagic, at: 0)
            block.put(SegmentFormat.version, at: 8)
            block.put(UInt32(SegmentFormat.segmentHeaderBytes), at: 12)
            block.put(shardIndex, at: 16)
            block.put(shardCount, at: 18)
            block.put(sequence, at: 24)
            block.put(createdAtNanoseconds, at: 32)
            block.put(limitsDigest.bytes, at: 40)
            block.put(CRC32C.checksum(block[0..<72]), at: 72)
            return block
        }

        static func decode(_ block: [UInt8], path: String) throws(PersistenceError) -> SegmentHeader {
            guard block.count >= SegmentFormat.segmentHeaderBytes else {
                throw .corrupt(path: path, offset: 0, reason: "segment shorter than its header")
            }
            guard Array(block[0..<8]) == SegmentFormat.segmentMagic else {
                throw .unsupportedFormat(path: path, reason: "not a Holdfast log segment (bad magic)")
            }
            guard block.uint32(at: 72) == CRC32C.checksum(block[0..<72]) else {
                throw .corrupt(path: path, offset: 0, reason: "segment header checksum mismatch")
            }
            let version = block.uint32(at: 8)
            guard version == SegmentFormat.version else {
                throw .unsupportedFormat(path: path, reason: "segment format version \(version); this build reads \(SegmentFormat.version)")
            }
            return SegmentHeader(
                shardIndex: block.uint16(at: 16), shardCount: block.uint16(at: 18), sequence: block.uint64(at: 24),
                createdAtNanoseconds: block.int64(at: 32), limitsDigest: Digest256(bytes: block.bytes(at: 40, count: 32)))
        }
    }

    // MARK: Frames

    /// "HFFR" read as a little-endian UInt32.
    static let frameMagic: UInt32 = 0x5246_4648
    static let frameVersion: UInt16 = 1
    static let frameHeaderBytes = 112
    /// Offset of the chain hash; the hash covers bytes [0, 72) and the records.
    static let chainHashOffset = 72
    /// Offset of the CRC; it covers bytes [0, 104) and the records.
    static let crcOffset = 104
    /// Offset of `unsyncedBefore` (UInt16, covered by the hash and the CRC).
    static let unsyncedOffset = 6

    /// Per record: payload length (UInt32), CRC-32C of the payload (UInt32).
    static let recordHeaderBytes = 8

    struct FrameHeader: Equatable {
        var frameLength: Int
        var recordCount: Int
        var frameSequence: UInt64
        var firstLSN: UInt64
        var lastLSN: UInt64
        var previousChainHash: Digest256
        var chainHash: Digest256
        var crc: UInt32
        /// How many frames just before this one may not have been durable when
        /// it was written: 0 in strict mode (each frame is synced before the
        /// next is written); in relaxed mode, the frames since the last
        /// fdatasync (at most 65,535).
        var unsyncedBefore: UInt16
    }

    /// Parses the fixed fields of a frame header, checking only what bounds the
    /// rest (magic, version, length). Checksums are checked by the caller.
    static func parseFrameHeader(_ base: UnsafeRawPointer, available: Int) -> Result<FrameHeader, FrameProblem> {
        guard available >= frameHeaderBytes else { return .failure(FrameProblem("frame header runs past the end of the segment")) }
        let magic = base.loadLittleEndian(fromByteOffset: 0, as: UInt32.self)
        guard magic == frameMagic else {
            return .failure(FrameProblem(magic == 0 ? "no frame (zeros)" : String(format: "bad frame magic 0x%08x", magic)))
        }
        let version = base.loadLittleEndian(fromByteOffset: 4, as: UInt16.self)
        guard version == frameVersion else { return .failure(FrameProblem("frame version \(version), expected \(frameVersion)")) }
        let length = Int(base.loadLittleEndian(fromByteOffset: 8, as: UInt32.self))
        guard length >= frameHeaderBytes, length <= available else {
            return .failure(FrameProblem("frame length \(length) out of range (at most \(available) bytes remain)"))
        }
        let digest = { (offset: Int) in
            Digest256(bytes: Array(UnsafeRawBufferPointer(start: base + offset, count: 32)))
        }
        return .success(
            FrameHeader(
                frameLength: length,
                recordCount: Int(base.loadLittleEndian(fromByteOffset: 12, as: UInt32.self)),
                frameSequence: base.loadLittleEndian(fromByteOffset: 16, as: UInt64.self),
                firstLSN: base.loadLittleEndian(fromByteOffset: 24, as: UInt64.self),
                lastLSN: base.loadLittleEndian(fromByteOffset: 32, as: UInt64.self),
                previousChainHash: digest(40), chainHash: digest(chainHashOffset),
                crc: base.loadLittleEndian(fromByteOffset: crcOffset, as: UInt32.self),
                unsyncedBefore: base.loadLittleEndian(fromByteOffset: unsyncedOffset, as: UInt16.self)))
    }

    /// The CRC a frame of `length` bytes at `base` should carry.
    static func frameCRC(_ base: UnsafeRawPointer, length: Int) -> UInt32 {
        let head = CRC32C.checksum(UnsafeRawBufferPointer(start: base, count: crcOffset))
        return CRC32C.checksum(
            UnsafeRawBufferPointer(start: base + frameHeaderBytes, count: length - frameHeaderBytes), continuing: head)
    }

    /// The chain hash a frame of `length` bytes at `base` should carry.
    static func frameChainHash(_ base: UnsafeRawPointer, length: Int, hasher: SHA256Hasher) -> Digest256 {
        hasher.begin()
        hasher.update(UnsafeRawBufferPointer(start: base, count: chainHashOffset))
        hasher.update(UnsafeRawBufferPointer(start: base + frameHeaderBytes, count: length - frameHeaderBytes))
        return hasher.finish()
    }

    /// Whether a whole frame at `base` is intact on its own: header fields in
    /// range, CRC matching. Used to look for valid frames past damage.
    static func isIntactFrame(_ base: UnsafeRawPointer, available: Int) -> FrameHeader? {
        guard case .success(let header) = parseFrameHeader(base, available: available) else { return nil }
        return frameCRC(base, length: header.frameLength) == header.crc ? header : nil
    }

    // MARK: File names

    static func segmentName(_ sequence: UInt64) -> String { "wal-" + zeroPadded(sequence, width: 12) + ".log" }

    /// The sequence in a segment file name, nil if the name is not one.
    static func segmentSequence(fromName name: String) -> UInt64? {
        guard name.hasPrefix("wal-"), name.hasSuffix(".log"), name.count == 4 + 12 + 4 else { return nil }
        return digitsOnly(name.dropFirst(4).dropLast(4))
    }

    /// The value of a run of ASCII digits (no sign, no spaces), nil otherwise.
    static func digitsOnly(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return UInt64(text)
    }

    static func zeroPadded(_ value: UInt64, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

import Foundation

/// Why bytes at a frame position are not a valid frame.
struct FrameProblem: Error, Equatable {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// An intact frame that does not continue the log.
enum FrameMismatch: Error {
    case mismatch(String)
}
