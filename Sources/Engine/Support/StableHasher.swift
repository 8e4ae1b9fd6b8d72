/// A 64-bit hash whose value depends only on the bytes fed to it — the same in
/// every process, on every run and every machine, unlike `Hasher`, which is
/// seeded per process. Used for idempotency fingerprints (which live in the
/// state and its snapshots) and for the store → shard mapping, so its output
/// must never change.
///
/// Input is consumed a 64-bit word at a time with the xxHash64 round function
/// and finished with its avalanche; strings are fed as their byte length and
/// then their UTF-8 bytes in little-endian words, the last one zero-padded.
public struct StableHasher: Sendable {
    private static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    private static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    private static let prime3: UInt64 = 0x1656_67B1_9E37_79F9

    private var state: UInt64 = 0x2715_7B4C_8D1E_3F6A
    private var wordCount: UInt64 = 0

    public init() {}

    /// Mixes one 64-bit word into the state.
    @inline(__always)
    public mutating func combine(word: UInt64) {
        var lane = word &* Self.prime2
        lane = (lane << 31) | (lane >> 33)
        lane = lane &* Self.prime1
        state ^= lane
        state = ((state << 27) | (state >> 37)) &* Self.prime1 &+ Self.prime3
        wordCount &+= 1
    }

    @inline(__always)
    public mutating func combine(_ value: Int64) { combine(word: UInt64(bitPattern: value)) }

    @inline(__always)
    public mutating func combine(_ value: Bool) { combine(word: value ? 1 : 0) }

    /// Feeds the byte length, then the UTF-8 bytes, so ("ab","c") and ("a","bc") differ.
    public mutating func combine(_ text: String) {
        let utf8 = text.utf8
        let handled = utf8.withContiguousStorageIfAvailable { bytes in combine(bytes: UnsafeRawBufferPointer(bytes)) }
        if handled == nil {
            combine(bytes: Array(utf8))
        }
    }

    private mutating func combine(bytes: [UInt8]) {
        bytes.withUnsafeBytes { combine(bytes: $0) }
    }

    @inline(__always)
    private mutating func combine(bytes: UnsafeRawBufferPointer) {
        combine(word: UInt64(bytes.count))
        var offset = 0
        while offset + 8 <= bytes.count {
            combine(word: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)))
            offset += 8
        }
        if offset < bytes.count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < bytes.count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            combine(word: tail)
        }
    }

    /// Feeds a marker for absent, or a different marker and the text.
    public mutating func combine(_ text: String?) {
        if let text {
            combine(word: 1)
            combine(text)
        } else {
            combine(word: 0)
        }
    }

    /// The hash of everything fed so far (xxHash64's final avalanche).
    public func finalize() -> UInt64 {
        var hash = state ^ wordCount
        hash ^= hash >> 33
        hash = hash &* Self.prime2
        hash ^= hash >> 29
        hash = hash &* Self.prime3
        hash ^= hash >> 32
        return hash
    }

    /// The stable hash of one string.
    public static func hash(_ text: String) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(text)
        return hasher.finalize()
    }
}
