import CHoldfastSupport
import Foundation

/// One shard: a state machine owned by one writer thread, its bounded queue,
/// its journal, and the release of results once their batch is durable.
///
/// The writer loop: drain the queue; for each batch of at most
/// `commandsPerBatchMax` submissions, stamp the time, tick (`advanceTime`),
/// apply every command, hand the logged ones to the journal, and queue the
/// replies for release. It goes on to the next batch while the journal writes,
/// but keeps at most `journalBatchesInFlightMax` batches in the journal: then it
/// waits, the queue fills, and callers get `busy`. An idle shard still ticks
/// every `idleTickIntervalMilliseconds`, so holds expire without traffic.
final class Shard: @unchecked Sendable {
    /// Batches (each at most `commandsPerBatchMax` replies) waiting for release
    /// at most; then the writer waits. Read-only batches do not wait for the
    /// journal, so without this bound they could pile up behind a slow write.
    static let releaseBacklogMax = 16

    let index: Int
    let queue: SubmissionQueue
    let eventLog: EventLog
    /// Counters for metrics: written by the writer thread, read by anyone.
    let metrics: ShardMetrics
    private let releases: ReleaseQueue
    private let journal: Journal
    private let clock: BatchClock
    private let limits: Limits
    private let stoppedSignal = DispatchSemaphore(value: 0)
    /// Guards `haltReason`, `stopped` and `batchesInFlight`.
    private let stateLock = Lock()
    private var haltReason: String?
    private var stopped = false
    private var batchesInFlight = 0

    /// Guards `machine`, `notDurable` and `writerExited`: the writer holds it
    /// while it applies a batch, a read without the queue while it answers,
    /// so neither sees a batch half applied. Never held across a log write;
    /// a read gives up rather than wait for the writer.
    private let stateAccess = StateLock()
    /// Changed by the writer thread only, read under `stateAccess` by direct reads.
    private var machine: StateMachine
    /// Batches applied and not yet durable: what direct reads must not show.
    private var notDurable = AppliedNotDurable()
    private var writerExited = false
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
        metrics = ShardMetrics(shardIndex: index, commandsPerBatchMax: machine.limits.commandsPerBatchMax)
        metrics.publishActiveReservations(machine.reservations.activeCount)
        releases = ReleaseQueue(eventLog: eventLog, failureIsSticky: !journal.resumesAfterFailure)
    }

    /// Starts the writer thread at `nice` (0: the process's own); returns
    /// why the nice value could not be set, if it could not (lowering it
    /// takes CAP_SYS_NICE or a matching RLIMIT_NICE).
    func start(nice: Int32 = 0) -> String? {
        let name = "hf-shard-\(index)"
        let started = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var refusal: String?
        let thread = Thread { [self] in
            nameCurrentThread(name)
            if nice != 0, holdfast_set_thread_nice(nice) != 0 {
                refusal = "\(name): cannot set nice \(nice) (errno \(errno)); the writer runs at the process's priority"
            }
            started.signal()
            runWriterLoop()
            stoppedSignal.signal()
        }
        thread.name = name
        thread.start()
        started.wait()
        return refusal
    }

    /// Stops taking work, applies what is queued, and returns once the writer
    /// has exited and every batch it handed to the journal has been answered.
    func stop() {
        queue.stop()
        let alreadyStopped = stateLock.withLock {
            defer { stopped = true }
            return stopped
        }
        if !alreadyStopped { stoppedSignal.wait() }
    }

    /// Why the shard stopped accepting writes, if it did (journal failure). A
    /// journal that retries lifts the halt itself once its writes succeed again.
    var writesHaltedReason: String? {
        if journal.resumesAfterFailure { return journal.writesHaltedReason }
        return stateLock.withLock { haltReason }
    }

    var pendingReleaseCount: Int { releases.pendingCount }

    private func runWriterLoop() {
        var drained: [Submission] = []
        let idleInterval = UInt64(limits.idleTickIntervalMilliseconds) * 1_000_000
        var lastBatchAt = monotonicNanoseconds()
        var journalDue = journal.serviceTimers(nowNanoseconds: lastBatchAt)
        while true {
            // Wake for work, for the idle tick, or when the journal's timed
            // work (a periodic sync, a retry) is due, whichever comes first.
            let now = monotonicNanoseconds()
            var wakeAt = lastBatchAt &+ idleInterval
            if let journalDue { wakeAt = min(wakeAt, journalDue) }
            // With writes in flight that only this thread collects, it looks
            // for work without sleeping, and waits on the disk instead.
            let collecting = journal.hasWritesInFlight
            let timeout = wakeAt > now && !collecting ? Double(wakeAt - now) / 1e9 : 0
            switch queue.drain(into: &drained, timeoutSeconds: timeout) {
            case .stopped:
                waitForJournal(below: 1)
                stateAccess.withWriterLock { writerExited = true }
                return
            case .idle where collecting:
                journal.collectCompletions(waiting: true)
            case .idle:
                let woke = monotonicNanoseconds()
                if woke &- lastBatchAt >= idleInterval {
                    applyBatch([], commands: 0)
                    lastBatchAt = woke
                }
            case .drained:
                // Batches of at most `commandsPerBatchMax` commands; a group
                // is never split, so one may end a batch past the bound.
                var start = 0
                var weight = 0
                for index in drained.indices {
                    weight += drained[index].weight
                    if weight >= limits.commandsPerBatchMax {
                        applyBatch(drained[start...index], commands: weight)
                        start = index + 1
                        weight = 0
                    }
                }
                if start < drained.count { applyBatch(drained[start...], commands: weight) }
                drained.removeAll(keepingCapacity: true)
                lastBatchAt = monotonicNanoseconds()
                journal.collectCompletions(waiting: false)
            }
            journalDue = journal.serviceTimers(nowNanoseconds: monotonicNanoseconds())
        }
    }

    /// Applies one batch and hands its replies on.
    ///
    /// Queries that come before the batch's first change see only state that
    /// earlier batches left, so their replies are released at once, before
    /// the batch's own write and fdatasync (in order behind any earlier batch
    /// still waiting for the journal). Queries after a change see it, so they
    /// wait for the batch to be durable like the change. A query that would
    /// show a change whose batch failed in the journal, and is not yet
    /// durable, is refused (`UndurableChanges`).
    private func applyBatch(_ submissions: ArraySlice<Submission>, commands: Int) {
        let startedAt = submissions.isEmpty ? 0 : monotonicNanoseconds()
        // Waits for room for this batch's two releases (early and durable)
        // before taking the state lock, which direct reads wait for.
        while releases.pendingCount >= Shard.releaseBacklogMax - 1 && journal.hasWritesInFlight {
            journal.collectCompletions(waiting: true)
        }
        releases.waitUntilPending(below: Shard.releaseBacklogMax - 1)
        stateAccess.lockAsWriter()
        let timestamp = max(clock.nowNanoseconds(), lastTimestamp, machine.now)
        lastTimestamp = timestamp
        let halted = writesHaltedReason
        if halted == nil && journal.resumesAfterFailure {
            releases.forgetUndurableChanges()
            notDurable.removeFailed()
        }
        var purged = false
        var records: [LogRecord] = []
        var early: [ReleaseQueue.Reply] = []
        var replies: [ReleaseQueue.Reply] = []
        replies.reserveCapacity(submissions.count)

        if halted == nil {
            let tick = machine.apply(.advanceTime, at: timestamp)
            if let lsn = tick.lsn { records.append(LogRecord(lsn: lsn, timestamp: timestamp, command: .advanceTime)) }
            if case .success(.tick(let report)) = tick.outcome { purged = report.purgedRecords > 0 }
        }
        for submission in submissions {
            switch submission {
            case .command(let command, let caller, let prepared, let completion):
                let aheadOfChanges = records.isEmpty && replies.isEmpty
                let outcome = apply(
                    command, by: caller, at: timestamp, halted: halted, received: nil, prepared: prepared,
                    logging: &records)
                if aheadOfChanges && records.isEmpty {
                    early.append(.single(completion, outcome))
                } else {
                    replies.append(.single(completion, outcome))
                }
            case .group(let group):
                let aheadOfChanges = records.isEmpty && replies.isEmpty
                group.outcomes.reserveCapacity(group.commands.count)
                for (index, command) in group.commands.enumerated() {
                    let received = group.received.map { $0.bytes[$0.ranges[index]] }
                    group.outcomes.append(
                        apply(
                            command, by: group.caller, at: timestamp, halted: halted, received: received,
                            prepared: group.preparations[index], logging: &records))
                }
                if aheadOfChanges && records.isEmpty {
                    early.append(.group(group))
                } else {
                    replies.append(.group(group))
                }
            case .inspect(let body):
                body(machine)
            }
        }
        let events = machine.events
        machine.events.removeAll(keepingCapacity: true)
        let sequence = records.isEmpty ? nil : notDurable.add(events: events, purged: purged)
        metrics.publishActiveReservations(machine.reservations.activeCount)
        stateAccess.unlockAsWriter()

        if commands > 0 { metrics.batchSizes.recordFromOwner(UInt64(commands)) }
        if !early.isEmpty { _ = releases.enqueue(replies: early, events: [], needsDurability: false) }
        guard !replies.isEmpty || !records.isEmpty else { return }
        Shard.checkConsecutive(records)

        let ticket = releases.enqueue(replies: replies, events: events, needsDurability: !records.isEmpty)
        guard let sequence else { return }
        waitForJournal(below: limits.journalBatchesInFlightMax)
        stateLock.withLock { batchesInFlight += 1 }
        let durableLatency = metrics.batchDurableLatencyNanoseconds
        journal.append(records) { [self] result in
            if startedAt != 0, case .success = result {
                durableLatency.record(monotonicNanoseconds() &- startedAt)
            }
            stateLock.withLock {
                if case .failure(let error) = result, haltReason == nil { haltReason = error.reason }
                batchesInFlight -= 1
                stateLock.broadcast()
            }
            // Before the replies go: a client told its change is durable
            // may read it back at once, without the queue. After a failure
            // that fails every later batch, no batch leaves.
            let durable = if case .success = result { !releases.failsEveryBatch } else { false }
            stateAccess.withWriterLock {
                if durable { notDurable.remove(sequence) } else { notDurable.markFailed(sequence) }
            }
            releases.complete(ticket, result)
        }
    }

    /// Answers a query from the state as it is now, without the queue, if
    /// its answer cannot show a change that is not yet durable; nil if it
    /// must go through the queue instead (a change it reads is still being
    /// written or its write failed, records were purged by a batch still
    /// being written, the writer is applying a batch, the shard has stopped,
    /// or `command` changes state).
    ///
    /// Such an answer shows every change acknowledged before it was asked,
    /// and none that is not durable — the same as a queued query, which
    /// would also wait for the batch being written. Several queries are
    /// answered all under one hold of the lock, or none (nil); answered ones
    /// are counted like queued commands. Called on any thread.
    func read(_ commands: [Command], by caller: Caller) -> [Outcome]? {
        for command in commands {
            guard !command.isMutation, releases.undurableRefusal(of: command) == nil else { return nil }
        }
        return stateAccess.withReaderLockIfWriterIdle { () -> [Outcome]? in
            guard !writerExited else { return nil }
            var outcomes: [Outcome] = []
            outcomes.reserveCapacity(commands.count)
            for command in commands {
                guard !notDurable.mayShowChange(to: command) else { return nil }
                let outcome = machine.apply(command, at: machine.now, by: caller).outcome
                if notDurable.hasPurges {
                    switch (command, outcome) {
                    case (.listOrders, _), (_, .failure(.unknownReservation)), (_, .failure(.unknownCart)),
                        (_, .failure(.unknownOrder)):
                        return nil
                    default: break
                    }
                }
                outcomes.append(outcome)
            }
            // The writer bumps the same counters only under `stateAccess`.
            for (command, outcome) in zip(commands, outcomes) {
                metrics.count(row: metrics.row(of: command), outcome)
                metrics.countReadWithoutQueue()
            }
            return outcomes
        }
    }

    /// Applies one command of the batch (or refuses it: a mutation while
    /// writes are halted, a query that would show a change not yet durable),
    /// counts it, and adds its log record if it changed state.
    @inline(__always)
    private func apply(
        _ command: Command, by caller: Caller, at timestamp: Int64, halted: String?, received: ArraySlice<UInt8>?,
        prepared: Preparation = .none, logging records: inout [LogRecord]
    ) -> Outcome {
        let row = metrics.row(of: command)
        if command.isMutation {
            if let halted {
                let refusal = EngineError.journalFailure(reason: halted)
                metrics.countFailure(row: row, refusal)
                return .failure(refusal)
            }
        } else if let unknown = releases.undurableRefusal(of: command) {
            let refusal = EngineError.journalFailure(reason: unknown)
            metrics.countFailure(row: row, refusal)
            return .failure(refusal)
        }
        let applied = machine.apply(command, at: timestamp, by: caller, prepared: prepared)
        if let lsn = applied.lsn {
            records.append(
                LogRecord(lsn: lsn, timestamp: timestamp, command: command, caller: caller, receivedPayload: received))
        }
        if case .success = applied.outcome {
            metrics.countSuccess(row: row)
        } else {
            metrics.count(row: row, applied.outcome)
        }
        return applied.outcome
    }

    /// Traps unless a batch's records carry consecutive LSNs: the journal writes
    /// them as one frame, and recovery checks the same on the way back in.
    static func checkConsecutive(_ records: [LogRecord]) {
        guard var previous = records.first?.lsn else { return }
        for record in records.dropFirst() {
            precondition(record.lsn == previous + 1, "log records out of order: \(record.lsn) after \(previous)")
            previous = record.lsn
        }
    }

    /// Blocks the writer until fewer than `limit` batches are in the journal
    /// (collecting the journal's finished writes itself, if it must).
    private func waitForJournal(below limit: Int) {
        while stateLock.withLock({ batchesInFlight >= limit }) && journal.hasWritesInFlight {
            journal.collectCompletions(waiting: true)
        }
        stateLock.lock()
        stateLock.wait { batchesInFlight < limit }
        stateLock.unlock()
    }
}
