import NIOCore

/// On a listening channel: after a failed `accept` (no file descriptors or
/// memory left), stops accepting for `backoff`, then accepts again.
///
/// A failed `accept` leaves the connection in the listen backlog, so the
/// (level-triggered) listener stays readable: retried at once, it spins a core.
/// NIO's `AcceptBackoffHandler` cannot stop that when the first accept of a
/// read fails — the channel's read then stays pending and no new read reaches
/// the handler to be delayed. Turning `autoRead` off removes the listener's
/// readable interest at once; turning it on again re-arms it.
final class ListenerBackoffHandler: ChannelInboundHandler {
    typealias InboundIn = any Channel

    private let backoff: TimeAmount
    private let onFailure: @Sendable () -> Void
    private var resumption: Scheduled<Void>?

    init(backoff: TimeAmount, onFailure: @escaping @Sendable () -> Void) {
        self.backoff = backoff
        self.onFailure = onFailure
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard error is IOError else { return context.fireErrorCaught(error) }
        onFailure()
        guard resumption == nil, let options = context.channel.syncOptions else { return }
        try? options.setOption(.autoRead, value: false)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        resumption = context.eventLoop.scheduleTask(in: backoff) {
            loopBound.value.resumption = nil
            try? options.setOption(.autoRead, value: true)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        resumption?.cancel()
        resumption = nil
        context.fireChannelInactive()
    }
}
