import Logging
import NIOCore
import NIOHTTP1
import Observability

/// How a REST connection is set up: the connection cap first, then NIO's
/// HTTP/1.1 decoder and encoder with, around them, the request-head timeout
/// in front of the decoder and `HTTPFramingGuard` behind it, and last
/// `RESTConnectionHandler`, which serves the requests on the connection's
/// event loop.
enum RESTChildChannel {
    /// Sets up `channel`'s pipeline, on its event loop; a connection beyond
    /// the cap is closed at once (and counted by `HTTPConnectionMetrics.admit`).
    static func initialize(
        _ channel: any Channel, responder: RequestResponder, limits: RESTConnectionLimits, serverName: String,
        metrics: HTTPConnectionMetrics, logger: Logger
    ) -> EventLoopFuture<Void> {
        guard metrics.admit(maximum: limits.connectionsMax) else {
            channel.close(promise: nil)
            return channel.eventLoop.makeSucceededVoidFuture()
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
            try pipeline.addHandler(
                RESTConnectionHandler(responder: responder, serverName: serverName, idleTimeout: limits.idleTimeout))
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
