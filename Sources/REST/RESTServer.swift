import Engine
import Foundation
import Hummingbird
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
    /// Where requests are counted by method, route and status, with latency per route.
    public var metrics: HTTPMetrics?

    public init() {}
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

    public init(configuration: RESTConfiguration, backend: RESTBackend = RESTBackend(), logger: Logger) {
        self.configuration = configuration
        self.backend = backend
        self.logger = logger
    }

    /// The TCP port it listens on, once started.
    public var boundPort: Int? { port.withLock { $0 } }

    /// Binds and starts serving; returns once the listener is up.
    public func start() async throws {
        let router = try RESTRouter.make(backend: backend, configuration: configuration, logger: logger)
        let (stream, continuation) = AsyncStream<Int?>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.serverName, reuseAddress: true),
            onServerRunning: { channel in
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
