import Testing

@testable import Engine
@testable import Wire

/// Every way a frame can be wrong is refused with its own `WireError`, never a
/// trap: header checks in `FrameHeader.decode`, body checks in `Frame.itemRanges`.
@Suite struct HeaderCheckTests {
    /// A valid reserve request with two items.
    static let valid: [UInt8] = {
        var writer = FrameWriter()
        writer.commandFrame(Array(WireSamples.commands[6...7]), requestID: 0x0102_0304_0506_0708)
        return writer.takeBytes()
    }()

    /// `valid` changed by `change`, its header checksum then made right again.
    static func tampered(resealing: Bool = true, _ change: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes = valid
        change(&bytes)
        if resealing && bytes.count >= 28 {
            let checksum = WireProtocol.checksum(bytes[0..<28])
            for index in 0..<4 { bytes[28 + index] = UInt8(truncatingIfNeeded: checksum >> (8 * index)) }
        }
        return bytes
    }

    static func headerError(_ bytes: [UInt8]) -> WireError? {
        do throws(WireError) {
            _ = try FrameHeader.decode(bytes)
            return nil
        } catch { return error }
    }

    static func bodyError(_ bytes: [UInt8]) -> WireError? {
        do throws(WireError) {
            let decoded = try FrameHeader.decode(bytes)
            _ = try Frame(header: decoded, body: Array(bytes.dropFirst(WireProtocol.headerBytes))).itemRanges()
            return nil
        } catch { return error }
    }

    static func code(_ error: WireError?) -> ProtocolErrorCode? {
        guard case .protocolViolation(let code, _) = error else { return nil }
        return code
    }

    @Test("the valid frame passes and its header fields sit at the documented offsets")
    func validFrame() throws {
        let header = try FrameHeader.decode(Self.valid)
        #expect(Self.bodyError(Self.valid) == nil)
        #expect(Array(Self.valid[0..<4]) == [0x48, 0x46, 0x01, 0x00])
        #expect(Array(Self.valid[4..<8]) == [0x20, 0x01, 0x02, 0x00], "operation 0x0120, two items")
        #expect(Array(Self.valid[8..<16]) == [8, 7, 6, 5, 4, 3, 2, 1], "request id, little-endian")
        #expect(Int(header.bodyLength) == Self.valid.count - 32)
        #expect(Array(Self.valid[24..<28]) == [0, 0, 0, 0], "status and reserved")
    }

    @Test("fewer than 32 header bytes: malformedFrame")
    func shortHeader() {
        for count in [0, 1, 2, 31] {
            #expect(Self.code(Self.headerError(Array(Self.valid.prefix(count)))) == .malformedFrame)
        }
    }

    @Test("bad magic: malformedFrame (checked before the checksum)")
    func badMagic() {
        #expect(Self.code(Self.headerError(Self.tampered { $0[0] = 0x47 })) == .malformedFrame)
        #expect(Self.code(Self.headerError(Self.tampered(resealing: false) { $0[1] = 0x00 })) == .malformedFrame)
    }

    @Test("bad header checksum: checksumMismatch, for any changed header byte")
    func badHeaderChecksum() {
        for offset in 2..<32 {
            let bytes = Self.tampered(resealing: false) { $0[offset] ^= 0x10 }
            #expect(Self.code(Self.headerError(bytes)) == .checksumMismatch, "byte \(offset)")
        }
    }

    @Test("another version: unsupportedVersion (the checksum is checked first)")
    func wrongVersion() {
        for version: UInt8 in [0, 2, 0xFF] {
            #expect(Self.code(Self.headerError(Self.tampered { $0[2] = version })) == .unsupportedVersion)
        }
    }

    @Test("unknown flag bits or non-zero reserved bytes: malformedFrame")
    func reservedBits() {
        for flags: UInt8 in [0x02, 0x80, 0xFF] {
            #expect(Self.code(Self.headerError(Self.tampered { $0[3] = flags })) == .malformedFrame)
        }
        #expect(Self.code(Self.headerError(Self.tampered { $0[26] = 1 })) == .malformedFrame)
        #expect(Self.code(Self.headerError(Self.tampered { $0[27] = 0x80 })) == .malformedFrame)
        #expect(Self.headerError(Self.tampered { $0[3] = 0x01 }) == nil, "bit 0 is the reply flag")
    }

    @Test("bad body checksum: checksumMismatch")
    func badBodyChecksum() {
        for offset in [32, 40, Self.valid.count - 1] {
            #expect(
                Self.code(Self.bodyError(Self.tampered { $0[offset] ^= 0x01 })) == .checksumMismatch, "byte \(offset)")
        }
        #expect(Self.code(Self.bodyError(Self.tampered { $0[20] ^= 0x01 })) == .checksumMismatch)
    }

    @Test("a body shorter or longer than the header says: malformedFrame")
    func truncatedBody() {
        #expect(Self.code(Self.bodyError(Array(Self.valid.dropLast()))) == .malformedFrame)
        #expect(Self.code(Self.bodyError(Array(Self.valid.prefix(32)))) == .malformedFrame)
        #expect(Self.code(Self.bodyError(Self.valid + [0])) == .malformedFrame)
    }

    /// `valid` with its body replaced by `body` (length, checksums and item count made right).
    static func withBody(_ body: [UInt8], itemCount: UInt16) throws -> [UInt8] {
        var header = try FrameHeader.decode(valid)
        header.itemCount = itemCount
        header.bodyLength = UInt32(body.count)
        header.bodyChecksum = WireProtocol.checksum(body)
        var bytes: [UInt8] = []
        header.encode(into: &bytes)
        return bytes + body
    }

    @Test("an item longer than the body, a missing item or bytes after the last item: malformedFrame")
    func itemStructure() throws {
        let overflow = try Self.withBody([0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3], itemCount: 1)
        #expect(Self.code(Self.bodyError(overflow)) == .malformedFrame, "item length overflow")
        let oneTooLong = try Self.withBody([4, 0, 0, 0, 1, 2, 3], itemCount: 1)
        #expect(Self.code(Self.bodyError(oneTooLong)) == .malformedFrame)
        let missing = try Self.withBody([1, 0, 0, 0, 9], itemCount: 2)
        #expect(Self.code(Self.bodyError(missing)) == .malformedFrame, "second item missing")
        let partialLength = try Self.withBody([1, 0, 0, 0, 9, 0, 0], itemCount: 2)
        #expect(Self.code(Self.bodyError(partialLength)) == .malformedFrame, "half a length prefix")
        let trailing = try Self.withBody([1, 0, 0, 0, 9, 0xAA], itemCount: 1)
        #expect(Self.code(Self.bodyError(trailing)) == .malformedFrame, "bytes after the last item")
        let empty = try Self.withBody([], itemCount: 0)
        #expect(Self.bodyError(empty) == nil, "no items is a valid body (the server answers itemCountOutOfRange)")
    }

    @Test("a request item with bytes after the command, or cut short, does not decode")
    func malformedRequestItem() throws {
        let payload = Array(CommandCodec.encode(WireSamples.commands[6]).dropFirst())
        for body in [payload + [0], Array(payload.dropLast())] {
            let bytes = try Self.withBody(
                withUnsafeBytes(of: UInt32(body.count).littleEndian, Array.init) + body, itemCount: 1)
            let (frame, items) = try ReceivedFrame.read(bytes)
            #expect(throws: (any Error).self) {
                _ = try ReceivedFrame.decodeItem(frame, items[0]) {
                    try CommandCodec.decode(payloadOf: .reserve, from: &$0)
                }
            }
        }
    }
}
