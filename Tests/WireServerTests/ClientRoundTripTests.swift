import Foundation
import HoldfastClient
import Testing
import WireServer

/// A client and an in-memory server on a free port, for one test.
struct ClientFixture {
    let server: TestServer
    let client: HoldfastClient

    init(
        shards: Int = 2, connections: Int = 1, retry: RetryPolicy = .standard, limits: Limits = .standard,
        configure: (inout WireServerConfiguration) -> Void = { _ in }
    ) async throws {
        server = try await TestServer(shards: shards, limits: limits, configure: configure)
        client = HoldfastClient(
            endpoint: .tcp(host: "127.0.0.1", port: server.port), clientID: "client-tests", connections: connections,
            retry: retry)
    }

    func stop() async {
        await client.close()
        await server.stop()
    }
}

@Suite("HoldfastClient: every operation round-trips")
struct ClientRoundTripTests {
    @Test("stock: set, adjust, priority, get, check availability")
    func stock() async throws {
        let fixture = try await ClientFixture()
        let client = fixture.client
        let set = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 10, lowStockThreshold: 2))
        #expect(set.sku == "A" && set.location == Limits.defaultLocation && set.levels.onHand == 10 && !set.replayed)
        let adjusted = try await client.adjustStock(
            AdjustStock(store: "s", sku: "A", delta: 5, reason: "delivery", requestKey: "k1"))
        #expect(adjusted.levels.onHand == 15)
        let replayed = try await client.adjustStock(
            AdjustStock(store: "s", sku: "A", delta: 5, reason: "delivery", requestKey: "k1"))
        #expect(replayed.replayed && replayed.levels.onHand == 15)
        _ = try await client.setStock(SetStock(store: "s", sku: "A", location: "east", onHand: 3))
        let order = try await client.setLocationPriority(SetLocationPriority(store: "s", locations: ["east"]))
        #expect(order.first == "east" && order.contains(Limits.defaultLocation))
        let view = try await client.getStock(StockQuery(store: "s", sku: "A"))
        #expect(view.locations.map(\.location) == ["east", Limits.defaultLocation])
        #expect(view.totals.onHand == 18)
        let availability = try await client.checkAvailability(
            AvailabilityQuery(
                store: "s", lines: [LineRequest(sku: "A", quantity: 18), LineRequest(sku: "A", quantity: 19)]))
        #expect(availability.map(\.satisfiable) == [true, false])
        #expect(availability.map(\.available) == [18, 18])
        await fixture.stop()
    }

    @Test("reservations: reserve, extend, get, confirm, release")
    func reservations() async throws {
        let fixture = try await ClientFixture()
        let client = fixture.client
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 10))
        let placed = try await client.reserve(
            Reserve(
                store: "s", reservationID: "r1", lines: [LineRequest(sku: "A", quantity: 4)], ttlSeconds: 60,
                owner: "ann"))
        #expect(placed.status == .active && placed.owner == "ann" && !placed.replayed)
        let extended = try await client.extend(ExtendReservation(store: "s", reservationID: "r1", ttlSeconds: 600))
        #expect(extended.deadline > placed.deadline)
        let fetched = try await client.getReservation(ReservationReference(store: "s", reservationID: "r1"))
        #expect(fetched.deadline == extended.deadline && fetched.status == .active)
        let terms = OrderTerms(
            orderID: "o1", customerID: "ann", currency: "EUR", prices: [UnitPrice(sku: "A", unitPriceMinor: 250)])
        let order = try await client.confirm(ConfirmReservation(store: "s", reservationID: "r1", terms: terms))
        #expect(order.orderID == "o1" && order.reservationID == "r1" && order.totals.totalMinor == 1_000)

        _ = try await client.reserve(
            Reserve(store: "s", reservationID: "r2", lines: [LineRequest(sku: "A", quantity: 6)]))
        let released = try await client.release(ReservationReference(store: "s", reservationID: "r2"))
        #expect(released.status == .released)
        let stock = try await client.getStock(StockQuery(store: "s", sku: "A"))
        #expect(stock.totals.reserved == 0 && stock.totals.committed == 4)
        await fixture.stop()
    }

    @Test("carts: configure, add, set, remove, clear, get, checkout")
    func carts() async throws {
        let fixture = try await ClientFixture()
        let client = fixture.client
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 10))
        _ = try await client.setStock(SetStock(store: "s", sku: "B", onHand: 10))
        let cart = CartReference(store: "s", cartID: "c1")
        let configured = try await client.configureCart(
            ConfigureCart(store: "s", cartID: "c1", customerID: "bob", holdStock: true))
        #expect(configured.holdStock && configured.lines.isEmpty)
        _ = try await client.addCartItem(AddCartItem(store: "s", cartID: "c1", sku: "A", quantity: 1))
        _ = try await client.addCartItem(AddCartItem(store: "s", cartID: "c1", sku: "B", quantity: 1))
        let set = try await client.setCartItem(SetCartItem(store: "s", cartID: "c1", sku: "A", quantity: 3))
        #expect(set.lines.first { $0.sku == "A" }?.quantity == 3)
        let removed = try await client.removeCartItem(RemoveCartItem(store: "s", cartID: "c1", sku: "B"))
        #expect(removed.lines.map(\.sku) == ["A"])
        let fetched = try await client.getCart(cart)
        #expect(fetched.lines == [CartLine(sku: "A", quantity: 3)] && fetched.holdDeadline != nil)
        let cleared = try await client.clearCart(cart)
        #expect(cleared.lines.isEmpty)
        _ = try await client.addCartItem(AddCartItem(store: "s", cartID: "c1", sku: "B", quantity: 2))
        let terms = OrderTerms(
            orderID: "o-cart", customerID: "bob", currency: "EUR", prices: [UnitPrice(sku: "B", unitPriceMinor: 100)])
        let order = try await client.checkoutCart(CheckoutCart(store: "s", cartID: "c1", terms: terms))
        #expect(order.orderID == "o-cart" && order.lines.map(\.quantity) == [2] && order.totals.subtotalMinor == 200)
        await #expect(throws: HoldfastClientError.engine(.unknownCart(id: "c1"))) { try await client.getCart(cart) }
        await fixture.stop()
    }

    @Test("orders: place, pay, fulfil, cancel, get, list")
    func orders() async throws {
        let fixture = try await ClientFixture()
        let client = fixture.client
        _ = try await client.setStock(SetStock(store: "s", sku: "A", onHand: 10))
        for index in 1...3 {
            let placed = try await client.placeOrder(
                PlaceOrder(
                    store: "s", orderID: "o\(index)", customerID: "cy",
                    lines: [PricedLineRequest(sku: "A", quantity: 1, unitPriceMinor: 500)], currency: "USD",
                    taxMinor: 50))
            #expect(placed.status == .placed && placed.totals.totalMinor == 550)
        }
        #expect(try await client.pay(OrderTransition(store: "s", orderID: "o1")).status == .paid)
        #expect(try await client.fulfill(OrderTransition(store: "s", orderID: "o1")).status == .fulfilled)
        #expect(try await client.cancel(OrderTransition(store: "s", orderID: "o2")).status == .cancelled)
        #expect(try await client.getOrder(OrderReference(store: "s", orderID: "o1")).status == .fulfilled)
        let firstPage = try await client.listOrders(OrderListQuery(store: "s", customerID: "cy", limit: 2))
        #expect(firstPage.orders.map(\.orderID) == ["o1", "o2"] && firstPage.nextAfterOrderID == "o2")
        let secondPage = try await client.listOrders(
            OrderListQuery(store: "s", customerID: "cy", afterOrderID: firstPage.nextAfterOrderID, limit: 2))
        #expect(secondPage.orders.map(\.orderID) == ["o3"] && secondPage.nextAfterOrderID == nil)
        await fixture.stop()
    }

    @Test("session: events of a store's shard, stats, ping, the generic execute")
    func session() async throws {
        let fixture = try await ClientFixture(shards: 3)
        let client = fixture.client
        let result = try await client.execute(.setStock(SetStock(store: "s", sku: "A", onHand: 5)))
        guard case .stockRecord(let record) = result else {
            Issue.record("setStock answered \(result)")
            return
        }
        #expect(record.levels.onHand == 5)
        _ = try await client.reserve(
            Reserve(store: "s", reservationID: "r1", lines: [LineRequest(sku: "A", quantity: 1)]))
        let shard = try await client.shard(ofStore: "s")
        #expect(shard == fixture.server.runtime.shardIndex(forStore: "s"))
        let reply = try await client.events(shard: shard, after: 0, store: "s")
        let placed = reply.page.events.filter { event in
            if case .reservationPlaced("r1", nil, _) = event.kind { true } else { false }
        }
        #expect(placed.count == 1)
        #expect(reply.nextAfterLSN == reply.page.newestLSN && reply.page.events.allSatisfy { $0.store == "s" })
        let later = try await client.events(shard: shard, after: reply.nextAfterLSN)
        #expect(later.page.events.isEmpty)
        let stats = try await client.stats()
        #expect(stats.shards.count == 3 && stats.connectionsOpen == 1 && stats.framesReceived >= 6)
        let roundTripNanoseconds = try await client.ping()
        #expect(roundTripNanoseconds > 0)
        let info = try await client.serverInfo()
        #expect(info.shardCount == 3 && info.limits == .standard)
        await #expect(throws: HoldfastClientError.self) { try await client.events(shard: 3, after: 0) }
        await fixture.stop()
    }
}
