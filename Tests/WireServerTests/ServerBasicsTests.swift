import Engine
import Foundation
import Testing
import Wire
import WireServer

@Suite("Wire server: handshake, commands, batches, session operations")
struct ServerBasicsTests {
    @Test("hello is answered with the server's limits and shard count")
    func handshake() async throws {
        let server = try await TestServer(shards: 3)
        defer { Task { await server.stop() } }
        let socket = try RawSocket(port: server.port)
        try socket.send(WireFrames.hello(requestID: 77))
        let reply = try #require(try socket.receiveFrame())
        #expect(reply.header.isReply && reply.header.operation == .hello && reply.header.requestID == 77)
        let outcome = try reply.replyOutcome(of: try reply.itemRanges()[0]) { try HelloReply.decode(from: &$0) }
        let hello = try outcome.get()
        #expect(hello.shardCount == 3)
        #expect(hello.limits == .standard)
        #expect(hello.protocolVersion == 1)
    }

    @Test("a batch frame is answered item by item, in order, after the commands ran")
    func batchFrame() async throws {
        let server = try await TestServer()
        defer { Task { await server.stop() } }
        let socket = try server.handshakenSocket()
        try socket.send(WireFrames.commands([WireFrames.setStock(onHand: 2)], requestID: 2))
        _ = try #require(try socket.receiveFrame())
        let reserves = (0..<3).map { WireFrames.reserve(id: "r\($0)") }
        try socket.send(WireFrames.commands(reserves, requestID: 3))
        let reply = try #require(try socket.receiveFrame())
        #expect(reply.header.requestID == 3 && reply.header.operation == WireOperation(command: .reserve))
        let outcomes = try reply.outcomes()
        #expect(outcomes.count == 3)
        guard case .success(.reservation(let first)) = outcomes[0], case .success(.reservation) = outcomes[1] else {
            Issue.record("first two reservations should succeed: \(outcomes)")
            return
        }
        #expect(first.reservationID == "r0")
        guard case .failure(.engine(.insufficientStock(let sku, 1, 0))) = outcomes[2] else {
            Issue.record("third should be refused for stock: \(outcomes[2])")
            return
        }
        #expect(sku == "sku-1")
    }

    @Test("pipelined frames are all answered, matched by request id")
    func pipelining() async throws {
        let server = try await TestServer(shards: 2)
        defer { Task { await server.stop() } }
        let socket = try server.handshakenSocket()
        var bytes: [UInt8] = []
        for store in 0..<4 {
            bytes += WireFrames.commands([WireFrames.setStock(store: "s\(store)", onHand: 1_000)], requestID: UInt64(100 + store))
        }
        for index in 0..<400 {
            bytes += WireFrames.commands([WireFrames.reserve(store: "s\(index % 4)", id: "p\(index)")], requestID: UInt64(1_000 + index))
        }
        try socket.send(bytes)
        var seen = Set<UInt64>()
        for _ in 0..<404 {
            let reply = try #require(try socket.receiveFrame())
            let outcomes = try reply.outcomes()
            #expect(outcomes.count == 1)
            if case .failure(let error) = outcomes[0] { Issue.record("request \(reply.header.requestID): \(error)") }
            seen.insert(reply.header.requestID)
        }
        #expect(seen.count == 404)
    }

    @Test("ping, stats and events answer; events can be filtered by store")
    func sessionOperations() async throws {
        let server = try await TestServer(shards: 1)
        defer { Task { await server.stop() } }
        let socket = try server.handshakenSocket()
        try socket.send(WireFrames.session(.ping, requestID: 5))
        let pong = try #require(try socket.receiveFrame())
        #expect(pong.header.operation == .ping && pong.header.status == 0 && pong.header.itemCount == 1)
        try socket.send(
            WireFrames.commands([WireFrames.setStock(store: "a", onHand: 5), WireFrames.setStock(store: "b", onHand: 5)], requestID: 6))
        _ = try socket.receiveFrame()
        try socket.send(WireFrames.session(.events, requestID: 7) { EventsRequest(shard: 0, afterLSN: 0, limit: 100, store: "b").encode(into: &$0) })
        let eventsFrame = try #require(try socket.receiveFrame())
        let events = try eventsFrame.replyOutcome(of: try eventsFrame.itemRanges()[0]) { try EventCodec.decodeReply(from: &$0) }.get()
        #expect(!events.page.events.isEmpty)
        #expect(events.page.events.allSatisfy { $0.store == "b" })
        #expect(events.nextAfterLSN >= events.page.events.last!.lsn)
        try socket.send(WireFrames.session(.stats, requestID: 8))
        let statsFrame = try #require(try socket.receiveFrame())
        let stats = try statsFrame.replyOutcome(of: try statsFrame.itemRanges()[0]) { try ServerStats.decode(from: &$0) }.get()
        #expect(stats.connectionsOpen == 1)
        #expect(stats.operationsReceived >= 4)
        #expect(stats.shards.count == 1)
        #expect(stats.shards[0].newestEventLSN >= events.nextAfterLSN)
    }

    @Test("events for a shard that does not exist is an invalid argument, and the connection goes on")
    func eventsOfUnknownShard() async throws {
        let server = try await TestServer(shards: 1)
        defer { Task { await server.stop() } }
        let socket = try server.handshakenSocket()
        try socket.send(WireFrames.session(.events, requestID: 9) { EventsRequest(shard: 4, afterLSN: 0).encode(into: &$0) })
        let reply = try #require(try socket.receiveFrame())
        let outcome = try reply.replyOutcome(of: try reply.itemRanges()[0]) { try EventCodec.decodeReply(from: &$0) }
        guard case .failure(.engine(.invalidArgument(field: "shard", _))) = outcome else {
            Issue.record("expected invalidArgument, got \(outcome)")
            return
        }
        try socket.send(WireFrames.session(.ping, requestID: 10))
        #expect(try socket.receiveFrame()?.header.requestID == 10)
    }
}
