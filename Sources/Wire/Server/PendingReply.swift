import Engine
import Synchronization
import Wire

/// The answer to one request frame, filled in item by item as outcomes arrive.
/// Mutated only under its connection's `ReplyOutbox` lock (or before it is shared).
final class PendingReply: @unchecked Sendable {
    enum Item {
        case pending
        case outcome(Outcome)
        case error(WireError)
        /// A session operation's result bytes (after the status byte), built on the event loop.
        case encoded([UInt8])
    }

    let requestID: UInt64
    let operation: WireOperation
    var items: [Item]
    var remaining: Int

    init(requestID: UInt64, operation: WireOperation, itemCount: Int) {
        self.requestID = requestID
        self.operation = operation
        items = Array(repeating: .pending, count: itemCount)
        remaining = itemCount
    }

    /// Sets an item before the reply is shared with other threads.
    func settle(_ index: Int, _ item: Item) {
        precondition(remaining > 0)
        items[index] = item
        remaining -= 1
    }

    /// Appends the reply frame: one item per request item, in request order.
    func encode(into frames: inout FrameWriter) {
        precondition(remaining == 0, "every item answered")
        frames.beginFrame(operation: operation, requestID: requestID, isReply: true)
        for item in items {
            switch item {
            case .outcome(let outcome): frames.outcomeItem(outcome)
            case .error(let error): frames.errorItem(error)
            case .encoded(let bytes):
                frames.item { writer in
                    writer.write(ReplyStatus.ok.rawValue)
                    writer.write(contentsOf: bytes)
                }
            case .pending: preconditionFailure("unanswered item")
            }
        }
        frames.finishFrame()
    }
}

/// Where a connection's replies wait once complete. Shard threads complete a
/// frame's items here under a lock, all at once; the first reply to become ready schedules one
/// flush on the connection's event loop, which takes every ready reply at once
/// (one socket write for all replies released by a batch).
final class ReplyOutbox: Sendable {
    private struct State {
        var ready: [PendingReply] = []
        var flushScheduled = false
    }

    private let state = Mutex(State())
    private let scheduleFlush: @Sendable () -> Void

    init(scheduleFlush: @escaping @Sendable () -> Void) {
        self.scheduleFlush = scheduleFlush
    }

    /// Records the outcomes of a frame's commands at once (one lock); item
    /// `positions[i]` gets `outcomes[i]` (item `i` when `positions` is nil).
    /// Called on shard threads.
    func complete(_ reply: PendingReply, positions: [Int]?, outcomes: [Outcome]) {
        let mustSchedule = state.withLock { state -> Bool in
            for (index, outcome) in outcomes.enumerated() {
                reply.settle(positions?[index] ?? index, .outcome(outcome))
            }
            guard reply.remaining == 0 else { return false }
            state.ready.append(reply)
            guard !state.flushScheduled else { return false }
            state.flushScheduled = true
            return true
        }
        if mustSchedule { scheduleFlush() }
    }

    /// Takes every ready reply; called by the flush on the event loop.
    func takeReady() -> [PendingReply] {
        state.withLock { state in
            state.flushScheduled = false
            defer { state.ready.removeAll(keepingCapacity: true) }
            return state.ready
        }
    }
}

/// A command frame's decoded commands as one engine group: the shard answers
/// them with one completion, which sets every outcome in the frame's reply at
/// once (items refused before the engine — malformed, denied — are settled
/// already; `positions` maps commands to items).
final class FrameCommandGroup: CommandGroup, @unchecked Sendable {
    private let reply: PendingReply
    private let positions: [Int]?
    private let outbox: ReplyOutbox
    private let counters: ServerCounters

    init(
        commands: [Command], caller: Caller, received: ReceivedPayloads, reply: PendingReply, positions: [Int]?,
        outbox: ReplyOutbox, counters: ServerCounters
    ) {
        self.reply = reply
        self.positions = positions
        self.outbox = outbox
        self.counters = counters
        super.init(commands: commands, caller: caller, received: received)
    }

    override func completed() {
        var busy: UInt64 = 0
        for outcome in outcomes { if case .failure(.busy) = outcome { busy += 1 } }
        if busy > 0 { counters.busyRefusals.add(busy, ordering: .relaxed) }
        outbox.complete(reply, positions: positions, outcomes: outcomes)
    }
}
