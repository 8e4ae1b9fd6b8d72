import Testing

@testable import Engine

/// The store → shard mapping as docs/wire-protocol.md ("Events", "Store to
/// shard") states it, so a client can find the shard whose events it follows.
@Suite struct StoreShardTests {
    static let documented: [(store: String, hash: UInt64, shardOf4: UInt64, shardOf16: UInt64)] = [
        ("", 0x7896_CFDB_1BBB_9F0F, 3, 15),
        ("s1", 0x4D2F_CF59_6C5C_D075, 1, 5),
        ("store-42", 0xDDC1_725B_BA76_5F4E, 2, 14),
        ("boutique-paris-12", 0x5F89_8811_4B24_4C2B, 3, 11),
    ]

    @Test("StableHash of the documented stores, and their shards")
    func documentedValues() {
        for entry in Self.documented {
            #expect(StableHasher.hash(entry.store) == entry.hash, "\(entry.store)")
            #expect(entry.hash % 4 == entry.shardOf4 && entry.hash % 16 == entry.shardOf16)
        }
    }

    @Test("the documented algorithm, written out as a client would, agrees on many stores")
    func documentedAlgorithm() {
        var random = SplitMix64(seed: 7)
        for length in 0..<80 {
            let store = String((0..<length).map { _ in Character(UnicodeScalar(UInt8(0x61 + random.next() % 26))) })
            #expect(Self.referenceHash(Array(store.utf8)) == StableHasher.hash(store), "\(store)")
        }
        #expect(Self.referenceHash(Array("été".utf8)) == StableHasher.hash("été"))
    }

    /// StableHash as the document describes it.
    static func referenceHash(_ bytes: [UInt8]) -> UInt64 {
        let p1: UInt64 = 0x9E37_79B1_85EB_CA87
        let p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
        let p3: UInt64 = 0x1656_67B1_9E37_79F9
        func rotl(_ value: UInt64, _ bits: UInt64) -> UInt64 { value << bits | value >> (64 - bits) }
        var words: [UInt64] = [UInt64(bytes.count)]
        for start in stride(from: 0, to: bytes.count, by: 8) {
            var word: UInt64 = 0
            for (index, byte) in bytes[start..<min(start + 8, bytes.count)].enumerated() {
                word |= UInt64(byte) << (8 * UInt64(index))
            }
            words.append(word)
        }
        var state: UInt64 = 0x2715_7B4C_8D1E_3F6A
        for word in words {
            let lane = rotl(word &* p2, 31) &* p1
            state = rotl(state ^ lane, 27) &* p1 &+ p3
        }
        var hash = state ^ UInt64(words.count)
        hash ^= hash >> 33
        hash = hash &* p2
        hash ^= hash >> 29
        hash = hash &* p3
        hash ^= hash >> 32
        return hash
    }
}
