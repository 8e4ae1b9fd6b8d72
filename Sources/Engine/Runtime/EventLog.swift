/// A page of a shard's event stream.
public struct EventPage: Sendable, Equatable {
    public var events: [Event]
    /// LSN of the oldest event still retained (0 when none is); a follower that
    /// asked for an older position has missed events and must resynchronise.
    public var oldestRetainedLSN: UInt64
    /// LSN of the newest durable event (0 when none).
    public var newestLSN: UInt64
}

/// The durable events of one shard, the newest `capacity` of them, for
/// followers of the change stream. Events enter only once their batch is durable.
public final class EventLog: @unchecked Sendable {
    private let lock = Lock()
    private var ring: [Event] = []
    private var head = 0
    private let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
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
                }
            }
        }
    }

    /// Up to `limit` events with LSN greater than `afterLSN`, oldest first.
    public func events(after afterLSN: UInt64, limit: Int) -> EventPage {
        lock.withLock {
            let count = ring.count
            func event(at offset: Int) -> Event { ring[(head + offset) % max(count, 1)] }
            guard count > 0 else { return EventPage(events: [], oldestRetainedLSN: 0, newestLSN: 0) }
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) / 2
                if event(at: middle).lsn <= afterLSN { low = middle + 1 } else { high = middle }
            }
            let end = min(count, low + max(limit, 0))
            return EventPage(
                events: (low..<end).map(event(at:)), oldestRetainedLSN: event(at: 0).lsn,
                newestLSN: event(at: count - 1).lsn)
        }
    }
}
