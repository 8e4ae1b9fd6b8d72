import Testing

@testable import Engine

/// A state with one of everything, so a bad command could touch something.
private func populated(limits: Limits = .standard) -> Harness {
    var harness = Harness(limits: limits)
    harness.setStock("A", onHand: 100)
    harness.reserve("r1", [line("A", 1)])
    harness.addItem("k1", "A", 1)
    harness.placeOrder("o1", [priced("A", 1, price: 1)])
    return harness
}

private func text(_ count: Int) -> String { String(repeating: "x", count: count) }

private func tooLong(_ field: String, _ count: Int, max: Int) -> EngineError {
    .invalidIdentifier(field: field, reason: "is \(count) bytes; at most \(max) allowed")
}

private func empty(_ field: String) -> EngineError {
    .invalidIdentifier(field: field, reason: "must not be empty")
}

private func control(_ field: String) -> EngineError {
    .invalidIdentifier(field: field, reason: "must not contain control characters")
}

private let goodTerms = terms("o2", prices: ["A": 1])

@Suite("Limits and validation")
struct LimitsAndValidationTests {
    // MARK: Identifiers

    static let identifierCases: [(Command, EngineError)] = [
        (.setStock(SetStock(store: "", sku: "A", onHand: 1)), empty("store")),
        (.setStock(SetStock(store: text(65), sku: "A", onHand: 1)), tooLong("store", 65, max: 64)),
        (.setStock(SetStock(store: "s\n1", sku: "A", onHand: 1)), control("store")),
        (.setStock(SetStock(store: "s\u{7F}", sku: "A", onHand: 1)), control("store")),
        (.getStock(StockQuery(store: "\t", sku: "A")), control("store")),
        // C1 controls count too: U+0085 (NEXT LINE) is UTF-8 C2 85.
        (.setStock(SetStock(store: store, sku: "A\u{85}B", onHand: 1)), control("sku")),
        (.setStock(SetStock(store: store, sku: "", onHand: 1)), empty("sku")),
        (.setStock(SetStock(store: store, sku: text(65), onHand: 1)), tooLong("sku", 65, max: 64)),
        // Lengths count UTF-8 bytes: 33 × "é" is 66 bytes.
        (
            .setStock(SetStock(store: store, sku: String(repeating: "é", count: 33), onHand: 1)),
            tooLong("sku", 66, max: 64)
        ),
        (.getStock(StockQuery(store: store, sku: "A\u{0}")), control("sku")),
        (.setStock(SetStock(store: store, sku: "A", location: text(33), onHand: 1)), tooLong("location", 33, max: 32)),
        (.setStock(SetStock(store: store, sku: "A", location: "", onHand: 1)), empty("location")),
        (adjustCommand("A", by: 1, at: "a\rb"), control("location")),
        (priorityCommand(["east", text(33)]), tooLong("location", 33, max: 32)),
        (adjustCommand("A", by: 1, reason: ""), empty("reason")),
        (adjustCommand("A", by: 1, reason: text(129)), tooLong("reason", 129, max: 128)),
        (adjustCommand("A", by: 1, requestKey: text(65)), tooLong("requestKey", 65, max: 64)),
        (adjustCommand("A", by: 1, requestKey: ""), empty("requestKey")),
        (payCommand("o1", requestKey: "k\n"), control("requestKey")),
        (reserveCommand("", [line("A", 1)]), empty("reservationID")),
        (reserveCommand(text(65), [line("A", 1)]), tooLong("reservationID", 65, max: 64)),
        (reserveCommand("r2", [line("A", 1)], owner: text(65)), tooLong("owner", 65, max: 64)),
        (reserveCommand("r2", [line("A", 1)], owner: ""), empty("owner")),
        (reserveCommand("r2", [line("A\t", 1)]), control("sku")),
        (reserveCommand("r2", [line("A", 1, at: text(33))]), tooLong("location", 33, max: 32)),
        (extendCommand("", ttlSeconds: 10), empty("reservationID")),
        (releaseCommand(text(65)), tooLong("reservationID", 65, max: 64)),
        (.getReservation(ReservationReference(store: store, reservationID: "")), empty("reservationID")),
        (confirmCommand("r1", terms("", prices: ["A": 1])), empty("orderID")),
        (confirmCommand("r1", terms("o2", prices: ["A": 1], customer: text(65))), tooLong("customerID", 65, max: 64)),
        (
            confirmCommand(
                "r1",
                OrderTerms(
                    orderID: "o2", customerID: "c1", currency: "EUR", prices: [UnitPrice(sku: "", unitPriceMinor: 1)])),
            empty("sku")
        ),
        (confirmCommand(text(65), goodTerms), tooLong("reservationID", 65, max: 64)),
        (addItemCommand("", "A", 1), empty("cartID")),
        (addItemCommand("k1", text(65), 1), tooLong("sku", 65, max: 64)),
        (setItemCommand(text(65), "A", 1), tooLong("cartID", 65, max: 64)),
        (removeItemCommand("k\u{1B}", "A"), control("cartID")),
        (clearCartCommand(""), empty("cartID")),
        (.getCart(CartReference(store: store, cartID: "")), empty("cartID")),
        (.configureCart(ConfigureCart(store: store, cartID: "k1", customerID: "")), empty("customerID")),
        (.configureCart(ConfigureCart(store: store, cartID: text(65))), tooLong("cartID", 65, max: 64)),
        (checkoutCommand("", goodTerms), empty("cartID")),
        (placeOrderCommand(text(65), [priced("A", 1, price: 1)]), tooLong("orderID", 65, max: 64)),
        (placeOrderCommand("o2", [priced("A", 1, price: 1)], customer: ""), empty("customerID")),
        (placeOrderCommand("o2", [priced("", 1, price: 1)]), empty("sku")),
        (placeOrderCommand("o2", [priced("A", 1, price: 1, at: "")]), empty("location")),
        (payCommand(""), empty("orderID")),
        (fulfillCommand(text(65)), tooLong("orderID", 65, max: 64)),
        (cancelCommand("o\n"), control("orderID")),
        (.getOrder(OrderReference(store: store, orderID: "")), empty("orderID")),
        (.listOrders(OrderListQuery(store: store, customerID: "")), empty("customerID")),
        (
            .listOrders(OrderListQuery(store: store, customerID: "c1", afterOrderID: text(65))),
            tooLong("afterOrderID", 65, max: 64)
        ),
        (.checkAvailability(AvailabilityQuery(store: store, lines: [line("", 1)])), empty("sku")),
    ]

    @Test(arguments: identifierCases)
    func invalidIdentifiersAreRefused(_ command: Command, _ error: EngineError) {
        var harness = populated()
        let applied = harness.apply(command)
        #expect(applied.error == error)
        #expect(applied.lsn == nil)
    }

    @Test func identifiersAtTheirMaximumLengthAreAccepted() throws {
        var harness = Harness()
        let storeName = text(64)
        let sku = String(repeating: "é", count: 32)  // 64 bytes
        let location = text(32)
        harness.setStock(sku, onHand: 10, at: location, in: storeName)
        let adjusted = harness.apply(
            .adjustStock(
                AdjustStock(
                    store: storeName, sku: sku, location: location, delta: 1, reason: text(128),
                    requestKey: text(64))))
        #expect(adjusted.stockRecord?.levels.onHand == 11)
        let reserved = harness.apply(
            .reserve(
                Reserve(
                    store: storeName, reservationID: text(64), lines: [line(sku, 1, at: location)], owner: text(64))))
        #expect(reserved.reservation?.status == .active)
        let ordered = harness.apply(
            .placeOrder(
                PlaceOrder(
                    store: storeName, orderID: text(64), customerID: text(64), lines: [priced(sku, 1, price: 1)],
                    currency: "EUR")))
        #expect(ordered.order?.status == .placed)
        let carted = harness.apply(.addCartItem(AddCartItem(store: storeName, cartID: text(64), sku: sku, quantity: 1)))
        #expect(carted.cart?.lines.count == 1)
        // Non-control text beyond ASCII is fine, including U+00A0 (C2 A0, next to the C1 range).
        let nonASCII = harness.apply(.setStock(SetStock(store: storeName, sku: "nb\u{A0}sp-ß-日本", onHand: 1)))
        #expect(nonASCII.stockRecord?.sku == "nb\u{A0}sp-ß-日本")
    }

    // MARK: Quantities

    static let quantityCases: [(Command, EngineError)] = [
        (reserveCommand("r2", [line("A", 0)]), .quantityOutOfRange(field: "quantity", value: 0)),
        (reserveCommand("r2", [line("A", 1), line("A", -1)]), .quantityOutOfRange(field: "quantity", value: -1)),
        (
            reserveCommand("r2", [line("A", 1_000_000_001)]),
            .quantityOutOfRange(field: "quantity", value: 1_000_000_001)
        ),
        (placeOrderCommand("o2", [priced("A", 0, price: 1)]), .quantityOutOfRange(field: "quantity", value: 0)),
        (
            .checkAvailability(AvailabilityQuery(store: store, lines: [line("A", 1_000_000_001)])),
            .quantityOutOfRange(field: "quantity", value: 1_000_000_001)
        ),
        (.setStock(SetStock(store: store, sku: "A", onHand: -1)), .quantityOutOfRange(field: "onHand", value: -1)),
        (
            .setStock(SetStock(store: store, sku: "A", onHand: 1_000_000_001)),
            .quantityOutOfRange(field: "onHand", value: 1_000_000_001)
        ),
        (
            .setStock(SetStock(store: store, sku: "A", safetyStock: -1)),
            .quantityOutOfRange(field: "safetyStock", value: -1)
        ),
        (
            .setStock(SetStock(store: store, sku: "A", lowStockThreshold: 1_000_000_001)),
            .quantityOutOfRange(field: "lowStockThreshold", value: 1_000_000_001)
        ),
        (
            .setStock(SetStock(store: store, sku: "A", backorderLimit: -5)),
            .quantityOutOfRange(field: "backorderLimit", value: -5)
        ),
        (adjustCommand("A", by: 0), .quantityOutOfRange(field: "delta", value: 0)),
        (adjustCommand("A", by: 1_000_000_001), .quantityOutOfRange(field: "delta", value: 1_000_000_001)),
        (adjustCommand("A", by: -1_000_000_001), .quantityOutOfRange(field: "delta", value: -1_000_000_001)),
        (adjustCommand("A", by: .min), .quantityOutOfRange(field: "delta", value: .min)),
        (addItemCommand("k1", "A", 0), .quantityOutOfRange(field: "quantity", value: 0)),
        (addItemCommand("k1", "A", -3), .quantityOutOfRange(field: "quantity", value: -3)),
        (addItemCommand("k1", "A", 1_000_000_001), .quantityOutOfRange(field: "quantity", value: 1_000_000_001)),
        // The line already holds 1: the sum would exceed the maximum.
        (addItemCommand("k1", "A", 1_000_000_000), .quantityOutOfRange(field: "quantity", value: 1_000_000_001)),
        (setItemCommand("k1", "A", -1), .quantityOutOfRange(field: "quantity", value: -1)),
        (setItemCommand("k1", "A", 1_000_000_001), .quantityOutOfRange(field: "quantity", value: 1_000_000_001)),
    ]

    @Test(arguments: quantityCases)
    func quantitiesOutOfRangeAreRefused(_ command: Command, _ error: EngineError) {
        var harness = populated()
        let applied = harness.apply(command)
        #expect(applied.error == error)
        #expect(applied.lsn == nil)
    }

    @Test func quantitiesAtTheirLimitsAreAccepted() {
        var harness = Harness()
        harness.setStock(
            "A", onHand: Limits.quantityMax, safety: 0, threshold: Limits.quantityMax, backorder: Limits.quantityMax)
        #expect(harness.apply(adjustCommand("A", by: -Limits.quantityMax)).stockRecord?.levels.onHand == 0)
        #expect(
            harness.apply(adjustCommand("A", by: Limits.quantityMax)).stockRecord?.levels.onHand == Limits.quantityMax)
        #expect(
            harness.apply(addItemCommand("k1", "A", Limits.quantityMax)).cart?.lines.first?.quantity
                == Limits.quantityMax)
        #expect(
            harness.apply(setItemCommand("k2", "A", Limits.quantityMax)).cart?.lines.first?.quantity
                == Limits.quantityMax)
        let reserved = harness.apply(
            reserveCommand("r1", [line("A", Limits.quantityMax), line("A", Limits.quantityMax)]))
        #expect(reserved.reservation?.allocations.map(\.quantity) == [Limits.quantityMax, Limits.quantityMax])
        #expect(harness.levels("A")?.available == -Limits.quantityMax)
    }

    // MARK: Amounts

    static let amountCases: [(Command, EngineError)] = [
        (placeOrderCommand("o2", [priced("A", 1, price: -1)]), .amountOutOfRange(field: "unitPriceMinor", value: -1)),
        (
            placeOrderCommand("o2", [priced("A", 1, price: 1_000_000_000_001)]),
            .amountOutOfRange(field: "unitPriceMinor", value: 1_000_000_000_001)
        ),
        (placeOrderCommand("o2", [priced("A", 1, price: 1)], tax: -1), .amountOutOfRange(field: "taxMinor", value: -1)),
        (
            placeOrderCommand("o2", [priced("A", 1, price: 1)], shipping: 1_000_000_000_001),
            .amountOutOfRange(field: "shippingMinor", value: 1_000_000_000_001)
        ),
        (
            placeOrderCommand("o2", [priced("A", 1, price: 1)], discount: -2),
            .amountOutOfRange(field: "discountMinor", value: -2)
        ),
        (
            placeOrderCommand("o2", [priced("A", 2, price: 10)], tax: 1, shipping: 2, discount: 24),
            .amountOutOfRange(field: "totalMinor", value: -1)
        ),
        // 2 × (10^9 × 6·10^8) = 1.2·10^18 > 10^18.
        (
            placeOrderCommand(
                "o2", [priced("A", 1_000_000_000, price: 600_000_000), priced("B", 1_000_000_000, price: 600_000_000)]),
            .amountOutOfRange(field: "subtotalMinor", value: 1_200_000_000_000_000_000)
        ),
        // 10^9 × 10^12 overflows Int64.
        (
            placeOrderCommand("o2", [priced("A", 1_000_000_000, price: 1_000_000_000_000)]),
            .amountOutOfRange(field: "subtotalMinor", value: .max)
        ),
        (
            confirmCommand("r1", terms("o2", prices: ["A": -1])),
            .amountOutOfRange(field: "unitPriceMinor", value: -1)
        ),
        (confirmCommand("r1", terms("o2", prices: ["A": 1], tax: -1)), .amountOutOfRange(field: "taxMinor", value: -1)),
        (
            confirmCommand("r1", terms("o2", prices: ["A": 5], discount: 6)),
            .amountOutOfRange(field: "totalMinor", value: -1)
        ),
        (
            checkoutCommand("k1", terms("o2", prices: ["A": 1], shipping: 1_000_000_000_001)),
            .amountOutOfRange(field: "shippingMinor", value: 1_000_000_000_001)
        ),
        (
            checkoutCommand("k1", terms("o2", prices: ["A": 3], discount: 4)),
            .amountOutOfRange(field: "totalMinor", value: -1)
        ),
    ]

    @Test(arguments: amountCases)
    func amountsOutOfRangeAreRefused(_ command: Command, _ error: EngineError) {
        var harness = populated()
        let applied = harness.apply(command)
        #expect(applied.error == error)
        #expect(applied.lsn == nil)
    }

    /// Ten lines whose subtotal, 9 223 372 036 · 10^9, is just below `Int64.max`
    /// but far above the 10^18 limit; adding tax to it must not overflow.
    private static let subtotalNearInt64Max: [(sku: String, quantity: Int64)] =
        (0..<9).map { ("S\($0)", 1_000_000_000) } + [("S9", 223_372_036)]

    @Test func subtotalNearInt64MaxIsRefusedNotOverflowed() {
        var harness = Harness()
        harness.setStock("A", onHand: 1)
        let lines = Self.subtotalNearInt64Max.map { priced($0.sku, $0.quantity, price: 1_000_000_000) }
        let applied = harness.apply(
            placeOrderCommand("o1", lines, tax: Limits.amountMinorMax, shipping: Limits.amountMinorMax))
        #expect(applied.error == .amountOutOfRange(field: "subtotalMinor", value: 9_223_372_036_000_000_000))
    }

    @Test func confirmedSubtotalNearInt64MaxIsRefusedNotOverflowed() {
        var harness = Harness()
        for (sku, quantity) in Self.subtotalNearInt64Max { harness.setStock(sku, onHand: quantity) }
        harness.reserve("r1", Self.subtotalNearInt64Max.map { line($0.sku, $0.quantity) })
        let prices = Dictionary(uniqueKeysWithValues: Self.subtotalNearInt64Max.map { ($0.sku, Int64(1_000_000_000)) })
        let applied = harness.apply(confirmCommand("r1", terms("o1", prices: prices, tax: Limits.amountMinorMax)))
        #expect(applied.error == .amountOutOfRange(field: "subtotalMinor", value: 9_223_372_036_000_000_000))
        #expect(harness.reservation("r1")?.status == .active)
    }

    @Test func cartSubtotalAboveTheLimitIsRefused() {
        var harness = Harness()
        harness.setStock("A", onHand: 1)
        harness.setStock("B", onHand: 1)
        harness.addItem("k1", "A", 1_000_000_000)
        harness.addItem("k1", "B", 1_000_000_000)
        let applied = harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 600_000_000, "B": 600_000_000])))
        #expect(applied.error == .amountOutOfRange(field: "subtotalMinor", value: 1_200_000_000_000_000_000))
    }

    @Test func amountsAtTheirLimitsAreAccepted() throws {
        var harness = Harness()
        harness.setStock("A", onHand: Limits.quantityMax)
        let order = try #require(
            harness.apply(
                placeOrderCommand(
                    "o1", [priced("A", Limits.quantityMax, price: 1_000_000_000)], tax: Limits.amountMinorMax,
                    shipping: Limits.amountMinorMax, discount: Limits.amountMinorMax)
            ).order)
        #expect(order.totals.subtotalMinor == Limits.orderSubtotalMinorMax)
        #expect(order.totals.totalMinor == Limits.orderSubtotalMinorMax + Limits.amountMinorMax)
    }

    // MARK: Line counts

    static let lineCountCases: [(Command, EngineError)] = [
        (reserveCommand("r2", []), .lineCountOutOfRange(count: 0, max: 256)),
        (reserveCommand("r2", Array(repeating: line("A", 1), count: 257)), .lineCountOutOfRange(count: 257, max: 256)),
        (placeOrderCommand("o2", []), .lineCountOutOfRange(count: 0, max: 256)),
        (
            placeOrderCommand("o2", Array(repeating: priced("A", 1, price: 1), count: 257)),
            .lineCountOutOfRange(count: 257, max: 256)
        ),
        (.checkAvailability(AvailabilityQuery(store: store, lines: [])), .lineCountOutOfRange(count: 0, max: 256)),
        (
            .checkAvailability(AvailabilityQuery(store: store, lines: Array(repeating: line("A", 1), count: 257))),
            .lineCountOutOfRange(count: 257, max: 256)
        ),
        (
            confirmCommand(
                "r1",
                OrderTerms(
                    orderID: "o2", customerID: "c1", currency: "EUR",
                    prices: (0..<257).map { UnitPrice(sku: "S\($0)", unitPriceMinor: 1) })),
            .lineCountOutOfRange(count: 257, max: 256)
        ),
        (priorityCommand((0..<65).map { "l\($0)" }), .lineCountOutOfRange(count: 65, max: 64)),
    ]

    @Test(arguments: lineCountCases)
    func lineCountsOutOfRangeAreRefused(_ command: Command, _ error: EngineError) {
        var harness = populated()
        let applied = harness.apply(command)
        #expect(applied.error == error)
        #expect(applied.lsn == nil)
    }

    @Test func twoHundredFiftySixLinesAreAccepted() {
        var harness = Harness()
        harness.setStock("A", onHand: 1_000)
        let reserved = harness.apply(reserveCommand("r1", Array(repeating: line("A", 1), count: 256)))
        #expect(reserved.reservation?.allocations.count == 256)
        let ordered = harness.apply(placeOrderCommand("o1", Array(repeating: priced("A", 1, price: 1), count: 256)))
        #expect(ordered.order?.lines.count == 256)
        #expect(harness.levels("A") == StockLevels(onHand: 1_000, reserved: 256, committed: 256))
    }

    // MARK: TTLs and currencies

    static let ttlCases: [(Command, EngineError)] = [
        (reserveCommand("r2", [line("A", 1)], ttlSeconds: 0), .ttlOutOfRange(seconds: 0)),
        (reserveCommand("r2", [line("A", 1)], ttlSeconds: 604_801), .ttlOutOfRange(seconds: 604_801)),
        (extendCommand("r1", ttlSeconds: 0), .ttlOutOfRange(seconds: 0)),
        (extendCommand("r1", ttlSeconds: -10), .ttlOutOfRange(seconds: -10)),
        (extendCommand("r1", ttlSeconds: 604_801), .ttlOutOfRange(seconds: 604_801)),
        (
            .configureCart(ConfigureCart(store: store, cartID: "k1", holdTTLSeconds: 0)),
            .ttlOutOfRange(seconds: 0)
        ),
        (
            .configureCart(ConfigureCart(store: store, cartID: "k1", holdStock: true, holdTTLSeconds: 604_801)),
            .ttlOutOfRange(seconds: 604_801)
        ),
    ]

    @Test(arguments: ttlCases)
    func ttlsOutOfRangeAreRefused(_ command: Command, _ error: EngineError) {
        var harness = populated()
        let applied = harness.apply(command)
        #expect(applied.error == error)
        #expect(applied.lsn == nil)
    }

    @Test func ttlBoundsAreAccepted() {
        var harness = populated()
        #expect(
            harness.apply(reserveCommand("r2", [line("A", 1)], ttlSeconds: 1)).reservation?.deadline
                == harness.clock + second)
        #expect(
            harness.apply(extendCommand("r1", ttlSeconds: 604_800)).reservation?.deadline
                == harness.clock + 604_800 * second)
    }

    @Test(arguments: ["eur", "EU", "EURO", "E1R", "", "ÉUR", "EU "])
    func invalidCurrenciesAreRefused(_ currency: String) {
        var harness = populated()
        let placed = harness.apply(placeOrderCommand("o2", [priced("A", 1, price: 1)], currency: currency))
        #expect(placed.error == .invalidCurrency(currency))
        let confirmed = harness.apply(confirmCommand("r1", terms("o2", prices: ["A": 1], currency: currency)))
        #expect(confirmed.error == .invalidCurrency(currency))
        let checkedOut = harness.apply(checkoutCommand("k1", terms("o2", prices: ["A": 1], currency: currency)))
        #expect(checkedOut.error == .invalidCurrency(currency))
    }

    // MARK: Order of checks

    @Test func inputIsValidatedBeforeTheStoreIsLookedUp() {
        var harness = Harness()
        #expect(
            harness.apply(reserveCommand("r1", [line("A", 0)])).error
                == .quantityOutOfRange(field: "quantity", value: 0))
        #expect(
            harness.apply(placeOrderCommand("o1", [priced("A", 1, price: 1)], currency: "x")).error
                == .invalidCurrency("x"))
        #expect(harness.apply(extendCommand("r1", ttlSeconds: 0)).error == .ttlOutOfRange(seconds: 0))
        #expect(harness.apply(adjustCommand("A", by: 0)).error == .quantityOutOfRange(field: "delta", value: 0))
        #expect(harness.apply(addItemCommand("k1", "A", 0)).error == .quantityOutOfRange(field: "quantity", value: 0))
    }

    // MARK: Capacity

    @Test func storesPerShard() {
        var harness = Harness(limits: Limits(storesPerShardMax: 1))
        harness.setStock("A", onHand: 1)
        #expect(
            harness.apply(.setStock(SetStock(store: "s2", sku: "A", onHand: 1))).error == .limitReached(.stores))
        #expect(harness.apply(priorityCommand(["east"], in: "s2")).error == .limitReached(.stores))
        // The existing store still grows.
        harness.setStock("B", onHand: 1, at: "east")
        #expect(harness.succeed(priorityCommand(["west"]))?.locationPriority == ["west", "default", "east"])
    }

    @Test func skusPerShard() {
        var harness = Harness(limits: Limits(skusPerShardMax: 2))
        harness.setStock("A", onHand: 1)
        harness.setStock("B", onHand: 1)
        #expect(harness.apply(.setStock(SetStock(store: store, sku: "C", onHand: 1))).error == .limitReached(.skus))
        #expect(harness.apply(.setStock(SetStock(store: "s2", sku: "A", onHand: 1))).error == .limitReached(.skus))
        // A known SKU at a new location needs no new SKU.
        harness.setStock("A", onHand: 1, at: "east")
    }

    @Test func stockRecordsPerShard() {
        var harness = Harness(limits: Limits(stockRecordsPerShardMax: 2))
        harness.setStock("A", onHand: 1)
        harness.setStock("A", onHand: 1, at: "east")
        #expect(
            harness.apply(.setStock(SetStock(store: store, sku: "B", onHand: 1))).error == .limitReached(.stockRecords))
        #expect(
            harness.apply(.setStock(SetStock(store: store, sku: "A", location: "west", onHand: 1))).error
                == .limitReached(.stockRecords))
        #expect(
            harness.apply(.setStock(SetStock(store: "s2", sku: "A", onHand: 1))).error == .limitReached(.stockRecords))
        // Existing records still change.
        harness.setStock("A", onHand: 5, at: "east")
    }

    @Test func locationsPerStore() {
        var harness = Harness()
        harness.setStock("A", onHand: 1)
        let names = (1...63).map { "l\($0)" }
        #expect(harness.apply(priorityCommand(names)).locationPriority?.count == 64)
        #expect(harness.apply(priorityCommand(["l64"])).error == .limitReached(.locationsPerStore))
        #expect(
            harness.apply(.setStock(SetStock(store: store, sku: "A", location: "l64", onHand: 1))).error
                == .limitReached(.locationsPerStore))
        // Known locations can still be named and stocked.
        harness.setStock("A", onHand: 1, at: "l63")
        #expect(harness.apply(priorityCommand(["default"])).locationPriority?.first == "default")

        // A new store starts with "default": 64 new names make 65.
        let sixtyFour = (1...64).map { "m\($0)" }
        #expect(harness.apply(priorityCommand(sixtyFour, in: "s2")).error == .limitReached(.locationsPerStore))
        #expect(harness.apply(priorityCommand(Array(sixtyFour.dropLast()), in: "s2")).locationPriority?.count == 64)
    }

    @Test func reservationsPerShardCountsActiveFinishedAndCartHolds() {
        var harness = Harness(limits: Limits(reservationsPerShardMax: 2))
        harness.setStock("A", onHand: 10)
        harness.reserve("r1", [line("A", 1)])
        harness.reserve("r2", [line("A", 1)])
        let full = harness.apply(reserveCommand("r3", [line("A", 1)]))
        #expect(full.error == .limitReached(.reservations))
        #expect(full.lsn == nil)
        // A replay needs no room.
        #expect(harness.apply(reserveCommand("r1", [line("A", 1)])).reservation?.replayed == true)

        // A finished reservation makes room: the oldest finished one is dropped.
        harness.succeed(releaseCommand("r2"))
        harness.succeed(releaseCommand("r1"))
        harness.reserve("r3", [line("A", 1)])
        #expect(
            harness.apply(.getReservation(ReservationReference(store: store, reservationID: "r2"))).error
                == .unknownReservation(id: "r2"))
        #expect(harness.reservation("r1")?.status == .released)

        // A cart hold takes a place too, dropping r1.
        harness.configureCart("k1", holdStock: true)
        harness.addItem("k1", "A", 1)
        #expect(
            harness.apply(.getReservation(ReservationReference(store: store, reservationID: "r1"))).error
                == .unknownReservation(id: "r1"))
        // Now r3 and the hold are active: no room for another hold or reservation.
        harness.configureCart("k2", holdStock: true)
        #expect(harness.apply(addItemCommand("k2", "A", 1)).error == .limitReached(.reservations))
        #expect(harness.apply(reserveCommand("r4", [line("A", 1)])).error == .limitReached(.reservations))
        // A cart without a hold needs no reservation.
        harness.addItem("k3", "A", 1)
        // Changing an existing hold needs no new place.
        harness.addItem("k1", "A", 1)
        #expect(harness.levels("A")?.reserved == 3)
    }

    @Test func cartsPerShard() {
        var harness = Harness(limits: Limits(cartsPerShardMax: 1))
        harness.setStock("A", onHand: 10)
        harness.addItem("k1", "A", 1)
        #expect(harness.apply(addItemCommand("k2", "A", 1)).error == .limitReached(.carts))
        #expect(harness.apply(setItemCommand("k2", "A", 1)).error == .limitReached(.carts))
        #expect(
            harness.apply(.configureCart(ConfigureCart(store: store, cartID: "k2"))).error == .limitReached(.carts))
        // The existing cart still changes.
        harness.addItem("k1", "A", 1)

        harness.succeed(checkoutCommand("k1", terms("o1", prices: ["A": 1])))
        harness.addItem("k2", "A", 1)
        harness.succeed(clearCartCommand("k2"))
        harness.addItem("k3", "A", 1)
    }

    @Test func ordersPerShard() {
        var harness = Harness(limits: Limits(ordersPerShardMax: 1))
        harness.setStock("A", onHand: 10)
        harness.placeOrder("o1", [priced("A", 1, price: 1)])
        harness.reserve("r1", [line("A", 1)])
        harness.addItem("k1", "A", 1)

        #expect(harness.apply(placeOrderCommand("o2", [priced("A", 1, price: 1)])).error == .limitReached(.orders))
        // Capacity is checked before prices.
        #expect(harness.apply(confirmCommand("r1", terms("o2", prices: [:]))).error == .limitReached(.orders))
        #expect(harness.apply(checkoutCommand("k1", terms("o2", prices: [:]))).error == .limitReached(.orders))
        // A replay needs no room.
        #expect(harness.apply(placeOrderCommand("o1", [priced("A", 1, price: 1)])).order?.replayed == true)
        // Paid orders are still open.
        harness.succeed(payCommand("o1"))
        #expect(harness.apply(placeOrderCommand("o2", [priced("A", 1, price: 1)])).error == .limitReached(.orders))

        // A finished order makes room and is dropped.
        harness.succeed(fulfillCommand("o1"))
        let placed = harness.apply(confirmCommand("r1", terms("o2", prices: ["A": 3])))
        #expect(placed.order?.status == .placed)
        #expect(harness.getOrderError("o1") == .unknownOrder(id: "o1"))
        #expect(harness.levels("A") == StockLevels(onHand: 9, committed: 1))
    }

    @Test func linesPerCart() {
        var harness = Harness()
        for index in 0...256 { harness.setStock("S\(index)", onHand: 1) }
        for index in 0..<256 { harness.addItem("k1", "S\(index)", 1) }
        #expect(harness.cart("k1")?.lines.count == 256)
        #expect(harness.apply(addItemCommand("k1", "S256", 1)).error == .limitReached(.cartLines))
        #expect(harness.apply(setItemCommand("k1", "S256", 1)).error == .limitReached(.cartLines))
        // Existing lines still change.
        harness.addItem("k1", "S0", 1)
        harness.succeed(removeItemCommand("k1", "S1"))
        harness.addItem("k1", "S256", 1)
        #expect(harness.cart("k1")?.lines.last == CartLine(sku: "S256", quantity: 1))
    }

    @Test func idempotencyKeysPerShardEvictInsteadOfRefusing() {
        var harness = Harness(limits: Limits(idempotencyKeysPerShardMax: 1))
        harness.setStock("A", onHand: 1)
        harness.succeed(adjustCommand("A", by: 1, requestKey: "k1"))
        let second = harness.apply(adjustCommand("A", by: 1, requestKey: "k2"))
        #expect(second.stockRecord?.levels.onHand == 3)
        #expect(harness.machine.idempotency.liveCount == 1)
        #expect(harness.apply(adjustCommand("A", by: 1, requestKey: "k2")).stockRecord?.replayed == true)
    }

    @Test func lineNodesAreBoundedPerShard() throws {
        var harness = Harness(limits: Limits(lineNodesPerShardMax: 3))
        harness.setStock("A", onHand: 10)
        harness.setStock("B", onHand: 10)
        harness.reserve("r1", [line("A", 1), line("B", 1)])

        let second = harness.apply(reserveCommand("r2", [line("A", 1), line("B", 1)]))
        #expect(second.error == .limitReached(.lineNodes))
        #expect(second.lsn == nil)
        #expect(harness.levels("A") == StockLevels(onHand: 10, reserved: 1))

        // Confirming copies the two lines into an order: 2 + 2 > 3.
        let confirm = harness.apply(
            confirmCommand(
                "r1",
                OrderTerms(
                    orderID: "o1", customerID: "c", currency: "EUR",
                    prices: [UnitPrice(sku: "A", unitPriceMinor: 1), UnitPrice(sku: "B", unitPriceMinor: 1)])))
        #expect(confirm.error == .limitReached(.lineNodes))
        #expect(harness.reservation("r1")?.status == .active)
    }
}
