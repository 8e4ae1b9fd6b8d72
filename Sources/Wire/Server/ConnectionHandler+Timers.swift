import NIOCore
import Wire

// The connection's clocks: handshake, partial-frame (read), idle, unread
// replies (write) and the linger after FIN (ConnectionHandler+Closing.swift). Each is a one-shot timer set when its condition starts, so
// thousands of quiet connections cost no periodic wake-ups.
extension ConnectionHandler {
    func startTimers() {
        let configuration = server.configuration
        handshakeTimer = schedule(after: configuration.handshakeTimeoutSeconds) { handler in
            guard !handler.isAuthenticated else { return }
            handler.timeOut("no hello within \(configuration.handshakeTimeoutSeconds) s")
        }
        scheduleIdleTimer(at: lastActivity + seconds(configuration.idleTimeoutSeconds))
    }

    func cancelTimers() {
        for timer in [handshakeTimer, idleTimer, readTimer, writeTimer, lingerTimer] { timer?.cancel() }
        handshakeTimer = nil
        idleTimer = nil
        readTimer = nil
        writeTimer = nil
        lingerTimer = nil
    }

    private func scheduleIdleTimer(at deadline: NIODeadline) {
        guard let context else { return }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        idleTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            let handler = loopBound.value
            let idleLimit = handler.seconds(handler.server.configuration.idleTimeoutSeconds)
            let quietUntil = handler.lastActivity + idleLimit
            if handler.operationsInFlight == 0 && quietUntil <= .now() {
                handler.timeOut("idle for \(handler.server.configuration.idleTimeoutSeconds) s")
            } else {
                handler.scheduleIdleTimer(at: max(quietUntil, .now() + .nanoseconds(idleLimit.nanoseconds / 8)))
            }
        }
    }

    /// Started when a frame is begun but not complete.
    func scheduleReadTimer() {
        let limit = server.configuration.readTimeoutSeconds
        readTimer?.cancel()
        readTimer = schedule(after: limit) { handler in
            guard let since = handler.partialFrameSince else { return }
            if since + handler.seconds(limit) <= .now() {
                handler.timeOut("a frame begun \(limit) s ago is still incomplete")
            } else {
                handler.scheduleReadTimer()
            }
        }
    }

    /// Started when the socket stops being writable (the client does not read).
    func scheduleWriteTimer() {
        guard writeTimer == nil else { return }
        let limit = server.configuration.writeTimeoutSeconds
        writeTimer = schedule(after: limit) { handler in
            handler.writeTimer = nil
            guard let context = handler.context, !context.channel.isWritable else { return }
            // The client reads nothing: an error frame would not leave either.
            handler.server.counters.protocolErrors.add(1, ordering: .relaxed)
            handler.isClosing = true
            context.close(promise: nil)
        }
    }

    private func timeOut(_ reason: String) {
        fail(.protocolViolation(.timeout, reason), operation: .error, requestID: 0)
    }

    func schedule(after secondsValue: Double, _ body: @escaping (ConnectionHandler) -> Void) -> Scheduled<Void>? {
        guard let context else { return nil }
        let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let bodyBound = NIOLoopBound(body, eventLoop: context.eventLoop)
        return context.eventLoop.scheduleTask(in: seconds(secondsValue)) { bodyBound.value(loopBound.value) }
    }

    func seconds(_ value: Double) -> TimeAmount { .nanoseconds(Int64(value * 1e9)) }
}
