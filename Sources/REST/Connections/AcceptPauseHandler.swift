#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import Observability

/// On the listening socket: when `accept` fails for want of file descriptors
/// or memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), stops watching the socket for
/// `pause`, then tries again — instead of spinning on a socket that stays
/// readable while the backlog holds connections it cannot accept.
///
/// NIO's own back-off only delays `read()`; the failed accept leaves the read
/// pending, so the socket stays registered and the event loop wakes at once.
/// Turning auto-read off unregisters it; turning it on again registers it.
final class AcceptPauseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = any Channel
    typealias OutboundIn = Never

    static let pausingErrors: Set<CInt> = [EMFILE, ENFILE, ENOBUFS, ENOMEM]

    private let pause: TimeAmount
    private let metrics: HTTPConnectionMetrics
    private let logger: Logger
    private var paused = false

    init(pause: TimeAmount, metrics: HTTPConnectionMetrics, logger: Logger) {
        self.pause = pause
        self.metrics = metrics
        self.logger = logger
    }

    /// Puts a handler first on `listener`'s pipeline (where accept errors arrive
    /// first, and read requests leave last).
    static func install(
        on listener: any Channel, pause: TimeAmount, metrics: HTTPConnectionMetrics, logger: Logger
    ) async {
        do {
            try await listener.eventLoop.submit {
                let handler = AcceptPauseHandler(pause: pause, metrics: metrics, logger: logger)
                try listener.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            logger.error("REST listener: cannot add the accept pause handler", metadata: ["error": "\(error)"])
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let ioError = error as? IOError, Self.pausingErrors.contains(ioError.errnoCode) else {
            context.fireErrorCaught(error)
            return
        }
        metrics.acceptErrors.increment()
        guard !paused else { return }
        paused = true
        logger.warning(
            "REST accept failed; accepting paused",
            metadata: [
                "error": "\(ioError)", "pause_ms": "\(pause.nanoseconds / 1_000_000)", "open": "\(metrics.open)",
            ])
        setAutoRead(false, context)
        context.eventLoop.assumeIsolated().scheduleTask(in: pause) { [self] in
            paused = false
            setAutoRead(true, context)
        }
    }

    /// Reads (accepts) wait while paused.
    func read(context: ChannelHandlerContext) {
        if !paused { context.read() }
    }

    private func setAutoRead(_ enabled: Bool, _ context: ChannelHandlerContext) {
        do {
            try context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: enabled)
        } catch {
            logger.error("REST listener: cannot set auto-read", metadata: ["error": "\(error)"])
        }
    }
}
