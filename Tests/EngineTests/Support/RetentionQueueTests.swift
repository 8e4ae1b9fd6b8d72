import Testing

@testable import Engine

/// `RetentionQueue` against an array: pushes and pops around the ring, below
/// and past the capacity it was sized for, and after copies.
@Suite struct RetentionQueueTests {
    @Test(arguments: [1, 2, 3, 4])
    func matchesAnArray(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var queue = RetentionQueue(capacity: 5)
        var model: [RetentionQueue.Entry] = []
        var copies: [(RetentionQueue, [RetentionQueue.Entry])] = []
        var timestamp: Int64 = 0
        for step in 0..<2_000 {
            // Mostly balanced, so the ring wraps many times; sometimes a run of pushes past the capacity.
            let pushes = random.next() % 50 == 0 ? 12 : Int(random.next() % 2)
            for _ in 0..<pushes {
                timestamp += 1
                let entry = RetentionQueue.Entry(timestamp: timestamp, slot: Int32(timestamp % 1_000))
                queue.push(entry)
                model.append(entry)
            }
            if random.next() % 2 == 0, !model.isEmpty {
                #expect(queue.popFront() == model.removeFirst(), "seed \(seed) step \(step)")
            }
            if step % 97 == 0 { copies.append((queue, model)) }
            #expect(queue.count == model.count && queue.front == model.first, "seed \(seed) step \(step)")
        }
        #expect(queue.entries == model, "seed \(seed)")
        for (copy, entries) in copies { #expect(copy.entries == entries, "seed \(seed): a copy changed") }
    }

    @Test func restoredQueueKeepsItsEntriesAndOrder() {
        let entries = (0..<10).map { RetentionQueue.Entry(timestamp: Int64($0), slot: Int32($0)) }
        var queue = RetentionQueue(entries: entries, capacity: 10)
        #expect(queue.entries == entries)
        queue.push(RetentionQueue.Entry(timestamp: 10, slot: 10))
        #expect(queue.popFront() == entries[0])
        #expect(queue.entries == Array(entries.dropFirst()) + [RetentionQueue.Entry(timestamp: 10, slot: 10)])
    }
}
