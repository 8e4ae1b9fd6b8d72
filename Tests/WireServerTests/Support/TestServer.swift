import Engine
import Foundation
import Wire
import WireServer

/// An in-memory engine behind a wire server on a free port, for one test.
final class TestServer: @unchecked Sendable {
    let runtime: ShardRuntime
    let server: WireServer
    let port: Int

    init(
        shards: Int = 2, limits: Limits = .standard, configure: (inout WireServerConfiguration) -> Void = { _ in }
    ) async throws {
        runtime = ShardRuntime(shardCount: shards, limits: limits)
        var configuration = WireServerConfiguration()
        configuration.port = 0
        // A client's connect and hello can be seconds apart when the machine is loaded
        // (the test's task waits for a thread); tests of the timeout set their own.
        configuration.handshakeTimeoutSeconds = 300
        configure(&configuration)
        server = WireServer(runtime: runtime, configuration: configuration)
        try await server.start()
        port = server.boundTCPPort!
    }

    /// Drains the server, then stops the engine.
    func stop() async {
        await server.shutdown()
        runtime.shutdown()
    }

    /// A raw connection that has completed the handshake.
    func handshakenSocket(
        clientID: String = "test", credentials: String = "", receiveBufferBytes: Int32? = nil
    ) throws -> RawSocket {
        let socket = try RawSocket(port: port, receiveBufferBytes: receiveBufferBytes)
        try socket.send(WireFrames.hello(clientID: clientID, credentials: credentials))
        guard let reply = try socket.receiveFrame(), reply.header.status == 0 else { throw RawSocketError.closed }
        return socket
    }
}

/// Request frames as bytes.
enum WireFrames {
    static func hello(clientID: String = "test", credentials: String = "", version: UInt16 = 1, requestID: UInt64 = 1)
        -> [UInt8]
    {
        var frames = FrameWriter()
        frames.beginFrame(operation: .hello, requestID: requestID, isReply: false)
        frames.item { Hello(protocolVersion: version, clientID: clientID, credentials: credentials).encode(into: &$0) }
        frames.finishFrame()
        return frames.takeBytes()
    }

    static func commands(_ commands: [Command], requestID: UInt64) -> [UInt8] {
        var frames = FrameWriter()
        frames.commandFrame(commands, requestID: requestID)
        return frames.takeBytes()
    }

    static func session(_ operation: WireOperation, requestID: UInt64, item: (inout BinaryWriter) -> Void = { _ in })
        -> [UInt8]
    {
        var frames = FrameWriter()
        frames.beginFrame(operation: operation, requestID: requestID, isReply: false)
        frames.item(item)
        frames.finishFrame()
        return frames.takeBytes()
    }

    /// A frame with arbitrary items under any operation (for unknown operations and bad payloads).
    static func raw(_ operation: WireOperation, requestID: UInt64, items: [[UInt8]]) -> [UInt8] {
        var frames = FrameWriter()
        frames.beginFrame(operation: operation, requestID: requestID, isReply: false)
        for item in items { frames.item { $0.write(contentsOf: item) } }
        frames.finishFrame()
        return frames.takeBytes()
    }

    static func setStock(store: String = "s1", sku: String = "sku-1", onHand: Int64) -> Command {
        .setStock(SetStock(store: store, sku: sku, onHand: onHand))
    }

    static func reserve(store: String = "s1", id: String, sku: String = "sku-1", quantity: Int64 = 1) -> Command {
        .reserve(Reserve(store: store, reservationID: id, lines: [LineRequest(sku: sku, quantity: quantity)]))
    }
}

extension Frame {
    /// The outcome of every reply item, decoded.
    func outcomes() throws -> [Result<CommandResult, WireError>] {
        try itemRanges().map { range in
            try replyOutcome(of: range) { reader in try ResultCodec.decode(from: &reader) }
        }
    }
}
