/// Called once with a command's outcome, after its batch is durable.
public typealias Completion = @Sendable (Outcome) -> Void

/// One item in a shard's queue: a command with its completion, or a read of the
/// whole state run on the writer thread between commands.
enum Submission: Sendable {
    case command(Command, Completion)
    case inspect(@Sendable (StateMachine) -> Void)
}

/// A shard's bounded inbound queue: many producers, one consumer (the writer).
/// Producers append under a lock; the writer swaps the whole pending array out
/// in one step, so a drain costs one lock round trip however many items wait.
final class SubmissionQueue: @unchecked Sendable {
    private let lock = Lock()
    private var pending: [Submission] = []
    private var stopped = false
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Queues one submission, or answers why not (`busy`, `shuttingDown`).
    func push(_ submission: Submission) -> EngineError? {
        lock.withLock {
            if stopped { return .shuttingDown }
            if pending.count >= capacity { return .busy }
            pending.append(submission)
            if pending.count == 1 { lock.broadcast() }
            return nil
        }
    }

    /// Queues all submissions or none.
    func push(contentsOf submissions: [Submission]) -> EngineError? {
        lock.withLock {
            if stopped { return .shuttingDown }
            if pending.count + submissions.count > capacity { return .busy }
            let wasEmpty = pending.isEmpty
            pending.append(contentsOf: submissions)
            if wasEmpty { lock.broadcast() }
            return nil
        }
    }

    /// Blocks until work is pending, then moves all of it into `buffer` (which
    /// must be empty). Returns false once stopped and empty.
    func drain(into buffer: inout [Submission]) -> Bool {
        precondition(buffer.isEmpty)
        lock.lock()
        defer { lock.unlock() }
        lock.wait { !pending.isEmpty || stopped }
        if pending.isEmpty { return false }
        swap(&pending, &buffer)
        return true
    }

    /// Refuses new work; the writer drains what is queued and then stops.
    func stop() {
        lock.withLock {
            stopped = true
            lock.broadcast()
        }
    }

    var depth: Int { lock.withLock { pending.count } }
}
