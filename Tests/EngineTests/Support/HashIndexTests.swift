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
}
