import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Observability

/// Behind the HTTP decoder: refuses what the decoder cannot parse (unknown
/// method, malformed request line or headers, bad chunked framing) and what it
/// parses but RFC 9112 forbids (`Transfer-Encoding` in HTTP/1.0 or not ending
/// in `chunked`, a version other than 1.x) or this server does not do
/// (`CONNECT`) with a 400 `application/problem+json`, then closes the
/// connection (NIO's decoder alone would only fail the pipeline).
///
/// A request asking for a protocol upgrade (`Connection: upgrade`) is served
/// as plain HTTP/1.1, then the connection closes: the decoder parses nothing
/// after it.
///
/// A refusal is written at once when no response is in flight. Otherwise the
/// response in flight is finished and the connection closed: a pipelined
/// request after it is not answered, and a body that fails to decode fails
/// the request reading it.
final class HTTPFramingGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case serving
        /// Framing failed while a response was in flight: close once it is sent.
        case closingAfterResponse
        /// Refused or closing: nothing more is read or written.
        case closed
    }

    private let headTimeout: RequestHeadTimeoutHandler
    private let metrics: HTTPConnectionMetrics
    private let logger: Logger
    private var state = State.serving
    /// Heads passed on whose response has not been sent.
    private var requestsOpen = 0
    private var readingBody = false
    /// A request asked to upgrade the protocol: the decoder stops parsing
    /// after it, so the connection closes once its response is sent.
    private var closesWhenAnswered = false

    init(headTimeout: RequestHeadTimeoutHandler, metrics: HTTPConnectionMetrics, logger: Logger) {
        self.headTimeout = headTimeout
        self.metrics = metrics
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .serving = state else { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            headTimeout.headDecoded()
            if let refusal = Self.framingProblem(head) {
                refuse(context, detail: refusal, method: head.method.rawValue, path: head.uri)
                return
            }
            requestsOpen += 1
            readingBody = true
            if Self.asksToUpgrade(head.headers) { closesWhenAnswered = true }
        case .body: break
        case .end: readingBody = false
        }
        context.fireChannelRead(data)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        guard case .serving = state else { return }
        if readingBody { context.fireErrorCaught(error) }
        refuse(context, detail: "the request is not valid HTTP/1.1 (\(parserError))", method: "OTHER", path: "")
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !isClosed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        context.write(data, promise: promise)
        guard case .end = unwrapOutboundIn(data) else { return }
        assert(requestsOpen > 0, "a response was sent for no request")
        requestsOpen -= 1
        headTimeout.responseSent()
        if requestsOpen == 0, closesWhenAnswered || state == .closingAfterResponse {
            state = .closed
            context.flush()
            context.close(promise: nil)
        }
    }

    private var isClosed: Bool {
        if case .closed = state { return true }
        return false
    }

    /// Answers 400 with a problem and closes, or, with a response in flight,
    /// closes once it is sent.
    private func refuse(_ context: ChannelHandlerContext, detail: String, method: String, path: String) {
        metrics.framingRefusals.increment()
        let requestID = RequestID.generate()
        var metadata = StructuredLogging.requestMetadata(
            requestID: requestID, method: method, path: HTTPMetrics.unmatchedRoute, status: 400, durationNanoseconds: 0)
        metadata["reason"] = .string(detail)
        logger.info("request refused by HTTP framing", metadata: metadata)
        guard requestsOpen == 0 else {
            state = .closingAfterResponse
            return
        }
        state = .closed
        let problem = Problem.malformed(detail)
        let body = problem.body(requestID: requestID, path: path)
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/problem+json")
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Connection", value: "close")
        headers.add(name: "X-Request-Id", value: requestID)
        let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    /// Whether a `Connection` field lists the `upgrade` option (names and
    /// options case-insensitive, options comma-separated with optional
    /// whitespace), read in place: this runs for every request.
    static func asksToUpgrade(_ headers: HTTPHeaders) -> Bool {
        for (name, value) in headers where Self.equalsIgnoringCase(name.utf8[...], "connection") {
            for option in value.utf8.split(separator: UInt8(ascii: ",")) {
                var option = option
                while let first = option.first, first == 0x20 || first == 0x09 { option = option.dropFirst() }
                while let last = option.last, last == 0x20 || last == 0x09 { option = option.dropLast() }
                if Self.equalsIgnoringCase(option, "upgrade") { return true }
            }
        }
        return false
    }

    /// Whether ASCII `bytes` spell `lowercased` (which is lower-case ASCII), ignoring case.
    private static func equalsIgnoringCase(_ bytes: Substring.UTF8View, _ lowercased: StaticString) -> Bool {
        guard bytes.count == lowercased.utf8CodeUnitCount else { return false }
        var offset = 0
        for byte in bytes {
            let folded: UInt8 = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
            guard folded == lowercased.utf8Start[offset] else { return false }
            offset += 1
        }
        return true
    }

    /// What RFC 9112 forbids, or this server does not do, in a head the decoder accepted.
    static func framingProblem(_ head: HTTPRequestHead) -> String? {
        guard head.version.major == 1 else {
            return "HTTP/\(head.version.major).\(head.version.minor) is not supported"
        }
        if head.method == .CONNECT { return "CONNECT is not supported: this is not a proxy" }
        let codings = head.headers["Transfer-Encoding"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard !codings.isEmpty else { return nil }
        if head.version.minor == 0 {
            return "Transfer-Encoding is not allowed in an HTTP/1.0 request (RFC 9112 §6.1)"
        }
        if codings.last != "chunked" {
            return "a request's Transfer-Encoding must end with chunked (RFC 9112 §6.3)"
        }
        return nil
    }
}
