import Engine
import Foundation
import Synchronization

/// A node's shards with their durable storage: opens (or creates) a data
/// directory, recovers every shard, starts the shard runtime on the recovered
/// state with one `SegmentJournal` per shard, takes snapshots (periodic and on
/// demand) and applies retention. The composition root for `holdfast serve`,
/// the operator commands and the crash tests.
public final class DurableNode: @unchecked Sendable {
    public struct Options: Sendable {
        public var journal = JournalOptions()
        /// Take a snapshot of a shard once this many log bytes were written since its last one.
        public var snapshotEveryLogBytes = 256 << 20
        /// ... or once this much time passed with writes since its last one (0: never by time).
        public var snapshotIntervalSeconds: Double = 3_600
        /// Snapshots kept per shard; log segments older than the oldest kept one are deleted.
        public var snapshotsRetained = 2
        /// The shard writers' nice value (see `ShardRuntime.init`); 0 keeps the process's.
        public var writerNice: Int32 = 0
        /// Start past corruption before the log's tail (see `Recovery.Options`).
        public var acceptCorruption = false
        public var faults: StorageFaults?
        /// Told, on a journal's I/O thread, when a shard's writes halt after a
        /// log failure and when they resume (`holdfast serve` logs them).
        public var journalEvents: JournalEventHandler?

        public init() {}

        public var durability: Durability {
            get { journal.durability }
            set { journal.durability = newValue }
        }
    }

    public let path: String
    public let runtime: ShardRuntime
    public let shardCount: Int
    public let limits: Limits
    public let options: Options
    public let recovery: [ShardRecoveryReport]
    /// What an operator should know (I/O fallbacks, cut tails).
    public let notes: [String]
    /// When this node was opened, wall clock, ns since the epoch.
    public let openedAtNanoseconds: Int64
    /// Per shard: snapshot counters (empty with durability none).
    private let snapshotCounters: [SnapshotMetrics]

    private let journals: [SegmentJournal]
    /// Whether the shards' logs must have a `LOG-EXTENT` record (data directory version 2 on).
    private let logExtentRequired: Bool
    private let lock: DirectoryLock?
    private let snapshotWorker = BackgroundWorker(name: "hf-snapshot-io")
    private let scheduleLock = NSLock()
    private var lastSnapshotTime: [Double]
    /// Per shard, why its last scheduled snapshot failed and when (nil once one succeeds).
    private var snapshotFailures: [Int: (reason: String, at: Double)] = [:]
    private var scheduler: Thread?
    private let schedulerExited = DispatchSemaphore(value: 0)
    private var stopping = false
    /// Set once shutdown starts, read without a lock: a snapshot's rebuild gives up on it.
    private let shutdownStarted = Atomic<Bool>(false)
    private var isShuttingDown: Bool { shutdownStarted.load(ordering: .relaxed) }
    private var isShutDown = false
    /// Snapshots between `beginSnapshot` and `endSnapshot`; shutdown waits for them.
    private var snapshotsInFlight = 0
    private let snapshotsDone = NSCondition()

    /// Opens the node. With durability `none` nothing touches the disk.
    /// - Parameters:
    ///   - shardCount: for a new data directory; an existing one keeps its own.
    ///   - limits: must match the data directory's in everything that affects replay.
    public init(
        path: String, shardCount: Int = ShardRuntime.defaultShardCount, limits: Limits = .standard,
        options: Options = Options(), clock: BatchClock = SystemBatchClock(),
        progress: (@Sendable (String) -> Void)? = nil
    ) throws(PersistenceError) {
        self.path = path
        self.options = options
        self.limits = limits
        openedAtNanoseconds = Int64(Date().timeIntervalSince1970 * 1e9)
        guard options.snapshotsRetained >= 1 else { throw .invalidRequest(reason: "keep at least one snapshot") }
        if let problem = options.journal.problem() { throw .invalidRequest(reason: problem) }

        if options.durability == .none {
            self.shardCount = shardCount
            runtime = ShardRuntime(shardCount: shardCount, limits: limits, clock: clock, writerNice: options.writerNice)
            journals = []
            logExtentRequired = false
            lock = nil
            recovery = []
            notes = ["durability none: memory only, nothing is written to \(path)"] + runtime.startNotes
            lastSnapshotTime = []
            snapshotCounters = []
            return
        }

        let opened = try DataDirectory.openOrCreate(path, shardCount: shardCount, limits: limits)
        try opened.check(limits: limits)
        let lock = try opened.lock()
        self.lock = lock
        let directory: DataDirectory
        let recovered: [DurableNode.RecoveredShard]
        do {
            directory = try opened.upgradedIfNeeded()
            recovered = try DurableNode.recoverShards(of: directory, limits: limits, options: options, progress: progress)
        } catch {
            lock.release()
            throw error
        }
        self.shardCount = directory.shardCount
        logExtentRequired = directory.requiresLogExtent
        let count = directory.shardCount
        let states = recovered.map(\.state)
        let reports = recovered.map(\.report)
        let ends = recovered.map(\.end)
        var journals: [SegmentJournal] = []
        var notes: [String] = []
        do {
            for shard in 0..<count {
                let journal = try SegmentJournal(
                    directory: directory.shardPath(shard), shardIndex: shard, shardCount: count, limits: limits,
                    position: ends[shard], options: options.journal, faults: options.faults,
                    events: options.journalEvents)
                journals.append(journal)
                notes.append(contentsOf: journal.notes.map { "shard \(shard): \($0)" })
            }
        } catch {
            for journal in journals { journal.close() }
            lock.release()
            throw error
        }
        for report in reports {
            if let cut = report.cut { notes.append("shard \(report.shardIndex): \(cut)") }
            for rejected in report.rejectedSnapshots { notes.append("shard \(report.shardIndex): skipped snapshot: \(rejected)") }
            if let missing = report.missingSegments { notes.append("shard \(report.shardIndex): \(missing)") }
        }
        self.journals = journals
        self.recovery = reports
        snapshotCounters = reports.map { SnapshotMetrics(recoveredSnapshotAt: $0.snapshot?.createdAt) }
        lastSnapshotTime = Array(repeating: Date().timeIntervalSince1970, count: count)
        let startedJournals = journals
        runtime = ShardRuntime(
            shardCount: count, limits: limits, clock: clock, states: states,
            journalForShard: { startedJournals[$0] }, writerNice: options.writerNice)
        self.notes = Array(Set(notes + runtime.startNotes)).sorted()
        startScheduler()
    }

    // MARK: Snapshots

    /// Takes a snapshot of `shard` now, at the LSN of its last applied
    /// command: once the log is durable through it, the state at that LSN is
    /// rebuilt from the shard's files (newest snapshot, then the log) and
    /// encoded and written on the snapshot thread; the writer only answers
    /// with its LSN. Then applies retention.
    public func snapshot(shard: Int) async throws(PersistenceError) -> SnapshotInfo {
        guard options.durability != .none else { throw .invalidRequest(reason: "durability none keeps no snapshots") }
        guard (0..<shardCount).contains(shard) else { throw .invalidRequest(reason: "no shard \(shard)") }
        guard beginSnapshot() else { throw .invalidRequest(reason: "the node is shutting down") }
        defer { endSnapshot() }
        let started = DispatchTime.now().uptimeNanoseconds
        do {
            let info = try await takeSnapshot(shard: shard)
            snapshotCounters[shard].recordSuccess(
                createdAt: info.createdAt, durationNanoseconds: DispatchTime.now().uptimeNanoseconds - started)
            return info
        } catch {
            snapshotCounters[shard].recordFailure()
            throw error
        }
    }

    private func takeSnapshot(shard: Int) async throws(PersistenceError) -> SnapshotInfo {
        // Read first: at most the bytes of records through the snapshot's LSN.
        let bytesBefore = journals[shard].bytesSinceMark
        guard let lsn = await runtime.inspect(shard: shard, { $0.lastLSN }) else { throw Self.unanswered(shard) }
        let rebuilt = try await onSnapshotThread { [self] () throws(PersistenceError) -> SnapshotInfo? in
            try waitUntilDurable(shard: shard, lsn: lsn)
            let state: StateMachine
            do {
                state = try Recovery.rebuildRunningShard(
                    directory: DataDirectory.shardPath(in: path, shard), shardIndex: shard, shardCount: shardCount,
                    limits: limits, throughLSN: lsn, logExtentRequired: logExtentRequired,
                    isCancelled: { self.isShuttingDown })
            } catch {
                if isShuttingDown { throw .invalidRequest(reason: "the node is shutting down") }
                return nil
            }
            return try writeSnapshot(state, shard: shard, coveringLogBytes: bytesBefore)
        }
        if let rebuilt { return rebuilt }
        // The files do not reach the LSN (the newest snapshots are damaged and
        // the log before them is gone): copy the writer's state instead, which
        // makes the writer duplicate each table it changes next; the new
        // snapshot lets later ones be rebuilt again.
        let bytesBeforeCopy = journals[shard].bytesSinceMark
        guard let state = await runtime.inspect(shard: shard, { $0 }) else { throw Self.unanswered(shard) }
        return try await onSnapshotThread { [self] () throws(PersistenceError) -> SnapshotInfo in
            try waitUntilDurable(shard: shard, lsn: state.lastLSN)
            return try writeSnapshot(state, shard: shard, coveringLogBytes: bytesBeforeCopy)
        }
    }

    private static func unanswered(_ shard: Int) -> PersistenceError {
        .invalidRequest(reason: "shard \(shard) did not answer: it is shutting down, or its queue is full even past the room kept for inspections")
    }

    /// Runs `job` on the snapshot thread and returns what it returns.
    private func onSnapshotThread<Value: Sendable>(
        _ job: @escaping @Sendable () throws(PersistenceError) -> Value
    ) async throws(PersistenceError) -> Value {
        let result: Result<Value, PersistenceError> = await withCheckedContinuation { continuation in
            let queued = snapshotWorker.async {
                continuation.resume(returning: Result { () throws(PersistenceError) in try job() })
            }
            if !queued { continuation.resume(returning: .failure(.invalidRequest(reason: "the node is shutting down"))) }
        }
        return try result.get()
    }

    /// Snapshots of every shard, one after another.
    public func snapshotAll() async throws(PersistenceError) -> [SnapshotInfo] {
        var infos: [SnapshotInfo] = []
        for shard in 0..<shardCount { infos.append(try await snapshot(shard: shard)) }
        return infos
    }

    /// Waits until the log of `shard` is durable through `lsn`.
    private func waitUntilDurable(shard: Int, lsn: UInt64) throws(PersistenceError) {
        let journal = journals[shard]
        guard journal.waitUntilSynced(lsn, timeoutSeconds: 60) else {
            throw .invalidRequest(reason: "shard \(shard): log not durable through LSN \(lsn) after 60 s (\(journal.writesHaltedReason ?? "slow disk"))")
        }
    }

    /// Writes the snapshot of `state` (durable in the log) and applies
    /// retention; `logBytes` (read before the state's LSN was taken) no
    /// longer count towards the next scheduled snapshot.
    private func writeSnapshot(
        _ state: StateMachine, shard: Int, coveringLogBytes logBytes: Int
    ) throws(PersistenceError) -> SnapshotInfo {
        let directory = DataDirectory.shardPath(in: path, shard)
        let journal = journals[shard]
        // At a capped rate, so the log's syncs do not carry it; a shutdown does not wait for the cap.
        let info = try SnapshotFile.write(
            state, shardIndex: shard, shardCount: shardCount, directory: directory,
            pacing: .besideLiveLog(bytesPerSecond: options.journal.backgroundWriteBytesPerSecond),
            hurry: { self.isShuttingDown })
        journal.resetBytesSinceMark(by: logBytes)
        scheduleLock.withLock { lastSnapshotTime[shard] = Date().timeIntervalSince1970 }
        try Retention.apply(
            directory: directory, keepSnapshots: options.snapshotsRetained,
            currentSegment: journal.currentSegmentSequence)
        return info
    }

    /// Counts a snapshot in, unless the node is stopping.
    private func beginSnapshot() -> Bool {
        snapshotsDone.lock()
        defer { snapshotsDone.unlock() }
        guard !scheduleLock.withLock({ stopping }) else { return false }
        snapshotsInFlight += 1
        return true
    }

    private func endSnapshot() {
        snapshotsDone.lock()
        snapshotsInFlight -= 1
        snapshotsDone.broadcast()
        snapshotsDone.unlock()
    }

    private func startScheduler() {
        let exited = schedulerExited
        let thread = Thread { [weak self] in
            nameCurrentThread("hf-snapshots")
            defer { exited.signal() }
            while let node = self, !node.scheduleLock.withLock({ node.stopping }) {
                node.snapshotIfDue()
                Thread.sleep(forTimeInterval: 0.25)
            }
        }
        thread.name = "hf-snapshots"
        scheduler = thread
        thread.start()
    }

    private func snapshotIfDue() {
        let now = Date().timeIntervalSince1970
        for shard in 0..<shardCount {
            let written = journals[shard].bytesSinceMark
            let last = scheduleLock.withLock { lastSnapshotTime[shard] }
            let dueByBytes = written >= options.snapshotEveryLogBytes
            let dueByTime = options.snapshotIntervalSeconds > 0 && written > 0 && now - last >= options.snapshotIntervalSeconds
            let failedRecently = scheduleLock.withLock { snapshotFailures[shard].map { now - $0.at < 10 } ?? false }
            guard (dueByBytes || dueByTime) && !failedRecently else { continue }
            let done = DispatchSemaphore(value: 0)
            Task {
                do {
                    _ = try await self.snapshot(shard: shard)
                    self.scheduleLock.withLock { self.snapshotFailures[shard] = nil }
                } catch {
                    // Retried after 10 s; visible through `scheduledSnapshotProblems`.
                    self.scheduleLock.withLock { self.snapshotFailures[shard] = ("\(error)", now) }
                }
                done.signal()
            }
            done.wait()
        }
    }

    // MARK: State

    /// Shards whose last scheduled snapshot failed, with the reason.
    public var scheduledSnapshotProblems: [Int: String] {
        scheduleLock.withLock { snapshotFailures.mapValues(\.reason) }
    }

    /// The journal of each shard (statistics, halt reasons); empty with durability none.
    public var shardJournals: [SegmentJournal] { journals }

    /// A shard's journal counters (fsync latency, bytes written); nil with
    /// durability none or for a shard that does not exist.
    public func journalMetrics(shard: Int) -> JournalMetrics? {
        journals.indices.contains(shard) ? journals[shard].metrics : nil
    }

    /// A shard's snapshot counters (last snapshot time, count, duration); nil
    /// with durability none or for a shard that does not exist.
    public func snapshotMetrics(shard: Int) -> SnapshotMetrics? {
        snapshotCounters.indices.contains(shard) ? snapshotCounters[shard] : nil
    }

    /// Stops taking work, applies and logs what is queued, syncs and closes the
    /// log, and releases the directory. Idempotent.
    public func shutdown() {
        let first = scheduleLock.withLock {
            defer { stopping = true; isShutDown = true }
            return !isShutDown
        }
        guard first else { return }
        shutdownStarted.store(true, ordering: .relaxed)
        // No new snapshots; wait for the scheduler and for snapshots under way
        // (they need the runtime and the journals), then stop the rest in
        // order: the runtime (applies and logs what is queued), the snapshot
        // worker, the journals (sync, close), and last the directory lock.
        if let scheduler, Thread.current != scheduler { schedulerExited.wait() }
        snapshotsDone.lock()
        while snapshotsInFlight > 0 { snapshotsDone.wait() }
        snapshotsDone.unlock()
        runtime.shutdown()
        snapshotWorker.waitUntilIdle()
        snapshotWorker.stop()
        for journal in journals { journal.close() }
        lock?.release()
    }

    deinit { shutdown() }
}

import Glibc
