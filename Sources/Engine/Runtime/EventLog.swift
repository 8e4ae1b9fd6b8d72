/// A page of a shard's event stream.
public struct EventPage: Sendable, Equatable {
    /// Whole LSNs only: a page never ends part-way through the events of one LSN.
    public var events: [Event]
    /// The oldest LSN whose events are all still retained (0 when none is). A
    /// follower whose position is below `oldestRetainedLSN − 1` has missed
    /// events and must resynchronise.
    public var oldestRetainedLSN: UInt64
    /// LSN of the newest durable event (0 when none).
    public var newestLSN: UInt64

    public init(events: [Event], oldestRetainedLSN: UInt64, newestLSN: UInt64) {
        self.events = events
        self.oldestRetainedLSN = oldestRetainedLSN
        self.newestLSN = newestLSN
    }
}

/// The durable events of one shard, the newest `capacity` of them, for
/// followers of the change stream. Events enter only once their batch is durable.
public final class EventLog: @unchecked Sendable {
    private let lock = Lock()
    private var ring: [Event] = []
    private var head = 0
    /// Whether the ring has overwritten events (so its oldest LSN may be partial).
    private var wrapped = false
    /// Events up to this LSN may be missing (a batch whose outcome was unknown).
    private var missingThroughLSN: UInt64 = 0
    private let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Forgets every retained event and records that events up to `lsn` may
    /// be missing, so followers behind it learn they must resynchronise. Used
    /// when a batch failed but may still become durable (a journal that retries).
    func markGap(through lsn: UInt64) {
        lock.withLock {
            ring.removeAll()
            head = 0
            wrapped = false
            missingThroughLSN = max(missingThroughLSN, lsn)
        }
    }

    func append(contentsOf events: [Event]) {
        guard !events.isEmpty else { return }
        lock.withLock {
            for event in events {
                if ring.count < capacity {
                    ring.append(event)
                } else {
                    ring[head] = event
                    head = (head + 1) % capacity
                    wrapped = true
                }
            }
        }
    }

    /// Events with LSN greater than `afterLSN`, oldest first: at least `limit`
    /// of them when there are, extended to the end of the last LSN taken.
    public func events(after afterLSN: UInt64, limit: Int) -> EventPage {
        lock.withLock {
            let count = ring.count
            guard count > 0 else {
                let floor = missingThroughLSN
                return EventPage(events: [], oldestRetainedLSN: floor == 0 ? 0 : floor + 1, newestLSN: floor)
            }
            func event(at offset: Int) -> Event { ring[(head + offset) % count] }
            // After a wrap the oldest LSN may have lost events: skip it.
            var firstComplete = 0
            if wrapped {
                while firstComplete < count && event(at: firstComplete).lsn == event(at: 0).lsn { firstComplete += 1 }
            }
            guard firstComplete < count else {
                return EventPage(events: [], oldestRetainedLSN: event(at: count - 1).lsn + 1, newestLSN: event(at: count - 1).lsn)
            }
            var low = firstComplete
            var high = count
            while low < high {
                let middle = (low + high) / 2
                if event(at: middle).lsn <= afterLSN { low = middle + 1 } else { high = middle }
            }
            var end = low + min(count - low, max(limit, 0))
            while end > low && end < count && event(at: end).lsn == event(at: end - 1).lsn { end += 1 }
            return EventPage(
                events: (low..<end).map(event(at:)), oldestRetainedLSN: event(at: firstComplete).lsn,
                newestLSN: event(at: count - 1).lsn)
        }
    }
}
