/// The batches a shard has applied to its state whose log write is not yet
/// known to be durable: what a read served without the queue
/// (`Shard.read(_:by:)`) must not show.
///
/// A batch enters when the writer has applied it (under the shard's state
/// lock, before its write starts) and leaves when the journal reports it
/// durable. A batch whose write failed stays until the journal, retrying,
/// resumes writes (then it is durable too); until then the failure's
/// `UndurableChanges` refuse reads of it on the queued path as well.
///
/// Which reads a batch's changes show is named by keys drawn from its events
/// (`UndurableChanges.forEachKey(of:)`), as for failed batches. A tick that
/// purged retained records (finished reservations and orders, idle carts)
/// changed state without naming every record in an event, so while such a
/// batch is here an answer "unknown reservation/cart/order" and an order list
/// go through the queue.
struct AppliedNotDurable {
    private struct Batch {
        let sequence: UInt64
        let events: [Event]
        let purged: Bool
        var failed = false
    }

    /// More events than this in flight and a read goes through the queue
    /// rather than compare its keys with every one of them.
    static let comparedEventsMax = 256

    private var batches: [Batch] = []
    private var eventCount = 0
    private var nextSequence: UInt64 = 0
    private var failedCount = 0

    var isEmpty: Bool { batches.isEmpty }

    /// Whether a batch here purged records that no event names.
    var hasPurges: Bool { batches.contains { $0.purged } }

    /// Records a batch just applied; returns its sequence number for `remove`.
    mutating func add(events: [Event], purged: Bool) -> UInt64 {
        nextSequence += 1
        batches.append(Batch(sequence: nextSequence, events: events, purged: purged))
        eventCount += events.count
        return nextSequence
    }

    /// Forgets a batch now durable.
    mutating func remove(_ sequence: UInt64) {
        guard let position = batches.firstIndex(where: { $0.sequence == sequence }) else { return }
        eventCount -= batches[position].events.count
        batches.remove(at: position)
    }

    /// Keeps a batch whose write failed until `removeFailed()`.
    mutating func markFailed(_ sequence: UInt64) {
        guard let position = batches.firstIndex(where: { $0.sequence == sequence }) else { return }
        batches[position].failed = true
        failedCount += 1
    }

    /// Forgets the failed batches: the journal has made them durable since
    /// (a retrying journal resumes writes only then).
    mutating func removeFailed() {
        guard failedCount > 0 else { return }
        for batch in batches where batch.failed { eventCount -= batch.events.count }
        batches.removeAll { $0.failed }
        failedCount = 0
    }

    /// Whether the answer to the query `command` may show a change listed here
    /// (or there are too many to compare, which counts as yes).
    func mayShowChange(to command: Command) -> Bool {
        guard !batches.isEmpty else { return false }
        guard eventCount <= Self.comparedEventsMax else { return true }
        let read = UndurableChanges.keys(readBy: command)
        for batch in batches {
            for event in batch.events {
                var touched = false
                UndurableChanges.forEachKey(of: event) { key in touched = touched || read.contains(key) }
                if touched { return true }
            }
        }
        return false
    }
}
