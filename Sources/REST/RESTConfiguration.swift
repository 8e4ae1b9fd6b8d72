import NIOCore
import Observability

/// Where and how the REST API listens, and the hooks `holdfast serve` fills.
public struct RESTConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (see `RESTServer.boundPort`).
    public var port = 7480
    public var serverName = "holdfast"
    /// Prometheus text for `GET /metrics`; nil answers 404.
    public var metricsText: (@Sendable () -> String)?
    /// Where requests are counted by method, route and status, with latency per
    /// route, and connections (open, refused by the cap, timed out).
    public var metrics: HTTPMetrics?
    /// A connection is closed if it has not sent a whole request head this many
    /// seconds after it opened, or after the first byte of a later request.
    public var headerTimeoutSeconds = 10.0
    /// A connection with no request in progress is closed after this many seconds.
    public var idleTimeoutSeconds = 60.0
    /// Open connections at most; a connection beyond them is closed at once and counted.
    public var connectionsMax = 4_096
    /// How long accepting pauses after `accept` fails for want of file descriptors.
    public var acceptPauseMilliseconds: Int64 = 250

    public init() {}

    var connectionLimits: RESTConnectionLimits {
        RESTConnectionLimits(
            headerTimeout: .nanoseconds(Int64(headerTimeoutSeconds * 1e9)),
            idleTimeout: .nanoseconds(Int64(idleTimeoutSeconds * 1e9)), connectionsMax: connectionsMax)
    }
}
