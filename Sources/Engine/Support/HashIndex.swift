/// An open-addressing hash index from a key's `StableHasher` hash to an `Int32`
/// slot, with linear probing and backward-shift deletion (no tombstones).
///
/// It stores no keys: a lookup passes a predicate that checks the candidate
/// slot's record, so the key lives once, in the record. 8 bytes per bucket,
/// load factor at most 3/4. Replaces `Dictionary` on the hot path, whose
/// per-process seeded SipHash costs several times more per lookup.
///
/// Sized up front: `init(capacity:)` takes the most entries the owner will
/// file (its `Limits` capacity), and the buckets for them come zeroed from
/// `ZeroedMemory`. An empty bucket is all zero bytes (a bucket stores its slot
/// plus one), so no pass ever initialises the table: the kernel commits a page
/// when the first entry lands in it, and inserting up to `capacity` entries
/// never rehashes. Past `capacity` the index still works; it doubles.
///
/// Copy-on-write: the buckets live in a shared buffer; the first change to a
/// copy that shares it rehashes the entries into a buffer of its own sized to
/// the count (not the full capacity, so copying a sparse, mostly untouched
/// table commits no memory for it). That copy, once it fills, grows straight
/// back to `capacity`.
struct HashIndex: @unchecked Sendable {
    // @unchecked: buckets are written only through a uniquely referenced
    // buffer (`makeUnique()` first); a shared buffer is only read.

    private struct Bucket {
        /// Low 32 bits of the key's hash: the home bucket and a cheap filter.
        var hash: UInt32
        /// The slot plus one; 0 when the bucket is empty.
        var storedValue: UInt32
    }

    /// One block of buckets, freed with the last index that uses it.
    private final class Buffer {
        let buckets: UnsafeMutablePointer<Bucket>
        let bucketCount: Int

        init(bucketCount: Int) {
            precondition(bucketCount > 0 && bucketCount & (bucketCount - 1) == 0, "a power of two")
            self.bucketCount = bucketCount
            buckets = ZeroedMemory.allocate(byteCount: bucketCount * MemoryLayout<Bucket>.stride)
                .bindMemory(to: Bucket.self, capacity: bucketCount)
        }

        deinit {
            ZeroedMemory.deallocate(UnsafeMutableRawPointer(buckets), byteCount: bucketCount * MemoryLayout<Bucket>.stride)
        }
    }

    private var buffer: Buffer
    /// `buffer.buckets`, kept here so a lookup follows one pointer, not two.
    private var buckets: UnsafeMutablePointer<Bucket>
    private var mask: Int
    private(set) var count = 0
    /// The entries the index was sized for.
    let reservedCapacity: Int

    /// An empty index that holds `capacity` entries without growing.
    init(capacity: Int = 12) {
        precondition(capacity >= 0 && capacity <= Int(Int32.max))
        reservedCapacity = capacity
        buffer = Buffer(bucketCount: Self.bucketCount(forCapacity: capacity))
        buckets = buffer.buckets
        mask = buffer.bucketCount - 1
    }

    /// Buckets in the current buffer (a power of two, at least 16).
    var bucketCount: Int { mask + 1 }

    /// The entries the current buffer holds at load 3/4.
    private var capacity: Int { bucketCount / 4 * 3 }

    static func bucketCount(forCapacity capacity: Int) -> Int {
        var bucketCount = 16
        while bucketCount * 3 < capacity * 4 { bucketCount *= 2 }
        return bucketCount
    }

    /// The slot whose record `matches`, among those filed under `hash`.
    @inline(__always)
    func find(hash: UInt64, matches: (Int32) -> Bool) -> Int32? {
        let tag = UInt32(truncatingIfNeeded: hash)
        var index = Int(tag) & mask
        while true {
            let bucket = buckets[index]
            if bucket.storedValue == 0 { return nil }
            let value = Int32(bitPattern: bucket.storedValue &- 1)
            if bucket.hash == tag && matches(value) { return value }
            index = (index + 1) & mask
        }
    }

    /// Files `value` under `hash`; the caller ensures no equal key is present.
    mutating func insert(hash: UInt64, value: Int32) {
        precondition(value >= 0)
        if count + 1 > capacity {
            rehash(bucketCount: Self.bucketCount(forCapacity: max(reservedCapacity, 2 * capacity)))
        } else {
            makeUnique()
        }
        place(Bucket(hash: UInt32(truncatingIfNeeded: hash), storedValue: UInt32(value) + 1))
        count += 1
        assert(count * 4 <= bucketCount * 3)
    }

    /// Removes the entry for `value` filed under `hash`, if present.
    mutating func remove(hash: UInt64, value: Int32) {
        precondition(value >= 0)
        makeUnique()
        let stored = UInt32(value) + 1
        var hole = Int(UInt32(truncatingIfNeeded: hash)) & mask
        while buckets[hole].storedValue != stored {
            if buckets[hole].storedValue == 0 { return }
            hole = (hole + 1) & mask
        }
        count -= 1
        // Shift later members of the probe run back into the hole.
        var next = (hole + 1) & mask
        while buckets[next].storedValue != 0 {
            let home = Int(buckets[next].hash) & mask
            let distanceToHome = (next - home) & mask
            let distanceToHole = (next - hole) & mask
            if distanceToHome >= distanceToHole {
                buckets[hole] = buckets[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        buckets[hole] = Bucket(hash: 0, storedValue: 0)
    }

    private mutating func place(_ bucket: Bucket) {
        var index = Int(bucket.hash) & mask
        while buckets[index].storedValue != 0 { index = (index + 1) & mask }
        buckets[index] = bucket
    }

    /// Gives this index a buffer of its own before a change, sized to its
    /// entries if it shared one.
    @inline(__always)
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&buffer) {
            rehash(bucketCount: Self.bucketCount(forCapacity: max(count + 1, 12)))
        }
    }

    /// Moves every entry into a new buffer of `bucketCount` buckets.
    private mutating func rehash(bucketCount: Int) {
        let old = buffer
        buffer = Buffer(bucketCount: bucketCount)
        buckets = buffer.buckets
        mask = bucketCount - 1
        for index in 0..<old.bucketCount where old.buckets[index].storedValue != 0 {
            place(old.buckets[index])
        }
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
