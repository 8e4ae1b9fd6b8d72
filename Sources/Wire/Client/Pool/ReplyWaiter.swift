import NIOCore
import Synchronization

/// Resumes a continuation once: with the reply, or with `timeout` if the timer
/// fires first. A reply that arrives after the timeout is dropped.
final class ReplyWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<Result<Frame, HoldfastClientError>, Never>?
        var timer: Scheduled<Void>?
    }

    private let state: Mutex<State>

    init(_ continuation: CheckedContinuation<Result<Frame, HoldfastClientError>, Never>) {
        state = Mutex(State(continuation: continuation))
    }

    /// Starts the timer; does nothing if the reply has already come.
    func startTimer(on eventLoop: any EventLoop, seconds: Double) {
        let timer = eventLoop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) { [self] in
            resume(.failure(.timeout))
        }
        let alreadyAnswered = state.withLock { state -> Bool in
            guard state.continuation != nil else { return true }
            state.timer = timer
            return false
        }
        if alreadyAnswered { timer.cancel() }
    }

    /// Resumes the waiting call, the first time only.
    func resume(_ result: Result<Frame, HoldfastClientError>) {
        let (continuation, timer) = state.withLock { state in
            defer {
                state.continuation = nil
                state.timer = nil
            }
            return (state.continuation, state.timer)
        }
        timer?.cancel()
        continuation?.resume(returning: result)
    }
}

extension WireConnection {
    /// Sends one frame and waits for its reply, at most `timeoutSeconds` when given.
    func roundTrip(
        operation: WireOperation, timeoutSeconds: Double?, encodeItems: (inout FrameWriter) -> Void
    ) async -> Result<Frame, HoldfastClientError> {
        await withCheckedContinuation { continuation in
            let waiter = ReplyWaiter(continuation)
            send(operation: operation, encodeItems: encodeItems) { result in waiter.resume(result) }
            if let timeoutSeconds { waiter.startTimer(on: eventLoop, seconds: timeoutSeconds) }
        }
    }
}
