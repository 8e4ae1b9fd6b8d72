/// Commands submitted together — a wire frame's items — and answered together.
///
/// The shard applies a group's commands in order within one batch, stores
/// each outcome in `outcomes`, and calls `completed()` once, when that batch is
/// durable (or at once if the group is refused at the queue): one completion
/// per group, not one closure per command. Subclass it to act on completion;
/// `completed()` runs on the shard thread that releases the batch and must
/// return quickly without waiting for another command.
///
/// A group whose commands name stores of several shards is split by
/// `ShardRuntime.submit(group:)` into one group per shard, and completes once
/// every part has.
open class CommandGroup: @unchecked Sendable {
    /// The commands' payloads as received: `bytes[ranges[i]]` is command `i`'s
    /// canonical payload (after its tag), which the log then stores as it is.
    public struct ReceivedPayloads: Sendable {
        public let bytes: [UInt8]
        public let ranges: [Range<Int>]

        public init(bytes: [UInt8], ranges: [Range<Int>]) {
            self.bytes = bytes
            self.ranges = ranges
        }
    }

    public let caller: Caller
    public let commands: [Command]
    /// `Preparation.of` each command, worked out by the thread that makes the
    /// group (a connection's), not by the shard's writer.
    public let preparations: [Preparation]
    /// Set when the submitter decoded the commands from bytes it still holds
    /// (a wire frame), so the journal copies them instead of encoding again.
    public let received: ReceivedPayloads?
    /// The outcome of each command, in the order of `commands`; complete when
    /// `completed()` runs. Written only by the thread that owns the group at
    /// the time: the submitter, then the shard's writer, then the releaser.
    public internal(set) var outcomes: [Outcome]

    /// - Parameter received: if given, one range per command, each holding
    ///   exactly the bytes the command was decoded from.
    public init(commands: [Command], caller: Caller = .service, received: ReceivedPayloads? = nil) {
        precondition(received == nil || received!.ranges.count == commands.count, "one received payload per command")
        self.commands = commands
        self.caller = caller
        self.received = received
        preparations = commands.map(Preparation.of)
        outcomes = []
    }

    /// Called once, when every outcome is set.
    open func completed() {}

    /// Answers every command with `error` and completes.
    final func refuse(_ error: EngineError) {
        outcomes = Array(repeating: .failure(error), count: commands.count)
        completed()
    }
}

/// One shard's part of a group that spans shards: completes its parent once
/// every part has, with the outcomes in the parent's order.
final class CommandGroupPart: CommandGroup, @unchecked Sendable {
    final class Join: @unchecked Sendable {
        let parent: CommandGroup
        private let lock = Lock()
        private var remaining: Int

        init(parent: CommandGroup, parts: Int) {
            self.parent = parent
            remaining = parts
            parent.outcomes = Array(repeating: .failure(.shuttingDown), count: parent.commands.count)
        }

        func finish(_ part: CommandGroupPart) {
            let last = lock.withLock {
                for (index, position) in part.positions.enumerated() { parent.outcomes[position] = part.outcomes[index] }
                remaining -= 1
                return remaining == 0
            }
            if last { parent.completed() }
        }

        /// Sets an outcome decided before any part was queued.
        func set(_ position: Int, _ outcome: Outcome) {
            lock.withLock { parent.outcomes[position] = outcome }
        }
    }

    let positions: [Int]
    let join: Join

    init(commands: [Command], positions: [Int], join: Join) {
        self.positions = positions
        self.join = join
        super.init(commands: commands, caller: join.parent.caller)
    }

    override func completed() { join.finish(self) }
}

/// Resumes a task with a group's outcomes (`ShardRuntime.execute(batch:)`).
public final class ContinuationGroup: CommandGroup, @unchecked Sendable {
    private let continuation: CheckedContinuation<[Outcome], Never>

    public init(
        commands: [Command], caller: Caller = .service, received: ReceivedPayloads? = nil,
        continuation: CheckedContinuation<[Outcome], Never>
    ) {
        self.continuation = continuation
        super.init(commands: commands, caller: caller, received: received)
    }

    override public func completed() { continuation.resume(returning: outcomes) }
}
