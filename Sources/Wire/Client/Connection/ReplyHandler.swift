import NIOCore

/// The last handler of a client connection's pipeline: passes each decoded
/// reply frame to the connection's core, and tells it when the connection is gone.
final class ReplyHandler: ChannelInboundHandler {
    typealias InboundIn = Frame

    let core: ConnectionCore

    init(core: ConnectionCore) {
        self.core = core
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        core.receive(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        core.connectionLost()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reason: HoldfastClientError =
            if let wireError = error as? WireError {
                HoldfastClientError(wireError)
            } else {
                .connectFailed("\(error)")
            }
        core.close(because: reason)
    }
}
