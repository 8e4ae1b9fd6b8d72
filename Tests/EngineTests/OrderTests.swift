import Testing

@testable import Engine

@Suite("Orders")
struct OrderTests {
    private func stocked() -> Harness {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.setStock("B", onHand: 5)
        return harness
    }

    // MARK: placeOrder

    @Test func placeOrderCommitsStockAndComputesTotals() throws {
        var harness = stocked()
        harness.advance(seconds: 2)
        let applied = harness.apply(
            placeOrderCommand(
                "o1", [priced("A", 3, price: 1_000), priced("B", 2, price: 250)], customer: "c7", currency: "USD",
                tax: 300, shipping: 499, discount: 1_000))
        #expect(applied.lsn == 3)
        let order = try #require(applied.order)
        #expect(
            order
                == OrderView(
                    orderID: "o1", customerID: "c7", status: .placed,
                    lines: [
                        OrderLine(sku: "A", location: "default", quantity: 3, unitPriceMinor: 1_000),
                        OrderLine(sku: "B", location: "default", quantity: 2, unitPriceMinor: 250),
                    ],
                    totals: OrderTotals(
                        subtotalMinor: 3_500, taxMinor: 300, shippingMinor: 499, discountMinor: 1_000,
                        totalMinor: 3_299, currency: "USD"),
                    placedAt: Harness.start + 2 * second, reservationID: nil, replayed: false))
        #expect(harness.levels("A") == StockLevels(onHand: 10, committed: 3))
        #expect(harness.levels("B") == StockLevels(onHand: 5, committed: 2))
        #expect(harness.order("o1") == order)
    }

    @Test func placeOrderAllocatesLikeAReservation() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 2, at: "east")
        harness.setStock("A", onHand: 5, at: "west", backorder: 3)
        let order = try #require(
            harness.apply(placeOrderCommand("o1", [priced("A", 9, price: 10), priced("A", 1, price: 20, at: "west")]))
                .order)
        #expect(order.quantities(of: "A") == ["east": 2, "west": 8])
        #expect(order.totals.subtotalMinor == 110)
        #expect(harness.levels("A", at: "west") == StockLevels(onHand: 5, committed: 8, backorderLimit: 3))

        let short = harness.apply(placeOrderCommand("o2", [priced("A", 1, price: 10, at: "east")]))
        #expect(short.error == .insufficientStock(sku: "A", requested: 1, available: 0))
    }

    @Test func placeOrderIsAllOrNothing() {
        var harness = stocked()
        let applied = harness.apply(placeOrderCommand("o1", [priced("A", 3, price: 1), priced("B", 6, price: 1)]))
        #expect(applied.error == .insufficientStock(sku: "B", requested: 6, available: 5))
        #expect(applied.lsn == nil)
        #expect(harness.levels("A")?.committed == 0)
        #expect(harness.getOrderError("o1") == .unknownOrder(id: "o1"))
        #expect(
            harness.apply(placeOrderCommand("o1", [priced("Z", 1, price: 1)])).error == .unknownSKU(sku: "Z"))
        #expect(
            harness.apply(placeOrderCommand("o1", [priced("A", 1, price: 1, at: "east")])).error
                == .unknownLocation(sku: "A", location: "east"))
    }

    @Test func placeOrderInAnUnknownStore() {
        var harness = Harness()
        #expect(
            harness.apply(placeOrderCommand("o1", [priced("A", 1, price: 1)])).error == .unknownStore(store: store))
    }

    @Test func placeOrderAgainReplays() throws {
        var harness = stocked()
        let command = placeOrderCommand("o1", [priced("A", 3, price: 1_000)], tax: 5)
        let order = try #require(harness.apply(command).order)
        harness.advance(seconds: 10)
        let replay = harness.apply(command)
        #expect(replay.lsn == nil)
        var expected = order
        expected.replayed = true
        #expect(replay.order == expected)
        #expect(harness.levels("A")?.committed == 3)
    }

    @Test(arguments: [
        placeOrderCommand("o1", [priced("A", 4, price: 1_000)], tax: 5),
        placeOrderCommand("o1", [priced("A", 3, price: 1_001)], tax: 5),
        placeOrderCommand("o1", [priced("A", 3, price: 1_000, at: "default")], tax: 5),
        placeOrderCommand("o1", [priced("A", 3, price: 1_000), priced("B", 1, price: 1)], tax: 5),
        placeOrderCommand("o1", [priced("A", 3, price: 1_000)], customer: "c2", tax: 5),
        placeOrderCommand("o1", [priced("A", 3, price: 1_000)], currency: "USD", tax: 5),
        placeOrderCommand("o1", [priced("A", 3, price: 1_000)], tax: 6),
        placeOrderCommand("o1", [priced("A", 3, price: 1_000)], tax: 5, shipping: 1),
        placeOrderCommand("o1", [priced("A", 3, price: 1_000)], tax: 5, discount: 1),
    ])
    func placeOrderAgainWithOtherContentConflicts(_ other: Command) {
        var harness = stocked()
        harness.succeed(placeOrderCommand("o1", [priced("A", 3, price: 1_000)], tax: 5))
        let applied = harness.apply(other)
        #expect(applied.error == .idempotencyConflict(key: "o1"))
        #expect(applied.lsn == nil)
    }

    @Test func orderIDsAreScopedPerStore() {
        var harness = stocked()
        harness.setStock("A", onHand: 10, in: "s2")
        harness.placeOrder("o1", [priced("A", 1, price: 1)])
        let other = harness.apply(
            .placeOrder(
                PlaceOrder(
                    store: "s2", orderID: "o1", customerID: "c9", lines: [priced("A", 2, price: 1)], currency: "EUR")))
        #expect(other.order?.customerID == "c9")
        #expect(harness.levels("A", in: "s2")?.committed == 2)
    }

    // MARK: Transitions

    @Test func payThenFulfil() throws {
        var harness = stocked()
        harness.placeOrder("o1", [priced("A", 3, price: 1)])

        let paid = harness.apply(payCommand("o1"))
        #expect(paid.lsn != nil)
        #expect(paid.order?.status == .paid)
        #expect(paid.order?.replayed == false)
        #expect(harness.levels("A") == StockLevels(onHand: 10, committed: 3))

        let fulfilled = harness.apply(fulfillCommand("o1"))
        #expect(fulfilled.order?.status == .fulfilled)
        #expect(harness.levels("A") == StockLevels(onHand: 7, committed: 0))
        #expect(harness.order("o1")?.status == .fulfilled)
    }

    @Test func cancelReleasesCommittedStock() {
        var harness = stocked()
        harness.placeOrder("o1", [priced("A", 3, price: 1)])
        harness.placeOrder("o2", [priced("A", 4, price: 1)])
        harness.succeed(payCommand("o2"))

        #expect(harness.apply(cancelCommand("o1")).order?.status == .cancelled)
        #expect(harness.levels("A") == StockLevels(onHand: 10, committed: 4))
        #expect(harness.apply(cancelCommand("o2")).order?.status == .cancelled)
        #expect(harness.levels("A") == StockLevels(onHand: 10))
    }

    @Test func repeatingTheCurrentStateReplays() throws {
        var harness = stocked()
        harness.placeOrder("o1", [priced("A", 3, price: 1)])
        let paid = try #require(harness.apply(payCommand("o1")).order)
        let payAgain = harness.apply(payCommand("o1"))
        #expect(payAgain.lsn == nil)
        var expected = paid
        expected.replayed = true
        #expect(payAgain.order == expected)

        harness.succeed(fulfillCommand("o1"))
        let fulfilAgain = harness.apply(fulfillCommand("o1"))
        #expect(fulfilAgain.lsn == nil)
        #expect(fulfilAgain.order?.status == .fulfilled)
        #expect(fulfilAgain.order?.replayed == true)
        #expect(harness.levels("A")?.onHand == 7)

        harness.placeOrder("o2", [priced("A", 1, price: 1)])
        harness.succeed(cancelCommand("o2"))
        let cancelAgain = harness.apply(cancelCommand("o2"))
        #expect(cancelAgain.lsn == nil)
        #expect(cancelAgain.order?.status == .cancelled)
        #expect(cancelAgain.order?.replayed == true)
        #expect(harness.levels("A") == StockLevels(onHand: 7))
    }

    @Test func otherTransitionsAreRefused() {
        var harness = stocked()
        harness.placeOrder("placed", [priced("A", 1, price: 1)])
        harness.placeOrder("paid", [priced("A", 1, price: 1)])
        harness.succeed(payCommand("paid"))
        harness.placeOrder("fulfilled", [priced("A", 1, price: 1)])
        harness.succeed(payCommand("fulfilled"))
        harness.succeed(fulfillCommand("fulfilled"))
        harness.placeOrder("cancelled", [priced("A", 1, price: 1)])
        harness.succeed(cancelCommand("cancelled"))

        let refusals: [(Command, EngineError)] = [
            (fulfillCommand("placed"), .invalidTransition(orderID: "placed", from: .placed, to: .fulfilled)),
            (payCommand("fulfilled"), .invalidTransition(orderID: "fulfilled", from: .fulfilled, to: .paid)),
            (cancelCommand("fulfilled"), .invalidTransition(orderID: "fulfilled", from: .fulfilled, to: .cancelled)),
            (payCommand("cancelled"), .invalidTransition(orderID: "cancelled", from: .cancelled, to: .paid)),
            (fulfillCommand("cancelled"), .invalidTransition(orderID: "cancelled", from: .cancelled, to: .fulfilled)),
        ]
        for (command, error) in refusals {
            let applied = harness.apply(command)
            #expect(applied.error == error)
            #expect(applied.lsn == nil)
        }
        #expect(harness.order("placed")?.status == .placed)
        #expect(harness.order("paid")?.status == .paid)
        #expect(harness.levels("A") == StockLevels(onHand: 9, committed: 2))
    }

    @Test func fulfilRefusesWhenOnHandIsShort() {
        var harness = Harness()
        harness.setStock("A", onHand: 2, backorder: 5)
        harness.placeOrder("o1", [priced("A", 4, price: 1)])
        harness.succeed(payCommand("o1"))

        let applied = harness.apply(fulfillCommand("o1"))
        #expect(applied.error == .insufficientStock(sku: "A", requested: 4, available: 2))
        #expect(applied.lsn == nil)
        #expect(harness.order("o1")?.status == .paid)

        harness.succeed(adjustCommand("A", by: 2, reason: "delivery"))
        #expect(harness.apply(fulfillCommand("o1")).order?.status == .fulfilled)
        #expect(harness.levels("A") == StockLevels(onHand: 0, backorderLimit: 5))
    }

    @Test func fulfilCountsEveryLineOnTheSameRecord() {
        var harness = Harness()
        harness.setStock("A", onHand: 3, backorder: 5)
        harness.placeOrder("o1", [priced("A", 2, price: 1), priced("A", 2, price: 2)])
        harness.succeed(payCommand("o1"))
        #expect(
            harness.apply(fulfillCommand("o1")).error == .insufficientStock(sku: "A", requested: 4, available: 3))
    }

    @Test func transitionsOfUnknownThings() {
        var harness = Harness()
        #expect(harness.apply(payCommand("o1")).error == .unknownStore(store: store))
        harness.setStock("A", onHand: 1)
        #expect(harness.apply(payCommand("o1")).error == .unknownOrder(id: "o1"))
        #expect(harness.apply(fulfillCommand("o1")).error == .unknownOrder(id: "o1"))
        #expect(harness.apply(cancelCommand("o1")).error == .unknownOrder(id: "o1"))
        #expect(harness.getOrderError("o1") == .unknownOrder(id: "o1"))
        #expect(
            harness.apply(.getOrder(OrderReference(store: "s2", orderID: "o1"))).error == .unknownStore(store: "s2"))
    }

    // MARK: listOrders

    @Test func listOrdersPagesOneCustomersOrdersInPlacementOrder() throws {
        var harness = stocked()
        for id in ["o3", "o1", "x1", "o2", "o5"] {
            harness.placeOrder(id, [priced("A", 1, price: 1)], customer: id.hasPrefix("x") ? "other" : "c1")
        }
        func page(after: String?, limit: Int) -> AppliedCommand {
            harness.apply(
                .listOrders(OrderListQuery(store: store, customerID: "c1", afterOrderID: after, limit: limit)))
        }

        let first = try #require(page(after: nil, limit: 2).orderPage)
        #expect(first.orders.map(\.orderID) == ["o3", "o1"])
        #expect(first.nextAfterOrderID == "o1")
        #expect(first.orders.allSatisfy { !$0.replayed && $0.customerID == "c1" })

        let second = try #require(page(after: "o1", limit: 2).orderPage)
        #expect(second.orders.map(\.orderID) == ["o2", "o5"])
        #expect(second.nextAfterOrderID == nil)

        let all = try #require(page(after: nil, limit: 100).orderPage)
        #expect(all.orders.map(\.orderID) == ["o3", "o1", "o2", "o5"])
        #expect(all.nextAfterOrderID == nil)

        let last = try #require(page(after: "o5", limit: 1).orderPage)
        #expect(last.orders == [])
        #expect(last.nextAfterOrderID == nil)

        // Status changes show; the order stays in place.
        harness.succeed(payCommand("o1"))
        #expect(page(after: "o3", limit: 1).orderPage?.orders.first?.status == .paid)

        let noOrders = harness.apply(.listOrders(OrderListQuery(store: store, customerID: "nobody")))
        #expect(noOrders.orderPage == OrderPage(orders: [], nextAfterOrderID: nil))
    }

    @Test func listOrdersRefusesBadPagingArguments() {
        var harness = stocked()
        harness.placeOrder("o1", [priced("A", 1, price: 1)], customer: "c1")
        harness.placeOrder("x1", [priced("A", 1, price: 1)], customer: "other")
        func list(after: String?, limit: Int) -> EngineError? {
            harness.apply(
                .listOrders(OrderListQuery(store: store, customerID: "c1", afterOrderID: after, limit: limit))
            )
            .error
        }
        #expect(list(after: nil, limit: 0) == .invalidArgument(field: "limit", reason: "must be 1...100"))
        #expect(list(after: nil, limit: 101) == .invalidArgument(field: "limit", reason: "must be 1...100"))
        #expect(list(after: nil, limit: 100) == nil)
        #expect(
            list(after: "x1", limit: 10)
                == .invalidArgument(field: "afterOrderID", reason: "is not an order of this customer"))
        #expect(
            list(after: "nope", limit: 10)
                == .invalidArgument(field: "afterOrderID", reason: "is not an order of this customer"))
        #expect(
            harness.apply(.listOrders(OrderListQuery(store: "s2", customerID: "c1"))).error
                == .unknownStore(store: "s2"))
    }
}
