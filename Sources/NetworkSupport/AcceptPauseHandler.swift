#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// On a listening socket: when `accept` fails for want of file descriptors or
/// memory (EMFILE, ENFILE, ENOBUFS, ENOMEM), stops watching the socket for
/// `pause`, then accepts again — instead of spinning on a socket that stays
/// readable while the backlog holds connections it cannot accept. Both
/// listeners of `holdfast serve` (wire and REST) put one first on their
/// listening channel.
///
/// NIO's `AcceptBackoffHandler` only delays `read()`: a failed accept leaves
/// the read pending, the socket stays registered, and the (level-triggered)
/// event loop wakes at once. Turning auto-read off unregisters the socket;
/// turning it on again registers it.
public final class AcceptPauseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = any Channel
    public typealias OutboundIn = Never

    /// The accept errors that pause accepting; any other error passes on.
    public static let pausingErrors: Set<CInt> = [EMFILE, ENFILE, ENOBUFS, ENOMEM]

    private let pause: TimeAmount
    private let onFailure: @Sendable (IOError) -> Void
    private let onPause: @Sendable (IOError) -> Void
    private var paused = false

    /// - Parameters:
    ///   - pause: how long accepting stops after a failed accept.
    ///   - onFailure: called for every failed accept (count it).
    ///   - onPause: called once per pause (log it).
    public init(
        pause: TimeAmount, onFailure: @escaping @Sendable (IOError) -> Void,
        onPause: @escaping @Sendable (IOError) -> Void = { _ in }
    ) {
        self.pause = pause
        self.onFailure = onFailure
        self.onPause = onPause
    }

    public func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let ioError = error as? IOError, Self.pausingErrors.contains(ioError.errnoCode) else {
            context.fireErrorCaught(error)
            return
        }
        onFailure(ioError)
        guard !paused else { return }
        paused = true
        onPause(ioError)
        setAutoRead(false, context)
        context.eventLoop.assumeIsolated().scheduleTask(in: pause) { [self] in
            paused = false
            setAutoRead(true, context)
        }
    }

    /// Reads (accepts) wait while paused.
    public func read(context: ChannelHandlerContext) {
        if !paused { context.read() }
    }

    private func setAutoRead(_ enabled: Bool, _ context: ChannelHandlerContext) {
        // Fails only on a closed channel, which accepts nothing anyway.
        try? context.channel.syncOptions?.setOption(ChannelOptions.autoRead, value: enabled)
    }
}
