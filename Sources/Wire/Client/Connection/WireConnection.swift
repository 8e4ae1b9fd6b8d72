import NIOCore
import NIOPosix

/// One connection to a Holdfast server, after a successful handshake: the
/// low-level, callback-based API that `HoldfastClient` and the load tester build on.
///
/// Requests are pipelined: `send` never waits for earlier replies, and replies
/// are matched to requests by request id (they may arrive out of order, as
/// shards finish at different times). Frames sent within one event-loop tick —
/// or from other threads before the loop gets to them — leave in one write.
public final class WireConnection: @unchecked Sendable {
    /// What the server answered to `hello`: its version, name and limits.
    public let helloReply: HelloReply
    /// The event loop the connection lives on; every `onReply` runs there.
    public let eventLoop: any EventLoop

    let core: ConnectionCore

    /// How long `connect` waits for the TCP (or Unix socket) connection.
    public static let connectTimeoutSeconds: Int64 = 10
    /// How long `connect` waits for the reply to `hello`.
    public static let handshakeTimeoutSeconds: Int64 = 10

    init(core: ConnectionCore, helloReply: HelloReply) {
        self.core = core
        self.helloReply = helloReply
        eventLoop = core.eventLoop
    }

    /// Connects, sends `hello`, waits for its reply (refused credentials / version → typed error).
    ///
    /// - Parameters:
    ///   - endpoint: the server's TCP address or Unix socket.
    ///   - clientID: names this client in the server's logs (at most 64 bytes).
    ///   - credentials: the bearer token (JWT) the server's authenticator checks.
    ///   - group: the event loops to use; `MultiThreadedEventLoopGroup.singleton` when nil.
    /// - Throws: `connectFailed` (nothing listening, unreachable), `timeout` (no hello
    ///   reply in time), `protocolError(.authenticationFailed | .unsupportedVersion, …)`
    ///   when the server refuses the handshake.
    public static func connect(
        to endpoint: WireEndpoint, clientID: String, credentials: String = "",
        group: (any EventLoopGroup)? = nil
    ) async throws(HoldfastClientError) -> WireConnection {
        let channel = try await openChannel(to: endpoint, group: group ?? MultiThreadedEventLoopGroup.singleton)
        let core: ConnectionCore
        do {
            core = try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.handler(type: ReplyHandler.self).core
            }.get()
        } catch {
            channel.close(promise: nil)
            throw .connectFailed("the connection to \(endpoint) closed while it was being set up")
        }
        let reply = try await handshake(core, hello: Hello(clientID: clientID, credentials: credentials))
        return WireConnection(core: core, helloReply: reply)
    }

    /// Sends one request frame; `encodeItems` writes its items (the connection writes the header,
    /// assigns the request id, and fills in counts/checksums). `onReply` runs exactly once, on the
    /// connection's event loop, with the reply frame (possibly a frame-level error reply) or a
    /// connection error. Callable from any thread; cheap on the event loop. Writes made within one
    /// event-loop tick leave in one flush (write coalescing).
    ///
    /// A frame over the server's `frameBytesMax` or `itemsPerFrameMax` is never
    /// sent: `onReply` gets `requestTooLarge`. `encodeItems` runs under the
    /// connection's lock and must not call back into the connection.
    public func send(
        operation: WireOperation, encodeItems: (inout FrameWriter) -> Void,
        onReply: @escaping @Sendable (Result<Frame, HoldfastClientError>) -> Void
    ) {
        core.send(operation: operation, encodeItems: encodeItems, onReply: onReply)
    }

    /// Frames sent whose reply has not been received yet.
    public var inFlight: Int { core.state.withLock { $0.pending.count } }

    /// Operations (items) sent whose reply has not been received yet; the
    /// server answers `busy` beyond `helloReply.limits.inFlightPerConnectionMax`.
    public var itemsInFlight: Int { core.state.withLock { $0.itemsInFlight } }

    /// Whether the connection has closed; every later `send` fails with `connectionClosed`.
    public var isClosed: Bool { core.state.withLock { $0.isClosed } }

    /// Why the connection closed, when it closed because of something it received
    /// (a frame-level error from the server, a corrupt or unexpected frame).
    public var closeReason: HoldfastClientError? { core.state.withLock { $0.closeReason } }

    /// Closes the connection; callbacks still waiting fail with `connectionClosed`.
    public func close() async {
        try? await core.channel.close()
    }

    // MARK: Setting up

    private static func openChannel(to endpoint: WireEndpoint, group: any EventLoopGroup)
        async throws(HoldfastClientError)
        -> any Channel
    {
        guard let bootstrap = ClientBootstrap(validatingGroup: group) else {
            throw .connectFailed("the event loop group must be a NIOPosix MultiThreadedEventLoopGroup")
        }
        let configured =
            bootstrap
            .connectTimeout(.seconds(connectTimeoutSeconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let core = ConnectionCore(channel: channel)
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(ReplyFrameDecoder()), ReplyHandler(core: core))
                }
            }
        do {
            switch endpoint {
            case .tcp(let host, let port): return try await configured.connect(host: host, port: port).get()
            case .unix(let path): return try await configured.connect(unixDomainSocketPath: path).get()
            }
        } catch {
            throw .connectFailed("\(endpoint): \(error)")
        }
    }

    /// Sends `hello` and waits for its reply, at most `handshakeTimeoutSeconds`.
    private static func handshake(_ core: ConnectionCore, hello: Hello) async throws(HoldfastClientError) -> HelloReply
    {
        let promise = core.eventLoop.makePromise(of: Frame.self)
        let timer = core.eventLoop.scheduleTask(in: .seconds(handshakeTimeoutSeconds)) {
            promise.fail(HoldfastClientError.timeout)
        }
        core.send(operation: .hello, encodeItems: { frames in frames.item { hello.encode(into: &$0) } }) { result in
            promise.completeWith(result.mapError { $0 as any Error })
        }
        let frame: Frame
        do {
            frame = try await promise.futureResult.get()
            timer.cancel()
        } catch {
            timer.cancel()
            core.close(because: .timeout)
            throw error as? HoldfastClientError ?? .connectFailed("\(error)")
        }
        do throws(HoldfastClientError) {
            let reply = try ReplyReading.single(frame, operation: .hello) { try HelloReply.decode(from: &$0) }
            guard reply.protocolVersion == UInt16(WireProtocol.version) else {
                throw HoldfastClientError.protocolError(
                    .unsupportedVersion,
                    "the server speaks protocol version \(reply.protocolVersion); this client speaks \(WireProtocol.version)"
                )
            }
            core.state.withLock { $0.limits = reply.limits }
            return reply
        } catch {
            core.close(because: error)
            throw error
        }
    }
}
