import Auth
import Engine
import NIOCore
import Wire

/// One client connection: cuts the byte stream into frames, checks them,
/// hands their operations to the engine and writes the replies — with the
/// connection's limits, timeouts and back-pressure. Lives on one event loop.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let server: ServerContext
    let connectionID: UInt64
    var context: ChannelHandlerContext?
    var outbox: ReplyOutbox?

    /// Bytes received and not yet cut into frames.
    var cumulation: ByteBuffer?
    /// Replies and errors encoded on the loop, written at the end of a read or a flush.
    var frames = FrameWriter(reservingCapacity: 4_096)

    var isAuthenticated = false
    /// Who the handshake's token speaks for; set with `isAuthenticated`.
    var principal = Principal.development
    /// The client id of the hello, for the access log.
    var clientID = ""
    /// Unix second after which the token (expiry plus leeway) no longer allows operations.
    var sessionDeadline = Int64.max
    /// Set by `shutdown`: no new work; close once nothing is in flight.
    var isDraining = false
    /// Set when the client half-closed (sent FIN): close once nothing is in flight.
    var isInputClosed = false
    /// Set once the connection is ending (its last frames are being written, then
    /// FIN, then the client's input is discarded until it closes): input is ignored.
    var isClosing = false
    /// Operations received whose replies have not been written yet.
    var operationsInFlight = 0

    // Back-pressure: reads are held while the socket is not writable.
    var isReadPaused = false
    var hasHeldRead = false

    // Timers (ConnectionHandler+Timers.swift).
    var lastActivity = NIODeadline.now()
    var partialFrameSince: NIODeadline?
    var handshakeTimer: Scheduled<Void>?
    var idleTimer: Scheduled<Void>?
    var readTimer: Scheduled<Void>?
    var writeTimer: Scheduled<Void>?
    var lingerTimer: Scheduled<Void>?

    init(server: ServerContext, connectionID: UInt64) {
        self.server = server
        self.connectionID = connectionID
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        outbox = ReplyOutbox { eventLoop.execute { loopBound.value.flushReadyReplies() } }
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimers()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        isClosing = true
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
        self.context = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Connection reset and the like: nothing to answer, just close.
        context.close(promise: nil)
    }

    // MARK: Reading

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        guard !isClosing else { return }
        var incoming = unwrapInboundIn(data)
        if cumulation == nil {
            cumulation = incoming
        } else {
            cumulation!.writeBuffer(&incoming)
        }
        cutFrames()
        writePendingFrames()
    }

    /// Takes every whole frame out of `cumulation` and handles it.
    private func cutFrames() {
        while !isClosing, var buffer = cumulation, buffer.readableBytes >= WireProtocol.headerBytes {
            let header: FrameHeader
            do {
                header = try buffer.withUnsafeReadableBytes { raw throws(WireError) in
                    try FrameHeader.decode(UnsafeRawBufferPointer(rebasing: raw[0..<WireProtocol.headerBytes]))
                }
            } catch {
                fail(error, operation: .error, requestID: 0)
                return
            }
            let frameBytes = WireProtocol.headerBytes + Int(header.bodyLength)
            guard frameBytes <= server.limits.frameBytesMax else {
                fail(
                    .protocolViolation(
                        .frameTooLarge,
                        "frame of \(frameBytes) bytes exceeds the limit of \(server.limits.frameBytesMax)"),
                    operation: header.operation, requestID: header.requestID)
                return
            }
            guard buffer.readableBytes >= frameBytes else { break }
            buffer.moveReaderIndex(forwardBy: WireProtocol.headerBytes)
            let body = buffer.readBytes(length: Int(header.bodyLength)) ?? []
            cumulation = buffer
            handle(Frame(header: header, body: body))
        }
        compactCumulation()
    }

    private func compactCumulation() {
        guard let buffer = cumulation else {
            partialFrameSince = nil
            return
        }
        if buffer.readableBytes == 0 {
            cumulation = nil
            partialFrameSince = nil
        } else {
            if buffer.readerIndex > 65_536 { cumulation!.discardReadBytes() }
            if partialFrameSince == nil {
                partialFrameSince = .now()
                scheduleReadTimer()
            }
        }
    }

    // MARK: Writing

    /// Writes the frames encoded on the loop, if any, in one flush.
    func writePendingFrames() {
        guard let context, frames.count > 0 else { return }
        var buffer = context.channel.allocator.buffer(capacity: frames.count)
        buffer.writeBytes(frames.writer.bytes)
        frames.reset()
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    /// Encodes every reply the shards have completed and writes them at once.
    func flushReadyReplies() {
        guard let outbox else { return }
        for reply in outbox.takeReady() {
            reply.encode(into: &frames)
            operationsInFlight -= reply.items.count
        }
        writePendingFrames()
        closeIfDrained()
    }

    /// Sends an error that ends the connection, then closes it.
    func fail(_ error: WireError, operation: WireOperation, requestID: UInt64) {
        server.counters.protocolErrors.add(1, ordering: .relaxed)
        frames.errorFrame(error, operation: operation, requestID: requestID)
        closeAfterWriting()
    }

    // MARK: Back-pressure

    func read(context: ChannelHandlerContext) {
        if isReadPaused && !isClosing {
            hasHeldRead = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            isReadPaused = false
            writeTimer?.cancel()
            writeTimer = nil
            if hasHeldRead {
                hasHeldRead = false
                context.read()
            }
        } else {
            isReadPaused = true
            scheduleWriteTimer()
        }
        context.fireChannelWritabilityChanged()
    }
}
