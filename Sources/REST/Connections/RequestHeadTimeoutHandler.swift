import NIOCore
import Observability

/// Closes a connection that does not complete a request head in time: the
/// clock starts when the connection opens, and again at the first byte of
/// each later request. Between requests the idle timeout applies instead.
///
/// It sits in front of the HTTP decoder, where it sees bytes arrive;
/// `HTTPFramingGuard`, behind the decoder, tells it when a head has been
/// decoded and when a response has been sent.
final class RequestHeadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let metrics: HTTPConnectionMetrics
    /// When the head being waited for must be complete; nil when none is awaited.
    private var deadline: NIODeadline?
    /// The one timer, due at or before `deadline`. Stopping the clock leaves
    /// it armed (a request costs a clock read, not a timer); when it fires
    /// with a later deadline, it is re-armed for that deadline.
    private var timer: Scheduled<Void>?
    /// Requests whose head has been decoded and whose response has not been sent.
    private var requestsOpen = 0

    init(timeout: TimeAmount, metrics: HTTPConnectionMetrics) {
        precondition(timeout > .zero, "the request head timeout must be positive")
        self.timeout = timeout
        self.metrics = metrics
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startClock(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        startClock(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if requestsOpen == 0 { startClock(context) }
        context.fireChannelRead(data)
    }

    /// A request head has been decoded: its clock stops.
    func headDecoded() {
        requestsOpen += 1
        deadline = nil
    }

    /// A response has been sent; the next request's first byte starts the clock.
    func responseSent() {
        assert(requestsOpen > 0, "a response was sent for no request")
        requestsOpen -= 1
    }

    private func startClock(_ context: ChannelHandlerContext) {
        guard deadline == nil else { return }
        let due = NIODeadline.now() + timeout
        deadline = due
        if timer == nil { arm(context, at: due) }
    }

    private func arm(_ context: ChannelHandlerContext, at due: NIODeadline) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) { [self] in
            timer = nil
            guard let deadline else { return }
            guard deadline <= .now() else {
                arm(context, at: deadline)
                return
            }
            self.deadline = nil
            metrics.headerTimeouts.increment()
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        deadline = nil
    }
}
