import Foundation
import NIOCore
import Synchronization
import Testing
import WireServer

@testable import HoldfastClient

@Suite("HoldfastClient: pipelining, batches, frame limits")
struct ClientPipeliningTests {
    @Test("1,000 concurrent calls on one connection, over two shards, are each answered with their own result")
    func thousandConcurrentCalls() async throws {
        let fixture = try await ClientFixture(shards: 2, connections: 1)
        let client = fixture.client
        let stores = ["north", "south"]
        for store in stores { _ = try await client.setStock(SetStock(store: store, sku: "A", onHand: 1_000)) }
        let mismatches = await withTaskGroup(of: Int.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    let store = stores[index % 2]
                    let id = "r\(index)"
                    let lines = [LineRequest(sku: "A", quantity: Int64(1 + index % 3))]
                    guard let view = try? await client.reserve(Reserve(store: store, reservationID: id, lines: lines))
                    else {
                        return 1
                    }
                    return view.reservationID == id && view.allocations.totalQuantity == lines[0].quantity ? 0 : 1
                }
            }
            return await group.reduce(0, +)
        }
        #expect(mismatches == 0)
        var reserved: Int64 = 0
        for store in stores {
            reserved += try await client.getStock(StockQuery(store: store, sku: "A")).totals.reserved
        }
        let requested: Int64 = (0..<1_000).reduce(0) { total, index in total + Int64(1 + index % 3) }
        #expect(reserved == requested)
        #expect(fixture.server.server.stats.connectionsAccepted == 1)
        await fixture.stop()
    }

    @Test("a batch keeps input order, groups runs of one operation, splits at itemsPerFrameMax")
    func batchOrderAndSplitting() async throws {
        let fixture = try await ClientFixture(shards: 2) {
            $0.limits = WireLimits(frameBytesMax: 1 << 20, itemsPerFrameMax: 16, inFlightPerConnectionMax: 4_096)
        }
        let client = fixture.client
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 60))
        var batch: [Command] = (0..<40).map { reserve("a\($0)", quantity: 1) }
        batch += (0..<10).map { _ in .getStock(StockQuery(store: "s", sku: "A")) }
        batch += (0..<50).map { reserve("b\($0)", quantity: 1) }
        let framesBefore = fixture.server.server.stats.framesReceived
        let outcomes = await client.execute(batch: batch)
        // Runs: 40 reserves (3 frames of ≤ 16), 10 queries (1), 50 reserves (4).
        #expect(fixture.server.server.stats.framesReceived - framesBefore == 8)
        #expect(outcomes.count == 100)
        for (index, outcome) in outcomes.enumerated() {
            switch (batch[index], outcome) {
            case (.reserve(let request), .success(.reservation(let view))):
                #expect(view.reservationID == request.reservationID)
            case (.reserve, .failure(.engine(.insufficientStock))): break
            case (.getStock, .success(.stock(let view))): #expect(view.sku == "A")
            default: Issue.record("item \(index): \(batch[index]) answered \(outcome)")
            }
        }
        let granted = outcomes.filter { if case .success(.reservation) = $0 { true } else { false } }.count
        #expect(granted == 60)
        #expect(
            HoldfastClient.frameChunks(of: batch, itemsPerFrameMax: 16).map(\.count) == [16, 16, 8, 10, 16, 16, 16, 2])
        await fixture.stop()
    }

    @Test("a query on a connection with nothing in flight is answered at once; one pipelined behind a write sees it")
    func queriesWithoutTheQueue() async throws {
        let fixture = try await ClientFixture(shards: 1)
        let client = fixture.client
        let runtime = fixture.server.runtime
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 10))
        // Answered without the queue unless the writer happens to be applying
        // a batch (an idle tick) just then: ask until one is.
        let readsBefore = runtime.metrics(shard: 0)?.readsWithoutQueue ?? 0
        var answeredAtOnce = false
        for _ in 0..<100 where !answeredAtOnce {
            #expect(try await client.getStock(StockQuery(store: "s", sku: "A")).totals.onHand == 10)
            answeredAtOnce = (runtime.metrics(shard: 0)?.readsWithoutQueue ?? 0) > readsBefore
        }
        #expect(answeredAtOnce)

        // Two frames sent back to back: if the query's frame arrives while the
        // reservation is in flight, it queues behind it; either way it sees it.
        let outcomes = await client.execute(batch: [
            .reserve(Reserve(store: "s", reservationID: "r", lines: [LineRequest(sku: "A", quantity: 4)])),
            .getStock(StockQuery(store: "s", sku: "A")),
        ])
        guard case .success(.stock(let view)) = outcomes.last else {
            Issue.record("expected the stock view, got \(outcomes)")
            return
        }
        #expect(view.totals.reserved == 4)
        await fixture.stop()
    }

    @Test("reserve(batch:) returns each reservation's view or refusal in order")
    func reserveBatch() async throws {
        let fixture = try await ClientFixture()
        _ = try await fixture.client.setStock(SetStock(store: "s", sku: "A", onHand: 3))
        let requests = (0..<5).map {
            Reserve(store: "s", reservationID: "r\($0)", lines: [LineRequest(sku: "A", quantity: 1)])
        }
        let results = await fixture.client.reserve(batch: requests)
        #expect(try results.prefix(3).map { try $0.get().reservationID } == ["r0", "r1", "r2"])
        #expect(
            results.suffix(2).allSatisfy {
                $0 == .failure(.engine(.insufficientStock(sku: "A", requested: 1, available: 0)))
            })
        await fixture.stop()
    }

    @Test("a frame over frameBytesMax is never sent; a batch splits it until the halves fit")
    func frameBytesLimit() async throws {
        let fixture = try await ClientFixture(shards: 1) {
            $0.limits = WireLimits(frameBytesMax: 1_024, itemsPerFrameMax: 64, inFlightPerConnectionMax: 4_096)
        }
        let client = fixture.client
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 100))
        // About 150 bytes per item: 16 of them (2.4 KB) cannot go in one frame of 1 KiB.
        let owner = String(repeating: "o", count: 60)
        let requests = (0..<16).map {
            Reserve(
                store: "s", reservationID: "big-\($0)-" + String(repeating: "r", count: 50),
                lines: [LineRequest(sku: "A", quantity: 1)], owner: owner)
        }
        let framesBefore = fixture.server.server.stats.framesReceived
        let results = await client.reserve(batch: requests)
        #expect(try results.map { try $0.get().reservationID } == requests.map(\.reservationID))
        let frames = fixture.server.server.stats.framesReceived - framesBefore
        #expect((4...16).contains(frames), "split into frames that fit: \(frames)")

        let huge = String(repeating: "x", count: 2_000)
        await #expect(throws: HoldfastClientError.self) {
            try await client.reserve(
                Reserve(store: "s", reservationID: huge, lines: [LineRequest(sku: "A", quantity: 1)]))
        }
        let framesBeforeHuge = fixture.server.server.stats.framesReceived
        do {
            _ = try await client.reserve(
                Reserve(store: "s", reservationID: huge, lines: [LineRequest(sku: "A", quantity: 1)]))
        } catch {
            guard case .requestTooLarge(let frameBytes, 1, let limits) = error else {
                Issue.record("expected requestTooLarge, got \(error)")
                return
            }
            #expect(frameBytes > 1_024 && limits.frameBytesMax == 1_024)
        }
        #expect(fixture.server.server.stats.framesReceived == framesBeforeHuge)
        await fixture.stop()
    }

    @Test("WireConnection: sends from many threads, replies on the event loop, local item limit, inFlight")
    func lowLevelConnection() async throws {
        let server = try await TestServer(shards: 2) {
            $0.limits = WireLimits(frameBytesMax: 1 << 20, itemsPerFrameMax: 8, inFlightPerConnectionMax: 4_096)
        }
        let connection = try await WireConnection.connect(
            to: .tcp(host: "127.0.0.1", port: server.port), clientID: "low")
        #expect(connection.helloReply.limits.itemsPerFrameMax == 8 && connection.helloReply.shardCount == 2)
        let setStock = Command.setStock(SetStock(store: "s", sku: "A", onHand: 1_000))
        let replies = Counter()
        let offLoop = Counter()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let remaining = Counter(start: 200)
            DispatchQueue.concurrentPerform(iterations: 200) { index in
                let command = index == 0 ? setStock : Command.getStock(StockQuery(store: "s\(index % 4)", sku: "A"))
                connection.send(
                    operation: WireOperation(of: command),
                    encodeItems: { frames in
                        frames.item { CommandCodec.encodePayload(of: command, into: &$0) }
                    }
                ) { result in
                    if !connection.eventLoop.inEventLoop { offLoop.add() }
                    if case .success(let frame) = result,
                        (try? ReplyReading.commandOutcomes(frame, operation: WireOperation(of: command), itemCount: 1))
                            != nil
                    {
                        replies.add()
                    }
                    if remaining.subtract() == 0 { done.resume() }
                }
            }
        }
        #expect(replies.value == 200 && offLoop.value == 0)
        #expect(connection.inFlight == 0 && connection.itemsInFlight == 0)

        let refused = await withCheckedContinuation { continuation in
            connection.send(
                operation: WireOperation(command: .getStock),
                encodeItems: { frames in
                    for _ in 0..<9 {
                        frames.item {
                            CommandCodec.encodePayload(of: .getStock(StockQuery(store: "s", sku: "A")), into: &$0)
                        }
                    }
                }
            ) { result in continuation.resume(returning: result) }
        }
        guard case .failure(.requestTooLarge(_, 9, _)) = refused else {
            Issue.record("a frame of 9 items must be refused locally, got \(refused)")
            return
        }
        await connection.close()
        #expect(connection.isClosed)
        await server.stop()
    }
}

private func reserve(_ id: String, quantity: Int64) -> Command {
    .reserve(Reserve(store: "s", reservationID: id, lines: [LineRequest(sku: "A", quantity: quantity)]))
}

extension AllocationList {
    var totalQuantity: Int64 { reduce(0) { $0 + $1.quantity } }
}

/// A thread-safe counter for callbacks.
final class Counter: Sendable {
    private let count: Mutex<Int>

    init(start: Int = 0) { count = Mutex(start) }

    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
    func subtract() -> Int {
        count.withLock {
            $0 -= 1; return $0
        }
    }
}
