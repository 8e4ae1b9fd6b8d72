@testable import Engine
import Wire

/// Values of every kind the wire carries, on their edges (absent and present
/// optionals, empty and full arrays, extreme integers, non-ASCII text), for the
/// round-trip tests and the fuzzers' seed frames. Compiled into the WireTests
/// target and into the libFuzzer target (scripts/fuzz-wire).
enum WireSamples {
    // MARK: Commands

    static let terms = OrderTerms(
        orderID: "o1", customerID: "c1", currency: "EUR", prices: [UnitPrice(sku: "sku1", unitPriceMinor: 1_999)],
        taxMinor: 380, shippingMinor: 0, discountMinor: 100)

    /// Every command a client may send (all but `advanceTime`), most of them twice.
    static let commands: [Command] = [
        .setStock(SetStock(store: "s1", sku: "sku1")),
        .setStock(
            SetStock(
                store: "s1", sku: "sku1", location: "east", onHand: 10, safetyStock: .max, lowStockThreshold: 0,
                backorderLimit: .min, requestKey: "k1")),
        .adjustStock(AdjustStock(store: "s1", sku: "sku1", delta: -3, reason: "damaged")),
        .adjustStock(
            AdjustStock(store: "s1", sku: "sku1", location: "west", delta: 5, reason: "récupéré", requestKey: "")),
        .setLocationPriority(SetLocationPriority(store: "s1", locations: [])),
        .setLocationPriority(
            SetLocationPriority(store: "s1", locations: ["east", "west", "default"], requestKey: "k2")),
        .reserve(Reserve(store: "s1", reservationID: "r1", lines: [LineRequest(sku: "sku1", quantity: 2)])),
        .reserve(
            Reserve(
                store: "s1", reservationID: "r2",
                lines: [
                    LineRequest(sku: "sku1", location: "east", quantity: 1), LineRequest(sku: "sku2", quantity: 7),
                ],
                ttlSeconds: 60, owner: "checkout-7")),
        .extendReservation(ExtendReservation(store: "s1", reservationID: "r1", ttlSeconds: 600)),
        .extendReservation(ExtendReservation(store: "s1", reservationID: "r1", ttlSeconds: -1, requestKey: "k3")),
        .releaseReservation(ReservationReference(store: "s1", reservationID: "r1")),
        .confirmReservation(ConfirmReservation(store: "s1", reservationID: "r1", terms: terms)),
        .confirmReservation(
            ConfirmReservation(
                store: "s1", reservationID: "r2", terms: OrderTerms(orderID: "o2", customerID: "", currency: ""))),
        .configureCart(ConfigureCart(store: "s1", cartID: "cart1")),
        .configureCart(
            ConfigureCart(store: "s1", cartID: "cart1", customerID: "c1", holdStock: true, holdTTLSeconds: 300)),
        .addCartItem(AddCartItem(store: "s1", cartID: "cart1", sku: "sku1", quantity: 1)),
        .addCartItem(AddCartItem(store: "s1", cartID: "cart1", sku: "sku1", quantity: .max, requestKey: "k4")),
        .setCartItem(SetCartItem(store: "s1", cartID: "cart1", sku: "sku1", quantity: 0)),
        .removeCartItem(RemoveCartItem(store: "s1", cartID: "cart1", sku: "sku1")),
        .clearCart(CartReference(store: "s1", cartID: "cart1")),
        .checkoutCart(CheckoutCart(store: "s1", cartID: "cart1", terms: terms)),
        .placeOrder(
            PlaceOrder(
                store: "s1", orderID: "o3", customerID: "c1",
                lines: [
                    PricedLineRequest(sku: "sku1", quantity: 2, unitPriceMinor: 1_999),
                    PricedLineRequest(sku: "sku2", location: "west", quantity: 1, unitPriceMinor: 500),
                ],
                currency: "EUR", taxMinor: 380, shippingMinor: 0, discountMinor: 100)),
        .placeOrder(PlaceOrder(store: "s1", orderID: "o4", customerID: "c2", lines: [], currency: "JPY")),
        .payOrder(OrderTransition(store: "s1", orderID: "o3")),
        .payOrder(OrderTransition(store: "s1", orderID: "o3", requestKey: "k5")),
        .fulfillOrder(OrderTransition(store: "s1", orderID: "o3")),
        .cancelOrder(OrderTransition(store: "s1", orderID: "o4", requestKey: "k6")),
        .getStock(StockQuery(store: "s1", sku: "sku1")),
        .checkAvailability(AvailabilityQuery(store: "s1", lines: [])),
        .checkAvailability(
            AvailabilityQuery(
                store: "s1",
                lines: [LineRequest(sku: "sku1", quantity: 1), LineRequest(sku: "sku2", location: "east", quantity: 3)])
        ),
        .getReservation(ReservationReference(store: "s1", reservationID: "r2")),
        .getCart(CartReference(store: "s1", cartID: "cart1")),
        .getOrder(OrderReference(store: "s1", orderID: "o3")),
        .listOrders(OrderListQuery(store: "s1", customerID: "c1")),
        .listOrders(OrderListQuery(store: "s1", customerID: "c1", afterOrderID: "o3", limit: 100)),
        .setPrice(SetPrice(store: "s1", sku: "sku1", currency: "EUR", unitPriceMinor: 1_999, requestKey: "k7")),
        .setPrice(SetPrice(store: "s1", sku: "sku1", currency: "", unitPriceMinor: nil)),
        .getPrice(PriceQuery(store: "s1", sku: "sku1")),
    ]

    // MARK: Results

    static let levels = StockLevels(
        onHand: 10, reserved: 2, committed: 3, safetyStock: 1, lowStockThreshold: 4, backorderLimit: 5)

    static let reservation = ReservationView(
        reservationID: "r1", owner: nil, status: .active, deadline: 1_700_000_900_000_000_000,
        allocations: AllocationList([LineAllocation(sku: "sku1", location: "default", quantity: 2)]), orderID: nil,
        replayed: false)

    static let order = OrderView(
        orderID: "o3", customerID: "c1", status: .paid,
        lines: [
            OrderLine(sku: "sku1", location: "default", quantity: 2, unitPriceMinor: 1_999),
            OrderLine(sku: "sku2", location: "west", quantity: 1, unitPriceMinor: 500),
        ],
        totals: OrderTotals(
            subtotalMinor: 4_498, taxMinor: 380, shippingMinor: 0, discountMinor: 100, totalMinor: 4_778,
            currency: "EUR"),
        placedAt: 1_700_000_000_000_000_000, reservationID: "r2", replayed: true)

    /// Every result kind (1–9), with every reservation and order status.
    static let results: [CommandResult] = [
        .tick(TickReport(expiredReservations: 3, purgedRecords: 0)),
        .price(PriceView(sku: "sku1", listed: ListedPrice(currency: "EUR", unitPriceMinor: 1_999), replayed: true)),
        .price(PriceView(sku: "sku2", listed: nil)),
        .stockRecord(StockRecordView(sku: "sku1", location: "default", levels: levels, replayed: false)),
        .stockRecord(StockRecordView(sku: "sku1", location: "east", levels: StockLevels(), replayed: true)),
        .stock(StockView(sku: "sku1", locations: [], totals: StockLevels())),
        .stock(
            StockView(
                sku: "sku1",
                locations: [
                    LocationStock(location: "default", levels: levels),
                    LocationStock(location: "east", levels: StockLevels(onHand: .max, safetyStock: .min)),
                ],
                totals: levels)),
        .locationPriority([]),
        .locationPriority(["east", "default"]),
        .reservation(reservation),
        .reservation(
            ReservationView(
                reservationID: "r2", owner: "checkout-7", status: .confirmed, deadline: -1,
                allocations: AllocationList([
                    LineAllocation(sku: "sku1", location: "east", quantity: 1),
                    LineAllocation(sku: "sku2", location: "default", quantity: 7),
                ]), orderID: "o2", replayed: true)),
        .reservation(
            ReservationView(
                reservationID: "r3", owner: nil, status: .released, deadline: 0, allocations: AllocationList(),
                orderID: nil, replayed: false)),
        .reservation(
            ReservationView(
                reservationID: "r4", owner: "", status: .expired, deadline: .max, allocations: AllocationList(),
                orderID: nil, replayed: false)),
        .availability([]),
        .availability([
            LineAvailability(sku: "sku1", location: nil, requested: 2, available: 9, satisfiable: true),
            LineAvailability(sku: "sku2", location: "east", requested: 5, available: 0, satisfiable: false),
        ]),
        .cart(
            CartView(
                cartID: "cart1", customerID: nil, lines: [], holdStock: false, holdTTLSeconds: 900, holdDeadline: nil,
                holdAllocations: [], replayed: true)),
        .cart(
            CartView(
                cartID: "cart1", customerID: "c1",
                lines: [CartLine(sku: "sku1", quantity: 2), CartLine(sku: "sku2", quantity: 1)], holdStock: true,
                holdTTLSeconds: 300, holdDeadline: 1_700_000_300_000_000_000,
                holdAllocations: [LineAllocation(sku: "sku1", location: "default", quantity: 2)], replayed: false)),
        .order(order),
        .order(
            OrderView(
                orderID: "o4", customerID: "c2", status: .placed, lines: [],
                totals: OrderTotals(
                    subtotalMinor: 0, taxMinor: 0, shippingMinor: 0, discountMinor: 0, totalMinor: 0, currency: "JPY"),
                placedAt: 0, reservationID: nil, replayed: false)),
        .order(status(order, .fulfilled)),
        .order(status(order, .cancelled)),
        .orders(OrderPage(orders: [], nextAfterOrderID: nil)),
        .orders(OrderPage(orders: [order, status(order, .placed)], nextAfterOrderID: "o3")),
    ]

    static func status(_ order: OrderView, _ status: OrderStatus) -> OrderView {
        var changed = order
        changed.status = status
        return changed
    }

    // MARK: Errors

    /// Every engine error (codes 100–402), with every enum value they carry.
    static let engineErrors: [EngineError] =
        [
            .invalidIdentifier(field: "sku", reason: "is empty"),
            .quantityOutOfRange(field: "quantity", value: -5),
            .amountOutOfRange(field: "taxMinor", value: .max),
            .lineCountOutOfRange(count: 300, max: 256),
            .ttlOutOfRange(seconds: 0),
            .invalidCurrency("eur"),
            .invalidArgument(field: "locations", reason: "'east' appears twice"),
            .unknownStore(store: "s9"),
            .unknownSKU(sku: "sku9"),
            .unknownLocation(sku: "sku1", location: "north"),
            .unknownReservation(id: "r9"),
            .unknownCart(id: "cart9"),
            .unknownOrder(id: "o9"),
            .insufficientStock(sku: "sku1", requested: 5, available: 3),
            .stockBelowCommitments(sku: "sku1", location: "default", minimumOnHand: 4),
            .reservationNotActive(id: "r1", status: .active),
            .reservationNotActive(id: "r1", status: .released),
            .reservationNotActive(id: "r1", status: .confirmed),
            .reservationNotActive(id: "r1", status: .expired),
            .reservationExpired(id: "r1"),
            .invalidTransition(orderID: "o1", from: .placed, to: .fulfilled),
            .invalidTransition(orderID: "o1", from: .cancelled, to: .paid),
            .cartEmpty(cartID: "cart1"),
            .missingPrice(sku: "sku2"),
            .idempotencyConflict(key: "k1"),
            .busy,
            .shuttingDown,
            .journalFailure(reason: "fdatasync: EIO"),
            .notOwner(entity: "cart", id: "cart1"),
            .priceMismatch(sku: "sku1", listed: ListedPrice(currency: "EUR", unitPriceMinor: 1_999)),
        ] + capacityLimits.map { .limitReached($0) }

    static let capacityLimits: [CapacityLimit] = [
        .stores, .skus, .stockRecords, .reservations, .carts, .orders, .idempotencyKeys, .locationsPerStore, .cartLines,
        .shardQueue, .lineNodes,
    ]

    /// Every error a reply can carry: the engine's and one of each protocol code (500–510).
    static let wireErrors: [WireError] =
        engineErrors.map { .engine($0) }
        + ProtocolErrorCode.allCases.map { .protocolViolation($0, "\($0.name) in a sample, ünïcode too") }

    // MARK: Events

    /// One event of every kind (1–18).
    static let eventKinds: [EventKind] = [
        .stockChanged(sku: "sku1", location: "default", levels: levels),
        .lowStock(sku: "sku1", location: "default", available: 2, threshold: 4),
        .backInStock(sku: "sku1", location: "east", available: 1),
        .locationPriorityChanged(locations: ["east", "default"]),
        .reservationPlaced(reservationID: "r1", owner: nil, deadline: 1_700_000_900_000_000_000),
        .reservationPlaced(reservationID: "r2", owner: "checkout-7", deadline: -1),
        .reservationExtended(reservationID: "r1", deadline: .max),
        .reservationReleased(reservationID: "r1"),
        .reservationExpired(reservationID: "r2"),
        .reservationConfirmed(reservationID: "r2", orderID: "o2"),
        .cartChanged(cartID: "cart1"),
        .cartHoldExpired(cartID: "cart1"),
        .cartCheckedOut(cartID: "cart1", orderID: "o5"),
        .cartRemoved(cartID: "cart1"),
        .orderPlaced(orderID: "o3", customerID: "c1", totalMinor: 4_778, currency: "EUR"),
        .orderPaid(orderID: "o3"),
        .orderFulfilled(orderID: "o3"),
        .orderCancelled(orderID: "o4"),
        .priceChanged(sku: "sku1", listed: ListedPrice(currency: "EUR", unitPriceMinor: 1_999)),
        .priceChanged(sku: "sku2", listed: nil),
    ]

    static let eventsReplies: [EventsReply] = [
        EventsReply(page: EventPage(events: [], oldestRetainedLSN: 0, newestLSN: 0), nextAfterLSN: 0),
        EventsReply(
            page: EventPage(
                events: eventKinds.enumerated().map {
                    Event(lsn: UInt64(100 + $0.offset / 2), store: "s1", kind: $0.element)
                },
                oldestRetainedLSN: 1, newestLSN: 200),
            nextAfterLSN: 108),
    ]

    // MARK: Session messages

    static let hellos: [Hello] = [
        Hello(clientID: "example-client", credentials: "secret"),
        Hello(protocolVersion: 2, clientID: "c", credentials: ""),
        Hello(clientID: String(repeating: "é", count: 32), credentials: String(repeating: "t", count: 8_192)),
    ]

    static let helloReplies: [HelloReply] = [
        HelloReply(serverName: "holdfast", connectionID: 1, shardCount: 4, limits: .standard),
        HelloReply(
            protocolVersion: 1, serverName: "", connectionID: .max, shardCount: 1,
            limits: WireLimits(frameBytesMax: 40, itemsPerFrameMax: 1, inFlightPerConnectionMax: 1)),
    ]

    static let eventsRequests: [EventsRequest] = [
        EventsRequest(shard: 0, afterLSN: 0),
        EventsRequest(shard: 65_535, afterLSN: .max, limit: 10_000, store: "s1"),
        EventsRequest(shard: 3, afterLSN: 41, limit: 1, store: ""),
    ]

    static var stats: [ServerStats] {
        var busy = ServerStats()
        busy.uptimeMilliseconds = 86_400_000
        busy.connectionsOpen = 12
        busy.connectionsAccepted = 340
        busy.framesReceived = 1_000_000
        busy.operationsReceived = 8_000_000
        busy.busyRefusals = 17
        busy.protocolErrors = 2
        busy.shards = [
            ServerStats.Shard(queueDepth: 0, newestEventLSN: 0, writesHaltedReason: nil),
            ServerStats.Shard(queueDepth: 65_536, newestEventLSN: .max, writesHaltedReason: "journal: disk full"),
        ]
        return [ServerStats(), busy]
    }
}
