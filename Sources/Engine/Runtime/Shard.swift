import Foundation

/// One shard: a state machine owned by one writer thread, its bounded queue,
/// its journal, and the release of results once their batch is durable.
///
/// The writer loop: drain the queue; for each batch of at most
/// `commandsPerBatchMax` submissions, stamp the time, tick (`advanceTime`),
/// apply every command, hand the logged ones to the journal, and queue the
/// replies for release. It goes on to the next batch while the journal writes.
final class Shard: @unchecked Sendable {
    let index: Int
    let queue: SubmissionQueue
    let eventLog: EventLog
    private let releases: ReleaseQueue
    private let journal: Journal
    private let clock: BatchClock
    private let limits: Limits
    private let stoppedSignal = DispatchSemaphore(value: 0)
    private let haltLock = Lock()
    private var haltReason: String?
    private var stopped = false

    /// Touched only by the writer thread.
    private var machine: StateMachine
    /// The last batch timestamp; batch time never goes back, even if the clock does.
    private var lastTimestamp: Int64 = 0

    init(index: Int, machine: StateMachine, journal: Journal, clock: BatchClock) {
        self.index = index
        self.machine = machine
        self.limits = machine.limits
        self.journal = journal
        self.clock = clock
        queue = SubmissionQueue(capacity: machine.limits.shardQueueCapacity)
        eventLog = EventLog(capacity: machine.limits.retainedEventsPerShardMax)
        releases = ReleaseQueue(eventLog: eventLog)
    }

    func start() {
        let thread = Thread { [self] in
            runWriterLoop()
            stoppedSignal.signal()
        }
        thread.name = "holdfast-shard-\(index)"
        thread.start()
    }

    /// Stops taking work, applies what is queued, and returns once the writer
    /// has exited. Replies still waiting for the journal are released as it completes.
    func stop() {
        queue.stop()
        let alreadyStopped = haltLock.withLock {
            defer { stopped = true }
            return stopped
        }
        if !alreadyStopped { stoppedSignal.wait() }
    }

    /// Why the shard stopped accepting writes, if it did (journal failure).
    var writesHaltedReason: String? { haltLock.withLock { haltReason } }

    var pendingReleaseCount: Int { releases.pendingCount }

    private func runWriterLoop() {
        var drained: [Submission] = []
        while queue.drain(into: &drained) {
            var start = 0
            while start < drained.count {
                let end = min(start + limits.commandsPerBatchMax, drained.count)
                applyBatch(drained[start..<end])
                start = end
            }
            drained.removeAll(keepingCapacity: true)
        }
    }

    private func applyBatch(_ submissions: ArraySlice<Submission>) {
        let timestamp = max(clock.nowNanoseconds(), lastTimestamp, machine.now)
        lastTimestamp = timestamp
        let halted = writesHaltedReason
        var records: [LogRecord] = []
        var replies: [ReleaseQueue.Reply] = []
        replies.reserveCapacity(submissions.count)

        if halted == nil {
            let tick = machine.apply(.advanceTime, at: timestamp)
            if let lsn = tick.lsn { records.append(LogRecord(lsn: lsn, timestamp: timestamp, command: .advanceTime)) }
        }
        for submission in submissions {
            switch submission {
            case .command(let command, let completion):
                if let halted, command.isMutation {
                    replies.append((completion, .failure(.journalFailure(reason: halted))))
                    continue
                }
                let applied = machine.apply(command, at: timestamp)
                if let lsn = applied.lsn {
                    records.append(LogRecord(lsn: lsn, timestamp: timestamp, command: command))
                }
                replies.append((completion, applied.outcome))
            case .inspect(let body):
                body(machine)
            }
        }
        var events: [Event] = []
        swap(&events, &machine.events)

        let ticket = releases.enqueue(replies: replies, events: events, needsDurability: !records.isEmpty)
        guard !records.isEmpty else { return }
        journal.append(records) { [self] result in
            if case .failure(let error) = result {
                haltLock.withLock { if haltReason == nil { haltReason = error.reason } }
            }
            releases.complete(ticket, result)
        }
    }
}
