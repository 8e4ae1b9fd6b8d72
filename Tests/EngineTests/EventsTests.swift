import Testing

@testable import Engine

@Suite("Events")
struct EventsTests {
    // MARK: LSNs

    @Test func stateChangesGetConsecutiveLSNsAndStampTheirEvents() {
        var harness = Harness()
        let first = harness.apply(.setStock(SetStock(store: store, sku: "A", onHand: 10)))
        #expect(first.lsn == 1)
        #expect(harness.lastEvents.map(\.lsn) == [1, 1])
        #expect(harness.lastEvents.allSatisfy { $0.store == store })

        _ = harness.apply(.getStock(StockQuery(store: store, sku: "A")))
        _ = harness.apply(reserveCommand("r1", [line("Z", 1)]))
        let second = harness.apply(reserveCommand("r1", [line("A", 2)]))
        #expect(second.lsn == 2)
        #expect(harness.lastEvents.map(\.lsn) == [2, 2])
        #expect(harness.machine.lastLSN == 2)
        #expect(harness.machine.events.map(\.lsn) == [1, 1, 2, 2])
    }

    @Test func eventsNameTheirStore() {
        var harness = Harness()
        harness.setStock("A", onHand: 1, in: "s2")
        harness.setStock("A", onHand: 1)
        #expect(harness.machine.events.map(\.store) == ["s2", "s2", "s1", "s1"])
    }

    @Test func queriesFailuresAndRepeatsAreNotLogged() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.setStock("B", onHand: 1)
        harness.reserve("r1", [line("A", 1)])
        harness.placeOrder("o1", [priced("A", 1, price: 1)])
        harness.addItem("k1", "A", 1)
        harness.succeed(payCommand("o1"))
        let eventCount = harness.machine.events.count
        let lastLSN = harness.machine.lastLSN

        let unlogged: [Command] = [
            // Queries.
            .getStock(StockQuery(store: store, sku: "A")),
            .checkAvailability(AvailabilityQuery(store: store, lines: [line("A", 1)])),
            .getReservation(ReservationReference(store: store, reservationID: "r1")),
            .getCart(CartReference(store: store, cartID: "k1")),
            .getOrder(OrderReference(store: store, orderID: "o1")),
            .listOrders(OrderListQuery(store: store, customerID: "c1")),
            // Failures.
            reserveCommand("r2", [line("A", 100)]),
            adjustCommand("A", by: -100),
            payCommand("nope"),
            fulfillCommand("o1", requestKey: "bad\u{1}key"),
            // Repeats.
            reserveCommand("r1", [line("A", 1)]),
            placeOrderCommand("o1", [priced("A", 1, price: 1)]),
            payCommand("o1"),
            setItemCommand("k1", "A", 1),
            removeItemCommand("k1", "B"),
            clearCartCommand("k-absent"),
            // A tick with nothing to do.
            .advanceTime,
        ]
        for command in unlogged {
            let applied = harness.apply(command)
            #expect(applied.lsn == nil, "\(command)")
        }
        #expect(harness.machine.events.count == eventCount)
        #expect(harness.machine.lastLSN == lastLSN)
    }

    @Test func lazyExpiryFailureIsLoggedWithItsEvents() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.reserve("r1", [line("A", 4)], ttlSeconds: 1)
        harness.advance(seconds: 1)
        let applied = harness.apply(extendCommand("r1", ttlSeconds: 5))
        #expect(applied.error == .reservationExpired(id: "r1"))
        #expect(applied.lsn == 3)
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10)),
                .reservationExpired(reservationID: "r1"),
            ])
    }

    // MARK: Stock events

    @Test func setStockAndAdjustStockEmitStockChanged() {
        var harness = Harness()
        harness.setStock("A", onHand: 10, at: "east", threshold: 2)
        harness.succeed(adjustCommand("A", by: -3, at: "east"))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "east", levels: StockLevels(onHand: 7, lowStockThreshold: 2))
            ])
    }

    @Test func newRecordWithStockIsBackInStock() {
        var harness = Harness()
        harness.setStock("A", onHand: 5)
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 5)),
                .backInStock(sku: "A", location: "default", available: 5),
            ])
        harness.setStock("B", onHand: 0)
        #expect(
            harness.lastEventKinds == [.stockChanged(sku: "B", location: "default", levels: StockLevels())])
    }

    @Test func lowStockWhenAvailableFallsBelowTheThreshold() {
        var harness = Harness()
        harness.setStock("A", onHand: 10, threshold: 5)

        // 10 → 5: not below the threshold.
        harness.reserve("r1", [line("A", 5)])
        #expect(!harness.lastEventKinds.contains { if case .lowStock = $0 { true } else { false } })

        // 5 → 4: crosses it.
        harness.reserve("r2", [line("A", 1)])
        #expect(
            harness.lastEventKinds == [
                .stockChanged(
                    sku: "A", location: "default", levels: StockLevels(onHand: 10, reserved: 6, lowStockThreshold: 5)),
                .lowStock(sku: "A", location: "default", available: 4, threshold: 5),
                .reservationPlaced(reservationID: "r2", owner: nil, deadline: harness.clock + 900 * second),
            ])

        // 4 → 2: already below, no new event.
        harness.placeOrder("o1", [priced("A", 2, price: 1)])
        #expect(!harness.lastEventKinds.contains { if case .lowStock = $0 { true } else { false } })

        // Back up to 7, then down to 3 by an adjustment: crosses again.
        harness.succeed(releaseCommand("r1"))
        #expect(!harness.lastEventKinds.contains { if case .lowStock = $0 { true } else { false } })
        harness.succeed(adjustCommand("A", by: -4))
        #expect(harness.lastEventKinds.contains(.lowStock(sku: "A", location: "default", available: 3, threshold: 5)))
    }

    @Test func noLowStockWithoutAThreshold() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.reserve("r1", [line("A", 10)])
        #expect(!harness.lastEventKinds.contains { if case .lowStock = $0 { true } else { false } })
    }

    @Test func backInStockWhenAvailableRisesAboveZero() {
        var harness = Harness()
        harness.setStock("A", onHand: 3, backorder: 5)
        harness.reserve("r1", [line("A", 5)])
        #expect(harness.levels("A")?.available == -2)

        // −2 → 0: not above zero yet.
        harness.succeed(adjustCommand("A", by: 2))
        #expect(!harness.lastEventKinds.contains { if case .backInStock = $0 { true } else { false } })

        // 0 → 5.
        harness.succeed(releaseCommand("r1"))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 5, backorderLimit: 5)),
                .backInStock(sku: "A", location: "default", available: 5),
                .reservationReleased(reservationID: "r1"),
            ])

        // 5 → 6: was already in stock.
        harness.succeed(adjustCommand("A", by: 1))
        #expect(!harness.lastEventKinds.contains { if case .backInStock = $0 { true } else { false } })
    }

    @Test func cancellingAnOrderCanBringStockBack() {
        var harness = Harness()
        harness.setStock("A", onHand: 2)
        harness.placeOrder("o1", [priced("A", 2, price: 1)])
        harness.succeed(cancelCommand("o1"))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 2)),
                .backInStock(sku: "A", location: "default", available: 2),
                .orderCancelled(orderID: "o1"),
            ])
    }

    @Test func oneStockEventPerRecordEvenWhenLinesRepeat() {
        var harness = Harness()
        harness.setStock("A", onHand: 10, threshold: 8)
        harness.setStock("B", onHand: 10)
        harness.reserve("r1", [line("A", 1), line("B", 1), line("A", 2)])
        #expect(
            harness.lastEventKinds == [
                .stockChanged(
                    sku: "A", location: "default", levels: StockLevels(onHand: 10, reserved: 3, lowStockThreshold: 8)),
                .lowStock(sku: "A", location: "default", available: 7, threshold: 8),
                .stockChanged(sku: "B", location: "default", levels: StockLevels(onHand: 10, reserved: 1)),
                .reservationPlaced(reservationID: "r1", owner: nil, deadline: harness.clock + 900 * second),
            ])
    }

    @Test func setLocationPriorityEmitsTheNewOrder() {
        var harness = Harness()
        harness.succeed(priorityCommand(["east", "west"]))
        #expect(harness.lastEventKinds == [.locationPriorityChanged(locations: ["east", "west", "default"])])
    }

    // MARK: Reservation events

    @Test func reservationLifecycleEvents() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.reserve("r1", [line("A", 2)], ttlSeconds: 60, owner: "alice")
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10, reserved: 2)),
                .reservationPlaced(reservationID: "r1", owner: "alice", deadline: Harness.start + 60 * second),
            ])

        harness.advance(seconds: 10)
        harness.succeed(extendCommand("r1", ttlSeconds: 60))
        #expect(
            harness.lastEventKinds == [.reservationExtended(reservationID: "r1", deadline: Harness.start + 70 * second)]
        )

        harness.succeed(confirmCommand("r1", terms("o1", prices: ["A": 150], customer: "c9", currency: "GBP")))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10, committed: 2)),
                .reservationConfirmed(reservationID: "r1", orderID: "o1"),
                .orderPlaced(orderID: "o1", customerID: "c9", totalMinor: 300, currency: "GBP"),
            ])

        harness.reserve("r2", [line("A", 1)])
        harness.succeed(releaseCommand("r2"))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10, committed: 2)),
                .reservationReleased(reservationID: "r2"),
            ])
    }

    // MARK: Cart events

    @Test func cartEvents() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.addItem("k1", "A", 1)
        #expect(harness.lastEventKinds == [.cartChanged(cartID: "k1")])

        harness.configureCart("k1", holdStock: true)
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10, reserved: 1)),
                .cartChanged(cartID: "k1"),
            ])

        // Re-placing the hold with more quantity reports only the net change.
        harness.addItem("k1", "A", 2)
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10, reserved: 3)),
                .cartChanged(cartID: "k1"),
            ])

        harness.succeed(clearCartCommand("k1"))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10)),
                .cartRemoved(cartID: "k1"),
            ])

        harness.configureCart("k2", holdStock: true, holdTTLSeconds: 5)
        harness.addItem("k2", "A", 4)
        harness.advance(seconds: 5)
        harness.succeed(.advanceTime)
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10)),
                .cartHoldExpired(cartID: "k2"),
            ])

        harness.succeed(checkoutCommand("k2", terms("o1", prices: ["A": 5])))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10, committed: 4)),
                .cartCheckedOut(cartID: "k2", orderID: "o1"),
                .orderPlaced(orderID: "o1", customerID: "c1", totalMinor: 20, currency: "EUR"),
            ])
    }

    @Test func checkoutThroughAHoldMovesStockWithoutChangingAvailable() {
        var harness = Harness()
        harness.setStock("A", onHand: 10, threshold: 9)
        harness.configureCart("k1", holdStock: true)
        harness.addItem("k1", "A", 4)
        harness.succeed(checkoutCommand("k1", terms("o1", prices: ["A": 5])))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(
                    sku: "A", location: "default", levels: StockLevels(onHand: 10, committed: 4, lowStockThreshold: 9)),
                .cartCheckedOut(cartID: "k1", orderID: "o1"),
                .orderPlaced(orderID: "o1", customerID: "c1", totalMinor: 20, currency: "EUR"),
            ])
    }

    // MARK: Order events

    @Test func orderLifecycleEvents() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.succeed(placeOrderCommand("o1", [priced("A", 3, price: 100)], customer: "c5", tax: 7))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 10, committed: 3)),
                .orderPlaced(orderID: "o1", customerID: "c5", totalMinor: 307, currency: "EUR"),
            ])

        harness.succeed(payCommand("o1"))
        #expect(harness.lastEventKinds == [.orderPaid(orderID: "o1")])

        harness.succeed(fulfillCommand("o1"))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 7)),
                .orderFulfilled(orderID: "o1"),
            ])
        harness.expectReplayMatches()
    }

    @Test func purgeOnlyTickIsLoggedWithoutEvents() {
        // A purge changes state, so the tick is logged; there is no event kind for
        // dropping retained records, so it emits nothing.
        var harness = Harness(limits: Limits(idempotencyRetentionSeconds: 1))
        harness.setStock("A", onHand: 10)
        harness.reserve("r1", [line("A", 1)])
        harness.succeed(releaseCommand("r1"))
        harness.advance(seconds: 2)
        let tick = harness.apply(.advanceTime)
        #expect(tick.tick == TickReport(expiredReservations: 0, purgedRecords: 1))
        #expect(tick.lsn == 4)
        #expect(harness.lastEvents == [])
    }
}
