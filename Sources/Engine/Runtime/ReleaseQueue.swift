import Synchronization

/// Holds each batch's replies and events until the journal says the batch is
/// durable, then releases batches strictly in order: replies to their callers,
/// events to the shard's event log. A batch that logged nothing still waits for
/// every earlier batch, so no reply reveals state that is not yet durable.
///
/// With a journal that gives up after a failure, failure is sticky: once a
/// batch failed, every later batch that logged something fails too, whatever
/// the journal says of it — a later batch may depend on the failed one, and
/// must not be acknowledged. A journal that retries until the failed batches
/// are durable reports later batches durable only after them, so each verdict
/// is taken as it comes. Only one thread delivers at a time, so completions
/// run in batch order.
///
/// The changes of failed batches are remembered (`UndurableChanges`) so that
/// the writer refuses reads that would show them, until the journal has made
/// them durable.
final class ReleaseQueue: @unchecked Sendable {
    /// What a batch answers: one command's completion, or a group's.
    enum Reply {
        case single(Completion, Outcome)
        case group(CommandGroup)

        func deliver() {
            switch self {
            case .single(let completion, let outcome): completion(outcome)
            case .group(let group): group.completed()
            }
        }

        /// The same reply, answered `error` instead (its batch failed).
        func failed(_ error: EngineError) -> Reply {
            switch self {
            case .single(let completion, _): return .single(completion, .failure(error))
            case .group(let group):
                group.outcomes = Array(repeating: .failure(error), count: group.commands.count)
                return .group(group)
            }
        }
    }

    private enum Durability {
        case pending
        case durable
        case failed(JournalError)
    }

    private struct PendingBatch {
        var ticket: UInt64
        var replies: [Reply]
        var events: [Event]
        var durability: Durability
        var needsDurability: Bool
    }

    private let lock = Lock()
    private var delivering = false
    private var stickyFailure: JournalError?
    private var batches: [PendingBatch] = []
    private var head = 0
    private var nextTicket: UInt64 = 0
    private let eventLog: EventLog
    private let failureIsSticky: Bool
    private var undurable = UndurableChanges()
    /// Whether `undurable` holds anything: read by the writer without the lock.
    private let hasUndurable = Atomic<Bool>(false)

    init(eventLog: EventLog, failureIsSticky: Bool = true) {
        self.eventLog = eventLog
        self.failureIsSticky = failureIsSticky
    }

    /// Adds a batch; one that logged nothing is durable as soon as its predecessors are.
    func enqueue(replies: [Reply], events: [Event], needsDurability: Bool) -> UInt64 {
        let ticket = lock.withLock {
            let ticket = nextTicket
            nextTicket += 1
            batches.append(
                PendingBatch(
                    ticket: ticket, replies: replies, events: events,
                    durability: needsDurability ? .pending : .durable, needsDurability: needsDurability))
            return ticket
        }
        if !needsDurability { flush() }
        return ticket
    }

    /// Records the journal's verdict on a batch and releases what is ready.
    func complete(_ ticket: UInt64, _ result: Result<Void, JournalError>) {
        lock.withLock {
            // A batch already failed because an earlier one failed is gone.
            guard let position = batches[head...].firstIndex(where: { $0.ticket == ticket }) else { return }
            switch result {
            case .success: batches[position].durability = .durable
            case .failure(let error): batches[position].durability = .failed(error)
            }
        }
        flush()
    }

    /// Why the writer must refuse the query `command` now (it would show a
    /// change whose batch failed and is not yet durable), or nil.
    func undurableRefusal(of command: Command) -> String? {
        guard hasUndurable.load(ordering: .acquiring) else { return nil }
        return lock.withLock { undurable.refusal(of: command) }
    }

    /// Forgets the failed batches' changes: the journal has made them durable
    /// (a retrying journal lifts its halt only then).
    func forgetUndurableChanges() {
        guard hasUndurable.load(ordering: .acquiring) else { return }
        lock.withLock {
            undurable.removeAll()
            hasUndurable.store(false, ordering: .releasing)
        }
    }

    /// Whether a failure has made every later batch fail too (a journal that
    /// gives up): then no batch is durable, whatever the journal reports.
    var failsEveryBatch: Bool { lock.withLock { stickyFailure != nil } }

    /// Batches not yet released.
    var pendingCount: Int { lock.withLock { batches.count - head } }

    /// Blocks until fewer than `limit` batches wait for release: bounds the
    /// replies held behind a batch whose write is slow (the writer waits, its
    /// queue fills, callers get `busy`).
    func waitUntilPending(below limit: Int) {
        lock.lock()
        lock.wait { batches.count - head < limit }
        lock.unlock()
    }

    /// Releases every batch that is ready, in order. If another thread is
    /// delivering, it picks up what became ready here before it stops.
    private func flush() {
        let mayDeliver = lock.withLock {
            if delivering { return false }
            delivering = true
            return true
        }
        guard mayDeliver else { return }
        while true {
            let ready: [Reply] = lock.withLock {
                let ready = takeReadyReplies()
                if ready.isEmpty { delivering = false }
                return ready
            }
            if ready.isEmpty { return }
            for reply in ready { reply.deliver() }
        }
    }

    /// Pops the released prefix of batches; call while holding the lock.
    private func takeReadyReplies() -> [Reply] {
        var ready: [Reply] = []
        while head < batches.count {
            let batch = batches[head]
            if batch.needsDurability, let failure = stickyFailure {
                rememberUndurable(batch.events, failure)
                ready.append(contentsOf: batch.replies.map { $0.failed(journalFailure(failure)) })
            } else {
                switch batch.durability {
                case .pending:
                    compact()
                    return ready
                case .durable:
                    eventLog.append(contentsOf: batch.events)
                    ready.append(contentsOf: batch.replies)
                case .failed(let error):
                    rememberUndurable(batch.events, error)
                    if failureIsSticky {
                        stickyFailure = error
                    } else if let newest = batch.events.map(\.lsn).max() {
                        // The batch may still become durable (the journal
                        // retries): its events can be neither shown nor
                        // dropped silently, so followers are told of a gap.
                        eventLog.markGap(through: newest)
                    }
                    ready.append(contentsOf: batch.replies.map { $0.failed(journalFailure(error)) })
                }
            }
            batches[head] = PendingBatch(
                ticket: batch.ticket, replies: [], events: [], durability: .durable, needsDurability: false)
            head += 1
            lock.broadcast()
        }
        compact()
        return ready
    }

    /// Call while holding the lock.
    private func rememberUndurable(_ events: [Event], _ error: JournalError) {
        guard !events.isEmpty else { return }
        undurable.add(events, reason: error.reason)
        if !undurable.isEmpty { hasUndurable.store(true, ordering: .releasing) }
    }

    private func journalFailure(_ error: JournalError) -> EngineError {
        .journalFailure(reason: error.reason)
    }

    private func compact() {
        if head > 64 && head * 2 > batches.count {
            batches.removeFirst(head)
            head = 0
        }
    }
}
