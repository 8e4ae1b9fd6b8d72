import Engine
import NetworkSupport
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
    private let nextConnectionID = Atomic<UInt64>(1)

    private struct State {
        var listeners: [any Channel] = []
        var connections: [UInt64: Connection] = [:]
        var isShutDown = false
        var boundTCPPort: Int?
    }

    private struct Connection: Sendable {
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

    /// Connections open now (cheap: one atomic load, for metrics).
    public var openConnections: Int { context.counters.connectionsOpen.load(ordering: .relaxed) }

    /// Connections closed at once since start because `connectionsMax` were open.
    public var refusedConnections: UInt64 { context.counters.connectionsRefused.load(ordering: .relaxed) }

    /// Failed `accept` calls since start (each paused accepting for `acceptBackoffSeconds`).
    public var acceptFailures: UInt64 { context.counters.acceptFailures.load(ordering: .relaxed) }

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
        let counters = context.counters
        let backoff = TimeAmount.nanoseconds(Int64(context.configuration.acceptBackoffSeconds * 1e9))
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1_024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                // Without it a failed accept (EMFILE, ENFILE, ENOMEM) is retried at once, in a spin.
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        AcceptPauseHandler(pause: backoff) { _ in counters.acceptFailures.add(1, ordering: .relaxed) },
                        position: .first)
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 << 10, high: 1 << 20))
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.autoRead, value: true)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture { try self.accept(channel) }
            }
        if let bytes = context.configuration.socketSendBufferBytes {
            bootstrap = bootstrap.childChannelOption(.socketOption(.so_sndbuf), value: SocketOptionValue(bytes))
        }
        return bootstrap
    }

    /// Sets up a new connection, or closes it when the server is full or stopping.
    private func accept(_ channel: any Channel) throws {
        let counters = context.counters
        counters.connectionsAccepted.add(1, ordering: .relaxed)
        let id = nextConnectionID.add(1, ordering: .relaxed).oldValue
        let handler = ConnectionHandler(server: context, connectionID: id)
        let connection = Connection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        let isFull: Bool? = state.withLock { state in
            guard !state.isShutDown else { return nil }
            guard state.connections.count < context.configuration.connectionsMax else { return true }
            state.connections[id] = connection
            return false
        }
        guard isFull == false else {
            if isFull == true { counters.connectionsRefused.add(1, ordering: .relaxed) }
            channel.close(promise: nil)
            return
        }
        counters.connectionsOpen.add(1, ordering: .relaxed)
        channel.closeFuture.whenComplete { [self] _ in
            counters.connectionsOpen.subtract(1, ordering: .relaxed)
            _ = state.withLock { $0.connections.removeValue(forKey: id) }
        }
        try channel.pipeline.syncOperations.addHandler(handler)
    }

    /// Stops accepting connections, lets every connection finish what it has in
    /// flight (new command frames are answered `shuttingDown`), ends each one
    /// gracefully once its last reply is written — FIN, then the client's
    /// remaining input is read and discarded until it closes, at most
    /// `lingerSeconds` — and stops the network threads. A connection still busy
    /// after `drainTimeoutSeconds` is closed anyway. Call it before shutting the
    /// engine down, so the last replies are delivered.
    public func shutdown() async {
        let (listeners, connections): ([any Channel], [Connection]) = state.withLock { state in
            guard !state.isShutDown else { return ([], []) }
            state.isShutDown = true
            return (state.listeners, Array(state.connections.values))
        }
        for listener in listeners { try? await listener.close() }
        let configuration = context.configuration
        let deadline = NIODeadline.now() + .nanoseconds(Int64(configuration.drainTimeoutSeconds * 1e9))
        let lastChance = deadline + .nanoseconds(Int64(configuration.lingerSeconds * 1e9))
        for connection in connections {
            let channel = connection.channel
            channel.eventLoop.execute { connection.handler.value.beginDraining() }
            let forced = channel.eventLoop.scheduleTask(deadline: lastChance) { channel.close(promise: nil) }
            channel.closeFuture.whenComplete { _ in forced.cancel() }
        }
        for connection in connections { try? await connection.channel.closeFuture.get() }
        try? await group.shutdownGracefully()
    }
}
