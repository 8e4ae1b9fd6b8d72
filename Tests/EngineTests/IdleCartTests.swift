import Testing

@testable import Engine

/// Abandoned carts: removed by the tick once nobody changed them for
/// `idleCartRetentionSeconds`, least recently changed first, holds released.
@Suite("Idle carts")
struct IdleCartTests {
    private let retention: Int64 = 3_600

    @Test("an idle cart is removed with its hold; a changed one is kept; removals free capacity")
    func removal() {
        var harness = Harness(limits: Limits(cartsPerShardMax: 2, idleCartRetentionSeconds: 3_600))
        harness.setStock("A", onHand: 10)
        harness.configureCart("old", holdStock: true, holdTTLSeconds: 7 * 86_400)
        harness.addItem("old", "A", 4)
        harness.advance(seconds: 1_000)
        harness.addItem("new", "A", 1)
        #expect(harness.apply(.addCartItem(AddCartItem(store: store, cartID: "third", sku: "A", quantity: 1))).error == .limitReached(.carts))
        harness.advance(seconds: retention - 1_000)
        let tick = harness.apply(.advanceTime)
        #expect(tick.tick?.purgedRecords == 1 && tick.lsn != nil)
        #expect(harness.lastEventKinds.contains(.cartRemoved(cartID: "old")))
        #expect(harness.cart("old") == nil && harness.cart("new") != nil)
        #expect(harness.levels("A")?.reserved == 0, "the hold went with the cart")
        harness.addItem("third", "A", 1)
        harness.advance(seconds: 500)
        harness.addItem("new", "A", 1)
        harness.advance(seconds: retention - 1)
        #expect(harness.apply(.advanceTime).tick?.purgedRecords == 1, "third is idle; new was touched since")
        #expect(harness.cart("new") != nil)
        harness.expectReplayMatches()
    }

    @Test("removals follow the order of last change and share the tick's purge budget")
    func orderAndBudget() throws {
        var harness = Harness(limits: Limits(purgesPerTickMax: 2, idleCartRetentionSeconds: 3_600))
        harness.setStock("A", onHand: 10)
        for cart in ["c1", "c2", "c3"] { harness.addItem(cart, "A", 1) }
        harness.addItem("c1", "A", 1)
        harness.advance(seconds: 3_600)
        #expect(harness.apply(.advanceTime).tick?.purgedRecords == 2)
        #expect(harness.lastEventKinds == [.cartRemoved(cartID: "c2"), .cartRemoved(cartID: "c3")])
        // The order survives a snapshot: the restored machine removes c1 next, as the original does.
        var restored = try StateMachine(decoding: harness.machine.encodedState(), limits: harness.limits)
        _ = restored.apply(.advanceTime, at: harness.clock)
        #expect(harness.apply(.advanceTime).tick?.purgedRecords == 1)
        #expect(restored.encodedState() == harness.machine.encodedState())
        harness.expectReplayMatches()
    }
}
