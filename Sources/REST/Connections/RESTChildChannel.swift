import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import Observability

/// How a REST connection is set up: Hummingbird's HTTP/1.1 pipeline with,
/// around it, the connection cap, the request-head timeout in front of the
/// decoder, and `HTTPFramingGuard` behind it; and where it is served: on the
/// connection's event loop.
struct RESTChildChannel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: RESTConnectionLimits
    let metrics: HTTPConnectionMetrics

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard metrics.admit(maximum: limits.connectionsMax) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ChannelError.inputClosed)
        }
        channel.closeFuture.whenComplete { [metrics] _ in metrics.release() }
        return channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            let headTimeout = RequestHeadTimeoutHandler(timeout: limits.headerTimeout, metrics: metrics)
            try pipeline.addHandler(headTimeout)
            try pipeline.configureHTTPServerPipeline(
                withPipeliningAssistance: false, withErrorHandling: false, withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(), withDecoderLimitConfiguration: RESTConnectionLimits.decoderLimits)
            try pipeline.addHandler(HTTPFramingGuard(headTimeout: headTimeout, metrics: metrics, logger: logger))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: .init(limits.idleTimeout), logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    /// Serves the connection's requests on its event loop (`EventLoopTaskExecutor`).
    func handle(value asyncChannel: Value, logger: Logger) async {
        await withTaskExecutorPreference(EventLoopTaskExecutor(asyncChannel.channel.eventLoop)) {
            await handleHTTP(asyncChannel: asyncChannel, logger: logger)
        }
    }
}

/// The REST listener's connection limits (see `RESTConfiguration`).
struct RESTConnectionLimits: Sendable {
    var headerTimeout: TimeAmount
    var idleTimeout: TimeAmount
    var connectionsMax: Int

    /// Largest request head, in bytes of header lines (a bearer token is at most 8 KiB).
    static let headerBytesMax = 32 * 1_024
    /// Most header fields in a request head.
    static let headerFieldsMax = 100

    static var decoderLimits: NIOHTTPDecoderLimitConfiguration {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = headerBytesMax
        limits.maxHeaderListSize = headerBytesMax
        limits.maxHeaderFieldCount = headerFieldsMax
        return limits
    }
}
