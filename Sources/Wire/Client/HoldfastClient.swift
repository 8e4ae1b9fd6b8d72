import NIOCore

/// An async/await client of a Holdfast server: a pool of connections to one
/// endpoint, a typed method for every operation, batching, pipelining and safe retries.
///
/// ```swift
/// let client = try HoldfastClient(server: "127.0.0.1:7420", clientID: "checkout")
/// let view = try await client.reserve(Reserve(store: "eu", reservationID: "r-1", lines: [LineRequest(sku: "A", quantity: 2)]))
/// ```
///
/// Every call may run concurrently with any other: calls on one connection are
/// pipelined (many in flight, no waiting for earlier replies), and the pool
/// spreads calls over its connections in turn. Connections open on first use
/// (or in `connect()`), and a closed one is reopened by the next call that picks it.
///
/// Failures are typed (`HoldfastClientError`). Passing failures are retried
/// by `retry` — `busy` always, connection loss only for commands that are safe
/// to repeat (`Command.isSafeToRepeat`; see `RetryPolicy`).
public final class HoldfastClient: Sendable {
    /// The server this client talks to.
    public let endpoint: WireEndpoint
    /// How failed calls are repeated.
    public let retry: RetryPolicy
    /// How long a call waits for its reply before failing with `timeout`; nil waits
    /// as long as the connection lives.
    public let requestTimeoutSeconds: Double?

    let pool: ConnectionPool

    /// A client of the server at `endpoint`; nothing connects until the first call or `connect()`.
    ///
    /// - Parameters:
    ///   - clientID: names this client in the server's logs (at most 64 bytes).
    ///   - credentials: the token the server checks in the handshake.
    ///   - connections: connections in the pool (at least 1).
    ///   - retry: how failed calls are repeated.
    ///   - requestTimeoutSeconds: how long a call waits for its reply; nil for no limit.
    ///   - group: the event loops; `MultiThreadedEventLoopGroup.singleton` when nil.
    public init(
        endpoint: WireEndpoint, clientID: String = "holdfast-swift", credentials: String = "", connections: Int = 1,
        retry: RetryPolicy = .standard, requestTimeoutSeconds: Double? = 30, group: (any EventLoopGroup)? = nil
    ) {
        self.endpoint = endpoint
        self.retry = retry
        self.requestTimeoutSeconds = requestTimeoutSeconds.map { max(0.001, $0) }
        pool = ConnectionPool(
            endpoint: endpoint, clientID: clientID, credentials: credentials, size: max(1, connections), group: group)
    }

    /// A client of the server at `server` ("host:port", ":port", "unix:/path").
    ///
    /// - Throws: `invalidEndpoint` when the text cannot be read.
    public convenience init(
        server: String, clientID: String = "holdfast-swift", credentials: String = "", connections: Int = 1,
        retry: RetryPolicy = .standard, requestTimeoutSeconds: Double? = 30, group: (any EventLoopGroup)? = nil
    ) throws(HoldfastClientError) {
        self.init(
            endpoint: try WireEndpoint(parsing: server), clientID: clientID, credentials: credentials,
            connections: connections, retry: retry, requestTimeoutSeconds: requestTimeoutSeconds, group: group)
    }

    /// Connects every connection of the pool now, rather than on first use.
    ///
    /// - Throws: the first connection's failure (`connectFailed`, `timeout`, or a
    ///   refused handshake as `protocolError(.authenticationFailed, …)`).
    public func connect() async throws(HoldfastClientError) {
        try await pool.connectAll()
    }

    /// Closes every connection; calls still waiting fail with `connectionClosed`,
    /// and later calls fail the same way.
    public func close() async {
        await pool.shutdown()
    }

    /// The server's handshake reply (its name, shard count and limits), connecting if needed.
    public func serverInfo() async throws(HoldfastClientError) -> HelloReply {
        try await pool.connection().helloReply
    }

    /// The shard that owns `store` on this server (for `events`).
    public func shard(ofStore store: String) async throws(HoldfastClientError) -> Int {
        let shardCount = try await serverInfo().shardCount
        return Int(StableHasher.hash(store) % UInt64(shardCount))
    }
}
