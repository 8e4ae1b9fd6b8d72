import Auth
import Engine
import NIOCore
import Wire

// From a checked frame to the engine: the handshake, session operations and
// command frames (docs/wire-protocol.md, "Operations").
extension ConnectionHandler {
    func handle(_ frame: Frame) {
        let header = frame.header
        server.counters.framesReceived.add(1, ordering: .relaxed)
        guard !header.isReply, header.status == 0 else {
            return fail(
                .protocolViolation(.malformedFrame, "a client sends requests: reply flag and status must be 0"),
                operation: header.operation, requestID: header.requestID)
        }
        let ranges: [Range<Int>]
        do {
            ranges = try frame.itemRanges()
        } catch {
            if error.closesConnection { return fail(error, operation: header.operation, requestID: header.requestID) }
            return refuseFrame(error, header)
        }
        guard header.operation.isKnown else {
            return refuseFrame(
                .protocolViolation(
                    .unknownOperation, "operation \(header.operation) is not known to protocol version 1"),
                header)
        }
        guard isAuthenticated || header.operation == .hello else {
            return refuseFrame(.protocolViolation(.handshakeRequired, "send hello before \(header.operation)"), header)
        }
        let itemsMax = header.operation.commandTag == nil ? 1 : server.limits.itemsPerFrameMax
        guard (1...itemsMax).contains(ranges.count) else {
            return refuseFrame(
                .protocolViolation(
                    .itemCountOutOfRange,
                    "\(header.operation) takes 1...\(itemsMax) items per frame, got \(ranges.count)"),
                header)
        }
        server.counters.operationsReceived.add(UInt64(ranges.count), ordering: .relaxed)
        if let tag = header.operation.commandTag {
            handleCommands(frame, tag: tag, ranges: ranges)
        } else {
            handleSessionOperation(frame, range: ranges[0])
        }
    }

    /// Answers a whole frame with an error; the connection stays open.
    func refuseFrame(_ error: WireError, _ header: FrameHeader) {
        server.counters.protocolErrors.add(1, ordering: .relaxed)
        frames.errorFrame(error, operation: header.operation, requestID: header.requestID)
    }

    // MARK: Commands

    private func handleCommands(_ frame: Frame, tag: CommandCodec.Tag, ranges: [Range<Int>]) {
        let header = frame.header
        let reply = PendingReply(requestID: header.requestID, operation: header.operation, itemCount: ranges.count)
        if let refusal = admissionRefusal(itemCount: ranges.count) {
            for index in ranges.indices { reply.settle(index, .error(.engine(refusal))) }
            if refusal == .busy { server.counters.busyRefusals.add(UInt64(ranges.count), ordering: .relaxed) }
            reply.encode(into: &frames)
            return
        }
        var commands: [Command] = []
        commands.reserveCapacity(ranges.count)
        var positions: [Int] = []
        positions.reserveCapacity(ranges.count)
        var payloads: [Range<Int>] = []
        payloads.reserveCapacity(ranges.count)
        var denial: (operation: String, reason: String, count: Int)?
        let now = server.configuration.unixTimeSeconds()
        for (index, range) in ranges.enumerated() {
            var reader = frame.reader(of: range)
            do throws(DecodingError) {
                let command = try CommandCodec.decode(payloadOf: tag, from: &reader)
                guard reader.isAtEnd else { throw reader.error("\(reader.remaining) bytes follow the \(tag) request") }
                if let refusal = accessRefusal(command, now: now) {
                    reply.settle(index, .error(.protocolViolation(.accessDenied, refusal)))
                    denial = (
                        denial?.operation ?? command.operationName, denial?.reason ?? refusal, (denial?.count ?? 0) + 1
                    )
                    continue
                }
                commands.append(command)
                positions.append(index)
                payloads.append(range)
            } catch {
                reply.settle(index, .error(.protocolViolation(.malformedRequest, "item \(index): \(error)")))
            }
        }
        if let denial {
            reportDenied(
                .authorization, principal: principal, operation: denial.operation, deniedItems: denial.count,
                reason: denial.reason)
        }
        if operationsInFlight == 0, !commands.isEmpty, let outcomes = readAtOnce(commands) {
            for (index, outcome) in outcomes.enumerated() {
                reply.settle(commands.count == ranges.count ? index : positions[index], .outcome(outcome))
            }
            return reply.encode(into: &frames)
        }
        operationsInFlight += ranges.count
        guard !commands.isEmpty, let outbox else {
            reply.encode(into: &frames)
            operationsInFlight -= ranges.count
            return
        }
        server.runtime.submit(
            group: FrameCommandGroup(
                commands: commands, caller: principal.caller,
                received: CommandGroup.ReceivedPayloads(bytes: frame.body, ranges: payloads), reply: reply,
                positions: commands.count == ranges.count ? nil : positions, outbox: outbox,
                counters: server.counters))
    }

    /// The outcomes of a frame of queries answered on this event loop, without
    /// the shard's queue (`ShardRuntime.read`); nil if any item changes state
    /// or must wait for a change being written. Asked only while the connection
    /// has nothing in flight, so no write of its own is still queued ahead.
    private func readAtOnce(_ commands: [Command]) -> [Outcome]? {
        guard !commands.contains(where: \.isMutation) else { return nil }
        return server.runtime.read(batch: commands, caller: principal.caller)
    }

    /// Why a frame of `itemCount` operations cannot be taken now, if it cannot.
    private func admissionRefusal(itemCount: Int) -> EngineError? {
        if isDraining { return .shuttingDown }
        if operationsInFlight + itemCount > server.limits.inFlightPerConnectionMax { return .busy }
        return nil
    }

    // MARK: Session operations

    private func handleSessionOperation(_ frame: Frame, range: Range<Int>) {
        let header = frame.header
        var reader = frame.reader(of: range)
        let reply = PendingReply(requestID: header.requestID, operation: header.operation, itemCount: 1)
        do {
            var writer = BinaryWriter(reservingCapacity: 64)
            switch header.operation {
            case .hello:
                guard try answerHello(Hello.decode(from: &reader), into: &writer, header: header) else { return }
            case .ping:
                break
            case .events:
                let request = try EventsRequest.decode(from: &reader)
                if let refusal = eventsRefusal(store: request.store) {
                    reply.settle(0, .error(.protocolViolation(.accessDenied, refusal)))
                    return reply.encode(into: &frames)
                }
                guard let eventsReply = eventsReply(request) else {
                    reply.settle(
                        0,
                        .error(
                            .engine(
                                .invalidArgument(
                                    field: "shard",
                                    reason: "shard \(request.shard) does not exist (0..<\(server.runtime.shardCount))"))
                        ))
                    return reply.encode(into: &frames)
                }
                EventCodec.encode(eventsReply, into: &writer)
            case .stats:
                if let refusal = statsRefusal() {
                    reply.settle(0, .error(.protocolViolation(.accessDenied, refusal)))
                    return reply.encode(into: &frames)
                }
                server.stats().encode(into: &writer)
            default:
                preconditionFailure("not a session operation: \(header.operation)")
            }
            guard reader.isAtEnd else {
                throw reader.error("\(reader.remaining) bytes follow the \(header.operation) request")
            }
            reply.settle(0, .encoded(writer.bytes))
        } catch {
            reply.settle(0, .error(.protocolViolation(.malformedRequest, "\(header.operation): \(error)")))
        }
        reply.encode(into: &frames)
    }

    /// Checks the handshake; answers it (true) or fails the connection (false).
    private func answerHello(_ hello: Hello, into writer: inout BinaryWriter, header: FrameHeader) -> Bool {
        guard hello.protocolVersion == UInt16(WireProtocol.version) else {
            fail(
                .protocolViolation(
                    .unsupportedVersion,
                    "client speaks protocol version \(hello.protocolVersion); this server speaks \(WireProtocol.version)"
                ),
                operation: .hello, requestID: header.requestID)
            return false
        }
        if let failure = authenticate(hello) {
            fail(
                .protocolViolation(
                    .authenticationFailed, "credentials of client '\(hello.clientID)' were refused: \(failure.reason)"),
                operation: .hello, requestID: header.requestID)
            return false
        }
        isAuthenticated = true
        handshakeTimer?.cancel()
        handshakeTimer = nil
        HelloReply(
            serverName: server.configuration.serverName, connectionID: connectionID,
            shardCount: server.runtime.shardCount, limits: server.limits
        ).encode(into: &writer)
        return true
    }

    /// A page of a shard's events, only the requested store's when one is named.
    private func eventsReply(_ request: EventsRequest) -> EventsReply? {
        guard var page = server.runtime.events(shard: request.shard, after: request.afterLSN, limit: request.limit)
        else { return nil }
        let nextAfterLSN = page.events.last?.lsn ?? request.afterLSN
        if let store = request.store { page.events.removeAll { !IdentifierRule.same($0.store, store) } }
        return EventsReply(page: page, nextAfterLSN: nextAfterLSN)
    }
}
