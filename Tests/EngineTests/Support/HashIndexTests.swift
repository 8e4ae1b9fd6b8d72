import Testing

@testable import Engine

/// `HashIndex` against a plain dictionary: random inserts and removals with
/// deliberately colliding hashes (few distinct home buckets), so probe runs
/// are long and wrap around the end of the table.
@Suite struct HashIndexTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func matchesADictionaryUnderCollisions(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var index = HashIndex()
        var model: [Int32: UInt64] = [:]  // slot → hash
        var live: [Int32] = []
        var nextSlot: Int32 = 0
        for step in 0..<6_000 {
            let roll = random.next() % 10
            if roll < 6 || model.isEmpty {
                // Hashes from a small set of home buckets, some near the table's end.
                let hash = (random.next() % 8) &* 0x1_0000_0001 &+ (random.next() % 2 == 0 ? 15 : 1)
                index.insert(hash: hash, value: nextSlot)
                model[nextSlot] = hash
                live.append(nextSlot)
                nextSlot += 1
            } else {
                let position = Int(random.next() % UInt64(live.count))
                let victim = live.remove(at: position)
                index.remove(hash: model[victim]!, value: victim)
                model[victim] = nil
            }
            if step % 211 == 0 || step == 5_999 {
                #expect(index.count == model.count, "seed \(seed) step \(step)")
                for (slot, hash) in model {
                    let found = index.find(hash: hash) { $0 == slot }
                    #expect(found == slot, "seed \(seed) step \(step): slot \(slot) lost")
                }
                let absent = index.find(hash: 12_345) { _ in true }
                #expect(absent == nil || model[absent!] != nil, "seed \(seed): found a removed slot")
            }
        }
    }

    /// Sized for its capacity, the index never moves to another buffer while
    /// filling up to it; past it, it grows and keeps every entry.
    @Test func fillsToItsCapacityWithoutGrowingAndGrowsPastIt() {
        var index = HashIndex(capacity: 1_000)
        let bucketCount = index.bucketCount
        #expect(bucketCount == 2_048)
        for slot in Int32(0)..<1_000 {
            index.insert(hash: UInt64(slot) &* 0x9E37_79B9_7F4A_7C15, value: slot)
        }
        #expect(index.bucketCount == bucketCount)
        for slot in Int32(1_000)..<3_000 {
            index.insert(hash: UInt64(slot) &* 0x9E37_79B9_7F4A_7C15, value: slot)
        }
        #expect(index.bucketCount > bucketCount)
        for slot in Int32(0)..<3_000 {
            #expect(index.find(hash: UInt64(slot) &* 0x9E37_79B9_7F4A_7C15) { $0 == slot } == slot)
        }
    }

    /// A copy shares the buckets until one side changes; the side that changes
    /// gets buckets of its own sized to its entries, and the other is untouched.
    @Test func copiesAreIndependent() {
        var original = HashIndex(capacity: 100_000)
        for slot in Int32(0)..<100 { original.insert(hash: UInt64(slot) &* 31, value: slot) }
        var copy = original
        copy.remove(hash: 5 &* 31, value: 5)
        copy.insert(hash: 1_000 &* 31, value: 1_000)
        #expect(copy.bucketCount < original.bucketCount, "the copy is sized to its entries")
        #expect(original.find(hash: 5 &* 31) { $0 == 5 } == 5)
        #expect(original.find(hash: 1_000 &* 31) { $0 == 1_000 } == nil)
        #expect(copy.find(hash: 5 &* 31) { $0 == 5 } == nil)
        #expect(copy.find(hash: 1_000 &* 31) { $0 == 1_000 } == 1_000)
        original.insert(hash: 2_000 &* 31, value: 2_000)
        #expect(copy.find(hash: 2_000 &* 31) { $0 == 2_000 } == nil)
        #expect(original.count == 101 && copy.count == 100)
        // The copy, once full, grows straight back to the capacity it was sized for.
        for slot in Int32(3_000)..<3_200 { copy.insert(hash: UInt64(slot) &* 31, value: slot) }
        #expect(copy.bucketCount == original.bucketCount)
        for slot in Int32(0)..<100 where slot != 5 { #expect(copy.find(hash: UInt64(slot) &* 31) { $0 == slot } == slot) }
    }

    /// Slot 0 and the largest slot survive the slot-plus-one encoding of a bucket.
    @Test func storesTheExtremeSlots() {
        var index = HashIndex()
        index.insert(hash: 7, value: 0)
        index.insert(hash: 7, value: Int32.max - 1)
        #expect(index.find(hash: 7) { $0 == 0 } == 0)
        #expect(index.find(hash: 7) { $0 == Int32.max - 1 } == Int32.max - 1)
        index.remove(hash: 7, value: 0)
        #expect(index.find(hash: 7) { $0 == 0 } == nil)
        #expect(index.find(hash: 7) { $0 == Int32.max - 1 } == Int32.max - 1)
    }
}
