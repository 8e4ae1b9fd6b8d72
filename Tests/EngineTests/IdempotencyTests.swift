import Testing

@testable import Engine

@Suite("Idempotency keys")
struct IdempotencyTests {
    private func stocked(limits: Limits = .standard) -> Harness {
        var harness = Harness(limits: limits)
        harness.setStock("A", onHand: 10)
        return harness
    }

    private func setStockCommand(_ onHand: Int64, key: String?, in storeName: String = store) -> Command {
        .setStock(SetStock(store: storeName, sku: "A", onHand: onHand, requestKey: key))
    }

    @Test func setStockWithAKeyAnswersTheRecordedResultOnRetry() throws {
        var harness = stocked()
        let first = try #require(harness.apply(setStockCommand(20, key: "k1")).stockRecord)
        harness.succeed(adjustCommand("A", by: 5))

        let retry = harness.apply(setStockCommand(20, key: "k1"))
        #expect(retry.lsn == nil)
        var expected = first
        expected.replayed = true
        #expect(retry.stockRecord == expected)
        #expect(retry.stockRecord?.levels.onHand == 20)
        // The retry did not set on-hand back to 20.
        #expect(harness.levels("A")?.onHand == 25)
    }

    @Test func sameKeyWithOtherContentConflicts() {
        var harness = stocked()
        harness.succeed(setStockCommand(20, key: "k1"))
        let conflicts: [Command] = [
            setStockCommand(21, key: "k1"),
            .setStock(SetStock(store: store, sku: "A", onHand: 20, safetyStock: 0, requestKey: "k1")),
            .setStock(SetStock(store: store, sku: "A", location: "east", onHand: 20, requestKey: "k1")),
            adjustCommand("A", by: 1, requestKey: "k1"),
            priorityCommand(["east"], requestKey: "k1"),
        ]
        for command in conflicts {
            let applied = harness.apply(command)
            #expect(applied.error == .idempotencyConflict(key: "k1"))
            #expect(applied.lsn == nil)
        }
        #expect(harness.levels("A") == StockLevels(onHand: 20))
    }

    @Test func keysAreScopedPerStore() {
        var harness = stocked()
        harness.succeed(setStockCommand(20, key: "k1"))
        let other = harness.apply(setStockCommand(7, key: "k1", in: "s2"))
        #expect(other.stockRecord?.levels.onHand == 7)
        #expect(other.stockRecord?.replayed == false)
        #expect(other.lsn != nil)
    }

    @Test func failedCommandsRecordNothing() {
        var harness = stocked()
        let failed = harness.apply(adjustCommand("A", by: -11, requestKey: "k1"))
        #expect(failed.error == .stockBelowCommitments(sku: "A", location: "default", minimumOnHand: 0))
        let succeeded = harness.apply(adjustCommand("A", by: -3, requestKey: "k1"))
        #expect(succeeded.stockRecord?.levels.onHand == 7)
        #expect(succeeded.stockRecord?.replayed == false)
    }

    @Test func commandsThatChangeNothingRecordNothing() {
        var harness = stocked()
        harness.placeOrder("o1", [priced("A", 1, price: 1)])
        harness.succeed(payCommand("o1"))
        // Paying a paid order changes nothing, so "k1" stays unused...
        let repeated = harness.apply(payCommand("o1", requestKey: "k1"))
        #expect(repeated.order?.replayed == true)
        #expect(repeated.lsn == nil)
        // ...and may be used for something else.
        let cancelled = harness.apply(cancelCommand("o1", requestKey: "k1"))
        #expect(cancelled.order?.status == .cancelled)
        #expect(cancelled.order?.replayed == false)
    }

    @Test func adjustStockRetryDoesNotApplyTwice() {
        var harness = stocked()
        let command = adjustCommand("A", by: 4, reason: "delivery", requestKey: "d-17")
        #expect(harness.apply(command).stockRecord?.levels.onHand == 14)
        let retry = harness.apply(command)
        #expect(retry.stockRecord?.levels.onHand == 14)
        #expect(retry.stockRecord?.replayed == true)
        #expect(retry.lsn == nil)
        #expect(harness.levels("A")?.onHand == 14)
        #expect(
            harness.apply(adjustCommand("A", by: 4, reason: "other", requestKey: "d-17")).error
                == .idempotencyConflict(key: "d-17"))
    }

    @Test func setLocationPriorityRetry() {
        var harness = stocked()
        harness.setStock("A", onHand: 1, at: "east")
        let command = priorityCommand(["east"], requestKey: "p1")
        #expect(harness.apply(command).locationPriority == ["east", "default"])
        harness.succeed(priorityCommand(["default"]))
        let retry = harness.apply(command)
        #expect(retry.lsn == nil)
        #expect(retry.locationPriority == ["east", "default"])
        #expect(harness.succeed(priorityCommand([]))?.locationPriority == ["default", "east"])
        #expect(
            harness.apply(priorityCommand(["default", "east"], requestKey: "p1")).error
                == .idempotencyConflict(key: "p1"))
    }

    @Test func extendReservationRetryKeepsTheFirstDeadline() {
        var harness = stocked()
        harness.reserve("r1", [line("A", 1)], ttlSeconds: 60)
        harness.advance(seconds: 10)
        let command = extendCommand("r1", ttlSeconds: 100, requestKey: "e1")
        #expect(harness.apply(command).reservation?.deadline == Harness.start + 110 * second)

        harness.advance(seconds: 10)
        let retry = harness.apply(command)
        #expect(retry.lsn == nil)
        #expect(retry.reservation?.deadline == Harness.start + 110 * second)
        #expect(retry.reservation?.replayed == true)
        #expect(harness.reservation("r1")?.deadline == Harness.start + 110 * second)

        // Without a key the same extension moves the deadline again.
        #expect(
            harness.apply(extendCommand("r1", ttlSeconds: 100)).reservation?.deadline
                == Harness.start + 120 * second)
        #expect(
            harness.apply(extendCommand("r1", ttlSeconds: 101, requestKey: "e1")).error
                == .idempotencyConflict(key: "e1"))
    }

    @Test func addCartItemRetryDoesNotAddTwice() {
        var harness = stocked()
        let command = addItemCommand("k1", "A", 2, requestKey: "add-1")
        #expect(harness.apply(command).cart?.lines == [CartLine(sku: "A", quantity: 2)])
        let retry = harness.apply(command)
        #expect(retry.lsn == nil)
        #expect(retry.cart?.replayed == true)
        #expect(retry.cart?.lines == [CartLine(sku: "A", quantity: 2)])
        #expect(harness.cart("k1")?.lines == [CartLine(sku: "A", quantity: 2)])
        #expect(
            harness.apply(addItemCommand("k1", "A", 3, requestKey: "add-1")).error
                == .idempotencyConflict(key: "add-1"))
        #expect(
            harness.apply(addItemCommand("k2", "A", 2, requestKey: "add-1")).error
                == .idempotencyConflict(key: "add-1"))
    }

    @Test func orderTransitionKeysPinTheirTransition() {
        var harness = stocked()
        harness.placeOrder("o1", [priced("A", 1, price: 1)])
        harness.placeOrder("o2", [priced("A", 1, price: 1)])
        let pay = payCommand("o1", requestKey: "t1")
        #expect(harness.apply(pay).order?.status == .paid)
        harness.succeed(cancelCommand("o1"))

        // The retry answers the recorded payment, although the order is cancelled now.
        let retry = harness.apply(pay)
        #expect(retry.lsn == nil)
        #expect(retry.order?.status == .paid)
        #expect(retry.order?.replayed == true)
        #expect(harness.order("o1")?.status == .cancelled)

        #expect(harness.apply(cancelCommand("o1", requestKey: "t1")).error == .idempotencyConflict(key: "t1"))
        #expect(harness.apply(fulfillCommand("o1", requestKey: "t1")).error == .idempotencyConflict(key: "t1"))
        #expect(harness.apply(payCommand("o2", requestKey: "t1")).error == .idempotencyConflict(key: "t1"))
        #expect(harness.order("o2")?.status == .placed)
    }

    @Test func fulfilAndCancelWithKeys() {
        var harness = stocked()
        harness.placeOrder("o1", [priced("A", 2, price: 1)])
        harness.placeOrder("o2", [priced("A", 3, price: 1)])
        harness.succeed(payCommand("o1"))
        let fulfil = fulfillCommand("o1", requestKey: "f1")
        #expect(harness.apply(fulfil).order?.status == .fulfilled)
        #expect(harness.apply(fulfil).order?.replayed == true)
        let cancel = cancelCommand("o2", requestKey: "c1")
        #expect(harness.apply(cancel).order?.status == .cancelled)
        let retry = harness.apply(cancel)
        #expect(retry.order?.replayed == true)
        #expect(retry.lsn == nil)
        #expect(harness.levels("A") == StockLevels(onHand: 8))
    }

    @Test func theOldestKeyGoesWhenTheTableIsFull() {
        var harness = stocked(limits: Limits(idempotencyKeysPerShardMax: 2))
        harness.succeed(adjustCommand("A", by: 1, requestKey: "k1"))
        harness.succeed(adjustCommand("A", by: 1, requestKey: "k2"))
        harness.succeed(adjustCommand("A", by: 1, requestKey: "k3"))

        // k1 was dropped: the same content applies again.
        let k1 = harness.apply(adjustCommand("A", by: 1, requestKey: "k1"))
        #expect(k1.stockRecord?.replayed == false)
        #expect(k1.stockRecord?.levels.onHand == 14)
        // That dropped k2; k3 is still remembered.
        #expect(harness.apply(adjustCommand("A", by: 1, requestKey: "k3")).stockRecord?.replayed == true)
        #expect(harness.apply(adjustCommand("A", by: 2, requestKey: "k3")).error == .idempotencyConflict(key: "k3"))
        #expect(harness.apply(adjustCommand("A", by: 2, requestKey: "k2")).stockRecord?.replayed == false)
        #expect(harness.levels("A")?.onHand == 16)
    }

    @Test func keyedCommandCreatingTheStoreRecordsItsKey() {
        var harness = Harness()
        let command = priorityCommand(["east"], requestKey: "p1")
        #expect(harness.apply(command).lsn == 1)
        let retry = harness.apply(command)
        #expect(retry.lsn == nil)
        #expect(retry.locationPriority == ["east", "default"])
    }
}
