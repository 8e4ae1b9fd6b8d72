import Engine
import NIOCore
import NIOHTTP1

/// Serves one connection's requests on its event loop, one at a time: reads
/// a request whole (head, body up to `JSONBody.bytesMax`, end), routes,
/// authenticates and answers it (`RequestResponder`) on this loop, and writes
/// the response. A command that must go to its shard is queued there with a
/// completion that comes back to this loop in one step; until it is answered,
/// later requests wait here in order, and once one waits no more bytes are
/// read (a client that sends one request at a time costs no change of the
/// socket's read interest). Nor are they while the socket is not writable:
/// a client that sends requests without reading the answers fills its own
/// socket, not this process's memory.
///
/// A connection is closed after a response when its request asked for that
/// (`Connection: close`, or HTTP/1.0 without keep-alive), and once no request
/// remains when the server quiesces or the client has half-closed. The idle
/// timeout (`ConnectionIdleClock`) closes a connection without a request in
/// progress.
final class RESTConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// What the decoder delivered while a request was with its shard.
    private enum Queued {
        case part(HTTPServerRequestPart)
        case bodyFailure(String)
    }

    /// A request whose command is with its shard.
    private struct Waiting {
        var request: RESTRequest
        var context: RESTContext
        var started: NIODeadline
        var createdAt: String?
    }

    private let responder: RequestResponder
    private var writer: ResponseWriter
    private let idleClock: ConnectionIdleClock
    private var remoteAddress: SocketAddress?

    /// The request being read: its head, and its body so far.
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var bodyFailure: RESTRequest.BodyFailure?
    private var waiting: Waiting?
    private var queued = CircularBuffer<Queued>(initialCapacity: 4)
    /// A read was asked for while reads were held (`read(context:)`): issued once they may continue.
    private var readHeld = false
    /// Close once no request remains (the server quiesces, or the client half-closed).
    private var closesWhenIdle = false
    /// The client has half-closed: a request it has not sent whole never will be.
    private var inputEnded = false
    /// The connection is closing: nothing more is served.
    private var closing = false
    /// Responses written since the last flush, flushed when the read completes.
    private var unflushed = false

    init(responder: RequestResponder, serverName: String, idleTimeout: TimeAmount) {
        self.responder = responder
        writer = ResponseWriter(serverName: serverName)
        idleClock = ConnectionIdleClock(timeout: idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress
        if context.channel.isActive { idleClock.start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleClock.stop()
    }

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.channel.remoteAddress
        idleClock.start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        idleClock.stop()
        closing = true
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard waiting == nil, queued.isEmpty else {
            queued.append(.part(part))
            return
        }
        receive(part, context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    /// Holds reads while requests wait behind one that is with its shard, or
    /// responses wait for the socket: the client's next bytes stay in the
    /// kernel until they can be served.
    func read(context: ChannelHandlerContext) {
        guard readsMayContinue(context) else {
            readHeld = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        resumeReading(context)
        context.fireChannelWritabilityChanged()
    }

    private func readsMayContinue(_ context: ChannelHandlerContext) -> Bool {
        (waiting == nil || queued.isEmpty) && context.channel.isWritable
    }

    private func resumeReading(_ context: ChannelHandlerContext) {
        guard readHeld, !closing, readsMayContinue(context) else { return }
        readHeld = false
        context.read()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // `HTTPFramingGuard` passes on a parse error only while a body is read:
        // that request fails; it has refused the connection already.
        guard error is HTTPParserError else {
            context.close(promise: nil)
            return
        }
        let reason = "\(error)"
        guard waiting == nil, queued.isEmpty else {
            queued.append(.bodyFailure(reason))
            return
        }
        failBody(reason, context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case ChannelEvent.inputClosed where closing:
            // The response that closes the connection is out and the client has read it.
            context.close(promise: nil)
        case ChannelEvent.inputClosed:
            inputEnded = true
            closesWhenIdle = true
            closeIfIdle(context)
        case is ChannelShouldQuiesceEvent:
            closesWhenIdle = true
            closeIfIdle(context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func receive(_ part: HTTPServerRequestPart, _ context: ChannelHandlerContext) {
        guard !closing else { return }
        idleClock.activity()
        switch part {
        case .head(let requestHead):
            head = requestHead
            body = nil
            bodyFailure = nil
            idleClock.requestStarted()
        case .body(var chunk):
            guard head != nil, bodyFailure == nil else { return }
            guard (body?.readableBytes ?? 0) + chunk.readableBytes <= JSONBody.bytesMax else {
                body = nil
                bodyFailure = .tooLarge
                return
            }
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            guard let requestHead = head else { return }
            let request = RESTRequest(head: requestHead, body: body, bodyFailure: bodyFailure)
            head = nil
            body = nil
            serve(request, context)
        }
    }

    /// The request being read cannot be read to its end: it is answered now.
    private func failBody(_ reason: String, _ context: ChannelHandlerContext) {
        guard let requestHead = head, !closing else { return }
        head = nil
        body = nil
        serve(RESTRequest(head: requestHead, body: nil, bodyFailure: .unreadable(reason)), context)
    }

    private func serve(_ request: RESTRequest, _ context: ChannelHandlerContext) {
        let started = NIODeadline.now()
        var requestContext = responder.context(for: request, remoteAddress: remoteAddress)
        switch responder.answer(request, &requestContext) {
        case .response(let response):
            respond(response, request, requestContext, started: started, context)
        case .command(let command, let createdAt):
            let caller = requestContext.caller?.caller ?? .service
            let answered: Outcome?
            do {
                answered = try responder.backend.execute(command, caller: caller) {
                    let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                    let eventLoop = context.eventLoop
                    return { outcome in
                        eventLoop.execute {
                            let (handler, context) = loopBound.value
                            handler.commandAnswered(outcome, context)
                        }
                    }
                }
            } catch {
                respond(responder.problemResponse(error, request, requestContext), request, requestContext,
                    started: started, context)
                return
            }
            guard let answered else {
                waiting = Waiting(request: request, context: requestContext, started: started, createdAt: createdAt)
                idleClock.requestRead()
                return
            }
            let response = responder.response(for: answered, createdAt: createdAt, request, requestContext)
            respond(response, request, requestContext, started: started, context)
        }
    }

    /// A command's durable outcome, back on this loop: answer it, then serve
    /// what arrived meanwhile.
    private func commandAnswered(_ outcome: Outcome, _ context: ChannelHandlerContext) {
        guard let current = waiting else { return }
        waiting = nil
        let response = responder.response(
            for: outcome, createdAt: current.createdAt, current.request, current.context)
        respond(response, current.request, current.context, started: current.started, context)
        serveQueued(context)
        if unflushed {
            unflushed = false
            context.flush()
        }
        closeIfIdle(context)
        resumeReading(context)
    }

    private func serveQueued(_ context: ChannelHandlerContext) {
        while waiting == nil, !closing, let next = queued.popFirst() {
            switch next {
            case .part(let part): receive(part, context)
            case .bodyFailure(let reason): failBody(reason, context)
            }
        }
        if closing { queued.removeAll() }
    }

    private func respond(
        _ response: RESTResponse, _ request: RESTRequest, _ requestContext: RESTContext, started: NIODeadline,
        _ context: ChannelHandlerContext
    ) {
        var response = response
        responder.finish(&response, request, requestContext, started: started)
        guard !closing else { return }
        let closesAfter = !request.head.isKeepAlive
        writer.write(response, for: request.head, closing: closesAfter, context)
        idleClock.requestFinished(context)
        if closesAfter {
            closing = true
            let written = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
            // Half-close, as the client expects: it reads the response to the end, then closes.
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(mode: .output, promise: nil) }
            unflushed = false
            return
        }
        context.write(wrapOutboundOut(.end(nil)), promise: nil)
        unflushed = true
        closeIfIdle(context)
    }

    /// Closes when `closesWhenIdle` and no request waits or is queued, and
    /// none is being read that the client can still finish.
    private func closeIfIdle(_ context: ChannelHandlerContext) {
        guard closesWhenIdle, !closing, head == nil || inputEnded, waiting == nil, queued.isEmpty else { return }
        closing = true
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.close(promise: nil)
    }
}
