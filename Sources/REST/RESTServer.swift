import Engine
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Observability
import ServiceLifecycle
import Synchronization

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

/// The REST API (DESIGN §7) on Hummingbird 2: its own port, in the same process
/// as the wire server, translating requests into engine commands through the
/// same `ShardRuntime`.
public final class RESTServer: Sendable {
    public let backend: RESTBackend
    private let configuration: RESTConfiguration
    private let logger: Logger
    private let group = Mutex<ServiceGroup?>(nil)
    private let task = Mutex<Task<Void, any Error>?>(nil)
    private let port = Mutex<Int?>(nil)
    /// Open connections, refusals by the cap, head time-outs, accept failures.
    public let connectionMetrics: HTTPConnectionMetrics

    public init(configuration: RESTConfiguration, backend: RESTBackend = RESTBackend(), logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.logger = logger
        connectionMetrics = configuration.metrics?.connections ?? HTTPConnectionMetrics()
    }

    /// The TCP port it listens on, once started.
    public var boundPort: Int? { port.withLock { $0 } }

    /// Binds and starts serving; returns once the listener is up.
    public func start() async throws {
        let router = try RESTRouter.make(backend: backend, configuration: configuration, logger: logger)
        let (stream, continuation) = AsyncStream<Int?>.makeStream()
        let (limits, metrics, logger) = (configuration.connectionLimits, connectionMetrics, logger)
        let acceptPause = TimeAmount.milliseconds(configuration.acceptPauseMilliseconds)
        let app = Application(
            router: router,
            server: HTTPServerBuilder { responder in
                RESTChildChannel(responder: responder, limits: limits, metrics: metrics)
            },
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.serverName, reuseAddress: true),
            onServerRunning: { channel in
                do {
                    try await channel.eventLoop.submit {
                        let handler = AcceptPauseHandler(pause: acceptPause, metrics: metrics, logger: logger)
                        try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                    }.get()
                } catch {
                    logger.error("REST listener: cannot add the accept pause handler", metadata: ["error": "\(error)"])
                }
                continuation.yield(channel.localAddress?.port)
                continuation.finish()
            },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        group.withLock { $0 = serviceGroup }
        let running = Task {
            defer { continuation.finish() }
            try await serviceGroup.run()
        }
        task.withLock { $0 = running }
        var iterator = stream.makeAsyncIterator()
        guard let bound = await iterator.next(), let bound else {
            _ = try await running.value
            throw RESTServerError.notListening("\(configuration.host):\(configuration.port)")
        }
        port.withLock { $0 = bound }
    }

    /// Stops taking new API requests (503), finishes those in flight, closes the listener.
    public func shutdown() async {
        backend.markStopping()
        guard let serviceGroup = group.withLock({ $0 }) else { return }
        await serviceGroup.triggerGracefulShutdown()
        _ = try? await task.withLock({ $0 })?.value
    }
}

public enum RESTServerError: Error, CustomStringConvertible {
    case notListening(String)

    public var description: String {
        switch self {
        case .notListening(let address): "the REST server could not listen on \(address)"
        }
    }
}
