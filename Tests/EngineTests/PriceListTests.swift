import Testing

@testable import Engine

/// The price list, and prices of a customer's orders taken from it.
@Suite("Prices: the list, and what a customer pays")
struct PriceListTests {
    let alice = Caller.customer("alice")
    let listed = ListedPrice(currency: "EUR", unitPriceMinor: 1_999)

    private func harness() -> Harness {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.setStock("B", onHand: 10)
        harness.succeed(.setPrice(SetPrice(store: store, sku: "A", currency: "EUR", unitPriceMinor: 1_999)))
        return harness
    }

    @Test("set, read, repeat without change, remove; unknown SKUs and bad values refused")
    func list() {
        var harness = harness()
        #expect(harness.lastEventKinds == [.priceChanged(sku: "A", listed: listed)])
        #expect(harness.succeed(.getPrice(PriceQuery(store: store, sku: "A")))?.priceView == PriceView(sku: "A", listed: listed))
        let again = harness.apply(.setPrice(SetPrice(store: store, sku: "A", currency: "EUR", unitPriceMinor: 1_999)))
        #expect(again.lsn == nil && again.priceView?.replayed == true, "no change, not logged")
        harness.succeed(.setPrice(SetPrice(store: store, sku: "A", currency: "", unitPriceMinor: nil)))
        #expect(harness.succeed(.getPrice(PriceQuery(store: store, sku: "A")))?.priceView?.listed == nil)
        #expect(harness.apply(.setPrice(SetPrice(store: store, sku: "Z", currency: "EUR", unitPriceMinor: 1))).error == .unknownSKU(sku: "Z"))
        #expect(harness.apply(.setPrice(SetPrice(store: store, sku: "A", currency: "eur", unitPriceMinor: 1))).error == .invalidCurrency("eur"))
        #expect(
            harness.apply(.setPrice(SetPrice(store: store, sku: "A", currency: "EUR", unitPriceMinor: -1))).error
                == .amountOutOfRange(field: "unitPriceMinor", value: -1))
        harness.expectReplayMatches()
    }

    @Test("a customer's order is priced from the list: 0 and other prices refused, missing prices refused")
    func customerPrices() throws {
        var harness = harness()
        let place = { (id: String, price: Int64, sku: String) in
            Command.placeOrder(
                PlaceOrder(store: store, orderID: id, customerID: "alice", lines: [priced(sku, 1, price: price)], currency: "EUR"))
        }
        #expect(harness.apply(place("o0", 0, "A"), by: alice).error == .priceMismatch(sku: "A", listed: listed))
        #expect(harness.apply(place("o1", 1_999, "B"), by: alice).error == .missingPrice(sku: "B"))
        let inUSD = PlaceOrder(store: store, orderID: "o2", customerID: "alice", lines: [priced("A", 1, price: 1_999)], currency: "USD")
        #expect(harness.apply(.placeOrder(inUSD), by: alice).error == .priceMismatch(sku: "A", listed: listed))
        for (field, terms) in [
            ("taxMinor", terms("o3", prices: [:], customer: "alice", tax: 1)),
            ("shippingMinor", terms("o3", prices: [:], customer: "alice", shipping: 1)),
            ("discountMinor", terms("o3", prices: [:], customer: "alice", discount: 1)),
        ] {
            harness.succeed(reserveCommand("r-\(field)", [line("A", 1)]), by: alice)
            let confirm = ConfirmReservation(store: store, reservationID: "r-\(field)", terms: terms)
            #expect(
                harness.apply(.confirmReservation(confirm), by: alice).error
                    == .invalidArgument(field: field, reason: "only a service caller may set it"))
        }
        let order = harness.succeed(place("o4", 1_999, "A"), by: alice)?.order
        #expect(order?.totals.totalMinor == 1_999)
        // Confirm and checkout without prices take the list's.
        harness.succeed(reserveCommand("r1", [line("A", 2)]), by: alice)
        let confirmed = harness.succeed(
            .confirmReservation(ConfirmReservation(store: store, reservationID: "r1", terms: terms("o5", prices: [:], customer: "alice"))),
            by: alice)?.order
        #expect(confirmed?.totals.totalMinor == 2 * 1_999 && confirmed?.lines.first?.unitPriceMinor == 1_999)
        harness.succeed(.addCartItem(AddCartItem(store: store, cartID: "k1", sku: "A", quantity: 3)), by: alice)
        let atZero = harness.apply(
            .checkoutCart(CheckoutCart(store: store, cartID: "k1", terms: terms("o6", prices: ["A": 0], customer: "alice"))),
            by: alice)
        #expect(atZero.error == .priceMismatch(sku: "A", listed: listed), "a stated price of 0 is refused")
        let paid = harness.succeed(
            .checkoutCart(CheckoutCart(store: store, cartID: "k1", terms: terms("o7", prices: ["A": 1_999], customer: "alice"))),
            by: alice)?.order
        let total: Int64? = paid?.totals.totalMinor
        #expect(total == 5_997)
        harness.expectReplayMatches()
    }

    @Test("a service caller's prices stand as given (a backend may discount)")
    func servicePrices() {
        var harness = harness()
        let order = harness.succeed(
            .placeOrder(
                PlaceOrder(
                    store: store, orderID: "o1", customerID: "alice", lines: [priced("A", 1, price: 10)], currency: "EUR",
                    discountMinor: 5)))?.order
        #expect(order?.totals.totalMinor == 5)
    }

    @Test("the price list survives a snapshot, and a version-1 state loads with an empty list")
    func snapshot() throws {
        let harness = harness()
        let restored = try StateMachine(decoding: harness.machine.encodedState(), limits: harness.limits)
        #expect(restored.encodedState() == harness.machine.encodedState())
        #expect(restored.prices[0] == listed)

        // A version-1 state (no price list section, no cart change times) still loads.
        var plain = Harness()
        plain.setStock("A", onHand: 3)
        plain.reserve("r1", [line("A", 1)])
        var version1 = plain.machine.encodedState()
        #expect(Array(version1.suffix(4)) == [0, 0, 0, 0], "an empty price list ends a version-2 state")
        version1.removeLast(4)
        version1.replaceSubrange(4..<8, with: [1, 0, 0, 0])
        let loaded = try StateMachine(decoding: version1, limits: plain.limits)
        #expect(loaded.encodedState() == plain.machine.encodedState())
    }
}
