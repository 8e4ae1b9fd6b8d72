import Auth
import Engine
import Testing

/// One command of every kind, in `store`, naming `customer` wherever a command carries a customer id.
enum SampleCommands {
    static func all(store: String = "s1", customer: String = "c1") -> [Command] {
        let terms = OrderTerms(orderID: "o1", customerID: customer, currency: "EUR")
        let line = LineRequest(sku: "sku", quantity: 1)
        return [
            .setStock(SetStock(store: store, sku: "sku", onHand: 5)),
            .adjustStock(AdjustStock(store: store, sku: "sku", delta: 1, reason: "count")),
            .setLocationPriority(SetLocationPriority(store: store, locations: ["a"])),
            .reserve(Reserve(store: store, reservationID: "r1", lines: [line])),
            .extendReservation(ExtendReservation(store: store, reservationID: "r1", ttlSeconds: 60)),
            .releaseReservation(ReservationReference(store: store, reservationID: "r1")),
            .confirmReservation(ConfirmReservation(store: store, reservationID: "r1", terms: terms)),
            .configureCart(ConfigureCart(store: store, cartID: "k1", customerID: customer)),
            .addCartItem(AddCartItem(store: store, cartID: "k1", sku: "sku", quantity: 1)),
            .setCartItem(SetCartItem(store: store, cartID: "k1", sku: "sku", quantity: 2)),
            .removeCartItem(RemoveCartItem(store: store, cartID: "k1", sku: "sku")),
            .clearCart(CartReference(store: store, cartID: "k1")),
            .checkoutCart(CheckoutCart(store: store, cartID: "k1", terms: terms)),
            .placeOrder(
                PlaceOrder(
                    store: store, orderID: "o2", customerID: customer,
                    lines: [PricedLineRequest(sku: "sku", quantity: 1, unitPriceMinor: 100)], currency: "EUR")),
            .payOrder(OrderTransition(store: store, orderID: "o1")),
            .fulfillOrder(OrderTransition(store: store, orderID: "o1")),
            .cancelOrder(OrderTransition(store: store, orderID: "o1")),
            .getStock(StockQuery(store: store, sku: "sku")),
            .checkAvailability(AvailabilityQuery(store: store, lines: [line])),
            .getReservation(ReservationReference(store: store, reservationID: "r1")),
            .getCart(CartReference(store: store, cartID: "k1")),
            .getOrder(OrderReference(store: store, orderID: "o1")),
            .listOrders(OrderListQuery(store: store, customerID: customer)),
            .setPrice(SetPrice(store: store, sku: "sku", currency: "EUR", unitPriceMinor: 100)),
            .getPrice(PriceQuery(store: store, sku: "sku")),
        ]
    }

    /// What a customer may run (its own customer id everywhere).
    static let customerAllowed: Set<String> = [
        "getStock", "checkAvailability", "reserve", "extendReservation", "releaseReservation", "confirmReservation",
        "getReservation", "configureCart", "addCartItem", "setCartItem", "removeCartItem", "clearCart",
        "checkoutCart", "getCart", "placeOrder", "getOrder", "listOrders", "getPrice",
    ]
}

@Suite("Access policy")
struct AccessPolicyTests {
    let admin = Principal(subject: "root", role: .admin, store: "*", expiresAt: 0)
    let storeAdmin = Principal(subject: "ops", role: .admin, store: "s1", expiresAt: 0)
    let manager = Principal(subject: "bob", role: .inventoryManager, store: "s1", expiresAt: 0)
    let customer = Principal(subject: "c1", role: .customer, store: "s1", expiresAt: 0)

    @Test("the role × command matrix in the token's own store")
    func matrix() {
        let commands = SampleCommands.all()
        #expect(commands.count == 25, "every client command once")
        for command in commands {
            #expect(AccessPolicy.check(admin, command) == .allowed, "admin \(command.operationName)")
            #expect(AccessPolicy.check(storeAdmin, command) == .allowed, "store admin \(command.operationName)")
            #expect(AccessPolicy.check(manager, command) == .allowed, "manager \(command.operationName)")
            let decision = AccessPolicy.check(customer, command)
            if SampleCommands.customerAllowed.contains(command.operationName) {
                #expect(decision == .allowed, "customer \(command.operationName)")
            } else {
                #expect(decision == .denied("role customer may not \(command.operationName)"))
            }
        }
        for principal in [admin, manager, customer] {
            #expect(!AccessPolicy.check(principal, .advanceTime).isAllowed)
        }
    }

    @Test("a token for store s1 touches nothing in store s2; '*' counts for admins only")
    func storeScope() {
        for command in SampleCommands.all(store: "s2") {
            #expect(AccessPolicy.check(admin, command) == .allowed)
            for principal in [storeAdmin, manager, customer] {
                #expect(
                    AccessPolicy.check(principal, command)
                        == .denied("a token for store 's1' may not \(command.operationName) in store 's2'"))
            }
        }
        // A hand-built non-admin principal with store "*" (the verifier never yields one) gets nothing.
        let wildcardManager = Principal(subject: "x", role: .inventoryManager, store: "*")
        for command in SampleCommands.all() { #expect(!AccessPolicy.check(wildcardManager, command).isAllowed) }
        #expect(!AccessPolicy.checkEvents(wildcardManager, store: nil).isAllowed)
    }

    @Test("ids are compared byte for byte: look-alike stores are other stores")
    func lookAlikeStores() {
        let kelvin = Principal(subject: "m", role: .inventoryManager, store: "\u{212A}iosk", expiresAt: 0)
        let nfc = Principal(subject: "m", role: .inventoryManager, store: "caf\u{E9}", expiresAt: 0)
        for command in SampleCommands.all(store: "Kiosk") {
            #expect(!AccessPolicy.check(kelvin, command).isAllowed, "\(command.operationName)")
        }
        for command in SampleCommands.all(store: "cafe\u{301}") {
            #expect(!AccessPolicy.check(nfc, command).isAllowed, "\(command.operationName)")
        }
        #expect(!AccessPolicy.checkEvents(kelvin, store: "Kiosk").isAllowed)
    }

    @Test("a principal acts in the engine as a service, or as the customer of its sub")
    func callers() {
        #expect(admin.caller == .service)
        #expect(manager.caller == .service)
        #expect(customer.caller == .customer("c1"))
    }

    @Test("events: never for customers; a store token must name its own store")
    func events() {
        #expect(AccessPolicy.checkEvents(customer, store: "s1") == .denied("role customer may not read events"))
        #expect(AccessPolicy.checkEvents(manager, store: "s1") == .allowed)
        #expect(
            AccessPolicy.checkEvents(manager, store: "s2")
                == .denied("a token for store 's1' may not events in store 's2'"))
        #expect(
            AccessPolicy.checkEvents(manager, store: nil)
                == .denied("a token for store 's1' must name its store to read events"))
        #expect(AccessPolicy.checkEvents(storeAdmin, store: nil).isAllowed == false)
        #expect(AccessPolicy.checkEvents(admin, store: nil) == .allowed)
        #expect(AccessPolicy.checkEvents(admin, store: "s9") == .allowed)
    }

    @Test("stats are node-wide: admins only")
    func stats() {
        #expect(AccessPolicy.checkStats(admin) == .allowed)
        #expect(AccessPolicy.checkStats(storeAdmin) == .allowed)
        #expect(AccessPolicy.checkStats(manager) == .denied("role inventory_manager may not read node-wide stats"))
        #expect(AccessPolicy.checkStats(customer) == .denied("role customer may not read node-wide stats"))
    }
}
