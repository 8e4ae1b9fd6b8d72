import CHoldfastSupport
import Engine

/// Constants of the binary wire protocol shared by server and client
/// (docs/wire-protocol.md, "Frames").
public enum WireProtocol {
    /// The protocol version carried in every frame header and in the handshake.
    public static let version: UInt8 = 1

    /// The two bytes every frame starts with: ASCII "HF".
    public static let magic: (UInt8, UInt8) = (0x48, 0x46)

    /// Bytes in a frame header.
    public static let headerBytes = 32

    /// Default TCP port of `holdfast serve`'s wire listener.
    public static let defaultPort = 7420

    /// Standard CRC-32C (Castagnoli; initial value and final XOR 0xFFFFFFFF),
    /// the checksum of frame headers and bodies. CRC-32C("123456789") = 0xE3069283.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        // holdfast_crc32c applies the initial value and final XOR itself: 0 starts a new checksum.
        return holdfast_crc32c(0, base, bytes.count)
    }

    /// `checksum` of an array's bytes.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    /// `checksum` of part of an array's bytes.
    public static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}

/// The limits a server enforces on frames and connections. Announced to the
/// client in the handshake reply.
public struct WireLimits: Sendable, Equatable {
    /// Largest frame (header and body) accepted in either direction.
    public var frameBytesMax: Int
    /// Most items (operations) in one frame.
    public var itemsPerFrameMax: Int
    /// Most operations one connection may have in flight (received, not yet answered).
    public var inFlightPerConnectionMax: Int

    /// The hard ceiling of `frameBytesMax`.
    public static let frameBytesCeiling = 64 << 20
    /// The hard ceiling of `itemsPerFrameMax` (the header's item count is 16 bits).
    public static let itemsPerFrameCeiling = Int(UInt16.max)
    /// Longest client id in a handshake, in bytes.
    public static let clientIDMaxBytes = 64
    /// Longest credentials in a handshake, in bytes.
    public static let credentialsMaxBytes = 8_192
    /// Most events one `events` request may ask for.
    public static let eventsPerPageMax = 10_000

    public static let standard = WireLimits(
        frameBytesMax: 4 << 20, itemsPerFrameMax: 8_192, inFlightPerConnectionMax: 65_536)

    public init(frameBytesMax: Int, itemsPerFrameMax: Int, inFlightPerConnectionMax: Int) {
        precondition((WireProtocol.headerBytes + 8...WireLimits.frameBytesCeiling).contains(frameBytesMax))
        precondition((1...WireLimits.itemsPerFrameCeiling).contains(itemsPerFrameMax))
        precondition(inFlightPerConnectionMax >= itemsPerFrameMax, "a whole frame must fit in flight")
        self.frameBytesMax = frameBytesMax
        self.itemsPerFrameMax = itemsPerFrameMax
        self.inFlightPerConnectionMax = inFlightPerConnectionMax
    }
}
