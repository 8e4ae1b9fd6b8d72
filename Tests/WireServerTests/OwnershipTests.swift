import Auth
import Engine
import Foundation
import HoldfastClient
import Testing
import Wire

/// Ownership and prices over the wire: the engine's rule, reached through a
/// customer's token, with nothing changed by a refused command.
@Suite("Wire: ownership, prices and look-alike ids")
struct OwnershipTests {
    private func start() async throws -> (TestServer, admin: HoldfastClient, alice: HoldfastClient, mallory: HoldfastClient) {
        let server = try await TestServer { $0.authenticator = TestTokens.authenticator }
        let connect = { (token: String) in
            HoldfastClient(
                endpoint: .tcp(host: "127.0.0.1", port: server.port), clientID: "ownership-tests", credentials: token)
        }
        let admin = connect(TestTokens.token())
        _ = try await admin.execute(WireFrames.setStock(store: "s1", onHand: 10))
        _ = try await admin.setPrice(SetPrice(store: "s1", sku: "sku-1", currency: "EUR", unitPriceMinor: 1_999))
        return (
            server, admin, connect(TestTokens.token(role: .customer, store: "s1", subject: "alice")),
            connect(TestTokens.token(role: .customer, store: "s1", subject: "mallory"))
        )
    }

    private func close(_ server: TestServer, _ clients: HoldfastClient...) async {
        for client in clients { await client.close() }
        await server.stop()
    }

    private func expectNotOwner(_ entity: String, _ id: String, _ body: () async throws -> Void) async {
        await #expect(throws: HoldfastClientError.engine(.notOwner(entity: entity, id: id))) { try await body() }
    }

    @Test("another customer's cart: every mutation and the read are refused, and the cart is unchanged")
    func carts() async throws {
        let (server, admin, alice, mallory) = try await start()
        _ = try await alice.execute(.addCartItem(AddCartItem(store: "s1", cartID: "cart-a", sku: "sku-1", quantity: 1)))
        let attempts: [Command] = [
            .addCartItem(AddCartItem(store: "s1", cartID: "cart-a", sku: "sku-1", quantity: 3)),
            .setCartItem(SetCartItem(store: "s1", cartID: "cart-a", sku: "sku-1", quantity: 4)),
            .removeCartItem(RemoveCartItem(store: "s1", cartID: "cart-a", sku: "sku-1")),
            .clearCart(CartReference(store: "s1", cartID: "cart-a")),
            .configureCart(ConfigureCart(store: "s1", cartID: "cart-a", holdStock: true)),
            .getCart(CartReference(store: "s1", cartID: "cart-a")),
            .checkoutCart(
                CheckoutCart(
                    store: "s1", cartID: "cart-a", terms: OrderTerms(orderID: "o-m", customerID: "mallory", currency: "EUR"))),
        ]
        for command in attempts {
            await expectNotOwner("cart", "cart-a") { _ = try await mallory.execute(command) }
        }
        guard case .cart(let cart) = try await alice.execute(.getCart(CartReference(store: "s1", cartID: "cart-a"))) else {
            throw TestFailure("expected a cart")
        }
        #expect(cart.customerID == "alice" && cart.lines == [CartLine(sku: "sku-1", quantity: 1)] && !cart.holdStock)
        // An anonymous cart (made by a service) is the service's: a customer cannot claim it.
        _ = try await admin.execute(.addCartItem(AddCartItem(store: "s1", cartID: "guest", sku: "sku-1", quantity: 1)))
        await expectNotOwner("cart", "guest") {
            _ = try await alice.execute(.configureCart(ConfigureCart(store: "s1", cartID: "guest", customerID: "alice")))
        }
        await close(server, admin, alice, mallory)
    }

    @Test("another customer's reservation: release, extend, confirm and read are refused; owner is the caller")
    func reservations() async throws {
        let (server, admin, alice, mallory) = try await start()
        let hold = try await alice.reserve(Reserve(store: "s1", reservationID: "r-a", lines: [LineRequest(sku: "sku-1", quantity: 2)]))
        #expect(hold.owner == "alice", "a customer's reservation is owned by the customer")
        let terms = OrderTerms(orderID: "o-steal", customerID: "mallory", currency: "EUR")
        let attempts: [Command] = [
            .releaseReservation(ReservationReference(store: "s1", reservationID: "r-a")),
            .extendReservation(ExtendReservation(store: "s1", reservationID: "r-a", ttlSeconds: 1)),
            .confirmReservation(ConfirmReservation(store: "s1", reservationID: "r-a", terms: terms)),
            .getReservation(ReservationReference(store: "s1", reservationID: "r-a")),
            .reserve(Reserve(store: "s1", reservationID: "r-a", lines: [LineRequest(sku: "sku-1", quantity: 2)])),
        ]
        for command in attempts {
            await expectNotOwner("reservation", "r-a") { _ = try await mallory.execute(command) }
        }
        await expectNotOwner("owner", "alice") {
            _ = try await mallory.execute(
                .reserve(Reserve(store: "s1", reservationID: "r-m", lines: [LineRequest(sku: "sku-1", quantity: 1)], owner: "alice")))
        }
        let stock = try await admin.getStock(StockQuery(store: "s1", sku: "sku-1"))
        #expect(stock.totals.reserved == 2, "the hold is intact")
        await close(server, admin, alice, mallory)
    }

    @Test("orders: a customer reads and lists only its own, orders only as itself, and only at list prices")
    func ordersAndPrices() async throws {
        let (server, admin, alice, mallory) = try await start()
        let line = { (price: Int64) in [PricedLineRequest(sku: "sku-1", quantity: 1, unitPriceMinor: price)] }
        _ = try await admin.execute(
            .placeOrder(PlaceOrder(store: "s1", orderID: "o-m", customerID: "mallory", lines: line(5), currency: "EUR")))
        await #expect(throws: HoldfastClientError.engine(.priceMismatch(sku: "sku-1", listed: ListedPrice(currency: "EUR", unitPriceMinor: 1_999)))) {
            _ = try await alice.execute(
                .placeOrder(PlaceOrder(store: "s1", orderID: "o-free", customerID: "alice", lines: line(0), currency: "EUR")))
        }
        await #expect(throws: HoldfastClientError.engine(.invalidArgument(field: "discountMinor", reason: "only a service caller may set it"))) {
            _ = try await alice.execute(
                .placeOrder(
                    PlaceOrder(
                        store: "s1", orderID: "o-disc", customerID: "alice", lines: line(1_999), currency: "EUR",
                        discountMinor: 1_999)))
        }
        guard case .order(let own) = try await alice.execute(
            .placeOrder(PlaceOrder(store: "s1", orderID: "o-a", customerID: "alice", lines: line(1_999), currency: "EUR")))
        else { throw TestFailure("expected an order") }
        #expect(own.totals.totalMinor == 1_999)
        await expectNotOwner("order", "o-m") { _ = try await alice.execute(.getOrder(OrderReference(store: "s1", orderID: "o-m"))) }
        await expectNotOwner("customer", "mallory") {
            _ = try await alice.execute(.listOrders(OrderListQuery(store: "s1", customerID: "mallory")))
        }
        await expectNotOwner("customer", "mallory") {
            _ = try await alice.execute(
                .placeOrder(PlaceOrder(store: "s1", orderID: "o-x", customerID: "mallory", lines: line(1_999), currency: "EUR")))
        }
        // A cart checked out by its customer is priced from the list, whatever the terms say.
        _ = try await alice.execute(.addCartItem(AddCartItem(store: "s1", cartID: "cart-a", sku: "sku-1", quantity: 2)))
        guard case .order(let checkedOut) = try await alice.execute(
            .checkoutCart(CheckoutCart(store: "s1", cartID: "cart-a", terms: OrderTerms(orderID: "o-cart", customerID: "alice", currency: "EUR"))))
        else { throw TestFailure("expected an order") }
        #expect(checkedOut.totals.totalMinor == 2 * 1_999 && checkedOut.lines.allSatisfy { $0.unitPriceMinor == 1_999 })
        await close(server, admin, alice, mallory)
    }

    @Test("look-alike store ids are other stores, refused at the edge")
    func lookAlikes() async throws {
        let (server, admin, alice, mallory) = try await start()
        #expect(throws: (any Error).self) {
            _ = try TokenIssuer.hs256(
                subject: "m", role: .inventoryManager, store: "\u{212A}iosk", ttlSeconds: 60, now: 0,
                secret: TestTokens.secret)
        }
        _ = try await admin.execute(WireFrames.setStock(store: "Kiosk", onHand: 3))
        await #expect(throws: HoldfastClientError.self) {
            _ = try await admin.execute(WireFrames.setStock(store: "\u{212A}iosk", onHand: 99))
        }
        await #expect(throws: HoldfastClientError.self) {
            _ = try await admin.execute(WireFrames.setStock(store: "cafe\u{301}", onHand: 99))
        }
        let kiosk = try await admin.getStock(StockQuery(store: "Kiosk", sku: "sku-1"))
        #expect(kiosk.totals.onHand == 3)
        await close(server, admin, alice, mallory)
    }
}
