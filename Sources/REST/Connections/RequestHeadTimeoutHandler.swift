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
    private var expiry: Scheduled<Void>?
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
        stopClock()
    }

    func channelActive(context: ChannelHandlerContext) {
        startClock(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopClock()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if requestsOpen == 0 { startClock(context) }
        context.fireChannelRead(data)
    }

    /// A request head has been decoded: its clock stops.
    func headDecoded() {
        requestsOpen += 1
        stopClock()
    }

    /// A response has been sent; the next request's first byte starts the clock.
    func responseSent() {
        assert(requestsOpen > 0, "a response was sent for no request")
        requestsOpen -= 1
    }

    private func startClock(_ context: ChannelHandlerContext) {
        guard expiry == nil else { return }
        expiry = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            expiry = nil
            metrics.headerTimeouts.increment()
            context.close(promise: nil)
        }
    }

    private func stopClock() {
        expiry?.cancel()
        expiry = nil
    }
}
