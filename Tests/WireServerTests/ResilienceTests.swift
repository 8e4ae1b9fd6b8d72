import Engine
import Foundation
import Persistence
import Testing
import Wire
import WireServer

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Wire server: slow readers, many connections, shutdown, restart", .serialized)
struct ResilienceTests {
    @Test("a client that stops reading is paused, then closed; everyone else is served")
    func clientThatStopsReading() async throws {
        let server = try await TestServer(shards: 1) { $0.writeTimeoutSeconds = 0.5 }
        defer { Task { await server.stop() } }
        let socket = try server.handshakenSocket()
        var sendTimeout = timeval(tv_sec: 0, tv_usec: 300_000)
        setsockopt(socket.descriptor, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
        let queries = (0..<1_000).map { _ in Command.getStock(StockQuery(store: "s1", sku: "missing")) }
        let frame = WireFrames.commands(queries, requestID: 1)
        var framesSent = 0
        var sendBlocked = false
        while framesSent < 2_000 {
            do {
                try socket.send(frame)
                framesSent += 1
            } catch {
                sendBlocked = true
                break
            }
        }
        // The server stopped reading instead of buffering every reply.
        #expect(sendBlocked, "sent \(framesSent) frames of 1,000 queries without the server pushing back")
        let bystander = try server.handshakenSocket(clientID: "bystander")
        try bystander.send(WireFrames.session(.ping, requestID: 2))
        #expect(try bystander.receiveFrame()?.header.requestID == 2)
        #expect(await eventually { server.server.stats.connectionsOpen == 1 }, "the non-reading client is closed")
    }

    @Test("two thousand idle connections are held while others are served")
    func thousandsOfIdleConnections() async throws {
        let server = try await TestServer(shards: 1) { $0.idleTimeoutSeconds = 600 }
        defer { Task { await server.stop() } }
        var sockets: [RawSocket] = []
        for index in 0..<2_000 {
            let socket = try RawSocket(port: server.port)
            if index % 2 == 0 {
                try socket.send(WireFrames.hello(clientID: "idle-\(index)"))
                _ = try socket.receiveFrame()
            }
            sockets.append(socket)
            // In steps of 250, wait for the server to accept them: connecting faster than a loaded
            // server accepts overflows the listen backlog, and the kernel drops silent connections.
            if sockets.count % 250 == 0 {
                let count = sockets.count
                #expect(await eventually { server.server.openConnections == count }, "\(count) accepted")
            }
        }
        #expect(await eventually { server.server.stats.connectionsOpen == 2_000 })
        let active = try server.handshakenSocket(clientID: "active")
        try active.send(WireFrames.commands([WireFrames.setStock(onHand: 3)], requestID: 1))
        #expect(try active.receiveFrame()?.outcomes().count == 1)
    }

    @Test("idle connections are closed by the idle timeout")
    func idleTimeout() async throws {
        let server = try await TestServer(shards: 1) { $0.idleTimeoutSeconds = 0.5 }
        defer { Task { await server.stop() } }
        let sockets = try (0..<50).map { _ in try server.handshakenSocket() }
        #expect(await eventually { server.server.stats.connectionsOpen == 0 }, "idle connections closed")
        #expect(sockets[0].isClosedByServer())
    }

    @Test("shutdown answers every frame already received, then closes")
    func gracefulShutdown() async throws {
        let server = try await TestServer(shards: 2)
        let socket = try server.handshakenSocket()
        try socket.send(WireFrames.commands([WireFrames.setStock(onHand: 1_000)], requestID: 1))
        _ = try socket.receiveFrame()
        var bytes: [UInt8] = []
        for index in 0..<200 { bytes += WireFrames.commands([WireFrames.reserve(id: "g\(index)")], requestID: UInt64(10 + index)) }
        try socket.send(bytes)
        let stopping = Task { await server.server.shutdown() }
        // Read on a thread of its own: the shutdown task needs the cooperative pool meanwhile.
        let (frames, end) = try await offCooperativePool { try socket.receiveUntilEnd() }
        var granted = 0
        var refused = 0
        for frame in frames {
            switch try frame.outcomes()[0] {
            case .success: granted += 1
            case .failure(.engine(.shuttingDown)): refused += 1
            case .failure(let error): Issue.record("unexpected \(error)")
            }
        }
        #expect(frames.count == 200 && granted + refused == 200)
        #expect(end == .closed, "every reply, then FIN (not \(end))")
        await stopping.value
        let stock = await server.runtime.execute(.getStock(StockQuery(store: "s1", sku: "sku-1")))
        guard case .success(.stock(let view)) = stock else {
            Issue.record("stock: \(stock)")
            return
        }
        #expect(view.totals.reserved == Int64(granted))
        server.runtime.shutdown()
    }

    @Test("end to end: wire → engine → journal → reply, and the data survives a restart")
    func restartKeepsData() async throws {
        let directory = NSTemporaryDirectory() + "holdfast-wire-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var granted = 0
        do {
            let node = try DurableNode(path: directory, shardCount: 2, options: smallSegments())
            let server = WireServer(runtime: node.runtime, configuration: portZero())
            try await server.start()
            let socket = try handshake(port: server.boundTCPPort!)
            try socket.send(WireFrames.commands([WireFrames.setStock(onHand: 5)], requestID: 1))
            _ = try socket.receiveFrame()
            try socket.send(WireFrames.commands((0..<8).map { WireFrames.reserve(id: "d\($0)") }, requestID: 2))
            for outcome in try #require(try socket.receiveFrame()).outcomes() {
                if case .success = outcome { granted += 1 }
            }
            await server.shutdown()
            node.shutdown()
        }
        #expect(granted == 5)
        let node = try DurableNode(path: directory, shardCount: 2, options: smallSegments())
        let server = WireServer(runtime: node.runtime, configuration: portZero())
        try await server.start()
        let socket = try handshake(port: server.boundTCPPort!)
        try socket.send(WireFrames.commands([.getStock(StockQuery(store: "s1", sku: "sku-1"))], requestID: 3))
        let outcome = try #require(try socket.receiveFrame()).outcomes()[0]
        guard case .success(.stock(let view)) = outcome else {
            Issue.record("stock after restart: \(outcome)")
            return
        }
        #expect(view.totals.onHand == 5 && view.totals.reserved == 5)
        await server.shutdown()
        node.shutdown()
    }

    /// Small log segments, so the node does not preallocate 64 MiB per shard.
    private func smallSegments() -> DurableNode.Options {
        var options = DurableNode.Options()
        options.journal = JournalOptions(durability: .strict, segmentBytes: 256 << 10, frameBytesMax: 64 << 10)
        return options
    }

    private func portZero() -> WireServerConfiguration {
        var configuration = WireServerConfiguration()
        configuration.port = 0
        return configuration
    }

    private func handshake(port: Int) throws -> RawSocket {
        let socket = try RawSocket(port: port)
        try socket.send(WireFrames.hello())
        _ = try socket.receiveFrame()
        return socket
    }
}
