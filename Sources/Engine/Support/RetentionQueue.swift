/// A first-in, first-out ring of (timestamp, slot) entries, used to purge
/// retained records in the order they finished. Timestamps are pushed in
/// non-decreasing order (batch time never goes back), so the front is always
/// the oldest.
///
/// The ring holds `ringCapacity` entries (the owner's limit), reserved up
/// front as lazily committed memory: the storage array is filled by appending
/// until the ring first wraps, so no pass initialises it and it never
/// reallocates. Past the limit the ring doubles.
struct RetentionQueue: Sendable {
    struct Entry: Sendable, Equatable {
        var timestamp: Int64
        var slot: Int32
    }

    /// The ring's positions written so far: every position below `ringCapacity`
    /// once the ring has wrapped, before that the first `storage.count`.
    private(set) var storage: ContiguousArray<Entry> = []
    private var ringCapacity: Int
    private var head = 0
    private(set) var count = 0

    init(capacity: Int = 16) {
        ringCapacity = max(capacity, 1)
        storage.reserveCapacity(ringCapacity)
    }

    var isEmpty: Bool { count == 0 }

    var front: Entry? { count == 0 ? nil : storage[head] }

    mutating func push(_ entry: Entry) {
        if count == ringCapacity { grow() }
        let position = (head + count) % ringCapacity
        // Positions are written in ring order, so the next one is at most one past the written part.
        assert(position <= storage.count)
        if position == storage.count {
            if storage.count == storage.capacity { storage.reserveCapacity(ringCapacity) }
            storage.append(entry)
        } else {
            storage[position] = entry
        }
        count += 1
    }

    @discardableResult
    mutating func popFront() -> Entry? {
        guard count > 0 else { return nil }
        let entry = storage[head]
        head = (head + 1) % ringCapacity
        count -= 1
        return entry
    }

    /// The entries oldest first (for encoding and invariant checks).
    var entries: [Entry] {
        (0..<count).map { storage[(head + $0) % ringCapacity] }
    }

    /// Doubles the ring (only past the capacity it was sized for).
    private mutating func grow() {
        var larger: ContiguousArray<Entry> = []
        larger.reserveCapacity(ringCapacity * 2)
        for offset in 0..<count {
            larger.append(storage[(head + offset) % ringCapacity])
        }
        storage = larger
        ringCapacity *= 2
        head = 0
    }
}

extension RetentionQueue {
    /// A queue of `capacity` entries holding `entries`, oldest first (as
    /// restored from an encoding).
    init(entries: [Entry], capacity: Int) {
        self.init(capacity: max(capacity, entries.count))
        storage.append(contentsOf: entries)
        count = entries.count
    }
}
