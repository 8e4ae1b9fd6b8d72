import Foundation

/// N shards, each with its own writer thread, behind one submission API that
/// callers on any thread use. Stores map to shards by a stable hash of their id.
public final class ShardRuntime: Sendable {
    public let shardCount: Int
    private let shards: [Shard]

    /// Inspections allowed past a full queue, per shard.
    public static let inspectionHeadroom = 64

    /// Cores − 1, at least 1: one core stays for network threads.
    public static var defaultShardCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount - 1) }

    /// Starts the shards' writer threads.
    /// - Parameters:
    ///   - states: each shard's starting state (from recovery); empty state when nil.
    ///   - journalForShard: the journal of each shard; in-memory when not given.
    ///   - writerNice: the writer threads' nice value (0: the process's). A
    ///     writer above the network threads is not pushed off its core each
    ///     time it wakes one of them with replies.
    public init(
        shardCount: Int = ShardRuntime.defaultShardCount, limits: Limits = .standard,
        clock: BatchClock = SystemBatchClock(), states: [StateMachine]? = nil,
        journalForShard: (Int) -> Journal = { _ in InMemoryJournal() }, writerNice: Int32 = 0
    ) {
        precondition(shardCount >= 1, "at least one shard")
        precondition(states == nil || states!.count == shardCount, "one state per shard")
        self.shardCount = shardCount
        shards = (0..<shardCount).map { index in
            Shard(
                index: index, machine: states?[index] ?? StateMachine(limits: limits),
                journal: journalForShard(index), clock: clock)
        }
        startNotes = shards.compactMap { $0.start(nice: writerNice) }
    }

    /// What starting the writers could not do as asked (a nice value refused).
    public let startNotes: [String]

    /// The shard that owns `store`: its `StableHasher` hash modulo the shard count.
    public func shardIndex(forStore store: String) -> Int {
        Int(StableHasher.hash(store) % UInt64(shardCount))
    }

    /// Queues a command on its store's shard; `completion` runs once, with the
    /// outcome after the batch is durable, or at once with `busy` / `shuttingDown`.
    public func submit(_ command: Command, caller: Caller = .service, completion: @escaping Completion) {
        guard let store = command.store else {
            completion(.failure(.invalidArgument(field: "command", reason: "advanceTime is issued by the runtime only")))
            return
        }
        let shard = shards[shardIndex(forStore: store)]
        if let refusal = shard.queue.push(.command(command, caller, Preparation.of(command), completion)) {
            shard.metrics.countRefusal(refusal)
            completion(.failure(refusal))
        }
    }

    /// Queues many commands with one queue hand-off per shard. `completion` runs
    /// once per command with its position in `commands` and its outcome — after
    /// the batch is durable, or at once for a command refused (`busy` for a
    /// shard's whole share when its queue cannot take it, `shuttingDown`).
    /// Completions may run on several threads (one per shard) concurrently.
    public func submit(
        batch commands: [Command], caller: Caller = .service, completion: @escaping @Sendable (Int, Outcome) -> Void
    ) {
        var perShard = [[Submission]](repeating: [], count: shardCount)
        var positionsPerShard = [[Int]](repeating: [], count: shardCount)
        for (position, command) in commands.enumerated() {
            guard let store = command.store else {
                completion(position, .failure(.invalidArgument(field: "command", reason: "advanceTime is internal")))
                continue
            }
            let shard = shardIndex(forStore: store)
            perShard[shard].append(.command(command, caller, Preparation.of(command)) { completion(position, $0) })
            positionsPerShard[shard].append(position)
        }
        for shard in 0..<shardCount where !perShard[shard].isEmpty {
            if let refusal = shards[shard].queue.push(contentsOf: perShard[shard]) {
                shards[shard].metrics.countRefusal(refusal, submissions: perShard[shard].count)
                for position in positionsPerShard[shard] { completion(position, .failure(refusal)) }
            }
        }
    }

    /// Queues a group of commands — a wire frame's items — with one queue
    /// hand-off and one completion (`CommandGroup.completed()`), after the
    /// batch that applied them is durable, or at once when refused (`busy`,
    /// `shuttingDown`). A group whose stores live on several shards is split
    /// into one part per shard and completes when every part has.
    public func submit(group: CommandGroup) {
        let commands = group.commands
        guard let firstStore = commands.first?.store else {
            return submitAcrossShards(group)
        }
        let shard = shardIndex(forStore: firstStore)
        for command in commands.dropFirst() {
            // Most groups name one store: compare before hashing.
            guard let store = command.store else { return submitAcrossShards(group) }
            if store != firstStore && shardIndex(forStore: store) != shard { return submitAcrossShards(group) }
        }
        if let refusal = shards[shard].queue.push(.group(group)) {
            shards[shard].metrics.countRefusal(refusal, submissions: commands.count)
            group.refuse(refusal)
        }
    }

    private func submitAcrossShards(_ group: CommandGroup) {
        var commandsPerShard = [[Command]](repeating: [], count: shardCount)
        var positionsPerShard = [[Int]](repeating: [], count: shardCount)
        var decided: [(Int, Outcome)] = []
        for (position, command) in group.commands.enumerated() {
            guard let store = command.store else {
                decided.append((position, .failure(.invalidArgument(field: "command", reason: "advanceTime is internal"))))
                continue
            }
            let shard = shardIndex(forStore: store)
            commandsPerShard[shard].append(command)
            positionsPerShard[shard].append(position)
        }
        let parts = (0..<shardCount).filter { !commandsPerShard[$0].isEmpty }
        let join = CommandGroupPart.Join(parent: group, parts: parts.count)
        for (position, outcome) in decided { join.set(position, outcome) }
        if parts.isEmpty { return group.completed() }
        for shard in parts {
            let part = CommandGroupPart(commands: commandsPerShard[shard], positions: positionsPerShard[shard], join: join)
            if let refusal = shards[shard].queue.push(.group(part)) {
                shards[shard].metrics.countRefusal(refusal, submissions: part.commands.count)
                part.refuse(refusal)
            }
        }
    }

    /// Answers a query at once on the calling thread, without the queue, if
    /// that is safe: its answer cannot show a change that is not yet durable
    /// (a change being written, or one whose write failed). Nil when it must
    /// be submitted instead — then also for a mutation or an unknown shard's
    /// store. Shows every change whose outcome was reported before the call,
    /// so a caller that waits for its writes' outcomes reads its own writes;
    /// one with writes still queued must submit its reads behind them.
    public func read(_ command: Command, caller: Caller = .service) -> Outcome? {
        read(batch: [command], caller: caller)?.first
    }

    /// `read(_:caller:)` for several queries at once, all or none: nil unless
    /// every one can be answered now (then submit them all). Only queries of
    /// one shard are answered this way.
    public func read(batch commands: [Command], caller: Caller = .service) -> [Outcome]? {
        guard let store = commands.first?.store else { return nil }
        let shard = shardIndex(forStore: store)
        for command in commands.dropFirst() {
            guard let other = command.store else { return nil }
            if other != store && shardIndex(forStore: other) != shard { return nil }
        }
        return shards[shard].read(commands, by: caller)
    }

    /// Runs a command and waits for its durable outcome.
    public func execute(_ command: Command, caller: Caller = .service) async -> Outcome {
        await withCheckedContinuation { continuation in
            submit(command, caller: caller) { outcome in continuation.resume(returning: outcome) }
        }
    }

    /// Runs many commands with one queue hand-off per shard; outcomes come back
    /// in the order of `commands`. A full shard queue refuses its whole share with `busy`.
    public func execute(batch commands: [Command], caller: Caller = .service) async -> [Outcome] {
        guard !commands.isEmpty else { return [] }
        return await withCheckedContinuation { continuation in
            submit(group: ContinuationGroup(commands: commands, caller: caller, continuation: continuation))
        }
    }

    /// Runs `body` on a shard's writer thread, between commands, with its state
    /// (including changes not yet durable). For tests, invariant checks and snapshots.
    /// Inspections may go past a full queue by `inspectionHeadroom`, so a
    /// snapshot is taken even under sustained overload (it then waits its turn).
    /// Nil if the shard does not exist or is shutting down.
    public func inspect<Value: Sendable>(
        shard: Int, _ body: @escaping @Sendable (StateMachine) -> Value
    ) async -> Value? {
        guard shards.indices.contains(shard) else { return nil }
        return await withCheckedContinuation { continuation in
            let refusal = shards[shard].queue.push(
                .inspect { machine in continuation.resume(returning: body(machine)) },
                headroom: ShardRuntime.inspectionHeadroom)
            if refusal != nil { continuation.resume(returning: nil) }
        }
    }

    /// Durable events of a shard after `afterLSN`, oldest first; nil if the shard does not exist.
    public func events(shard: Int, after afterLSN: UInt64, limit: Int) -> EventPage? {
        guard shards.indices.contains(shard) else { return nil }
        return shards[shard].eventLog.events(after: afterLSN, limit: limit)
    }

    /// Submissions waiting in a shard's queue; nil if the shard does not exist.
    public func queueDepth(shard: Int) -> Int? {
        shards.indices.contains(shard) ? shards[shard].queue.depth : nil
    }

    /// A shard's counters (commands by kind and outcome, batch sizes, active
    /// reservations, refusals); nil if the shard does not exist. Reading them
    /// never waits for the writer.
    public func metrics(shard: Int) -> ShardMetrics? {
        shards.indices.contains(shard) ? shards[shard].metrics : nil
    }

    /// Why a shard stopped accepting writes (a journal failure); nil if it
    /// accepts them or does not exist.
    public func writesHaltedReason(shard: Int) -> String? {
        shards.indices.contains(shard) ? shards[shard].writesHaltedReason : nil
    }

    /// Refuses new work, applies everything already queued, and returns when
    /// every writer thread has exited and every reply has been delivered.
    /// Idempotent. Must not be called from a completion (which may run on a
    /// writer thread, which it would wait for).
    public func shutdown() {
        for shard in shards { shard.queue.stop() }
        for shard in shards { shard.stop() }
    }

    /// Stops the queues without waiting: the last reference may be dropped on
    /// a writer thread (by a completion), which must not wait for itself.
    deinit {
        for shard in shards { shard.queue.stop() }
    }
}
