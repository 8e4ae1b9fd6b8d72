import Testing

@testable import Engine

@Suite("Expiry and retention")
struct ExpiryAndRetentionTests {
    private func stocked(limits: Limits = .standard) -> Harness {
        var harness = Harness(limits: limits)
        harness.setStock("A", onHand: 100)
        return harness
    }

    /// The ids of the reservations the last command expired, in order.
    private func expiredIDs(_ harness: Harness) -> [String] {
        harness.lastEventKinds.compactMap {
            if case .reservationExpired(let id) = $0 {
                id
            } else if case .cartHoldExpired(let id) = $0 {
                id
            } else {
                nil
            }
        }
    }

    // MARK: Expiry

    @Test func tickWithNothingToDoIsNotLogged() {
        var harness = Harness()
        let empty = harness.apply(.advanceTime)
        #expect(empty.tick == TickReport(expiredReservations: 0, purgedRecords: 0))
        #expect(empty.lsn == nil)

        harness.setStock("A", onHand: 1)
        harness.reserve("r1", [line("A", 1)], ttlSeconds: 10)
        harness.advance(seconds: 9)
        let early = harness.apply(.advanceTime)
        #expect(early.tick == TickReport())
        #expect(early.lsn == nil)
    }

    @Test func tickExpiresAReservationAtItsDeadline() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 7)], ttlSeconds: 10)
        harness.advance(nanoseconds: 10 * second - 1)
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.reservation("r1")?.status == .active)

        harness.advance(nanoseconds: 1)
        let tick = harness.apply(.advanceTime)
        #expect(tick.lsn == 3)
        #expect(tick.tick == TickReport(expiredReservations: 1, purgedRecords: 0))
        #expect(
            harness.lastEventKinds == [
                .stockChanged(sku: "A", location: "default", levels: StockLevels(onHand: 100)),
                .reservationExpired(reservationID: "r1"),
            ])
        #expect(harness.levels("A") == StockLevels(onHand: 100))
        let view = harness.reservation("r1")
        #expect(view?.status == .expired)
        #expect(view?.deadline == Harness.start + 10 * second)
        #expect(harness.apply(.advanceTime).lsn == nil)
    }

    @Test func tickExpiresEarliestDeadlineFirstAndTiesBySlot() {
        var harness = stocked(limits: Limits(expirationsPerTickMax: 1))
        harness.reserve("r1", [line("A", 1)], ttlSeconds: 30)
        harness.reserve("r2", [line("A", 1)], ttlSeconds: 10)
        harness.reserve("r3", [line("A", 1)], ttlSeconds: 20)
        harness.reserve("r4", [line("A", 1)], ttlSeconds: 10)
        harness.configureCart("k1", holdStock: true, holdTTLSeconds: 15)
        harness.addItem("k1", "A", 1)
        harness.advance(seconds: 60)

        var order: [String] = []
        for _ in 0..<5 {
            let tick = harness.apply(.advanceTime)
            #expect(tick.tick?.expiredReservations == 1)
            order += expiredIDs(harness)
        }
        #expect(order == ["r2", "r4", "k1", "r3", "r1"])
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.levels("A")?.reserved == 0)
        harness.expectReplayMatches()
    }

    @Test func extendingMovesAReservationInTheExpiryOrder() {
        var harness = stocked(limits: Limits(expirationsPerTickMax: 1))
        harness.reserve("r1", [line("A", 1)], ttlSeconds: 10)
        harness.reserve("r2", [line("A", 1)], ttlSeconds: 20)
        harness.reserve("r3", [line("A", 1)], ttlSeconds: 30)
        harness.succeed(extendCommand("r1", ttlSeconds: 40))
        harness.succeed(extendCommand("r3", ttlSeconds: 5))
        harness.advance(seconds: 25)

        harness.succeed(.advanceTime)
        #expect(expiredIDs(harness) == ["r3"])
        harness.succeed(.advanceTime)
        #expect(expiredIDs(harness) == ["r2"])
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.reservation("r1")?.status == .active)
    }

    @Test func tickWorkIsBounded() {
        var harness = stocked(limits: Limits(expirationsPerTickMax: 2))
        for index in 1...5 { harness.reserve("r\(index)", [line("A", 1)], ttlSeconds: Int64(index)) }
        harness.advance(seconds: 5)

        #expect(harness.apply(.advanceTime).tick?.expiredReservations == 2)
        #expect(expiredIDs(harness) == ["r1", "r2"])
        #expect(harness.levels("A")?.reserved == 3)
        #expect(harness.apply(.advanceTime).tick?.expiredReservations == 2)
        #expect(harness.apply(.advanceTime).tick?.expiredReservations == 1)
        let idle = harness.apply(.advanceTime)
        #expect(idle.tick == TickReport())
        #expect(idle.lsn == nil)
    }

    @Test func timeNeverGoesBack() {
        var harness = stocked()
        harness.advance(seconds: 100)
        harness.reserve("r1", [line("A", 1)], ttlSeconds: 10)
        #expect(harness.machine.now == Harness.start + 100 * second)

        // A batch stamped earlier runs at the latest time seen.
        harness.clock = Harness.start
        let late = harness.apply(reserveCommand("r2", [line("A", 1)], ttlSeconds: 10))
        #expect(late.reservation?.deadline == Harness.start + 110 * second)
        #expect(harness.machine.now == Harness.start + 100 * second)

        harness.clock = Harness.start + 110 * second
        #expect(harness.apply(.advanceTime).tick?.expiredReservations == 2)
    }

    // MARK: Lazy expiry on access

    @Test func touchingAReservationPastItsDeadlineExpiresIt() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 1)], ttlSeconds: 10)
        harness.reserve("r2", [line("A", 2)], ttlSeconds: 10)
        harness.reserve("r3", [line("A", 4)], ttlSeconds: 10)
        harness.configureCart("k1", holdStock: true, holdTTLSeconds: 10)
        harness.addItem("k1", "A", 8)
        harness.advance(seconds: 10)

        let extend = harness.apply(extendCommand("r1", ttlSeconds: 10))
        #expect(extend.error == .reservationExpired(id: "r1"))
        #expect(extend.lsn != nil)
        #expect(expiredIDs(harness) == ["r1"])

        let confirm = harness.apply(confirmCommand("r2", terms("o2", prices: ["A": 1])))
        #expect(confirm.error == .reservationExpired(id: "r2"))
        #expect(confirm.lsn != nil)
        #expect(expiredIDs(harness) == ["r2"])

        let checkout = harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 1])))
        #expect(checkout.order?.quantities(of: "A") == ["default": 8])
        #expect(expiredIDs(harness) == ["k1"])

        // Reading does not expire: r3 still holds its stock until the tick.
        #expect(harness.reservation("r3")?.status == .active)
        #expect(harness.levels("A") == StockLevels(onHand: 100, reserved: 4, committed: 8))
        let tick = harness.apply(.advanceTime)
        #expect(tick.tick?.expiredReservations == 1)
        #expect(expiredIDs(harness) == ["r3"])
        #expect(harness.levels("A") == StockLevels(onHand: 100, committed: 8))
        harness.expectReplayMatches()
    }

    // MARK: Retention

    @Test func finishedReservationsArePurgedAfterTheRetention() {
        var harness = stocked(limits: Limits(idempotencyRetentionSeconds: 100))
        harness.reserve("released", [line("A", 1)])
        harness.reserve("confirmed", [line("A", 2)])
        harness.reserve("expired", [line("A", 3)], ttlSeconds: 1)
        harness.reserve("active", [line("A", 4)], ttlSeconds: 500)
        harness.advance(seconds: 1)
        harness.succeed(releaseCommand("released"))
        harness.succeed(confirmCommand("confirmed", terms("o1", prices: ["A": 1])))
        harness.succeed(.advanceTime)

        harness.advance(seconds: 99)
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.reservation("released")?.status == .released)
        #expect(harness.reservation("expired")?.status == .expired)

        harness.advance(seconds: 2)
        let purge = harness.apply(.advanceTime)
        #expect(purge.tick == TickReport(expiredReservations: 0, purgedRecords: 3))
        #expect(purge.lsn != nil)
        for id in ["released", "confirmed", "expired"] {
            #expect(
                harness.apply(.getReservation(ReservationReference(store: store, reservationID: id))).error
                    == .unknownReservation(id: id))
        }
        #expect(harness.reservation("active")?.status == .active)
        #expect(harness.order("o1")?.reservationID == "confirmed")

        // The id is free again: other content makes a new reservation.
        let reused = harness.apply(reserveCommand("released", [line("A", 9)]))
        #expect(reused.reservation?.replayed == false)
        #expect(reused.reservation?.status == .active)
        harness.expectReplayMatches()
    }

    @Test func standardRetentionOfFinishedReservationsIsOneDay() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 1)])
        harness.succeed(releaseCommand("r1"))
        harness.advance(seconds: 86_400 - 1)
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.reservation("r1")?.status == .released)
        harness.advance(seconds: 2)
        #expect(harness.apply(.advanceTime).tick?.purgedRecords == 1)
    }

    @Test func finishedOrdersArePurgedAfterTheirRetention() {
        var harness = stocked(limits: Limits(finishedOrderRetentionSeconds: 1_000))
        harness.placeOrder("open", [priced("A", 1, price: 1)])
        harness.placeOrder("fulfilled", [priced("A", 1, price: 1)])
        harness.placeOrder("cancelled", [priced("A", 1, price: 1)])
        harness.succeed(payCommand("fulfilled"))
        harness.advance(seconds: 10)
        harness.succeed(fulfillCommand("fulfilled"))
        harness.succeed(cancelCommand("cancelled"))

        harness.advance(seconds: 998)
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.order("fulfilled")?.status == .fulfilled)

        harness.advance(seconds: 3)
        let purge = harness.apply(.advanceTime)
        #expect(purge.tick == TickReport(expiredReservations: 0, purgedRecords: 2))
        #expect(harness.getOrderError("fulfilled") == .unknownOrder(id: "fulfilled"))
        #expect(harness.getOrderError("cancelled") == .unknownOrder(id: "cancelled"))
        #expect(harness.order("open")?.status == .placed)
        let page = harness.apply(.listOrders(OrderListQuery(store: store, customerID: "c1"))).orderPage
        #expect(page?.orders.map(\.orderID) == ["open"])

        // Open orders are never purged.
        harness.advance(seconds: 100_000)
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.order("open")?.status == .placed)
        harness.expectReplayMatches()
    }

    @Test func standardRetentionOfFinishedOrdersIsThirtyDays() {
        var harness = stocked()
        harness.placeOrder("o1", [priced("A", 1, price: 1)])
        harness.succeed(cancelCommand("o1"))
        harness.advance(seconds: 30 * 86_400 - 1)
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.order("o1")?.status == .cancelled)
        harness.advance(seconds: 2)
        #expect(harness.apply(.advanceTime).tick?.purgedRecords == 1)
        #expect(harness.getOrderError("o1") == .unknownOrder(id: "o1"))
    }

    @Test func idempotencyKeysArePurgedAfterTheRetention() {
        var harness = stocked(limits: Limits(idempotencyRetentionSeconds: 100))
        harness.succeed(adjustCommand("A", by: 1, requestKey: "k1"))
        harness.advance(seconds: 99)
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.apply(adjustCommand("A", by: 2, requestKey: "k1")).error == .idempotencyConflict(key: "k1"))

        harness.advance(seconds: 2)
        #expect(harness.apply(.advanceTime).tick == TickReport(expiredReservations: 0, purgedRecords: 1))
        let reused = harness.apply(adjustCommand("A", by: 2, requestKey: "k1"))
        #expect(reused.stockRecord?.replayed == false)
        #expect(harness.levels("A")?.onHand == 103)
    }

    @Test func purgeWorkPerTickIsBoundedAcrossKinds() {
        var harness = stocked(
            limits: Limits(idempotencyRetentionSeconds: 10, finishedOrderRetentionSeconds: 10, purgesPerTickMax: 2))
        harness.reserve("r1", [line("A", 1)])
        harness.reserve("r2", [line("A", 1)])
        harness.succeed(releaseCommand("r1"))
        harness.succeed(releaseCommand("r2"))
        harness.placeOrder("o1", [priced("A", 1, price: 1)])
        harness.succeed(cancelCommand("o1"))
        harness.succeed(adjustCommand("A", by: 1, requestKey: "k1"))
        harness.advance(seconds: 11)

        #expect(harness.apply(.advanceTime).tick == TickReport(expiredReservations: 0, purgedRecords: 2))
        #expect(harness.order("o1")?.status == .cancelled)
        #expect(harness.apply(.advanceTime).tick == TickReport(expiredReservations: 0, purgedRecords: 2))
        #expect(harness.getOrderError("o1") == .unknownOrder(id: "o1"))
        #expect(harness.apply(.advanceTime).lsn == nil)
        #expect(harness.apply(adjustCommand("A", by: 5, requestKey: "k1")).stockRecord?.replayed == false)
    }

    @Test func oneTickExpiresAndPurges() {
        var harness = stocked(limits: Limits(idempotencyRetentionSeconds: 10))
        harness.reserve("r1", [line("A", 1)])
        harness.succeed(releaseCommand("r1"))
        harness.reserve("r2", [line("A", 1)], ttlSeconds: 11)
        harness.advance(seconds: 11)

        let tick = harness.apply(.advanceTime)
        #expect(tick.tick == TickReport(expiredReservations: 1, purgedRecords: 1))
        #expect(harness.reservation("r2")?.status == .expired)
        #expect(
            harness.apply(.getReservation(ReservationReference(store: store, reservationID: "r1"))).error
                == .unknownReservation(id: "r1"))
    }
}
