@testable import Engine

/// Hand-built states and results for the state decoding tests: a state that
/// uses every table, free list, queue and recorded-answer kind the engine
/// keeps, and one `CommandResult` of every case.
enum StateDecodingSamples {
    static let start: Int64 = 1_700_000_000 * Limits.nanosecondsPerSecond
    static let day: Int64 = 86_400 * Limits.nanosecondsPerSecond

    /// Two stores (one with two locations in a changed priority), active,
    /// released and confirmed reservations (one split over two locations), a
    /// cart with a hold over two SKUs and one without, orders in every status,
    /// request keys that recorded every kind of answer the engine records, and
    /// a free slot in every table and free line nodes (records finished 31 days
    /// earlier, purged by the last tick). Returns the commands that failed (none expected).
    static func richState() -> (machine: StateMachine, failures: [String]) {
        var machine = StateMachine()
        var failures: [String] = []
        let steps = earlyCommands.map { ($0, start) } + laterCommands.map { ($0, start + 31 * day) }
        for (command, timestamp) in steps {
            if case .failure(let error) = machine.apply(command, at: timestamp).outcome {
                failures.append("\(command): \(error)")
            }
            machine.events.removeAll()
        }
        return (machine, failures)
    }

    /// Records that finish at once, to be purged at the end.
    static var earlyCommands: [Command] {
        [
            .setStock(SetStock(store: "s1", sku: "a", onHand: 5, requestKey: "k0")),
            .setStock(SetStock(store: "s1", sku: "b", onHand: 10, backorderLimit: 2)),
            .reserve(Reserve(store: "s1", reservationID: "r0", lines: [LineRequest(sku: "b", quantity: 1)])),
            .releaseReservation(ReservationReference(store: "s1", reservationID: "r0")),
            .placeOrder(
                PlaceOrder(
                    store: "s1", orderID: "o0", customerID: "c0",
                    lines: [PricedLineRequest(sku: "b", quantity: 1, unitPriceMinor: 100)], currency: "EUR")),
            .cancelOrder(OrderTransition(store: "s1", orderID: "o0")),
        ]
    }

    /// Everything that stays, then a cleared cart and the tick that purges the early records.
    static var laterCommands: [Command] {
        let b = LineRequest(sku: "b", quantity: 1)
        let terms = OrderTerms(
            orderID: "o1", customerID: "c1", currency: "EUR", prices: [UnitPrice(sku: "b", unitPriceMinor: 250)])
        return [
            .setStock(SetStock(store: "s1", sku: "a", location: "east", onHand: 3, requestKey: "k1")),
            .setLocationPriority(SetLocationPriority(store: "s1", locations: ["east", "default"], requestKey: "k2")),
            .setStock(SetStock(store: "s2", sku: "a", onHand: 4)),
            .reserve(
                Reserve(
                    store: "s1", reservationID: "r1", lines: [LineRequest(sku: "a", quantity: 6), b], ttlSeconds: 3_600,
                    owner: "alice")),
            .reserve(Reserve(store: "s1", reservationID: "r2", lines: [b])),
            .extendReservation(ExtendReservation(store: "s1", reservationID: "r2", ttlSeconds: 600, requestKey: "k3")),
            .reserve(Reserve(store: "s1", reservationID: "r3", lines: [b])),
            .releaseReservation(ReservationReference(store: "s1", reservationID: "r3")),
            .reserve(Reserve(store: "s1", reservationID: "r4", lines: [b])),
            .confirmReservation(ConfirmReservation(store: "s1", reservationID: "r4", terms: terms)),
            .configureCart(ConfigureCart(store: "s1", cartID: "cart1", customerID: "c2", holdStock: true)),
            .addCartItem(AddCartItem(store: "s1", cartID: "cart1", sku: "b", quantity: 2, requestKey: "k4")),
            .addCartItem(AddCartItem(store: "s1", cartID: "cart1", sku: "a", quantity: 1)),
            .addCartItem(AddCartItem(store: "s1", cartID: "cart2", sku: "a", quantity: 1)),
            .configureCart(ConfigureCart(store: "s1", cartID: "cart0")),
            .clearCart(CartReference(store: "s1", cartID: "cart0")),
        ] + laterOrders + [.advanceTime]
    }

    static var laterOrders: [Command] {
        let line = { (sku: String, price: Int64) in [PricedLineRequest(sku: sku, quantity: 1, unitPriceMinor: price)] }
        return [
            .placeOrder(
                PlaceOrder(
                    store: "s1", orderID: "o2", customerID: "c1", lines: line("b", 100), currency: "EUR", taxMinor: 10,
                    shippingMinor: 5, discountMinor: 3)),
            .payOrder(OrderTransition(store: "s1", orderID: "o2", requestKey: "k5")),
            .placeOrder(
                PlaceOrder(store: "s1", orderID: "o3", customerID: "c1", lines: line("b", 100), currency: "EUR")),
            .cancelOrder(OrderTransition(store: "s1", orderID: "o3")),
            .placeOrder(
                PlaceOrder(store: "s2", orderID: "o4", customerID: "c3", lines: line("a", 50), currency: "USD")),
            .payOrder(OrderTransition(store: "s2", orderID: "o4")),
            .fulfillOrder(OrderTransition(store: "s2", orderID: "o4", requestKey: "k6")),
        ]
    }

    /// One `CommandResult` of every case, with optional fields present and absent.
    static var results: [CommandResult] {
        let levels = StockLevels(
            onHand: 9, reserved: 2, committed: 1, safetyStock: 1, lowStockThreshold: 3, backorderLimit: 4)
        let allocation = LineAllocation(sku: "a", location: "east", quantity: 2)
        let reservation = ReservationView(
            reservationID: "r1", owner: "alice", status: .confirmed, deadline: start,
            allocations: AllocationList([allocation, LineAllocation(sku: "a", location: "default", quantity: 1)]),
            orderID: "o1", replayed: false)
        let order = OrderView(
            orderID: "o1", customerID: "c1", status: .paid,
            lines: [OrderLine(sku: "a", location: "east", quantity: 2, unitPriceMinor: 99)],
            totals: OrderTotals(
                subtotalMinor: 198, taxMinor: 1, shippingMinor: 2, discountMinor: 3, totalMinor: 198, currency: "EUR"),
            placedAt: start, reservationID: "r1", replayed: true)
        var anonymous = reservation
        anonymous.owner = nil
        anonymous.orderID = nil
        anonymous.status = .active
        anonymous.allocations = AllocationList([allocation])
        return [
            .tick(TickReport(expiredReservations: 3, purgedRecords: 7)),
            .stockRecord(StockRecordView(sku: "a", location: "default", levels: levels, replayed: true)),
            .stock(StockView(sku: "a", locations: [LocationStock(location: "east", levels: levels)], totals: levels)),
            .locationPriority(["east", "default"]),
            .reservation(reservation), .reservation(anonymous),
            .availability([
                LineAvailability(sku: "a", location: nil, requested: 2, available: 5, satisfiable: true),
                LineAvailability(sku: "b", location: "east", requested: 9, available: 0, satisfiable: false),
            ]),
            .cart(
                CartView(
                    cartID: "cart1", customerID: "c2", lines: [CartLine(sku: "a", quantity: 2)], holdStock: true,
                    holdTTLSeconds: 900, holdDeadline: start, holdAllocations: [allocation], replayed: false)),
            .cart(
                CartView(
                    cartID: "cart2", customerID: nil, lines: [], holdStock: false, holdTTLSeconds: 900,
                    holdDeadline: nil,
                    holdAllocations: [], replayed: true)),
            .order(order),
            .orders(OrderPage(orders: [order, order], nextAfterOrderID: "o1")),
            .orders(OrderPage(orders: [], nextAfterOrderID: nil)),
        ]
    }
}
