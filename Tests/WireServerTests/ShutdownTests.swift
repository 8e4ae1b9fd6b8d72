import Engine
import Foundation
import Testing
import Wire
import WireServer

/// Graceful shutdown as a client sees it: every frame the server read gets its
/// reply, then a clean end of stream (FIN) — never a reset that would drop
/// replies still queued in the kernel.
@Suite("Wire server: graceful shutdown delivers every reply, then FIN", .serialized)
struct ShutdownTests {
    static let framesSent = 4
    static let reservesPerFrame = 4_096

    /// When the late ping leaves the client.
    enum PingMoment: String, CaseIterable, CustomTestStringConvertible {
        /// Right after shutdown began: answered, or discarded if it arrives after the FIN.
        case afterShutdownBegan
        /// After the server sent FIN, queued behind replies the client has not read: discarded.
        /// (The case that lost every reply to a reset when the server closed instead.)
        case afterServerFIN

        var testDescription: String { rawValue }
    }

    @Test(
        "4 frames of 4,096 reserves, shutdown, a late ping: every reply arrives, then a clean EOF",
        arguments: PingMoment.allCases, 0..<2)
    func repliesThenCleanEnd(moment: PingMoment, trial: Int) async throws {
        let server = try await TestServer(shards: 2) {
            $0.lingerSeconds = 30
            $0.socketSendBufferBytes = 4 << 20
        }
        // A receive buffer smaller than one reply frame (~250 KB), a server send buffer
        // larger than all replies (~1 MB): the server hands every reply to its kernel and
        // sends FIN, which waits there behind the replies until the client reads.
        let socket = try server.handshakenSocket(clientID: "trial-\(trial)", receiveBufferBytes: 65_536)
        try socket.send(WireFrames.commands([WireFrames.setStock(onHand: 100_000)], requestID: 1))
        _ = try #require(try socket.receiveFrame())
        let receivedBefore = server.server.stats.operationsReceived
        let reserves = Self.framesSent * Self.reservesPerFrame
        let request = Self.reserveFrames()
        try await offCooperativePool { try socket.send(request) }
        #expect(
            await eventually { server.server.stats.operationsReceived >= receivedBefore + UInt64(reserves) },
            "the server read every reserve before shutdown began")
        let stopping = Task { await server.server.shutdown() }
        #expect(await eventually { (try? RawSocket(port: server.port)) == nil }, "the listener closed")
        if moment == .afterServerFIN {
            #expect(
                await eventually { socket.hasServerQueuedFIN(serverPort: server.port) },
                "the server ended its side after its last reply (state \(socket.serverSocketState(serverPort: server.port) ?? "unlisted"), \(server.server.stats))")
        }
        try socket.send(WireFrames.session(.ping, requestID: 99))

        let (frames, end) = try await offCooperativePool { try socket.receiveUntilEnd() }
        #expect(end == .closed, "the connection ends with FIN, not \(end)")
        var granted = 0
        for frame in frames where frame.header.operation != .ping {
            for outcome in try frame.outcomes() {
                if case .success(.reservation) = outcome { granted += 1 } else { Issue.record("\(outcome)") }
            }
        }
        #expect(granted == reserves, "every reserve read before shutdown is answered (\(moment), trial \(trial))")
        let pings = frames.filter { $0.header.operation == .ping }
        #expect(pings.allSatisfy { $0.header.status == 0 && $0.header.requestID == 99 })
        #expect(pings.count <= (moment == .afterServerFIN ? 0 : 1), "a frame after the FIN is not answered")
        socket.disconnect()
        await stopping.value
        let stock = await server.runtime.execute(.getStock(StockQuery(store: "s1", sku: "sku-1")))
        guard case .success(.stock(let view)) = stock else { throw RawSocketError.failed("stock: \(stock)") }
        #expect(view.totals.reserved == Int64(reserves))
        server.runtime.shutdown()
    }

    @Test("after its FIN the server reads and discards until the client closes, then closes too")
    func lingersUntilTheClientCloses() async throws {
        let server = try await TestServer(shards: 1) {
            $0.lingerSeconds = 600
            $0.drainTimeoutSeconds = 600
        }
        let socket = try server.handshakenSocket()
        let stopping = Task { await server.server.shutdown() }
        let end = try await offCooperativePool { try socket.end() }
        #expect(end == .closed, "nothing in flight: FIN at once")
        // Sent after the FIN: read and discarded, neither answered nor a cause of a reset.
        try socket.send(WireFrames.session(.ping, requestID: 2))
        #expect(server.server.openConnections == 1, "the server waits for the client's FIN")
        socket.disconnect()
        #expect(await eventually { server.server.openConnections == 0 }, "closed once the client closed")
        await stopping.value
        server.runtime.shutdown()
    }

    @Test("a client that half-closes after its requests still gets every reply, then EOF")
    func clientHalfClose() async throws {
        let server = try await TestServer(shards: 1)
        let socket = try server.handshakenSocket()
        var request = WireFrames.commands([WireFrames.setStock(onHand: 100)], requestID: 1)
        request += WireFrames.commands((0..<50).map { WireFrames.reserve(id: "h\($0)") }, requestID: 2)
        try socket.send(request)
        socket.closeOutput()
        let (frames, end) = try await offCooperativePool { try socket.receiveUntilEnd() }
        #expect(frames.map(\.header.requestID).sorted() == [1, 2])
        #expect(try frames.last?.outcomes().count == 50)
        #expect(end == .closed)
        await server.stop()
    }

    /// The 4 frames of reserves, each item a new reservation of one unit.
    private static func reserveFrames() -> [UInt8] {
        var bytes: [UInt8] = []
        for frame in 0..<framesSent {
            let reserves = (0..<reservesPerFrame).map { WireFrames.reserve(id: "f\(frame)-\($0)") }
            bytes += WireFrames.commands(reserves, requestID: UInt64(10 + frame))
        }
        return bytes
    }
}
