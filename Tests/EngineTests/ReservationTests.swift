import Testing

@testable import Engine

@Suite("Reservations")
struct ReservationTests {
    private func stocked() -> Harness {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.setStock("B", onHand: 5)
        return harness
    }

    // MARK: reserve

    @Test func reserveHoldsStockUntilTheDeadline() throws {
        var harness = stocked()
        let applied = harness.apply(reserveCommand("r1", [line("A", 3), line("B", 2)], ttlSeconds: 60, owner: "alice"))

        #expect(applied.lsn == 3)
        let view = try #require(applied.reservation)
        #expect(view.reservationID == "r1")
        #expect(view.owner == "alice")
        #expect(view.status == .active)
        #expect(view.deadline == Harness.start + 60 * second)
        #expect(
            Array(view.allocations) == [
                LineAllocation(sku: "A", location: "default", quantity: 3),
                LineAllocation(sku: "B", location: "default", quantity: 2),
            ])
        #expect(view.orderID == nil)
        #expect(!view.replayed)
        #expect(harness.levels("A") == StockLevels(onHand: 10, reserved: 3))
        #expect(harness.levels("B") == StockLevels(onHand: 5, reserved: 2))
        #expect(harness.reservation("r1") == view)
    }

    @Test func reserveDefaultsToFifteenMinutes() {
        var harness = stocked()
        harness.advance(seconds: 7)
        let view = harness.apply(.reserve(Reserve(store: store, reservationID: "r1", lines: [line("A", 1)])))
            .reservation
        #expect(view?.deadline == Harness.start + 7 * second + 900 * second)
        #expect(view?.owner == nil)
    }

    @Test func reserveSameIDAndContentReplaysTheReservationAsItStands() throws {
        var harness = stocked()
        let command = reserveCommand("r1", [line("A", 3)], ttlSeconds: 60, owner: "alice")
        let first = try #require(harness.apply(command).reservation)

        harness.advance(seconds: 5)
        let replay = harness.apply(command)
        #expect(replay.lsn == nil)
        var expected = first
        expected.replayed = true
        #expect(replay.reservation == expected)
        #expect(harness.levels("A")?.reserved == 3)

        // After a release, the retry answers the released reservation; nothing is re-reserved.
        harness.succeed(releaseCommand("r1"))
        let afterRelease = harness.apply(command)
        #expect(afterRelease.lsn == nil)
        #expect(afterRelease.reservation?.status == .released)
        #expect(afterRelease.reservation?.replayed == true)
        #expect(harness.levels("A")?.reserved == 0)
    }

    @Test func reserveReplayDoesNotNeedStock() {
        var harness = stocked()
        let command = reserveCommand("r1", [line("A", 10)])
        harness.succeed(command)
        #expect(harness.levels("A")?.available == 0)
        let replay = harness.apply(command)
        #expect(replay.reservation?.replayed == true)
        #expect(replay.reservation?.status == .active)
    }

    @Test(arguments: [
        reserveCommand("r1", [line("A", 4)], ttlSeconds: 60, owner: "alice"),
        reserveCommand("r1", [line("A", 3), line("B", 1)], ttlSeconds: 60, owner: "alice"),
        reserveCommand("r1", [line("A", 3, at: "default")], ttlSeconds: 60, owner: "alice"),
        reserveCommand("r1", [line("A", 3)], ttlSeconds: 61, owner: "alice"),
        reserveCommand("r1", [line("A", 3)], ttlSeconds: 60, owner: "bob"),
        reserveCommand("r1", [line("A", 3)], ttlSeconds: 60, owner: nil),
    ])
    func reserveSameIDWithDifferentContentConflicts(_ other: Command) {
        var harness = stocked()
        harness.reserve("r1", [line("A", 3)], ttlSeconds: 60, owner: "alice")
        let applied = harness.apply(other)
        #expect(applied.error == .idempotencyConflict(key: "r1"))
        #expect(applied.lsn == nil)
    }

    @Test func reserveFailuresChangeNothing() {
        var harness = Harness()
        #expect(harness.apply(reserveCommand("r1", [line("A", 1)])).error == .unknownStore(store: store))
        harness.setStock("A", onHand: 2)
        #expect(harness.apply(reserveCommand("r1", [line("Z", 1)])).error == .unknownSKU(sku: "Z"))
        #expect(
            harness.apply(reserveCommand("r1", [line("A", 1, at: "east")])).error
                == .unknownLocation(sku: "A", location: "east"))
        #expect(
            harness.apply(reserveCommand("r1", [line("A", 3)])).error
                == .insufficientStock(sku: "A", requested: 3, available: 2))
        #expect(
            harness.apply(.getReservation(ReservationReference(store: store, reservationID: "r1"))).error
                == .unknownReservation(id: "r1"))
    }

    @Test func reservationsAreScopedPerStore() {
        var harness = stocked()
        harness.setStock("A", onHand: 1, in: "s2")
        harness.reserve("r1", [line("A", 3)])
        let other = harness.apply(
            .reserve(Reserve(store: "s2", reservationID: "r1", lines: [line("A", 1)], ttlSeconds: 5)))
        #expect(other.reservation?.status == .active)
        #expect(other.lsn != nil)
        #expect(harness.levels("A", in: "s2")?.reserved == 1)
        #expect(harness.levels("A")?.reserved == 3)
    }

    // MARK: extendReservation

    @Test func extendMovesTheDeadlineToTTLFromNow() throws {
        var harness = stocked()
        harness.reserve("r1", [line("A", 1)], ttlSeconds: 60)
        harness.advance(seconds: 50)

        let longer = harness.apply(extendCommand("r1", ttlSeconds: 120))
        #expect(longer.lsn != nil)
        let view = try #require(longer.reservation)
        #expect(view.deadline == Harness.start + 170 * second)
        #expect(view.status == .active)
        #expect(!view.replayed)

        // A shorter TTL brings the deadline closer.
        let shorter = harness.apply(extendCommand("r1", ttlSeconds: 1))
        #expect(shorter.reservation?.deadline == Harness.start + 51 * second)
        #expect(harness.reservation("r1")?.deadline == Harness.start + 51 * second)
    }

    @Test func extendOnlyActiveReservations() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 1)])
        harness.succeed(releaseCommand("r1"))
        let released = harness.apply(extendCommand("r1", ttlSeconds: 60))
        #expect(released.error == .reservationNotActive(id: "r1", status: .released))
        #expect(released.lsn == nil)

        harness.reserve("r2", [line("A", 1)])
        harness.succeed(confirmCommand("r2", terms("o2", prices: ["A": 5])))
        #expect(
            harness.apply(extendCommand("r2", ttlSeconds: 60)).error
                == .reservationNotActive(id: "r2", status: .confirmed))

        harness.reserve("r3", [line("A", 1)], ttlSeconds: 10)
        harness.advance(seconds: 10)
        harness.succeed(.advanceTime)
        #expect(
            harness.apply(extendCommand("r3", ttlSeconds: 60)).error
                == .reservationNotActive(id: "r3", status: .expired))

        #expect(harness.apply(extendCommand("nope", ttlSeconds: 60)).error == .unknownReservation(id: "nope"))
    }

    @Test func extendPastTheDeadlineExpiresTheReservation() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 4)], ttlSeconds: 10)
        harness.advance(seconds: 10)  // deadline ≤ now

        let applied = harness.apply(extendCommand("r1", ttlSeconds: 60))
        #expect(applied.error == .reservationExpired(id: "r1"))
        #expect(applied.lsn == 4)
        #expect(harness.lastEventKinds.contains(.reservationExpired(reservationID: "r1")))
        #expect(harness.levels("A")?.reserved == 0)
        #expect(harness.reservation("r1")?.status == .expired)
        // Now it is simply not active.
        #expect(
            harness.apply(extendCommand("r1", ttlSeconds: 60)).error
                == .reservationNotActive(id: "r1", status: .expired))
        harness.expectReplayMatches()
    }

    @Test func extendOneNanosecondBeforeTheDeadlineSucceeds() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 4)], ttlSeconds: 10)
        harness.advance(nanoseconds: 10 * second - 1)
        #expect(harness.apply(extendCommand("r1", ttlSeconds: 10)).reservation?.status == .active)
    }

    // MARK: releaseReservation

    @Test func releaseGivesTheStockBack() throws {
        var harness = stocked()
        harness.reserve("r1", [line("A", 4), line("B", 5)])
        let applied = harness.apply(releaseCommand("r1"))
        #expect(applied.lsn != nil)
        let view = try #require(applied.reservation)
        #expect(view.status == .released)
        #expect(!view.replayed)
        #expect(view.allocations.map(\.quantity) == [4, 5])
        #expect(harness.levels("A") == StockLevels(onHand: 10))
        #expect(harness.levels("B") == StockLevels(onHand: 5))

        let again = harness.apply(releaseCommand("r1"))
        #expect(again.lsn == nil)
        var expected = view
        expected.replayed = true
        #expect(again.reservation == expected)
    }

    @Test func releaseWorksPastTheDeadlineUntilTheTickExpiresIt() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 4)], ttlSeconds: 10)
        harness.advance(seconds: 20)
        let applied = harness.apply(releaseCommand("r1"))
        #expect(applied.reservation?.status == .released)
        #expect(harness.lastEventKinds.contains(.reservationReleased(reservationID: "r1")))
        #expect(!harness.lastEventKinds.contains(.reservationExpired(reservationID: "r1")))
        #expect(harness.levels("A")?.reserved == 0)
    }

    @Test func releaseRefusesConfirmedAndExpired() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 1)])
        harness.succeed(confirmCommand("r1", terms("o1", prices: ["A": 5])))
        let confirmed = harness.apply(releaseCommand("r1"))
        #expect(confirmed.error == .reservationNotActive(id: "r1", status: .confirmed))
        #expect(harness.levels("A")?.committed == 1)

        harness.reserve("r2", [line("A", 1)], ttlSeconds: 1)
        harness.advance(seconds: 1)
        harness.succeed(.advanceTime)
        #expect(harness.apply(releaseCommand("r2")).error == .reservationNotActive(id: "r2", status: .expired))
    }

    @Test func releaseOfUnknownThings() {
        var harness = Harness()
        #expect(harness.apply(releaseCommand("r1")).error == .unknownStore(store: store))
        harness.setStock("A", onHand: 1)
        #expect(harness.apply(releaseCommand("r1")).error == .unknownReservation(id: "r1"))
    }

    // MARK: confirmReservation

    @Test func confirmTurnsTheReservationIntoAPlacedOrder() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 10, at: "east")
        harness.setStock("A", onHand: 10, at: "west")
        harness.setStock("B", onHand: 5)
        harness.reserve("r1", [line("A", 12), line("B", 2)])
        harness.advance(seconds: 30)

        let applied = harness.apply(
            confirmCommand(
                "r1", terms("o1", prices: ["A": 250, "B": 100, "C": 1], tax: 50, shipping: 500, discount: 200)))
        #expect(applied.lsn != nil)
        let order = try #require(applied.order)
        #expect(order.orderID == "o1")
        #expect(order.customerID == "c1")
        #expect(order.status == .placed)
        #expect(order.reservationID == "r1")
        #expect(order.placedAt == Harness.start + 30 * second)
        #expect(
            order.lines == [
                OrderLine(sku: "A", location: "east", quantity: 10, unitPriceMinor: 250),
                OrderLine(sku: "A", location: "west", quantity: 2, unitPriceMinor: 250),
                OrderLine(sku: "B", location: "default", quantity: 2, unitPriceMinor: 100),
            ])
        #expect(
            order.totals
                == OrderTotals(
                    subtotalMinor: 3_200, taxMinor: 50, shippingMinor: 500, discountMinor: 200, totalMinor: 3_550,
                    currency: "EUR"))
        #expect(!order.replayed)

        #expect(harness.levels("A", at: "east") == StockLevels(onHand: 10, committed: 10))
        #expect(harness.levels("A", at: "west") == StockLevels(onHand: 10, committed: 2))
        #expect(harness.levels("B") == StockLevels(onHand: 5, committed: 2))
        let reservation = harness.reservation("r1")
        #expect(reservation?.status == .confirmed)
        #expect(reservation?.orderID == "o1")
        #expect(harness.order("o1") == order)
        harness.expectReplayMatches()
    }

    @Test func confirmAgainReplaysTheOrder() throws {
        var harness = stocked()
        harness.reserve("r1", [line("A", 2)])
        let command = confirmCommand("r1", terms("o1", prices: ["A": 250]))
        let order = try #require(harness.apply(command).order)
        harness.succeed(payCommand("o1"))

        let replay = harness.apply(command)
        #expect(replay.lsn == nil)
        var expected = order
        expected.status = .paid
        expected.replayed = true
        #expect(replay.order == expected)
        #expect(harness.levels("A")?.committed == 2)
    }

    @Test func confirmWithTheSameOrderIDButOtherContentConflicts() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 2)])
        harness.reserve("r2", [line("A", 2)])
        harness.placeOrder("o9", [priced("A", 1, price: 1)])
        harness.succeed(confirmCommand("r1", terms("o1", prices: ["A": 250])))

        // Other terms.
        #expect(
            harness.apply(confirmCommand("r1", terms("o1", prices: ["A": 251]))).error
                == .idempotencyConflict(key: "o1"))
        #expect(
            harness.apply(confirmCommand("r1", terms("o1", prices: ["A": 250], customer: "c2"))).error
                == .idempotencyConflict(key: "o1"))
        // Another reservation.
        #expect(
            harness.apply(confirmCommand("r2", terms("o1", prices: ["A": 250]))).error
                == .idempotencyConflict(key: "o1"))
        // An order id already used by placeOrder.
        #expect(
            harness.apply(confirmCommand("r2", terms("o9", prices: ["A": 1]))).error
                == .idempotencyConflict(key: "o9"))
        #expect(harness.reservation("r2")?.status == .active)
    }

    @Test func confirmNeedsAPriceForEverySKU() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 2), line("B", 1)])
        let applied = harness.apply(confirmCommand("r1", terms("o1", prices: ["A": 250])))
        #expect(applied.error == .missingPrice(sku: "B"))
        #expect(applied.lsn == nil)
        #expect(harness.reservation("r1")?.status == .active)
        #expect(harness.getOrderError("o1") == .unknownOrder(id: "o1"))
    }

    @Test func confirmChecksInTheDocumentedOrder() {
        var harness = stocked()
        // Terms are checked before the reservation is looked up.
        #expect(
            harness.apply(confirmCommand("nope", terms("o1", prices: [:], currency: "eur"))).error
                == .invalidCurrency("eur"))
        #expect(
            harness.apply(confirmCommand("nope", terms("o1", prices: [:]))).error == .unknownReservation(id: "nope"))

        // A released reservation answers not-active before prices are looked at.
        harness.reserve("r1", [line("A", 1)])
        harness.succeed(releaseCommand("r1"))
        #expect(
            harness.apply(confirmCommand("r1", terms("o1", prices: [:]))).error
                == .reservationNotActive(id: "r1", status: .released))
    }

    @Test func confirmPastTheDeadlineExpiresTheReservation() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 4)], ttlSeconds: 10)
        harness.advance(seconds: 11)

        // Even with a missing price, the deadline is checked first.
        let applied = harness.apply(confirmCommand("r1", terms("o1", prices: [:])))
        #expect(applied.error == .reservationExpired(id: "r1"))
        #expect(applied.lsn != nil)
        #expect(harness.lastEventKinds.last == .reservationExpired(reservationID: "r1"))
        #expect(harness.levels("A") == StockLevels(onHand: 10))
        #expect(harness.reservation("r1")?.status == .expired)
        #expect(harness.getOrderError("o1") == .unknownOrder(id: "o1"))
        harness.expectReplayMatches()
    }

    // MARK: getReservation

    @Test func getReservationDoesNotExpire() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 4)], ttlSeconds: 10)
        harness.advance(seconds: 60)
        let applied = harness.apply(.getReservation(ReservationReference(store: store, reservationID: "r1")))
        #expect(applied.lsn == nil)
        #expect(applied.reservation?.status == .active)
        #expect(applied.reservation?.replayed == false)
        #expect(harness.levels("A")?.reserved == 4)
    }

    @Test func getReservationOfUnknownThings() {
        var harness = Harness()
        let query = Command.getReservation(ReservationReference(store: store, reservationID: "r1"))
        #expect(harness.apply(query).error == .unknownStore(store: store))
        harness.setStock("A", onHand: 1)
        #expect(harness.apply(query).error == .unknownReservation(id: "r1"))
    }
}
