import Testing

@testable import Engine

/// Ownership inside the state machine: a customer caller acts only on its own
/// carts, reservations and orders; a refused command changes nothing (the
/// harness checks the state is byte-identical) and so is never logged.
@Suite("Callers: ownership of carts, reservations and orders")
struct CallerTests {
    let alice = Caller.customer("alice")
    let mallory = Caller.customer("mallory")

    private func harness() -> Harness {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.succeed(.setPrice(SetPrice(store: store, sku: "A", currency: "EUR", unitPriceMinor: 500)))
        return harness
    }

    @Test("a customer's new cart and reservation are its own; another customer is refused everything on them")
    func customersOwnWhatTheyMake() {
        var harness = harness()
        let cart = harness.succeed(.addCartItem(AddCartItem(store: store, cartID: "k1", sku: "A", quantity: 1)), by: alice)
        #expect(cart?.cart?.customerID == "alice")
        let hold = harness.succeed(reserveCommand("r1", [line("A", 2)]), by: alice)
        #expect(hold?.reservation?.owner == "alice")
        let terms = OrderTerms(orderID: "o1", customerID: "mallory", currency: "EUR")
        let cartCommands: [Command] = [
            .addCartItem(AddCartItem(store: store, cartID: "k1", sku: "A", quantity: 1)),
            .setCartItem(SetCartItem(store: store, cartID: "k1", sku: "A", quantity: 5)),
            .removeCartItem(RemoveCartItem(store: store, cartID: "k1", sku: "A")),
            .clearCart(CartReference(store: store, cartID: "k1")),
            .configureCart(ConfigureCart(store: store, cartID: "k1", holdStock: true)),
            .getCart(CartReference(store: store, cartID: "k1")),
            .checkoutCart(CheckoutCart(store: store, cartID: "k1", terms: terms)),
        ]
        for command in cartCommands {
            #expect(harness.apply(command, by: mallory).error == .notOwner(entity: "cart", id: "k1"), "\(command)")
        }
        let reservationCommands: [Command] = [
            .releaseReservation(ReservationReference(store: store, reservationID: "r1")),
            .extendReservation(ExtendReservation(store: store, reservationID: "r1", ttlSeconds: 1)),
            .confirmReservation(ConfirmReservation(store: store, reservationID: "r1", terms: terms)),
            .getReservation(ReservationReference(store: store, reservationID: "r1")),
            reserveCommand("r1", [line("A", 2)]),
        ]
        for command in reservationCommands {
            #expect(harness.apply(command, by: mallory).error == .notOwner(entity: "reservation", id: "r1"), "\(command)")
        }
        // A service caller may act on every customer's cart and reservation.
        #expect(harness.succeed(.getCart(CartReference(store: store, cartID: "k1")))?.cart?.lines.count == 1)
        harness.succeed(.releaseReservation(ReservationReference(store: store, reservationID: "r1")))
        harness.expectReplayMatches()
    }

    @Test("anonymous carts and service reservations belong to service callers; owners cannot be borrowed")
    func anonymousAndBorrowed() {
        var harness = harness()
        harness.addItem("guest", "A", 1)
        harness.reserve("svc", [line("A", 1)])
        #expect(harness.apply(.getCart(CartReference(store: store, cartID: "guest")), by: alice).error == .notOwner(entity: "cart", id: "guest"))
        #expect(
            harness.apply(.configureCart(ConfigureCart(store: store, cartID: "guest", customerID: "alice")), by: alice).error
                == .notOwner(entity: "cart", id: "guest"), "a customer cannot claim an anonymous cart")
        #expect(
            harness.apply(.releaseReservation(ReservationReference(store: store, reservationID: "svc")), by: alice).error
                == .notOwner(entity: "reservation", id: "svc"))
        #expect(
            harness.apply(reserveCommand("r2", [line("A", 1)], owner: "mallory"), by: alice).error
                == .notOwner(entity: "owner", id: "mallory"))
        #expect(
            harness.apply(.configureCart(ConfigureCart(store: store, cartID: "k2", customerID: "mallory")), by: alice).error
                == .notOwner(entity: "customer", id: "mallory"))
        // The service hands the guest cart to alice; from then on it is hers.
        harness.succeed(.configureCart(ConfigureCart(store: store, cartID: "guest", customerID: "alice")))
        #expect(harness.succeed(.getCart(CartReference(store: store, cartID: "guest")), by: alice)?.cart?.customerID == "alice")
        harness.expectReplayMatches()
    }

    @Test("orders: read, list and place only as oneself; service-only commands are refused")
    func orders() {
        var harness = harness()
        harness.placeOrder("o-m", [priced("A", 1, price: 500)], customer: "mallory")
        #expect(harness.apply(.getOrder(OrderReference(store: store, orderID: "o-m")), by: alice).error == .notOwner(entity: "order", id: "o-m"))
        #expect(
            harness.apply(.listOrders(OrderListQuery(store: store, customerID: "mallory")), by: alice).error
                == .notOwner(entity: "customer", id: "mallory"))
        let place = PlaceOrder(store: store, orderID: "o-x", customerID: "mallory", lines: [priced("A", 1, price: 500)], currency: "EUR")
        #expect(harness.apply(.placeOrder(place), by: alice).error == .notOwner(entity: "customer", id: "mallory"))
        let serviceOnly: [Command] = [
            .setStock(SetStock(store: store, sku: "A", onHand: 99)),
            .adjustStock(AdjustStock(store: store, sku: "A", delta: 5, reason: "r")),
            .setLocationPriority(SetLocationPriority(store: store, locations: ["x"])),
            .setPrice(SetPrice(store: store, sku: "A", currency: "EUR", unitPriceMinor: 0)),
            .payOrder(OrderTransition(store: store, orderID: "o-m")),
            .fulfillOrder(OrderTransition(store: store, orderID: "o-m")),
            .cancelOrder(OrderTransition(store: store, orderID: "o-m")),
        ]
        for command in serviceOnly {
            #expect(harness.apply(command, by: alice).error == .notOwner(entity: "operation", id: command.operationName))
        }
    }

    @Test("request keys are per caller: another caller's same key is its own, never a replay or a conflict")
    func requestKeysPerCaller() {
        var harness = harness()
        let add = AddCartItem(store: store, cartID: "k1", sku: "A", quantity: 1, requestKey: "key-1")
        harness.succeed(.addCartItem(add), by: alice)
        #expect(harness.apply(.addCartItem(add), by: alice).cart?.replayed == true, "alice's retry replays")
        let malloryAdd = AddCartItem(store: store, cartID: "k2", sku: "A", quantity: 2, requestKey: "key-1")
        let mallorys = harness.apply(.addCartItem(malloryAdd), by: mallory)
        #expect(mallorys.cart?.customerID == "mallory" && mallorys.cart?.replayed == false, "her own key space")
        let serviceAdd = AddCartItem(store: store, cartID: "k3", sku: "A", quantity: 3, requestKey: "key-1")
        #expect(harness.apply(.addCartItem(serviceAdd)).cart?.replayed == false, "the service's own key space")
        #expect(
            harness.apply(.addCartItem(add), by: mallory).error == .idempotencyConflict(key: "key-1"),
            "in mallory's own key space, key-1 names her earlier request")
        var unkeyed = add
        unkeyed.requestKey = "key-2"
        #expect(harness.apply(.addCartItem(unkeyed), by: mallory).error == .notOwner(entity: "cart", id: "k1"))
        harness.expectReplayMatches()
        let restored = try? StateMachine(decoding: harness.machine.encodedState(), limits: harness.limits)
        #expect(restored?.encodedState() == harness.machine.encodedState(), "key owners survive a snapshot")
    }

    @Test("a log of customer commands replays to byte-identical state, callers included")
    func replayWithCallers() throws {
        var harness = harness()
        harness.succeed(.addCartItem(AddCartItem(store: store, cartID: "k1", sku: "A", quantity: 2)), by: alice)
        harness.succeed(reserveCommand("r1", [line("A", 1)]), by: alice)
        harness.succeed(
            .confirmReservation(
                ConfirmReservation(store: store, reservationID: "r1", terms: OrderTerms(orderID: "o1", customerID: "alice", currency: "EUR"))),
            by: alice)
        harness.expectReplayMatches()
        let records = harness.log.enumerated().map { index, entry in
            LogRecord(lsn: UInt64(index + 1), timestamp: entry.timestamp, command: entry.command, caller: entry.caller)
        }
        var replica = StateMachine()
        for record in records {
            let decoded = try CommandCodec.decodeLogRecord(CommandCodec.encode(record))
            #expect(decoded == record)
            _ = replica.apply(decoded.command, at: decoded.timestamp, by: decoded.caller)
        }
        #expect(replica.encodedState() == harness.machine.encodedState())
    }
}
