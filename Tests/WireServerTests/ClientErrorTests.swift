import Foundation
import HoldfastClient
import Testing
import WireServer

@Suite("HoldfastClient: typed errors")
struct ClientErrorTests {
    @Test("engine refusals arrive as .engine with their fields: stock, unknown ids, conflicts, transitions")
    func engineRefusals() async throws {
        let fixture = try await ClientFixture()
        let client = fixture.client
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 3))
        await #expect(throws: HoldfastClientError.engine(.insufficientStock(sku: "A", requested: 5, available: 3))) {
            try await client.reserve(
                Reserve(store: "s", reservationID: "r1", lines: [LineRequest(sku: "A", quantity: 5)]))
        }
        await #expect(throws: HoldfastClientError.engine(.unknownReservation(id: "nope"))) {
            try await client.getReservation(ReservationReference(store: "s", reservationID: "nope"))
        }
        _ = try await client.reserve(
            Reserve(store: "s", reservationID: "r2", lines: [LineRequest(sku: "A", quantity: 1)]))
        await #expect(throws: HoldfastClientError.engine(.idempotencyConflict(key: "r2"))) {
            try await client.reserve(
                Reserve(store: "s", reservationID: "r2", lines: [LineRequest(sku: "A", quantity: 2)]))
        }
        _ = try await client.placeOrder(
            PlaceOrder(
                store: "s", orderID: "o1", customerID: "c",
                lines: [PricedLineRequest(sku: "A", quantity: 1, unitPriceMinor: 1)], currency: "EUR"))
        _ = try await client.cancel(OrderTransition(store: "s", orderID: "o1"))
        await #expect(
            throws: HoldfastClientError.engine(.invalidTransition(orderID: "o1", from: .cancelled, to: .paid))
        ) {
            try await client.pay(OrderTransition(store: "s", orderID: "o1"))
        }
        do {
            _ = try await client.getStock(StockQuery(store: "s", sku: "missing"))
            Issue.record("an unknown SKU must be refused")
        } catch {
            #expect(error == .engine(.unknownSKU(sku: "missing")))
            #expect(error.code == 201 && error.name == "UNKNOWN_SKU" && !error.isConnectionProblem)
            #expect(error.description == "UNKNOWN_SKU (201): unknown SKU 'missing'")
        }
        await fixture.stop()
    }

    @Test("advanceTime is refused locally; nothing is sent")
    func advanceTimeRefused() async throws {
        let fixture = try await ClientFixture()
        await #expect(throws: HoldfastClientError.self) { try await fixture.client.execute(.advanceTime) }
        #expect(fixture.server.server.stats.framesReceived == 0)
        await fixture.stop()
    }

    @Test("refused credentials are a typed protocol error; the right ones connect")
    func authentication() async throws {
        let server = try await TestServer { $0.authenticator = TestTokens.authenticator }
        let wrong = HoldfastClient(endpoint: .tcp(host: "127.0.0.1", port: server.port), credentials: "guess")
        do {
            try await wrong.connect()
            Issue.record("wrong credentials must be refused")
        } catch {
            guard case .protocolError(.authenticationFailed, let message) = error else {
                Issue.record("expected AUTHENTICATION_FAILED, got \(error)")
                return
            }
            #expect(message.contains("client-tests") == false && message.contains("refused"))
            #expect(error.isConnectionProblem)
        }
        let right = HoldfastClient(
            endpoint: .tcp(host: "127.0.0.1", port: server.port), credentials: TestTokens.token())
        try await right.ping()
        await wrong.close()
        await right.close()
        await server.stop()
    }

    @Test("nothing listening is connectFailed, after the retries the policy allows")
    func connectFailed() async throws {
        let server = try await TestServer()
        let port = server.port
        await server.stop()
        let client = HoldfastClient(
            endpoint: .tcp(host: "127.0.0.1", port: port),
            retry: RetryPolicy(maxAttempts: 2, backoffBaseSeconds: 0.001, backoffCapSeconds: 0.001))
        do {
            _ = try await client.getStock(StockQuery(store: "s", sku: "A"))
            Issue.record("there is no server")
        } catch {
            guard case .connectFailed(let reason) = error else {
                Issue.record("expected connectFailed, got \(error)")
                return
            }
            #expect(reason.contains("127.0.0.1:\(port)"))
            #expect(error.isConnectionProblem && error.code == nil)
        }
        await client.close()
    }

    @Test("a closed client refuses calls with connectionClosed")
    func closedClient() async throws {
        let fixture = try await ClientFixture()
        try await fixture.client.ping()
        await fixture.client.close()
        await #expect(throws: HoldfastClientError.connectionClosed) { try await fixture.client.ping() }
        await fixture.server.stop()
    }
}
