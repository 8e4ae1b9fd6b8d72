import Engine
import Foundation
import Logging
import NIOCore
import NIOPosix
import Observability
import Synchronization

/// The REST API (docs/openapi.yaml) on NIO: its own port, in the same process
/// as the wire server, translating requests into engine commands through the
/// same `ShardRuntime`. Each connection is served by channel handlers on its
/// event loop (`RESTConnectionHandler`); no request touches Swift's task pool.
public final class RESTServer: Sendable {
    public let backend: RESTBackend
    private let configuration: RESTConfiguration
    private let logger: Logger
    private let listener = Mutex<(any Channel)?>(nil)
    private let connections = OpenConnections()
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
        let routeMetrics = try configuration.metrics.map { try RouteMetricsTable(metrics: $0) }
        let responder = RequestResponder(
            router: RESTRouter.make(backend: backend, configuration: configuration, metrics: routeMetrics),
            backend: backend, routeMetrics: routeMetrics, logger: logger)
        let (limits, metrics, logger) = (configuration.connectionLimits, connectionMetrics, logger)
        let (serverName, connections) = (configuration.serverName, connections)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            // As the wire listener: a burst of connects (a load generator
            // opening its pool) waits in the kernel instead of having its
            // SYNs dropped and retried a second or more later.
            .serverChannelOption(.backlog, value: 1_024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // A client that half-closes after its request still gets the response.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                guard connections.insert(channel) else {
                    channel.close(promise: nil)
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
                return RESTChildChannel.initialize(
                    channel, responder: responder, limits: limits, serverName: serverName, metrics: metrics,
                    logger: logger)
            }
            .bind(host: configuration.host, port: configuration.port).get()
        await RESTAcceptPause.install(
            on: channel, pause: .milliseconds(configuration.acceptPauseMilliseconds), metrics: metrics, logger: logger)
        guard let bound = channel.localAddress?.port else {
            try? await channel.close()
            throw RESTServerError.notListening("\(configuration.host):\(configuration.port)")
        }
        listener.withLock { $0 = channel }
        port.withLock { $0 = bound }
    }

    /// Stops taking new API requests (503), closes the listener, and waits
    /// while each connection finishes the requests it has (idle ones close at once).
    public func shutdown() async {
        backend.markStopping()
        guard let channel = listener.withLock({ listener in defer { listener = nil }; return listener }) else { return }
        try? await channel.close()
        let open = connections.closeAll()
        for connection in open { connection.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent()) }
        for connection in open { try? await connection.closeFuture.get() }
    }
}

/// The REST listener's open connections, so shutdown can ask each to finish.
final class OpenConnections: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var closed = false
    }

    private let state = Mutex(State())

    /// Adds `channel` until it closes; false once the listener is shutting down.
    func insert(_ channel: any Channel) -> Bool {
        let key = ObjectIdentifier(channel)
        let added = state.withLock { state in
            guard !state.closed else { return false }
            state.channels[key] = channel
            return true
        }
        if added {
            channel.closeFuture.whenComplete { [self] _ in _ = state.withLock { $0.channels.removeValue(forKey: key) } }
        }
        return added
    }

    /// Takes no more connections; returns those open.
    func closeAll() -> [any Channel] {
        state.withLock { state in
            state.closed = true
            return Array(state.channels.values)
        }
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
