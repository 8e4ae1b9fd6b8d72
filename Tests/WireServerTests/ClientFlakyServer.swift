import Engine
import NIOCore
import NIOPosix
import Synchronization
import Wire

/// A deliberately small wire server for the client's connection-loss tests: it
/// answers hello, ping and command frames through a real `ShardRuntime`, and
/// can be told to misbehave — swallow requests, or apply one and then drop the
/// connection before the reply leaves (the "applied but never acknowledged" case).
final class FlakyServer: Sendable {
    enum Mode: Sendable, Equatable {
        /// Answers everything.
        case normal
        /// Reads requests and answers none; closes the connection after `closeAfter` of them.
        case swallow(closeAfter: Int)
        /// Applies the next command frame, then closes the connection instead of
        /// answering; back to `normal` afterwards.
        case applyThenDrop
    }

    let runtime = ShardRuntime(shardCount: 1)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let mode = Mutex(Mode.normal)
    let connectionsAccepted = Atomic(0)
    let commandFramesReceived = Atomic(0)
    private let channel: Mutex<(any Channel)?> = Mutex(nil)

    /// The port it listens on, once started.
    var port: Int { channel.withLock { $0?.localAddress?.port ?? 0 } }

    func start() async throws {
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] child in
                connectionsAccepted.add(1, ordering: .relaxed)
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(RequestFrameDecoder()), FlakyHandler(server: self))
                }
            }
        let bound = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        channel.withLock { $0 = bound }
    }

    func stop() async {
        let bound = channel.withLock { $0 }
        try? await bound?.close()
        try? await group.shutdownGracefully()
        runtime.shutdown()
    }
}

/// Cuts requests out of the stream (checksums are the client's business here;
/// the server tests check them).
private struct RequestFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes >= WireProtocol.headerBytes else { return .needMoreData }
        let header = try buffer.withUnsafeReadableBytes { raw throws(WireError) in
            try FrameHeader.decode(UnsafeRawBufferPointer(rebasing: raw[0..<WireProtocol.headerBytes]))
        }
        guard buffer.readableBytes >= WireProtocol.headerBytes + Int(header.bodyLength) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: WireProtocol.headerBytes)
        let body = buffer.readBytes(length: Int(header.bodyLength)) ?? []
        context.fireChannelRead(wrapInboundOut(Frame(header: header, body: body)))
        return .continue
    }
}

private final class FlakyHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Frame

    let server: FlakyServer
    var swallowed = 0

    init(server: FlakyServer) {
        self.server = server
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let channel = context.channel
        switch frame.header.operation {
        case .hello:
            let reply = HelloReply(serverName: "flaky", connectionID: 1, shardCount: 1, limits: .standard)
            write(frame, on: channel) {
                $0.item { writer in
                    writer.write(UInt8(0)); reply.encode(into: &writer)
                }
            }
        case .ping:
            guard admit(channel) else { return }
            write(frame, on: channel) { $0.item { writer in writer.write(UInt8(0)) } }
        default:
            guard let tag = frame.header.operation.commandTag else { return }
            server.commandFramesReceived.add(1, ordering: .relaxed)
            guard admit(channel) else { return }
            runCommands(frame, tag: tag, on: channel)
        }
    }

    /// Whether to answer this request; swallows it (closing when told to) otherwise.
    private func admit(_ channel: any Channel) -> Bool {
        guard case .swallow(let closeAfter) = server.mode.withLock({ $0 }) else { return true }
        swallowed += 1
        if swallowed >= closeAfter { channel.close(promise: nil) }
        return false
    }

    private func runCommands(_ frame: Frame, tag: CommandCodec.Tag, on channel: any Channel) {
        let commands = ((try? frame.itemRanges()) ?? []).compactMap { range -> Command? in
            var reader = frame.reader(of: range)
            return try? CommandCodec.decode(payloadOf: tag, from: &reader)
        }
        let drop = server.mode.withLock { mode -> Bool in
            guard mode == .applyThenDrop else { return false }
            mode = .normal
            return true
        }
        let runtime = server.runtime
        Task {
            let outcomes = await runtime.execute(batch: commands)
            if drop {
                try? await channel.close()
                return
            }
            self.write(frame, on: channel) { frames in for outcome in outcomes { frames.outcomeItem(outcome) } }
        }
    }

    private func write(_ request: Frame, on channel: any Channel, items: (inout FrameWriter) -> Void) {
        var frames = FrameWriter()
        frames.beginFrame(operation: request.header.operation, requestID: request.header.requestID, isReply: true)
        items(&frames)
        frames.finishFrame()
        let bytes = frames.takeBytes()
        channel.eventLoop.execute {
            channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
        }
    }
}
