import Engine
import NIOCore
import NIOPosix
import Synchronization
import Wire

/// The wire-protocol server: TCP and Unix-socket listeners in front of a
/// `ShardRuntime` (docs/wire-protocol.md). Every connection may pipeline many
/// frames; replies to mutations leave only once their batch is durable.
public final class WireServer: Sendable {
    private let context: ServerContext
    private let group: MultiThreadedEventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var listeners: [any Channel] = []
        var connections: [UInt64: Connection] = [:]
        var nextConnectionID: UInt64 = 1
        var isShutDown = false
        var boundTCPPort: Int?
    }

    private struct Connection: @unchecked Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ConnectionHandler>
    }

    public init(runtime: ShardRuntime, configuration: WireServerConfiguration) {
        precondition(configuration.networkThreads >= 1, "at least one network thread")
        context = ServerContext(runtime: runtime, configuration: configuration)
        group = MultiThreadedEventLoopGroup(numberOfThreads: configuration.networkThreads)
    }

    /// The TCP port actually bound (useful when the configuration asked for 0).
    public var boundTCPPort: Int? { state.withLock { $0.boundTCPPort } }

    /// Counters of the server and its shards.
    public var stats: ServerStats { context.stats() }

    /// Binds the configured listeners.
    ///
    /// - Throws: the bind error (address in use, no permission, bad path).
    public func start() async throws {
        let configuration = context.configuration
        let bootstrap = makeBootstrap()
        var listeners: [any Channel] = []
        do {
            if let host = configuration.host {
                let channel = try await bootstrap.bind(host: host, port: configuration.port).get()
                state.withLock { $0.boundTCPPort = channel.localAddress?.port }
                listeners.append(channel)
            }
            if let path = configuration.unixSocketPath {
                listeners.append(try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get())
            }
        } catch {
            for listener in listeners { try? await listener.close() }
            throw error
        }
        state.withLock { $0.listeners = listeners }
    }

    private func makeBootstrap() -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1_024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 << 10, high: 1 << 20))
            .childChannelOption(.autoRead, value: true)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.accept(channel) }
            }
    }

    /// Sets up a new connection, or closes it when the server is full or stopping.
    private func accept(_ channel: any Channel) throws {
        let counters = context.counters
        counters.connectionsAccepted.add(1, ordering: .relaxed)
        let id: UInt64? = state.withLock { state in
            guard !state.isShutDown, state.connections.count < context.configuration.connectionsMax else { return nil }
            defer { state.nextConnectionID += 1 }
            return state.nextConnectionID
        }
        guard let id else {
            channel.close(promise: nil)
            return
        }
        let handler = ConnectionHandler(server: context, connectionID: id)
        try channel.pipeline.syncOperations.addHandler(handler)
        let connection = Connection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        state.withLock { $0.connections[id] = connection }
        counters.connectionsOpen.add(1, ordering: .relaxed)
        channel.closeFuture.whenComplete { [self] _ in
            counters.connectionsOpen.subtract(1, ordering: .relaxed)
            _ = state.withLock { $0.connections.removeValue(forKey: id) }
        }
    }

    /// Stops accepting connections, lets every connection finish what it has in
    /// flight (new frames are answered `shuttingDown`), closes them — waiting
    /// at most `drainTimeoutSeconds` — and stops the network threads. Call it
    /// before shutting the engine down, so the last replies are delivered.
    public func shutdown() async {
        let (listeners, connections): ([any Channel], [Connection]) = state.withLock { state in
            guard !state.isShutDown else { return ([], []) }
            state.isShutDown = true
            return (state.listeners, Array(state.connections.values))
        }
        for listener in listeners { try? await listener.close() }
        for connection in connections {
            connection.channel.eventLoop.execute { connection.handler.value.beginDraining() }
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(context.configuration.drainTimeoutSeconds * 1_000))
        for connection in connections {
            while connection.channel.isActive && ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(5))
            }
            try? await connection.channel.close()
        }
        try? await group.shutdownGracefully()
    }
}
