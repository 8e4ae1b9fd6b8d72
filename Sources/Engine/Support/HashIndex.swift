/// An open-addressing hash index from a key's `StableHasher` hash to an `Int32`
/// slot, with linear probing and backward-shift deletion (no tombstones).
///
/// It stores no keys: a lookup passes a predicate that checks the candidate
/// slot's record, so the key lives once, in the record. 8 bytes per bucket,
/// load factor at most 3/4. Replaces `Dictionary` on the hot path, whose
/// per-process seeded SipHash costs several times more per lookup.
struct HashIndex: Sendable {
    private struct Bucket: Sendable {
        /// Low 32 bits of the key's hash: the home bucket and a cheap filter.
        var hash: UInt32
        /// The slot, or -1 when the bucket is empty.
        var value: Int32
    }

    private static let empty = Bucket(hash: 0, value: -1)

    private var buckets: [Bucket]
    private var mask: Int
    private(set) var count = 0

    init(minimumCapacity: Int = 16) {
        var capacity = 16
        while capacity * 3 < minimumCapacity * 4 { capacity *= 2 }
        buckets = Array(repeating: Self.empty, count: capacity)
        mask = capacity - 1
    }

    /// The slot whose record `matches`, among those filed under `hash`.
    @inline(__always)
    func find(hash: UInt64, matches: (Int32) -> Bool) -> Int32? {
        let tag = UInt32(truncatingIfNeeded: hash)
        var index = Int(tag) & mask
        while true {
            let bucket = buckets[index]
            if bucket.value < 0 { return nil }
            if bucket.hash == tag && matches(bucket.value) { return bucket.value }
            index = (index + 1) & mask
        }
    }

    /// Files `value` under `hash`; the caller ensures no equal key is present.
    mutating func insert(hash: UInt64, value: Int32) {
        precondition(value >= 0)
        if (count + 1) * 4 > buckets.count * 3 { grow() }
        place(Bucket(hash: UInt32(truncatingIfNeeded: hash), value: value))
        count += 1
    }

    /// Removes the entry for `value` filed under `hash`, if present.
    mutating func remove(hash: UInt64, value: Int32) {
        let tag = UInt32(truncatingIfNeeded: hash)
        var hole = Int(tag) & mask
        while buckets[hole].value != value {
            if buckets[hole].value < 0 { return }
            hole = (hole + 1) & mask
        }
        count -= 1
        // Shift later members of the probe run back into the hole.
        var next = (hole + 1) & mask
        while buckets[next].value >= 0 {
            let home = Int(buckets[next].hash) & mask
            let distanceToHome = (next - home) & mask
            let distanceToHole = (next - hole) & mask
            if distanceToHome >= distanceToHole {
                buckets[hole] = buckets[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        buckets[hole] = Self.empty
    }

    private mutating func place(_ bucket: Bucket) {
        var index = Int(bucket.hash) & mask
        while buckets[index].value >= 0 { index = (index + 1) & mask }
        buckets[index] = bucket
    }

    private mutating func grow() {
        let old = buckets
        buckets = Array(repeating: Self.empty, count: old.count * 2)
        mask = buckets.count - 1
        for bucket in old where bucket.value >= 0 { place(bucket) }
    }

    /// A per-process random seed, so no caller can choose ids that collide in
    /// the index (hash flooding). The index is never encoded or iterated, so the
    /// seed changes no state and no answer.
    static let processSeed = UInt64.random(in: .min ... .max)

    /// The hash of a name scoped to a store.
    @inline(__always)
    static func hash(store: Int32, name: String) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(word: processSeed ^ UInt64(UInt32(bitPattern: store)))
        hasher.combine(name)
        return hasher.finalize()
    }
}
