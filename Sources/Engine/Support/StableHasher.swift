/// A 64-bit FNV-1a hash whose value depends only on the bytes fed to it, the
/// same in every process and on every run — unlike `Hasher`, which is seeded.
/// Used for idempotency fingerprints (which live in snapshots) and for the
/// store → shard mapping.
public struct StableHasher: Sendable {
    private static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    private var state: UInt64 = StableHasher.offsetBasis

    public init() {}

    @inline(__always)
    public mutating func combine(byte: UInt8) {
        state = (state ^ UInt64(byte)) &* StableHasher.prime
    }

    public mutating func combine(_ value: Int64) {
        var remaining = UInt64(bitPattern: value)
        for _ in 0..<8 {
            combine(byte: UInt8(truncatingIfNeeded: remaining))
            remaining >>= 8
        }
    }

    public mutating func combine(_ value: Bool) {
        combine(byte: value ? 1 : 0)
    }

    /// Feeds the length, then the UTF-8 bytes, so ("ab","c") and ("a","bc") differ.
    public mutating func combine(_ text: String) {
        var text = text
        combine(Int64(text.utf8.count))
        text.withUTF8 { bytes in
            for byte in bytes { combine(byte: byte) }
        }
    }

    /// Feeds a marker for absent, or a different marker and the text.
    public mutating func combine(_ text: String?) {
        if let text {
            combine(byte: 1)
            combine(text)
        } else {
            combine(byte: 0)
        }
    }

    public func finalize() -> UInt64 { state }

    /// The stable hash of one string.
    public static func hash(_ text: String) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(text)
        return hasher.finalize()
    }
}
