import Testing

@testable import Wire

/// The frame checksum is the standard CRC-32C, so a client in another language
/// can use any CRC-32C library (docs/wire-protocol.md, "Checksums").
@Suite struct ChecksumTests {
    @Test("CRC-32C check value: \"123456789\" gives 0xE3069283")
    func checkValue() {
        #expect(WireProtocol.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test("CRC-32C of nothing is 0, of 32 zero bytes 0x8A9136AA")
    func knownValues() {
        #expect(WireProtocol.checksum([UInt8]()) == 0)
        #expect(WireProtocol.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(WireProtocol.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    }

    @Test("the checksum agrees with a bitwise reference (reflected polynomial 0x82F63B78) on random inputs")
    func matchesReference() {
        var generator = SystemRandomNumberGenerator()
        for length in [1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 1_000] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(WireProtocol.checksum(bytes) == Self.referenceCRC32C(bytes), "length \(length)")
        }
    }

    @Test("a slice's checksum is the checksum of its bytes")
    func sliceChecksum() {
        let bytes: [UInt8] = Array("xx123456789yy".utf8)
        #expect(WireProtocol.checksum(bytes[2..<11]) == 0xE306_9283)
    }

    /// The textbook bit-at-a-time CRC-32C, as a client would write it from the spec.
    static func referenceCRC32C(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
