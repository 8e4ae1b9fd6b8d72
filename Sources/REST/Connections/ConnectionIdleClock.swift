import NIOCore

/// A REST connection's idle timeout: it is closed when no request has been in
/// progress for `timeout`, or a request it is reading has sent nothing for
/// that long. A request read whole and waiting for its answer is never timed
/// out. One timer per connection, re-armed lazily: activity only notes the
/// time, and the timer, when it fires early, sets itself for the new deadline.
final class ConnectionIdleClock {
    private enum Phase {
        case idle
        case reading
        case answering
    }

    private let timeout: TimeAmount
    private var phase = Phase.idle
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) {
        precondition(timeout > .zero, "the idle timeout must be positive")
        self.timeout = timeout
    }

    /// The connection is open: the clock runs.
    func start(_ context: ChannelHandlerContext) {
        lastActivity = .now()
        arm(context)
    }

    func stop() {
        timer?.cancel()
        timer = nil
    }

    /// Bytes of a request arrived.
    func activity() {
        lastActivity = .now()
    }

    /// A request head arrived.
    func requestStarted() {
        phase = .reading
    }

    /// The request is read whole and waits for its answer.
    func requestRead() {
        phase = .answering
    }

    /// The response is written: the connection is idle from now.
    func requestFinished(_ context: ChannelHandlerContext) {
        phase = .idle
        lastActivity = .now()
        arm(context)
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: lastActivity + timeout) { [self] in
            timer = nil
            guard phase != .answering else { return }
            guard NIODeadline.now() >= lastActivity + timeout else {
                arm(context)
                return
            }
            context.close(promise: nil)
        }
    }
}
