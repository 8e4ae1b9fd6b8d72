/// Holds each batch's replies and events until the journal says the batch is
/// durable, then releases batches strictly in order: replies to their callers,
/// events to the shard's event log. A batch that logged nothing still waits for
/// every earlier batch, so no reply reveals state that is not yet durable.
final class ReleaseQueue: @unchecked Sendable {
    typealias Reply = (completion: Completion, outcome: Outcome)

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
    }

    private let lock = Lock()
    private var batches: [PendingBatch] = []
    private var head = 0
    private var nextTicket: UInt64 = 0
    private let eventLog: EventLog

    init(eventLog: EventLog) {
        self.eventLog = eventLog
    }

    /// Adds a batch; one that logged nothing is durable as soon as its predecessors are.
    func enqueue(replies: [Reply], events: [Event], needsDurability: Bool) -> UInt64 {
        let ticket = lock.withLock {
            let ticket = nextTicket
            nextTicket += 1
            batches.append(
                PendingBatch(
                    ticket: ticket, replies: replies, events: events,
                    durability: needsDurability ? .pending : .durable))
            return ticket
        }
        if !needsDurability { flush() }
        return ticket
    }

    /// Records the journal's verdict on a batch and releases what is ready.
    func complete(_ ticket: UInt64, _ result: Result<Void, JournalError>) {
        lock.withLock {
            guard let position = batches[head...].firstIndex(where: { $0.ticket == ticket }) else {
                preconditionFailure("journal completed an unknown batch \(ticket)")
            }
            switch result {
            case .success: batches[position].durability = .durable
            case .failure(let error): batches[position].durability = .failed(error)
            }
        }
        flush()
    }

    /// Batches not yet released.
    var pendingCount: Int { lock.withLock { batches.count - head } }

    private func flush() {
        var ready: [Reply] = []
        lock.withLock {
            while head < batches.count {
                let batch = batches[head]
                switch batch.durability {
                case .pending:
                    compact()
                    return
                case .durable:
                    eventLog.append(contentsOf: batch.events)
                    ready.append(contentsOf: batch.replies)
                case .failed(let error):
                    let failure = EngineError.journalFailure(reason: error.reason)
                    ready.append(contentsOf: batch.replies.map { ($0.completion, .failure(failure)) })
                }
                batches[head] = PendingBatch(ticket: batch.ticket, replies: [], events: [], durability: .durable)
                head += 1
            }
            compact()
        }
        for reply in ready { reply.completion(reply.outcome) }
    }

    private func compact() {
        if head > 64 && head * 2 > batches.count {
            batches.removeFirst(head)
            head = 0
        }
    }
}
