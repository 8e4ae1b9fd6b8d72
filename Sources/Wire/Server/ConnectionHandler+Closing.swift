import NIOCore

// How a connection ends (docs/wire-protocol.md, "Graceful shutdown"). The
// server never closes a socket that still holds unread input while replies are
// queued: the kernel would answer with a reset and drop the queued replies.
// Instead: write the last frames, half-close (FIN), read and discard the
// client's input until it closes too — at most `lingerSeconds` — then close.
extension ConnectionHandler {
    /// Starts draining (server shutdown): new command frames are refused with
    /// `shuttingDown`; the connection ends once nothing is in flight.
    func beginDraining() {
        isDraining = true
        closeIfDrained()
    }

    /// Ends the connection once nothing is in flight, when draining or when the client sent FIN.
    func closeIfDrained() {
        guard isDraining || isInputClosed, operationsInFlight == 0, !isClosing else { return }
        closeAfterWriting()
    }

    /// Writes the pending frames, then ends the connection gracefully.
    func closeAfterWriting() {
        guard let context, !isClosing else { return }
        isClosing = true
        cumulation = nil
        partialFrameSince = nil
        var buffer = context.channel.allocator.buffer(capacity: frames.count)
        buffer.writeBytes(frames.writer.bytes)
        frames.reset()
        let channel = context.channel
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { result in
            guard case .success = result else { return channel.close(promise: nil) }
            loopBound.value.closeOutput()
        }
    }

    /// After the last frame left: FIN, then discard input until the client closes or the linger time ends.
    private func closeOutput() {
        guard let context, context.channel.isActive else { return }
        cancelTimers()
        let channel = context.channel
        guard !isInputClosed else { return channel.close(promise: nil) }
        let now = NIODeadline.now()
        lastActivity = now
        scheduleLingerTimer(until: now + seconds(server.configuration.lingerMaxSeconds))
        resumeHeldRead()
        context.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
    }

    /// Closes once the client has sent nothing for `lingerSeconds` (each discarded
    /// read starts the wait again), and at `hardDeadline` in any case.
    private func scheduleLingerTimer(until hardDeadline: NIODeadline) {
        guard let context else { return }
        let quiet = seconds(server.configuration.lingerSeconds)
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        lingerTimer = context.eventLoop.scheduleTask(deadline: min(lastActivity + quiet, hardDeadline)) {
            let handler = loopBound.value
            let now = NIODeadline.now()
            if now >= hardDeadline || handler.lastActivity + quiet <= now {
                handler.context?.close(promise: nil)
            } else {
                handler.scheduleLingerTimer(until: hardDeadline)
            }
        }
    }

    /// The client sent FIN: finish what is in flight, then close (or close now if already ending).
    func inputClosed(context: ChannelHandlerContext) {
        isInputClosed = true
        if isClosing {
            // Output is closed or about to be: the input is drained now, closing sends no reset.
            if lingerTimer != nil { context.close(promise: nil) }
            return
        }
        closeIfDrained()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// Reads again after back-pressure held a read (or when input is only discarded).
    func resumeHeldRead() {
        isReadPaused = false
        guard hasHeldRead, let context else { return }
        hasHeldRead = false
        context.read()
    }
}
