import Foundation
import HoldfastClient
import Testing
import WireServer

@Suite("HoldfastClient: retries, connection loss, reconnects")
struct ClientRetryTests {
    static let patient = RetryPolicy(maxAttempts: 400, backoffBaseSeconds: 0.001, backoffCapSeconds: 0.01)

    @Test("busy from a tiny in-flight budget is retried to success, each reservation applied once")
    func busyIsRetried() async throws {
        let fixture = try await ClientFixture(shards: 1, connections: 1, retry: Self.patient) {
            $0.limits = WireLimits(frameBytesMax: 1 << 20, itemsPerFrameMax: 4, inFlightPerConnectionMax: 4)
        }
        let client = fixture.client
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 1_000))
        let failures = await withTaskGroup(of: Int.self) { group in
            for index in 0..<300 {
                group.addTask {
                    let request = Reserve(
                        store: "s", reservationID: "r\(index)", lines: [LineRequest(sku: "A", quantity: 2)])
                    guard let view = try? await client.reserve(request) else { return 1 }
                    return view.replayed ? 1 : 0
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect(fixture.server.server.stats.busyRefusals > 0, "the budget of 4 must have refused some of 300 calls")
        let stock = try await client.getStock(StockQuery(store: "s", sku: "A"))
        #expect(stock.totals.reserved == 600)
        await fixture.stop()
    }

    @Test("busy from a tiny shard queue (13 frames of 4 at once, room for 4) is retried to success through a batch")
    func busyShardQueueInBatch() async throws {
        let fixture = try await ClientFixture(shards: 1, retry: Self.patient, limits: Limits(shardQueueCapacity: 4)) {
            $0.limits = WireLimits(frameBytesMax: 1 << 20, itemsPerFrameMax: 4, inFlightPerConnectionMax: 4_096)
        }
        let client = fixture.client
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 100))
        // Whether the writer falls behind the network thread depends on scheduling:
        // send batches until one of them met a full queue (each must succeed).
        let busyBefore = fixture.server.server.stats.busyRefusals
        var batches = 0
        while batches < 20 && fixture.server.server.stats.busyRefusals == busyBefore {
            let batch = (0..<50).map {
                Command.adjustStock(
                    AdjustStock(store: "s", sku: "A", delta: 1, reason: "count", requestKey: "b\(batches)-k\($0)"))
            }
            let outcomes = await client.execute(batch: batch)
            #expect(outcomes.allSatisfy { if case .success = $0 { true } else { false } })
            batches += 1
        }
        #expect(fixture.server.server.stats.busyRefusals > busyBefore)
        #expect(try await client.getStock(StockQuery(store: "s", sku: "A")).totals.onHand == Int64(100 + 50 * batches))
        await fixture.stop()
    }

    @Test("connection loss fails every pending call with connectionClosed; the pool reconnects")
    func connectionLossFailsPending() async throws {
        let server = FlakyServer()
        try await server.start()
        let client = HoldfastClient(endpoint: .tcp(host: "127.0.0.1", port: server.port), retry: .never)
        try await client.ping()
        server.mode.withLock { $0 = .swallow(closeAfter: 10) }
        let outcomes = await withTaskGroup(of: HoldfastClientError?.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    do throws(HoldfastClientError) {
                        _ = try await client.getStock(StockQuery(store: "s", sku: "A"))
                        return nil
                    } catch { return error }
                }
            }
            return await group.reduce(into: [HoldfastClientError?]()) { $0.append($1) }
        }
        let expected = [HoldfastClientError?](repeating: .connectionClosed, count: 10)
        #expect(outcomes == expected)
        server.mode.withLock { $0 = .normal }
        try await client.ping()
        #expect(server.connectionsAccepted.load(ordering: .relaxed) == 2)
        await client.close()
        await server.stop()
    }

    @Test("after a lost reply, a reserve (safe: it names its id) is repeated and answered as a replay, applied once")
    func safeCommandRepeatedAfterLoss() async throws {
        let server = FlakyServer()
        try await server.start()
        let client = HoldfastClient(endpoint: .tcp(host: "127.0.0.1", port: server.port), retry: Self.patient)
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 10))
        server.mode.withLock { $0 = .applyThenDrop }
        let view = try await client.reserve(
            Reserve(store: "s", reservationID: "r1", lines: [LineRequest(sku: "A", quantity: 3)]))
        #expect(view.reservationID == "r1" && view.replayed, "the repeat must be answered from the first attempt")
        #expect(try await client.getStock(StockQuery(store: "s", sku: "A")).totals.reserved == 3)
        #expect(server.connectionsAccepted.load(ordering: .relaxed) == 2)
        await client.close()
        await server.stop()
    }

    @Test("after a lost reply, an adjustStock without requestKey is not repeated; with one it is, applied once")
    func unsafeCommandNotRepeated() async throws {
        let server = FlakyServer()
        try await server.start()
        let client = HoldfastClient(endpoint: .tcp(host: "127.0.0.1", port: server.port), retry: Self.patient)
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 10))
        server.mode.withLock { $0 = .applyThenDrop }
        await #expect(throws: HoldfastClientError.connectionClosed) {
            try await client.adjustStock(AdjustStock(store: "s", sku: "A", delta: 5, reason: "r"))
        }
        #expect(try await client.getStock(StockQuery(store: "s", sku: "A")).totals.onHand == 15)

        server.mode.withLock { $0 = .applyThenDrop }
        let keyed = try await client.adjustStock(
            AdjustStock(store: "s", sku: "A", delta: 5, reason: "r", requestKey: "k"))
        #expect(keyed.replayed && keyed.levels.onHand == 20)
        #expect(try await client.getStock(StockQuery(store: "s", sku: "A")).totals.onHand == 20)
        await client.close()
        await server.stop()
    }

    @Test("the retry rule: which commands are safe to repeat after connection loss")
    func retrySafetyRule() {
        let transition = OrderTransition(store: "s", orderID: "o")
        var keyed = transition
        keyed.requestKey = "k"
        #expect(Command.reserve(Reserve(store: "s", reservationID: "r", lines: [])).isSafeToRepeat)
        #expect(Command.releaseReservation(ReservationReference(store: "s", reservationID: "r")).isSafeToRepeat)
        #expect(Command.getOrder(OrderReference(store: "s", orderID: "o")).isSafeToRepeat)
        #expect(!Command.payOrder(transition).isSafeToRepeat && Command.payOrder(keyed).isSafeToRepeat)
        #expect(!Command.addCartItem(AddCartItem(store: "s", cartID: "c", sku: "A", quantity: 1)).isSafeToRepeat)
        #expect(!Command.advanceTime.isSafeToRepeat)
        let policy = RetryPolicy(maxAttempts: 5, backoffBaseSeconds: 0.01, backoffCapSeconds: 0.05)
        #expect((1...5).map { policy.backoffCeilingSeconds(afterAttempt: $0) } == [0.01, 0.02, 0.04, 0.05, 0.05])
        var generator = SystemRandomNumberGenerator()
        #expect(
            (0..<100).allSatisfy { _ in (0...0.04).contains(policy.backoffSeconds(afterAttempt: 3, using: &generator)) }
        )
    }

    @Test("a Unix domain socket endpoint works end to end")
    func unixSocket() async throws {
        let path = NSTemporaryDirectory() + "holdfast-client-\(UUID().uuidString.prefix(8)).sock"
        let server = try await TestServer { $0.unixSocketPath = path }
        let client = try HoldfastClient(server: "unix:" + path)
        #expect(client.endpoint == .unix(path: path))
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 7))
        #expect(try await client.getStock(StockQuery(store: "s", sku: "A")).totals.onHand == 7)
        await client.close()
        await server.stop()
        try? FileManager.default.removeItem(atPath: path)
    }
}
