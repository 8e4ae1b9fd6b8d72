import Foundation

/// Called once with a command's outcome, after its batch is durable. It may
/// run on a shard's writer thread or the journal's, one completion at a time
/// per shard: it must return quickly and never wait for another command.
public typealias Completion = @Sendable (Outcome) -> Void

/// One item in a shard's queue: a command with its completion, a group of
/// commands with one completion, or a read of the whole state run on the
/// writer thread between commands.
enum Submission: Sendable {
    /// A command, its caller, `Preparation.of` it (worked out by the submitter), and what to call with its outcome.
    case command(Command, Caller, Preparation, Completion)
    case group(CommandGroup)
    case inspect(@Sendable (StateMachine) -> Void)

    /// Commands it carries: what the queue's capacity and a batch's size count.
    var weight: Int {
        switch self {
        case .command: 1
        case .group(let group): group.commands.count
        case .inspect: 1
        }
    }
}

/// A shard's bounded inbound queue: many producers, one consumer (the writer).
/// Producers append under a lock; the writer swaps the whole pending array out
/// in one step, so a drain costs one lock round trip however many items wait.
/// Capacity counts commands (a group counts each of its commands).
final class SubmissionQueue: @unchecked Sendable {
    private let lock = Lock()
    private var pending: [Submission] = []
    private var pendingWeight = 0
    private var stopped = false
    let capacity: Int

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// Queues one submission, or answers why not (`busy`, `shuttingDown`).
    /// `headroom` lets a few submissions past a full queue (inspections such
    /// as snapshots, which must not starve under sustained overload).
    func push(_ submission: Submission, headroom: Int = 0) -> EngineError? {
        let weight = submission.weight
        return lock.withLock {
            if stopped { return .shuttingDown }
            // One submission always fits an empty queue, however many commands it carries.
            if pendingWeight + weight > capacity + headroom && !pending.isEmpty { return .busy }
            pending.append(submission)
            pendingWeight += weight
            if pending.count == 1 { lock.broadcast() }
            return nil
        }
    }

    /// Queues all submissions or none.
    func push(contentsOf submissions: [Submission]) -> EngineError? {
        lock.withLock {
            if stopped { return .shuttingDown }
            if pendingWeight + submissions.count > capacity { return .busy }
            let wasEmpty = pending.isEmpty
            pending.append(contentsOf: submissions)
            pendingWeight += submissions.count
            if wasEmpty { lock.broadcast() }
            return nil
        }
    }

    /// What a drain found.
    enum DrainResult {
        /// Work was moved into the buffer.
        case drained
        /// Nothing arrived within the timeout.
        case idle
        /// The queue is stopped and empty.
        case stopped
    }

    /// Waits up to `timeoutSeconds` for work, then moves all of it into `buffer`
    /// (which must be empty).
    func drain(into buffer: inout [Submission], timeoutSeconds: Double) -> DrainResult {
        precondition(buffer.isEmpty)
        lock.lock()
        defer { lock.unlock() }
        if pending.isEmpty && !stopped {
            lock.wait(until: Date(timeIntervalSinceNow: timeoutSeconds)) { !pending.isEmpty || stopped }
        }
        if pending.isEmpty { return stopped ? .stopped : .idle }
        swap(&pending, &buffer)
        pendingWeight = 0
        return .drained
    }

    /// Refuses new work; the writer drains what is queued and then stops.
    func stop() {
        lock.withLock {
            stopped = true
            lock.broadcast()
        }
    }

    /// Commands waiting.
    var depth: Int { lock.withLock { pendingWeight } }
}
