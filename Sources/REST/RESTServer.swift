import Engine
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import Observability
import ServiceLifecycle
import Synchronization

/// The REST API (docs/openapi.yaml) on Hummingbird 2: its own port, in the same process
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
        let app = makeApplication(router: router) { channel in
            continuation.yield(channel.localAddress?.port)
            continuation.finish()
        }
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        group.withLock { $0 = serviceGroup }
        // The server's own tasks — the accept loop, each connection's start —
        // run on an event loop of the group that serves the sockets, not on
        // Swift's global pool: busy or blocked pool threads (as many as cores)
        // must not stop the REST port from accepting and answering.
        let running = Task(executorPreference: EventLoopTaskExecutor(MultiThreadedEventLoopGroup.singleton.next())) {
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

    /// Hummingbird's application with Holdfast's connection set-up (`RESTChildChannel`)
    /// and the accept pause on the listener; `onListening` runs once it listens.
    private func makeApplication(
        router: Router<RESTContext>, onListening: @escaping @Sendable (any Channel) -> Void
    ) -> some Service {
        let (limits, metrics, logger) = (configuration.connectionLimits, connectionMetrics, logger)
        let acceptPause = TimeAmount.milliseconds(configuration.acceptPauseMilliseconds)
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                RESTChildChannel(responder: responder, limits: limits, metrics: metrics)
            },
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.serverName,
                // As the wire listener: a burst of connects (a load generator
                // opening its pool) waits in the kernel instead of having its
                // SYNs dropped and retried a second or more later.
                backlog: 1_024, reuseAddress: true),
            onServerRunning: { listener in
                await RESTAcceptPause.install(on: listener, pause: acceptPause, metrics: metrics, logger: logger)
                onListening(listener)
            },
            logger: logger)
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
