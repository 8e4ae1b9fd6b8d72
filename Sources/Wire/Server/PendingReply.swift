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

/// Where a connection's replies wait once complete. Shard threads complete
/// items here under a lock; the first reply to become ready schedules one
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

    /// Records one item's outcome; called on shard threads.
    func complete(_ reply: PendingReply, item index: Int, outcome: Outcome) {
        settle(reply, index, .outcome(outcome))
    }

    private func settle(_ reply: PendingReply, _ index: Int, _ item: PendingReply.Item) {
        let mustSchedule = state.withLock { state -> Bool in
            reply.settle(index, item)
            guard reply.remaining == 0 else { return false }
            state.ready.append(reply)
            guard !state.flushScheduled else { return false }
            state.flushScheduled = true
            return true
        }
        if mustSchedule { scheduleFlush() }
    }

    /// Records one item's error (a result the connection may not see); called on shard threads.
    func complete(_ reply: PendingReply, item index: Int, error: WireError) {
        settle(reply, index, .error(error))
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
