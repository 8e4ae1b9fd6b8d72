/// A first-in, first-out ring of (timestamp, slot) entries, used to purge
/// retained records in the order they finished. Timestamps are pushed in
/// non-decreasing order (batch time never goes back), so the front is always
/// the oldest. Grows by doubling; in steady state it does not allocate.
struct RetentionQueue: Sendable {
    struct Entry: Sendable, Equatable {
        var timestamp: Int64
        var slot: Int32
    }

    private(set) var storage: ContiguousArray<Entry>
    private var head = 0
    private(set) var count = 0

    init(initialCapacity: Int = 16) {
        storage = ContiguousArray(repeating: Entry(timestamp: 0, slot: noSlot), count: max(initialCapacity, 1))
    }

    var isEmpty: Bool { count == 0 }

    var front: Entry? { count == 0 ? nil : storage[head] }

    mutating func push(_ entry: Entry) {
        if count == storage.count { grow() }
        storage[(head + count) % storage.count] = entry
        count += 1
    }

    @discardableResult
    mutating func popFront() -> Entry? {
        guard count > 0 else { return nil }
        let entry = storage[head]
        head = (head + 1) % storage.count
        count -= 1
        return entry
    }

    /// The entries oldest first (for encoding and invariant checks).
    var entries: [Entry] {
        (0..<count).map { storage[(head + $0) % storage.count] }
    }

    private mutating func grow() {
        var larger = ContiguousArray(repeating: Entry(timestamp: 0, slot: noSlot), count: storage.count * 2)
        for offset in 0..<count {
            larger[offset] = storage[(head + offset) % storage.count]
        }
        storage = larger
        head = 0
    }
}

extension RetentionQueue {
    /// A queue holding `entries`, oldest first (as restored from an encoding).
    init(entries: [Entry]) {
        self.init(initialCapacity: max(entries.count, 16))
        for (position, entry) in entries.enumerated() { storage[position] = entry }
        count = entries.count
    }
}
