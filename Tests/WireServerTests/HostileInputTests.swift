import Engine
import Foundation
import Testing
import Wire
import WireServer

/// Bad input of every kind against a running server: each gets a clear error
/// or a clean close, and the server keeps serving everyone else.
@Suite("Wire server: hostile input")
struct HostileInputTests {
    /// Checks that a fresh client is still served normally.
    private func expectServerStillServes(_ server: TestServer, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let socket = try server.handshakenSocket(clientID: "bystander")
        try socket.send(WireFrames.session(.ping, requestID: 4_242))
        #expect(try socket.receiveFrame()?.header.requestID == 4_242, sourceLocation: sourceLocation)
    }

    /// Reads the one error frame a fatal error produces, then expects the close.
    private func expectFatal(_ socket: RawSocket, code: ProtocolErrorCode, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let frame = try #require(try socket.receiveFrame(), sourceLocation: sourceLocation)
        #expect(frame.header.status == code.rawValue, sourceLocation: sourceLocation)
        guard case .protocolViolation(let received, let message) = frame.frameError() else {
            Issue.record("not a protocol error: \(frame.frameError())", sourceLocation: sourceLocation)
            return
        }
        #expect(received == code && !message.isEmpty, sourceLocation: sourceLocation)
        #expect(socket.isClosedByServer(), sourceLocation: sourceLocation)
    }

    @Test("random bytes: malformed frame, then close")
    func randomBytes() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        var generator = SplitMix64(seed: 7)
        let socket = try RawSocket(port: server.port)
        try socket.send((0..<200).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try expectFatal(socket, code: .malformedFrame)
        try expectServerStillServes(server)
    }

    @Test("bad header checksum closes; bad body checksum is refused and the connection goes on")
    func checksums() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        var headerDamaged = WireFrames.session(.ping, requestID: 1)
        headerDamaged[9] ^= 0x01
        let first = try RawSocket(port: server.port)
        try first.send(headerDamaged)
        try expectFatal(first, code: .checksumMismatch)

        let second = try server.handshakenSocket()
        var bodyDamaged = WireFrames.commands([WireFrames.setStock(onHand: 1)], requestID: 2)
        bodyDamaged[WireProtocol.headerBytes + 6] ^= 0x40
        try second.send(bodyDamaged)
        let refusal = try #require(try second.receiveFrame())
        #expect(refusal.header.status == ProtocolErrorCode.checksumMismatch.rawValue && refusal.header.requestID == 2)
        try second.send(WireFrames.session(.ping, requestID: 3))
        #expect(try second.receiveFrame()?.header.requestID == 3)
    }

    @Test("a frame longer than the limit is refused before its body is read")
    func oversizeLength() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let socket = try server.handshakenSocket()
        var header = FrameHeader(isReply: false, operation: WireOperation(command: .reserve), itemCount: 1, requestID: 9)
        header.bodyLength = UInt32.max
        var bytes: [UInt8] = []
        header.encode(into: &bytes)
        try socket.send(bytes)
        try expectFatal(socket, code: .frameTooLarge)
        try expectServerStillServes(server)
    }

    @Test("a wrong header version, and a hello asking for another version, are refused and closed")
    func wrongVersion() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        var bytes: [UInt8] = []
        FrameHeader(version: 2, isReply: false, operation: .ping, itemCount: 0, requestID: 1).encode(into: &bytes)
        let first = try RawSocket(port: server.port)
        try first.send(bytes)
        try expectFatal(first, code: .unsupportedVersion)
        let second = try RawSocket(port: server.port)
        try second.send(WireFrames.hello(version: 9))
        try expectFatal(second, code: .unsupportedVersion)
    }

    @Test("unknown operation, frames before hello and empty frames are refused; the connection goes on")
    func refusedFrames() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let socket = try RawSocket(port: server.port)
        try socket.send(WireFrames.session(.ping, requestID: 1))
        #expect(try socket.receiveFrame()?.header.status == ProtocolErrorCode.handshakeRequired.rawValue)
        try socket.send(WireFrames.hello())
        #expect(try socket.receiveFrame()?.header.status == 0)
        try socket.send(WireFrames.raw(WireOperation(rawValue: 0x7777), requestID: 2, items: [[1, 2, 3]]))
        #expect(try socket.receiveFrame()?.header.status == ProtocolErrorCode.unknownOperation.rawValue)
        try socket.send(WireFrames.raw(WireOperation(command: .reserve), requestID: 3, items: []))
        #expect(try socket.receiveFrame()?.header.status == ProtocolErrorCode.itemCountOutOfRange.rawValue)
        try socket.send(WireFrames.raw(WireOperation(command: .advanceTime), requestID: 4, items: [[]]))
        #expect(try socket.receiveFrame()?.header.status == ProtocolErrorCode.unknownOperation.rawValue)
        try socket.send(WireFrames.session(.ping, requestID: 5))
        #expect(try socket.receiveFrame()?.header.requestID == 5)
    }

    @Test("a malformed item and out-of-range values fail alone; the rest of the batch runs")
    func badItemsInABatch() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let socket = try server.handshakenSocket()
        try socket.send(WireFrames.commands([WireFrames.setStock(onHand: 10)], requestID: 1))
        _ = try socket.receiveFrame()
        var good = BinaryWriter()
        CommandCodec.encodePayload(of: WireFrames.reserve(id: "ok"), into: &good)
        var negative = BinaryWriter()
        CommandCodec.encodePayload(of: WireFrames.reserve(id: "neg", quantity: -5), into: &negative)
        let truncated = Array(good.bytes.prefix(7))
        let trailing = good.bytes + [0xEE]
        try socket.send(
            WireFrames.raw(WireOperation(command: .reserve), requestID: 2, items: [truncated, good.bytes, negative.bytes, trailing]))
        let outcomes = try #require(try socket.receiveFrame()).outcomes()
        #expect(outcomes.count == 4)
        guard case .failure(.protocolViolation(.malformedRequest, _)) = outcomes[0],
            case .success(.reservation) = outcomes[1],
            case .failure(.engine(.quantityOutOfRange)) = outcomes[2],
            case .failure(.protocolViolation(.malformedRequest, _)) = outcomes[3]
        else {
            Issue.record("unexpected outcomes: \(outcomes)")
            return
        }
    }

    @Test("refused credentials close the connection")
    func refusedCredentials() async throws {
        let server = try await TestServer { $0.authenticator = TestTokens.authenticator }
        defer { Task { await server.stop() } }
        let socket = try RawSocket(port: server.port)
        try socket.send(WireFrames.hello(credentials: "guess"))
        try expectFatal(socket, code: .authenticationFailed)
        _ = try server.handshakenSocket(credentials: TestTokens.token())
    }

    @Test("a truncated frame times out; a silent connection is closed after the handshake timeout")
    func timeouts() async throws {
        let server = try await TestServer {
            $0.readTimeoutSeconds = 0.3
            $0.handshakeTimeoutSeconds = 0.3
        }
        defer { Task { await server.stop() } }
        let truncated = try server.handshakenSocket()
        try truncated.send(Array(WireFrames.session(.ping, requestID: 1).prefix(20)))
        try expectFatal(truncated, code: .timeout)
        let silent = try RawSocket(port: server.port)
        try expectFatal(silent, code: .timeout)
        try expectServerStillServes(server)
    }

    @Test("a client past its in-flight budget gets busy, not unbounded memory")
    func inFlightBudget() async throws {
        let server = try await TestServer(shards: 1) {
            $0.limits = WireLimits(frameBytesMax: 1 << 20, itemsPerFrameMax: 64, inFlightPerConnectionMax: 128)
        }
        defer { Task { await server.stop() } }
        let socket = try server.handshakenSocket()
        var bytes = WireFrames.commands([WireFrames.setStock(onHand: 1_000_000)], requestID: 1)
        for frame in 0..<50 {
            bytes += WireFrames.commands((0..<64).map { WireFrames.reserve(id: "b\(frame)-\($0)") }, requestID: UInt64(10 + frame))
        }
        try socket.send(bytes)
        var busy = 0
        var granted = 0
        for _ in 0..<51 {
            for outcome in try #require(try socket.receiveFrame()).outcomes() {
                switch outcome {
                case .failure(.engine(.busy)): busy += 1
                case .success(.reservation): granted += 1
                case .success: break
                case .failure(let error): Issue.record("unexpected \(error)")
                }
            }
        }
        #expect(busy + granted == 50 * 64)
        #expect(granted >= 64)
        #expect(busy > 0)
        #expect(server.server.stats.busyRefusals == UInt64(busy))
        // Once the replies are read the budget is free again.
        try socket.send(WireFrames.commands([WireFrames.reserve(id: "after")], requestID: 99))
        let after = try #require(try socket.receiveFrame()).outcomes()
        guard case .success(.reservation) = after.first else {
            Issue.record("the budget should be free again: \(after)")
            return
        }
    }
}
