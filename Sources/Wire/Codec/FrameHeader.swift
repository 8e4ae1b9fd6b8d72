import Engine

/// The fixed 32-byte header in front of every frame, requests and replies alike
/// (docs/wire-protocol.md, "Frame header"). All integers little-endian.
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 2 | magic `48 46` ("HF") |
/// | 2 | 1 | version |
/// | 3 | 1 | flags (bit 0: reply) |
/// | 4 | 2 | operation |
/// | 6 | 2 | item count |
/// | 8 | 8 | request id |
/// | 16 | 4 | body length |
/// | 20 | 4 | body CRC-32C |
/// | 24 | 2 | status (replies: 0 or a frame-level error code) |
/// | 26 | 2 | reserved, 0 |
/// | 28 | 4 | header CRC-32C of bytes 0..<28 |
public struct FrameHeader: Sendable, Equatable {
    public var version: UInt8
    public var isReply: Bool
    public var operation: WireOperation
    public var itemCount: UInt16
    public var requestID: UInt64
    public var bodyLength: UInt32
    public var bodyChecksum: UInt32
    /// 0 for requests and for replies whose items carry the outcomes; otherwise
    /// the code of an error that answers the whole frame (the body holds it).
    public var status: UInt16

    public init(
        version: UInt8 = WireProtocol.version, isReply: Bool, operation: WireOperation, itemCount: UInt16,
        requestID: UInt64, bodyLength: UInt32 = 0, bodyChecksum: UInt32 = 0, status: UInt16 = 0
    ) {
        self.version = version
        self.isReply = isReply
        self.operation = operation
        self.itemCount = itemCount
        self.requestID = requestID
        self.bodyLength = bodyLength
        self.bodyChecksum = bodyChecksum
        self.status = status
    }

    static let replyFlag: UInt8 = 0x01

    /// Appends the 32 header bytes, computing the header checksum.
    public func encode(into bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(0), count: WireProtocol.headerBytes))
        bytes.withUnsafeMutableBytes { raw in
            encode(to: UnsafeMutableRawBufferPointer(rebasing: raw[start..<start + WireProtocol.headerBytes]))
        }
    }

    /// Writes the 32 header bytes, with the header checksum, into `raw`
    /// (exactly 32 bytes) — in place, so a frame's header costs no allocation.
    public func encode(to raw: UnsafeMutableRawBufferPointer) {
        precondition(raw.count == WireProtocol.headerBytes, "a frame header has 32 bytes")
        func store<Value: FixedWidthInteger>(_ value: Value, at offset: Int) {
            raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: Value.self)
        }
        raw[0] = WireProtocol.magic.0
        raw[1] = WireProtocol.magic.1
        raw[2] = version
        raw[3] = isReply ? FrameHeader.replyFlag : 0
        store(operation.rawValue, at: 4)
        store(itemCount, at: 6)
        store(requestID, at: 8)
        store(bodyLength, at: 16)
        store(bodyChecksum, at: 20)
        store(status, at: 24)
        store(UInt16(0), at: 26)
        store(WireProtocol.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<28])), at: 28)
    }

    /// Reads and checks a header from its 32 bytes: magic, header checksum,
    /// version, flags and reserved bytes. The body is checked by `Frame`.
    ///
    /// - Throws: `WireError` `malformedFrame`, `checksumMismatch` or `unsupportedVersion`.
    public static func decode(_ raw: UnsafeRawBufferPointer) throws(WireError) -> FrameHeader {
        guard raw.count >= WireProtocol.headerBytes else {
            throw .protocolViolation(.malformedFrame, "a frame header has 32 bytes, got \(raw.count)")
        }
        guard raw[0] == WireProtocol.magic.0, raw[1] == WireProtocol.magic.1 else {
            throw .protocolViolation(
                .malformedFrame, "frame does not start with the magic bytes 48 46 (\"HF\"), got \(hex(raw[0])) \(hex(raw[1]))")
        }
        let storedChecksum = raw.loadUnaligned(fromByteOffset: 28, as: UInt32.self).littleEndian
        let computed = WireProtocol.checksum(UnsafeRawBufferPointer(rebasing: raw[0..<28]))
        guard storedChecksum == computed else {
            throw .protocolViolation(.checksumMismatch, "header checksum \(hex32(storedChecksum)) does not match \(hex32(computed))")
        }
        guard raw[2] == WireProtocol.version else {
            throw .protocolViolation(
                .unsupportedVersion, "protocol version \(raw[2]) is not supported; this server speaks \(WireProtocol.version)")
        }
        guard raw[3] & ~FrameHeader.replyFlag == 0 else {
            throw .protocolViolation(.malformedFrame, "unknown flag bits \(hex(raw[3]))")
        }
        guard raw.loadUnaligned(fromByteOffset: 26, as: UInt16.self) == 0 else {
            throw .protocolViolation(.malformedFrame, "reserved header bytes 26..27 must be zero")
        }
        func load<Value: FixedWidthInteger>(_ offset: Int, _: Value.Type) -> Value {
            Value(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: Value.self))
        }
        return FrameHeader(
            version: raw[2], isReply: raw[3] & FrameHeader.replyFlag != 0,
            operation: WireOperation(rawValue: load(4, UInt16.self)), itemCount: load(6, UInt16.self),
            requestID: load(8, UInt64.self), bodyLength: load(16, UInt32.self), bodyChecksum: load(20, UInt32.self),
            status: load(24, UInt16.self))
    }

    /// Reads a header from the first 32 bytes of an array.
    public static func decode(_ bytes: [UInt8]) throws(WireError) -> FrameHeader {
        do {
            return try bytes.withUnsafeBytes { raw in try decode(raw) }
        } catch let error as WireError {
            throw error
        } catch {
            throw .protocolViolation(.malformedFrame, "\(error)")
        }
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }

    private static func hex32(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
