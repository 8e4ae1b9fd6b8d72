import Testing

@testable import Engine

@Suite("Carts")
struct CartTests {
    private func stocked() -> Harness {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.setStock("B", onHand: 5)
        harness.setStock("C", onHand: 5)
        return harness
    }

    private func emptyCart(_ id: String, replayed: Bool) -> CartView {
        CartView(
            cartID: id, customerID: nil, lines: [], holdStock: false, holdTTLSeconds: 900, holdDeadline: nil,
            holdAllocations: [], replayed: replayed)
    }

    // MARK: Lines

    @Test func addCartItemCreatesTheCartAndAddsUp() throws {
        var harness = stocked()
        let first = harness.apply(addItemCommand("k1", "B", 2))
        #expect(first.lsn != nil)
        #expect(
            first.cart
                == CartView(
                    cartID: "k1", customerID: nil, lines: [CartLine(sku: "B", quantity: 2)], holdStock: false,
                    holdTTLSeconds: 900, holdDeadline: nil, holdAllocations: [], replayed: false))

        harness.addItem("k1", "A", 1)
        let third = try #require(harness.apply(addItemCommand("k1", "B", 3)).cart)
        // Lines keep their first-added order.
        #expect(third.lines == [CartLine(sku: "B", quantity: 5), CartLine(sku: "A", quantity: 1)])
        #expect(harness.cart("k1") == third)
        // Without a hold nothing is reserved.
        #expect(harness.levels("B")?.reserved == 0)
    }

    @Test func cartCommandsNeedAStoreAndKnownSKUs() {
        var harness = Harness()
        #expect(harness.apply(addItemCommand("k1", "A", 1)).error == .unknownStore(store: store))
        #expect(
            harness.apply(.configureCart(ConfigureCart(store: store, cartID: "k1"))).error
                == .unknownStore(store: store))
        #expect(harness.apply(setItemCommand("k1", "A", 1)).error == .unknownStore(store: store))
        #expect(harness.apply(removeItemCommand("k1", "A")).error == .unknownStore(store: store))
        #expect(harness.apply(clearCartCommand("k1")).error == .unknownStore(store: store))
        #expect(
            harness.apply(.getCart(CartReference(store: store, cartID: "k1"))).error == .unknownStore(store: store))
        #expect(
            harness.apply(checkoutCommand("k1", terms("o1", prices: [:]))).error == .unknownStore(store: store))

        harness.setStock("A", onHand: 1)
        #expect(harness.apply(addItemCommand("k1", "Z", 1)).error == .unknownSKU(sku: "Z"))
        #expect(harness.apply(setItemCommand("k1", "Z", 1)).error == .unknownSKU(sku: "Z"))
        // The failed commands did not create the cart.
        #expect(harness.apply(.getCart(CartReference(store: store, cartID: "k1"))).error == .unknownCart(id: "k1"))

        harness.addItem("k1", "A", 1)
        #expect(harness.apply(removeItemCommand("k1", "Z")).error == .unknownSKU(sku: "Z"))
    }

    @Test func setCartItemSetsReplacesAndRemoves() throws {
        var harness = stocked()
        let created = harness.apply(setItemCommand("k1", "A", 4))
        #expect(created.cart?.lines == [CartLine(sku: "A", quantity: 4)])
        harness.addItem("k1", "B", 1)

        let changed = harness.apply(setItemCommand("k1", "A", 2))
        #expect(changed.cart?.lines == [CartLine(sku: "A", quantity: 2), CartLine(sku: "B", quantity: 1)])
        #expect(changed.lsn != nil)

        let same = harness.apply(setItemCommand("k1", "A", 2))
        #expect(same.lsn == nil)
        #expect(same.cart?.replayed == true)
        #expect(same.cart?.lines == changed.cart?.lines)

        let removed = harness.apply(setItemCommand("k1", "A", 0))
        #expect(removed.cart?.lines == [CartLine(sku: "B", quantity: 1)])
        #expect(removed.lsn != nil)

        // Setting an absent line to 0 changes nothing.
        let absent = harness.apply(setItemCommand("k1", "C", 0))
        #expect(absent.lsn == nil)
        #expect(absent.cart?.replayed == true)
        #expect(absent.cart?.lines == [CartLine(sku: "B", quantity: 1)])
    }

    @Test func setCartItemToZeroDoesNotCreateACart() {
        var harness = stocked()
        let applied = harness.apply(setItemCommand("k1", "A", 0))
        #expect(applied.lsn == nil)
        #expect(applied.error == .unknownCart(id: "k1"))
        #expect(harness.apply(.getCart(CartReference(store: store, cartID: "k1"))).error == .unknownCart(id: "k1"))
    }

    @Test func removeCartItem() {
        var harness = stocked()
        #expect(harness.apply(removeItemCommand("k1", "A")).error == .unknownCart(id: "k1"))

        harness.addItem("k1", "A", 1)
        harness.addItem("k1", "B", 1)
        let removed = harness.apply(removeItemCommand("k1", "A"))
        #expect(removed.lsn != nil)
        #expect(removed.cart?.lines == [CartLine(sku: "B", quantity: 1)])
        #expect(removed.cart?.replayed == false)

        let again = harness.apply(removeItemCommand("k1", "A"))
        #expect(again.lsn == nil)
        #expect(again.cart?.replayed == true)
        #expect(again.cart?.lines == [CartLine(sku: "B", quantity: 1)])
    }

    @Test func clearCartRemovesItAndAnsweringAnEmptyCart() {
        var harness = stocked()
        harness.configureCart("k1", holdStock: true, customer: "c1")
        harness.addItem("k1", "A", 3)

        let cleared = harness.apply(clearCartCommand("k1"))
        #expect(cleared.lsn != nil)
        #expect(cleared.cart == emptyCart("k1", replayed: false))
        #expect(harness.levels("A")?.reserved == 0)
        #expect(harness.apply(.getCart(CartReference(store: store, cartID: "k1"))).error == .unknownCart(id: "k1"))

        let again = harness.apply(clearCartCommand("k1"))
        #expect(again.lsn == nil)
        #expect(again.cart == emptyCart("k1", replayed: true))
    }

    // MARK: configureCart

    @Test func configureCartCreatesAndChangesSettings() {
        var harness = stocked()
        let created = harness.apply(
            .configureCart(ConfigureCart(store: store, cartID: "k1", customerID: "c1", holdTTLSeconds: 60)))
        #expect(
            created.cart
                == CartView(
                    cartID: "k1", customerID: "c1", lines: [], holdStock: false, holdTTLSeconds: 60,
                    holdDeadline: nil, holdAllocations: [], replayed: false))

        // A nil customer keeps the one set before.
        let changed = harness.apply(.configureCart(ConfigureCart(store: store, cartID: "k1", holdTTLSeconds: 120)))
        #expect(changed.cart?.customerID == "c1")
        #expect(changed.cart?.holdTTLSeconds == 120)
        // Holding stock on an empty cart holds nothing.
        let holding = harness.apply(.configureCart(ConfigureCart(store: store, cartID: "k1", holdStock: true)))
        #expect(holding.cart?.holdStock == true)
        #expect(holding.cart?.holdDeadline == nil)
        #expect(holding.cart?.holdTTLSeconds == 900)
    }

    // MARK: Holds

    @Test func holdFollowsTheLinesAndRenewsItsDeadline() throws {
        var harness = stocked()
        harness.configureCart("k1", holdStock: true, holdTTLSeconds: 60)

        let first = try #require(harness.apply(addItemCommand("k1", "A", 3)).cart)
        #expect(first.holdDeadline == Harness.start + 60 * second)
        #expect(first.holdAllocations == [LineAllocation(sku: "A", location: "default", quantity: 3)])
        #expect(harness.levels("A")?.reserved == 3)

        harness.advance(seconds: 30)
        let renewed = try #require(harness.apply(addItemCommand("k1", "B", 1)).cart)
        #expect(renewed.holdDeadline == Harness.start + 90 * second)
        #expect(
            renewed.holdAllocations == [
                LineAllocation(sku: "A", location: "default", quantity: 3),
                LineAllocation(sku: "B", location: "default", quantity: 1),
            ])

        harness.advance(seconds: 30)
        let third = try #require(harness.apply(setItemCommand("k1", "A", 0)).cart)
        #expect(third.holdDeadline == Harness.start + 120 * second)
        #expect(third.holdAllocations == [LineAllocation(sku: "B", location: "default", quantity: 1)])
        #expect(harness.levels("A")?.reserved == 0)
        #expect(harness.levels("B")?.reserved == 1)

        // Emptying the cart releases the hold.
        let empty = try #require(harness.apply(removeItemCommand("k1", "B")).cart)
        #expect(empty.holdStock)
        #expect(empty.holdDeadline == nil)
        #expect(empty.holdAllocations == [])
        #expect(harness.levels("B")?.reserved == 0)
        harness.expectReplayMatches()
    }

    @Test func holdIsPlacedLikeAReservationWithoutLocations() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 2, at: "east")
        harness.setStock("A", onHand: 5, at: "west")
        harness.succeed(priorityCommand(["east", "west"]))
        harness.configureCart("k1", holdStock: true)
        let cart = try #require(harness.apply(addItemCommand("k1", "A", 4)).cart)
        #expect(
            cart.holdAllocations == [
                LineAllocation(sku: "A", location: "east", quantity: 2),
                LineAllocation(sku: "A", location: "west", quantity: 2),
            ])
    }

    @Test func holdChangeIsAllOrNothing() {
        var harness = stocked()
        harness.reserve("r1", [line("B", 4)])
        harness.configureCart("k1", holdStock: true)
        harness.addItem("k1", "A", 8)

        // The whole cart is re-placed: A 11 does not fit in 10.
        let tooMuch = harness.apply(addItemCommand("k1", "A", 3))
        #expect(tooMuch.error == .insufficientStock(sku: "A", requested: 11, available: 10))
        #expect(tooMuch.lsn == nil)
        // A new line that does not fit fails the change too; the A line stays held.
        let otherLine = harness.apply(setItemCommand("k1", "B", 2))
        #expect(otherLine.error == .insufficientStock(sku: "B", requested: 2, available: 1))
        #expect(harness.cart("k1")?.lines == [CartLine(sku: "A", quantity: 8)])
        #expect(harness.levels("A")?.reserved == 8)
        #expect(harness.levels("B")?.reserved == 4)
    }

    @Test func turningTheHoldOnPlacesItAllOrNothing() {
        var harness = stocked()
        harness.addItem("k1", "A", 12)
        harness.addItem("k1", "B", 1)
        let refused = harness.apply(.configureCart(ConfigureCart(store: store, cartID: "k1", holdStock: true)))
        #expect(refused.error == .insufficientStock(sku: "A", requested: 12, available: 10))
        #expect(harness.cart("k1")?.holdStock == false)
        #expect(harness.levels("B")?.reserved == 0)

        harness.succeed(setItemCommand("k1", "A", 10))
        harness.advance(seconds: 3)
        let held = harness.apply(
            .configureCart(ConfigureCart(store: store, cartID: "k1", holdStock: true, holdTTLSeconds: 30)))
        #expect(held.cart?.holdDeadline == Harness.start + 33 * second)
        #expect(harness.levels("A")?.reserved == 10)
        #expect(harness.levels("B")?.reserved == 1)
    }

    @Test func turningTheHoldOffReleasesIt() {
        var harness = stocked()
        harness.configureCart("k1", holdStock: true)
        harness.addItem("k1", "A", 3)
        let off = harness.apply(.configureCart(ConfigureCart(store: store, cartID: "k1", holdStock: false)))
        #expect(off.cart?.holdStock == false)
        #expect(off.cart?.holdDeadline == nil)
        #expect(off.cart?.holdAllocations == [])
        #expect(off.cart?.lines == [CartLine(sku: "A", quantity: 3)])
        #expect(harness.levels("A")?.reserved == 0)
    }

    @Test func expiredHoldLeavesTheLinesAndIsPlacedAgainOnTheNextChange() throws {
        var harness = stocked()
        harness.configureCart("k1", holdStock: true, holdTTLSeconds: 10)
        harness.addItem("k1", "A", 3)
        harness.advance(seconds: 10)

        let tick = harness.apply(.advanceTime)
        #expect(tick.tick == TickReport(expiredReservations: 1, purgedRecords: 0))
        #expect(harness.lastEventKinds.contains(.cartHoldExpired(cartID: "k1")))
        let cartAfterExpiry = harness.cart("k1")
        let expired = try #require(cartAfterExpiry)
        #expect(expired.lines == [CartLine(sku: "A", quantity: 3)])
        #expect(expired.holdStock)
        #expect(expired.holdDeadline == nil)
        #expect(harness.levels("A")?.reserved == 0)

        harness.advance(seconds: 5)
        let renewed = try #require(harness.apply(addItemCommand("k1", "B", 1)).cart)
        #expect(renewed.holdDeadline == Harness.start + 25 * second)
        #expect(harness.levels("A")?.reserved == 3)
        #expect(harness.levels("B")?.reserved == 1)
        harness.expectReplayMatches()
    }

    // MARK: checkoutCart

    @Test func checkoutThroughTheHold() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 2, at: "east")
        harness.setStock("A", onHand: 5, at: "west")
        harness.setStock("B", onHand: 5, at: "west")
        harness.configureCart("k1", holdStock: true, customer: "c1")
        harness.addItem("k1", "A", 4)
        harness.addItem("k1", "B", 1)

        let applied = harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 100, "B": 50], shipping: 7)))
        #expect(applied.lsn != nil)
        let order = try #require(applied.order)
        #expect(order.status == .placed)
        #expect(order.reservationID == nil)
        #expect(
            order.lines == [
                OrderLine(sku: "A", location: "east", quantity: 2, unitPriceMinor: 100),
                OrderLine(sku: "A", location: "west", quantity: 2, unitPriceMinor: 100),
                OrderLine(sku: "B", location: "west", quantity: 1, unitPriceMinor: 50),
            ])
        #expect(order.totals.subtotalMinor == 450)
        #expect(order.totals.totalMinor == 457)
        #expect(harness.levels("A", at: "east") == StockLevels(onHand: 2, committed: 2))
        #expect(harness.levels("A", at: "west") == StockLevels(onHand: 5, committed: 2))
        #expect(harness.levels("B", at: "west") == StockLevels(onHand: 5, committed: 1))
        #expect(harness.apply(.getCart(CartReference(store: store, cartID: "k1"))).error == .unknownCart(id: "k1"))
        #expect(harness.order("o1") == order)
        harness.expectReplayMatches()
    }

    @Test func checkoutWithoutAHoldCommitsAllOrNothing() throws {
        var harness = stocked()
        harness.addItem("k1", "A", 4)
        harness.addItem("k1", "B", 2)
        harness.reserve("r1", [line("B", 4)])

        let short = harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 1, "B": 1])))
        #expect(short.error == .insufficientStock(sku: "B", requested: 2, available: 1))
        #expect(short.lsn == nil)
        #expect(harness.levels("A")?.committed == 0)
        #expect(harness.cart("k1")?.lines.count == 2)

        harness.succeed(releaseCommand("r1"))
        let order = try #require(harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 1, "B": 1]))).order)
        #expect(order.quantities(of: "A") == ["default": 4])
        #expect(order.quantities(of: "B") == ["default": 2])
        #expect(harness.levels("A")?.committed == 4)
        #expect(harness.levels("B")?.committed == 2)
    }

    @Test func checkoutNeedsACartWithLinesAndPrices() {
        var harness = stocked()
        #expect(harness.apply(checkoutCommand("k1", terms("o1", prices: [:]))).error == .unknownCart(id: "k1"))

        harness.configureCart("k1", holdStock: true)
        #expect(harness.apply(checkoutCommand("k1", terms("o1", prices: [:]))).error == .cartEmpty(cartID: "k1"))

        harness.addItem("k1", "A", 1)
        harness.addItem("k1", "B", 1)
        let missing = harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 1, "C": 1])))
        #expect(missing.error == .missingPrice(sku: "B"))
        #expect(missing.lsn == nil)
        #expect(harness.levels("A")?.reserved == 1)
        #expect(harness.cart("k1")?.holdDeadline != nil)
    }

    @Test func checkoutRefusesANegativeTotal() {
        var harness = stocked()
        harness.addItem("k1", "A", 2)
        let applied = harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 100], tax: 10, discount: 211)))
        #expect(applied.error == .amountOutOfRange(field: "totalMinor", value: -1))
        let exact = harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 100], tax: 10, discount: 210)))
        #expect(exact.order?.totals.totalMinor == 0)
    }

    @Test func checkoutAgainReplaysTheOrder() throws {
        var harness = stocked()
        harness.addItem("k1", "A", 2)
        let command = checkoutCommand("k1", terms("o1", prices: ["A": 100]))
        let order = try #require(harness.apply(command).order)

        let replay = harness.apply(command)
        #expect(replay.lsn == nil)
        var expected = order
        expected.replayed = true
        #expect(replay.order == expected)
        #expect(harness.levels("A")?.committed == 2)

        #expect(
            harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 101]))).error
                == .idempotencyConflict(key: "o1"))
        harness.addItem("k2", "A", 2)
        #expect(
            harness.apply(checkoutCommand("k2", terms("o1", prices: ["A": 100]))).error
                == .idempotencyConflict(key: "o1"))
    }

    @Test func checkoutPastTheHoldDeadlineExpiresItAndCommitsFromStock() throws {
        var harness = stocked()
        harness.configureCart("k1", holdStock: true, holdTTLSeconds: 10)
        harness.addItem("k1", "A", 3)
        harness.advance(seconds: 10)

        let applied = harness.apply(checkoutCommand("k1", terms("o1", prices: ["A": 100])))
        #expect(applied.order?.status == .placed)
        let kinds = harness.lastEventKinds
        #expect(kinds.contains(.cartHoldExpired(cartID: "k1")))
        #expect(kinds.contains(.cartCheckedOut(cartID: "k1", orderID: "o1")))
        #expect(harness.levels("A") == StockLevels(onHand: 10, committed: 3))
        // The tick finds nothing left to expire.
        harness.advance(seconds: 1)
        #expect(harness.apply(.advanceTime).lsn == nil)
        harness.expectReplayMatches()
    }
}
