/// An open-addressing hash index from a key's `StableHasher` hash to an `Int32`
/// slot, with linear probing and backward-shift deletion.
///
/// It stores no keys: a lookup passes a predicate that checks the candidate
/// slot's record, so the key lives once, in the record. 8 bytes per bucket,
/// load factor at most 3/4. Replaces `Dictionary` on the hot path, whose
/// per-process seeded SipHash costs several times more per lookup.
///
/// Sized to its contents, grown without a stall: an insert that would pass
/// load 3/4 allocates a buffer twice the size (zeroed, from `ZeroedMemory`:
/// an empty bucket is all zero bytes, a bucket stores its slot plus one) and
/// starts a migration. From then on every insert and remove first moves the
/// next `migrationStepBucketCount` buckets of the old buffer into the new one,
/// and new entries go to the new buffer; a lookup probes the new buffer and,
/// only on a miss while migrating, the old one. No single change ever moves
/// more than `migrationStepBucketCount` entries, so the writer never rehashes
/// a whole table at once.
///
/// The old buffer never shifts while it drains: a migrated bucket and an
/// entry removed from it become tombstones, which a lookup there steps over,
/// so every probe run in it stays whole and no entry is found twice. Its empty
/// buckets stay empty, so a probe there always ends. The new buffer is a plain
/// table: backward-shift deletion, no tombstones. The old buffer is freed when
/// the last of its buckets has moved.
///
/// Migration always ends before the new buffer needs to grow. Growth starts at
/// the insert that finds `count` at the old buffer's capacity, 3B/4 for B
/// buckets; that insert and each later change move 8 of the B old buckets, so
/// after B/8 changes the old buffer is empty. Those changes add at most B/8
/// entries: at most 3B/4 + B/8 = 7B/8 entries in the new buffer of 2B
/// buckets (load 7/16), below its capacity of 3B/2. (`beginGrowth` checks it.)
///
/// The old buffer and the migration cursor hang off the new buffer, so the
/// index itself stays four words (the tables that hold indexes are copied by
/// value) and a lookup that hits reads nothing of the migration.
///
/// Copy-on-write: the buffers are shared between copies; the first change to
/// a copy that shares them copies both, bucket for bucket, and the copy goes
/// on migrating from where the original was. The buffers are sized to the
/// entries, so the copy costs memory in proportion to them.
struct HashIndex: @unchecked Sendable {
    // @unchecked: buckets are written only through a uniquely referenced
    // buffer (`makeUnique()` first), and the old buffer of a migration is
    // referenced only by the new one; a shared buffer is only read.

    private struct Bucket {
        /// Low 32 bits of the key's hash: the home bucket and a cheap filter.
        var hash: UInt32
        /// The slot plus one; 0 when the bucket is empty, `tombstone` for a
        /// moved or removed entry of the old buffer during a migration.
        var storedValue: UInt32
    }

    /// Never a slot plus one (slots are at most `Int32.max`).
    private static let tombstone = UInt32.max

    /// Old buckets moved per insert or remove while migrating: one cache line.
    static let migrationStepBucketCount = 8

    /// One block of buckets, freed with the last index that uses it.
    private final class Buffer {
        let buckets: UnsafeMutablePointer<Bucket>
        let bucketCount: Int
        /// While this buffer takes over the entries of a full one: that one.
        var draining: Buffer?
        /// Buckets of `draining` below this index have moved (or were empty).
        var migratedBucketCount = 0
        /// The buffer the next growth will move into, made ahead (see `insert`).
        var spare: Buffer?

        init(bucketCount: Int) {
            precondition(bucketCount >= 16 && bucketCount & (bucketCount - 1) == 0, "a power of two, at least 16")
            self.bucketCount = bucketCount
            let byteCount = bucketCount * MemoryLayout<Bucket>.stride
            buckets = ZeroedMemory.allocate(byteCount: byteCount).bindMemory(to: Bucket.self, capacity: bucketCount)
            // Probes read buckets at random: an untouched page would map the
            // shared zero page and fault again, with a TLB shootdown, at its
            // first write. Committed up front (off this thread), it does not.
            if byteCount >= ZeroedMemory.mappingThresholdBytes {
                PageCommitter.shared.commit(UnsafeRawPointer(buckets), byteCount: byteCount)
            }
        }

        /// A bucket-for-bucket copy of `other` and of the buffer it drains.
        convenience init(copying other: Buffer) {
            self.init(bucketCount: other.bucketCount)
            buckets.update(from: other.buckets, count: bucketCount)
            if let draining = other.draining {
                assert(draining.draining == nil, "one migration at a time")
                self.draining = Buffer(copying: draining)
                migratedBucketCount = other.migratedBucketCount
            }
        }

        deinit {
            ZeroedMemory.deallocate(UnsafeMutableRawPointer(buckets), byteCount: bucketCount * MemoryLayout<Bucket>.stride)
        }
    }

    /// The buffer that takes new entries.
    private var buffer: Buffer
    /// `buffer.buckets`, kept here so a lookup follows one pointer, not two.
    private var buckets: UnsafeMutablePointer<Bucket>
    private var mask: Int
    /// Entries in both buffers.
    private(set) var count = 0

    /// An empty index that holds `capacity` entries before it first grows.
    init(capacity: Int = 12) {
        precondition(capacity >= 0 && capacity <= Int(Int32.max))
        buffer = Buffer(bucketCount: Self.bucketCount(forCapacity: capacity))
        buckets = buffer.buckets
        mask = buffer.bucketCount - 1
    }

    /// Buckets in the buffer that takes new entries (a power of two, at least 16).
    var bucketCount: Int { mask + 1 }

    /// Whether an old buffer is still being drained.
    var isMigrating: Bool { buffer.draining != nil }

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
            if bucket.storedValue == 0 {
                guard let draining = buffer.draining else { return nil }
                return Self.findDraining(draining.buckets, mask: draining.bucketCount - 1, tag: tag, matches: matches)
            }
            let value = Int32(bitPattern: bucket.storedValue &- 1)
            if bucket.hash == tag && matches(value) { return value }
            index = (index + 1) & mask
        }
    }

    /// `find` in the old buffer of a migration, stepping over tombstones.
    @inline(never)
    private static func findDraining(
        _ buckets: UnsafeMutablePointer<Bucket>, mask: Int, tag: UInt32, matches: (Int32) -> Bool
    ) -> Int32? {
        var index = Int(tag) & mask
        while true {
            let bucket = buckets[index]
            if bucket.storedValue == 0 { return nil }
            if bucket.storedValue != tombstone && bucket.hash == tag {
                let value = Int32(bitPattern: bucket.storedValue &- 1)
                if matches(value) { return value }
            }
            index = (index + 1) & mask
        }
    }

    /// Files `value` under `hash`; the caller ensures no equal key is present.
    mutating func insert(hash: UInt64, value: Int32) {
        precondition(value >= 0)
        makeUnique()
        if isMigrating { migrateStep() }
        if count + 1 > capacity {
            beginGrowth()
            migrateStep()
        }
        place(Bucket(hash: UInt32(truncatingIfNeeded: hash), storedValue: UInt32(value) + 1))
        count += 1
        assert(count <= capacity)
        // At load 9/16 (three quarters of the way to growth), make the buffer
        // of the next growth, so its pages are committed well before the
        // growth moves entries into it.
        if count >= capacity / 4 * 3 && buffer.spare == nil && !isMigrating
            && bucketCount * MemoryLayout<Bucket>.stride >= ZeroedMemory.mappingThresholdBytes / 2
        {
            buffer.spare = Buffer(bucketCount: 2 * bucketCount)
        }
    }

    /// Removes the entry for `value` filed under `hash`, if present.
    mutating func remove(hash: UInt64, value: Int32) {
        precondition(value >= 0)
        makeUnique()
        if isMigrating { migrateStep() }
        let tag = UInt32(truncatingIfNeeded: hash)
        let stored = UInt32(value) + 1
        if removeShifting(tag: tag, stored: stored) || removeDraining(tag: tag, stored: stored) {
            count -= 1
            assert(count >= 0)
        }
    }

    /// Removes `stored` from the current buffer, shifting later members of its
    /// probe run back into the hole; false if it is not there.
    private mutating func removeShifting(tag: UInt32, stored: UInt32) -> Bool {
        var hole = Int(tag) & mask
        while buckets[hole].storedValue != stored {
            if buckets[hole].storedValue == 0 { return false }
            hole = (hole + 1) & mask
        }
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
        return true
    }

    /// Turns `stored` in the old buffer into a tombstone; false if it is not
    /// there (or there is no migration).
    private mutating func removeDraining(tag: UInt32, stored: UInt32) -> Bool {
        guard let draining = buffer.draining else { return false }
        let oldBuckets = draining.buckets
        let oldMask = draining.bucketCount - 1
        var index = Int(tag) & oldMask
        while oldBuckets[index].storedValue != stored {
            if oldBuckets[index].storedValue == 0 { return false }
            index = (index + 1) & oldMask
        }
        assert(index >= buffer.migratedBucketCount, "a moved bucket is a tombstone")
        oldBuckets[index].storedValue = Self.tombstone
        return true
    }

    private mutating func place(_ bucket: Bucket) {
        var index = Int(bucket.hash) & mask
        while buckets[index].storedValue != 0 { index = (index + 1) & mask }
        buckets[index] = bucket
    }

    /// Makes the full buffer the old one and gives new entries one twice its size.
    private mutating func beginGrowth() {
        precondition(!isMigrating, "a migration ends before its new buffer fills (see the type's comment)")
        assert(count == capacity)
        let full = buffer
        buffer = full.spare ?? Buffer(bucketCount: 2 * bucketCount)
        full.spare = nil
        buffer.draining = full
        buckets = buffer.buckets
        mask = buffer.bucketCount - 1
    }

    /// Moves the next `migrationStepBucketCount` old buckets; frees the old
    /// buffer after its last.
    private mutating func migrateStep() {
        guard let draining = buffer.draining else { return }
        let oldBuckets = draining.buckets
        let start = buffer.migratedBucketCount
        let end = min(start + Self.migrationStepBucketCount, draining.bucketCount)
        for index in start..<end {
            let stored = oldBuckets[index].storedValue
            if stored != 0 && stored != Self.tombstone {
                place(oldBuckets[index])
                oldBuckets[index].storedValue = Self.tombstone
            }
        }
        buffer.migratedBucketCount = end
        if end == draining.bucketCount {
            buffer.draining = nil
            buffer.migratedBucketCount = 0
        }
    }

    /// Gives this index buffers of its own before a change, copying both if it
    /// shares them. (Only the new buffer references the old one, so the old is
    /// unique when the new one is.)
    @inline(__always)
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&buffer) {
            buffer = Buffer(copying: buffer)
            buckets = buffer.buckets
        }
    }

    /// Checks the whole structure (tests): the count, no tombstone in the
    /// current buffer, none but tombstones and empties below the migration
    /// cursor, and every entry reachable from its home bucket.
    func checkInvariants() {
        var entries = 0
        for index in 0..<bucketCount where buckets[index].storedValue != 0 {
            precondition(buckets[index].storedValue != Self.tombstone, "a tombstone in the current buffer")
            precondition(Self.runIsWhole(buckets, mask: mask, to: index), "an entry cut off from its home")
            entries += 1
        }
        if let draining = buffer.draining {
            precondition(draining.draining == nil, "one migration at a time")
            let oldBuckets = draining.buckets
            let oldMask = draining.bucketCount - 1
            let migratedBucketCount = buffer.migratedBucketCount
            for index in 0...oldMask where oldBuckets[index].storedValue != 0 {
                if oldBuckets[index].storedValue == Self.tombstone { continue }
                precondition(index >= migratedBucketCount, "an entry below the migration cursor")
                precondition(Self.runIsWhole(oldBuckets, mask: oldMask, to: index), "an old entry cut off from its home")
                entries += 1
            }
        }
        precondition(entries == count && count <= capacity, "count \(count), entries \(entries)")
    }

    /// Whether no empty bucket lies between the home of the entry at `index` and it.
    private static func runIsWhole(_ buckets: UnsafeMutablePointer<Bucket>, mask: Int, to index: Int) -> Bool {
        var probe = Int(buckets[index].hash) & mask
        while probe != index {
            if buckets[probe].storedValue == 0 { return false }
            probe = (probe + 1) & mask
        }
        return true
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
