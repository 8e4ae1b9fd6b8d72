import NIOCore
import Synchronization

/// The shared state of one connection: request ids, the callbacks waiting for
/// replies, and the frames encoded but not yet written.
///
/// Any thread may `send`: under the lock it encodes the frame straight into the
/// outgoing buffer and, if no flush is scheduled yet, schedules one on the
/// event loop. The flush swaps the buffer out and writes it with one
/// `writeAndFlush`, so every frame sent before it runs — from one event-loop
/// tick or from many threads — leaves in one write.
final class ConnectionCore: @unchecked Sendable {
    typealias ReplyCallback = @Sendable (Result<Frame, HoldfastClientError>) -> Void

    struct PendingRequest {
        var itemCount: Int
        var onReply: ReplyCallback
    }

    struct State {
        var nextRequestID: UInt64 = 1
        var pending: [UInt64: PendingRequest] = [:]
        var itemsInFlight = 0
        var outgoing = FrameWriter(reservingCapacity: 4_096)
        var flushScheduled = false
        var isClosed = false
        /// Limits of the server once the handshake is done; the hard ceilings before.
        var limits = WireLimits(
            frameBytesMax: WireLimits.frameBytesCeiling, itemsPerFrameMax: WireLimits.itemsPerFrameCeiling,
            inFlightPerConnectionMax: WireLimits.itemsPerFrameCeiling)
        /// Why the connection closed, when it did for a reason of its own.
        var closeReason: HoldfastClientError?
    }

    let channel: any Channel
    let state = Mutex(State())
    /// The buffer the flush writes from; touched only on the event loop.
    private var flushBuffer = FrameWriter(reservingCapacity: 4_096)

    init(channel: any Channel) {
        self.channel = channel
    }

    var eventLoop: any EventLoop { channel.eventLoop }

    // MARK: Sending

    /// Encodes and queues one request frame; `onReply` runs once on the event loop.
    func send(operation: WireOperation, encodeItems: (inout FrameWriter) -> Void, onReply: @escaping ReplyCallback) {
        let outcome = state.withLock { state -> SendOutcome in
            guard !state.isClosed else { return .refused(.connectionClosed) }
            let requestID = state.nextRequestID
            state.outgoing.beginFrame(operation: operation, requestID: requestID, isReply: false)
            encodeItems(&state.outgoing)
            let itemCount = state.outgoing.openFrameItemCount
            let frameBytes = state.outgoing.openFrameBytes
            guard itemCount <= state.limits.itemsPerFrameMax, frameBytes <= state.limits.frameBytesMax else {
                state.outgoing.abandonFrame()
                return .refused(.requestTooLarge(frameBytes: frameBytes, itemCount: itemCount, limits: state.limits))
            }
            state.outgoing.finishFrame()
            state.nextRequestID += 1
            state.pending[requestID] = PendingRequest(itemCount: itemCount, onReply: onReply)
            state.itemsInFlight += itemCount
            guard !state.flushScheduled else { return .queued }
            state.flushScheduled = true
            return .queuedFlushNeeded
        }
        switch outcome {
        case .queued: break
        case .queuedFlushNeeded: eventLoop.execute { self.flush() }
        case .refused(let error): eventLoop.execute { onReply(.failure(error)) }
        }
    }

    private enum SendOutcome {
        case queued
        case queuedFlushNeeded
        case refused(HoldfastClientError)
    }

    /// Writes every frame queued so far in one write. Runs on the event loop.
    private func flush() {
        eventLoop.preconditionInEventLoop()
        state.withLock { state in
            state.flushScheduled = false
            swap(&state.outgoing, &flushBuffer)
        }
        guard flushBuffer.count > 0 else { return }
        var buffer = channel.allocator.buffer(capacity: flushBuffer.count)
        buffer.writeBytes(flushBuffer.writer.bytes)
        flushBuffer.reset()
        channel.writeAndFlush(buffer, promise: nil)
    }

    // MARK: Receiving

    /// Hands a reply to the callback waiting for its request id. Runs on the event loop.
    func receive(_ frame: Frame) {
        let header = frame.header
        let waiting = state.withLock { state -> PendingRequest? in
            guard header.isReply, let request = state.pending.removeValue(forKey: header.requestID) else { return nil }
            state.itemsInFlight -= request.itemCount
            return request
        }
        if let waiting {
            waiting.onReply(.success(frame))
            return
        }
        // A frame-level error the server could not tie to a request (it closes
        // the connection after it), or a reply nobody asked for: either way the
        // stream is not in step any more.
        let reason: HoldfastClientError =
            header.status != 0
            ? HoldfastClientError(frame.frameError())
            : .unexpectedReply(
                "\(header.isReply ? "reply" : "request") \(header.operation) for unknown request \(header.requestID)")
        close(because: reason)
    }

    /// Closes the connection, remembering why; the pending callbacks fail when it is down.
    func close(because reason: HoldfastClientError) {
        state.withLock { state in
            if state.closeReason == nil { state.closeReason = reason }
        }
        channel.close(promise: nil)
    }

    /// Fails every waiting callback with `connectionClosed`. Runs when the channel goes inactive.
    func connectionLost() {
        let orphans = state.withLock { state -> [PendingRequest] in
            state.isClosed = true
            let orphans = Array(state.pending.values)
            state.pending.removeAll()
            state.itemsInFlight = 0
            state.outgoing.reset()
            return orphans
        }
        for request in orphans { request.onReply(.failure(.connectionClosed)) }
    }
}
