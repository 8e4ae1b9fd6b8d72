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
                index.checkInvariants()
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

    /// Random inserts, removes and lookups against a dictionary over many
    /// doublings and back down, with removes during migrations and hashes
    /// whose home buckets sit at the end of the table (runs wrap around).
    @Test(arguments: [11, 12, 13, 14])
    func matchesADictionaryAcrossGrowthAndMigration(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var index = HashIndex()
        var model: [Int32: UInt64] = [:]  // slot → hash
        var live: [Int32] = []
        var nextSlot: Int32 = 0
        var migrationsSeen = 0
        var removesWhileMigrating = 0
        for step in 0..<60_000 {
            // Phases: fill to ~8k entries (ten doublings), drain, fill again.
            let filling = (step / 20_000) % 2 == 0
            let roll = random.next() % 100
            if model.isEmpty || roll < (filling ? 70 : 30) {
                let hash = Self.hash(random.next())
                index.insert(hash: hash, value: nextSlot)
                model[nextSlot] = hash
                live.append(nextSlot)
                nextSlot += 1
            } else {
                let position = Int(random.next() % UInt64(live.count))
                let victim = live.swapRemoveAt(position)
                if index.isMigrating { removesWhileMigrating += 1 }
                let hash = model[victim]!
                index.remove(hash: hash, value: victim)
                model[victim] = nil
                #expect(index.find(hash: hash) { $0 == victim } == nil, "seed \(seed) step \(step)")
            }
            if index.isMigrating { migrationsSeen += 1 }
            let probe = live.isEmpty ? nil : live[Int(random.next() % UInt64(live.count))]
            if let probe {
                #expect(index.find(hash: model[probe]!) { $0 == probe } == probe, "seed \(seed) step \(step)")
            }
            if step % 997 == 0 || step == 59_999 {
                index.checkInvariants()
                #expect(index.count == model.count, "seed \(seed) step \(step)")
                for (slot, hash) in model {
                    #expect(index.find(hash: hash) { $0 == slot } == slot, "seed \(seed) step \(step): slot \(slot) lost")
                }
            }
        }
        #expect(index.bucketCount >= 16_384, "grew through ten doublings")
        #expect(migrationsSeen > 0 && removesWhileMigrating > 0, "seed \(seed)")
    }

    /// Every slot is found while a migration is under way and after it; the
    /// Past 64 Ki buckets (512 KiB) the index makes the buffer of its next
    /// growth at load 9/16 and moves into it at 3/4; a copy of the index
    /// shares nothing it will change, and both keep every entry.
    @Test func growsIntoABufferMadeAhead() {
        var index = HashIndex()
        var slot: Int32 = 0
        func hash(_ slot: Int32) -> UInt64 { UInt64(slot) &* 0x9E37_79B9_7F4A_7C15 }
        while index.bucketCount < 1 << 18 {
            index.insert(hash: hash(slot), value: slot)
            slot += 1
            if slot == 40_000 {
                // A copy taken while a spare exists grows on its own.
                var copy = index
                copy.insert(hash: hash(1_000_000), value: 1_000_000)
                #expect(copy.count == index.count + 1)
                #expect(index.find(hash: hash(1_000_000)) { $0 == 1_000_000 } == nil)
            }
        }
        while index.isMigrating {
            index.insert(hash: hash(slot), value: slot)
            slot += 1
        }
        index.checkInvariants()
        #expect(index.count == Int(slot))
        for probe in stride(from: Int32(0), to: slot, by: 97) {
            #expect(index.find(hash: hash(probe)) { $0 == probe } == probe)
        }
    }

    /// migration ends within bucketCount/8 changes and frees the old buffer.
    @Test func migrationEndsWithinItsBound() {
        var index = HashIndex(capacity: 3_000)
        #expect(index.bucketCount == 4_096)
        var slot: Int32 = 0
        while !index.isMigrating {
            index.insert(hash: Self.hash(UInt64(slot)), value: slot)
            slot += 1
        }
        #expect(slot == 3_073 && index.bucketCount == 8_192)
        var changes = 1
        while index.isMigrating {
            index.insert(hash: Self.hash(UInt64(slot)), value: slot)
            slot += 1
            changes += 1
            if changes % 64 == 0 {
                index.checkInvariants()
                for found in Int32(0)..<slot { #expect(index.find(hash: Self.hash(UInt64(found))) { $0 == found } == found) }
            }
        }
        #expect(changes == 4_096 / HashIndex.migrationStepBucketCount)
        index.checkInvariants()
        for found in Int32(0)..<slot { #expect(index.find(hash: Self.hash(UInt64(found))) { $0 == found } == found) }
    }

    /// Removes during a migration of entries still in the old buffer leave the
    /// other members of their probe runs findable (no shifting there), also
    /// when the run wraps from the last bucket to the first.
    @Test func removesDuringMigrationAcrossTheWrap() {
        // Every entry's home is bucket 60 of 64: one run, 60...63 then 0...
        func hash(_ slot: Int32) -> UInt64 { 60 + UInt64(slot) << 32 }
        var index = HashIndex(capacity: 48)
        #expect(index.bucketCount == 64)
        for slot in Int32(0)..<48 { index.insert(hash: hash(slot), value: slot) }
        #expect(!index.isMigrating)
        index.insert(hash: hash(48), value: 48)  // starts the migration
        #expect(index.isMigrating)
        var present = Set(Int32(0)...48)
        // Old positions: slot 0 at 60, slot 3 at 63, slot 4 at 0, slot 47 at 43.
        for victim: Int32 in [1, 3, 30, 47, 20, 0, 46] {
            #expect(index.isMigrating)
            index.remove(hash: hash(victim), value: victim)
            present.remove(victim)
            index.checkInvariants()
            for slot in Int32(0)...48 {
                #expect((index.find(hash: hash(slot)) { $0 == slot } != nil) == present.contains(slot), "slot \(slot)")
            }
        }
        index.remove(hash: hash(2), value: 2)
        present.remove(2)
        #expect(!index.isMigrating)
        index.checkInvariants()
        #expect(index.count == present.count)
        for slot in present { #expect(index.find(hash: hash(slot)) { $0 == slot } == slot) }
    }

    /// A copy shares both buffers until one side changes; copies taken in the
    /// middle of a migration go on migrating independently.
    @Test(arguments: [21, 22, 23])
    func copiesTakenMidMigrationAreIndependent(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var original = HashIndex()
        var originalModel: [Int32: UInt64] = [:]
        var slot: Int32 = 0
        while !(original.isMigrating && originalModel.count > 3_000) {
            let hash = Self.hash(random.next())
            original.insert(hash: hash, value: slot)
            originalModel[slot] = hash
            slot += 1
        }
        var copy = original
        var copyModel = originalModel
        #expect(copy.isMigrating)
        func change(_ index: inout HashIndex, _ model: inout [Int32: UInt64]) {
            if random.next() % 3 == 0, let victim = model.keys.randomElement(using: &random) {
                index.remove(hash: model[victim]!, value: victim)
                model[victim] = nil
            } else {
                let hash = Self.hash(random.next())
                index.insert(hash: hash, value: slot)
                model[slot] = hash
                slot += 1
            }
        }
        // Both sides change, interleaved, until both migrations have ended.
        for step in 0..<4_000 {
            change(&original, &originalModel)
            change(&copy, &copyModel)
            if step % 500 == 0 || step == 3_999 {
                for (index, model) in [(original, originalModel), (copy, copyModel)] {
                    index.checkInvariants()
                    #expect(index.count == model.count)
                    for (slot, hash) in model { #expect(index.find(hash: hash) { $0 == slot } == slot, "seed \(seed)") }
                }
                for (slot, hash) in originalModel where copyModel[slot] == nil {
                    #expect(copy.find(hash: hash) { $0 == slot } == nil, "seed \(seed): the copy sees the original's change")
                }
            }
        }
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

    /// Spreads a test number over all 64 bits, as `StableHasher` would.
    static func hash(_ value: UInt64) -> UInt64 {
        var mixed = value &+ 0x9E37_79B9_7F4A_7C15
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

extension Array {
    /// Removes the element at `position` in O(1), moving the last one into its place.
    fileprivate mutating func swapRemoveAt(_ position: Int) -> Element {
        swapAt(position, count - 1)
        return removeLast()
    }
}
