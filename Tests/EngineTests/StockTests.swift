import Testing

@testable import Engine

@Suite("Stock")
struct StockTests {
    // MARK: setStock

    @Test func setStockCreatesStoreSKUAndRecordStartingAtZeros() throws {
        var harness = Harness()
        let applied = harness.apply(.setStock(SetStock(store: store, sku: "A", onHand: 10)))

        #expect(applied.lsn == 1)
        let view = try #require(applied.stockRecord)
        #expect(view.sku == "A")
        #expect(view.location == "default")
        #expect(view.levels == StockLevels(onHand: 10))
        #expect(view.levels.available == 10)
        #expect(!view.replayed)
        #expect(harness.levels("A") == StockLevels(onHand: 10))
    }

    @Test func setStockChangesOnlyTheGivenFields() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 10, safety: 2, threshold: 3, backorder: 4)
        let applied = harness.apply(.setStock(SetStock(store: store, sku: "A", lowStockThreshold: 7)))

        let view = try #require(applied.stockRecord)
        #expect(
            view.levels
                == StockLevels(onHand: 10, safetyStock: 2, lowStockThreshold: 7, backorderLimit: 4))
        #expect(applied.lsn == 2)
    }

    @Test func setStockAtANamedLocationCreatesItLastInPriority() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 1)
        harness.setStock("A", onHand: 2, at: "east")
        harness.setStock("B", onHand: 3, at: "west")

        let view = try #require(harness.apply(.getStock(StockQuery(store: store, sku: "A"))).stock)
        #expect(view.locations.map(\.location) == ["default", "east"])
        #expect(harness.levels("B", at: "west") == StockLevels(onHand: 3))
        // Priority lists every location of the store, the new ones last.
        let names = harness.succeed(priorityCommand([]))?.locationPriority
        #expect(names == ["default", "east", "west"])
    }

    @Test func setStockRefusesOnHandBelowCommitments() {
        var harness = Harness()
        harness.setStock("A", onHand: 10, safety: 1)
        harness.reserve("r1", [line("A", 3)])
        harness.placeOrder("o1", [priced("A", 2, price: 100)])

        let applied = harness.apply(.setStock(SetStock(store: store, sku: "A", onHand: 5)))
        #expect(applied.error == .stockBelowCommitments(sku: "A", location: "default", minimumOnHand: 6))
        #expect(applied.lsn == nil)
        #expect(harness.levels("A") == StockLevels(onHand: 10, reserved: 3, committed: 2, safetyStock: 1))

        // Exactly the minimum is accepted: sellable = 0.
        let accepted = harness.apply(.setStock(SetStock(store: store, sku: "A", onHand: 6)))
        #expect(accepted.stockRecord?.levels.available == 0)
    }

    @Test func setStockRefusesSafetyStockAboveWhatIsFree() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.reserve("r1", [line("A", 4)])

        let refused = harness.apply(.setStock(SetStock(store: store, sku: "A", safetyStock: 7)))
        #expect(refused.error == .stockBelowCommitments(sku: "A", location: "default", minimumOnHand: 11))

        let accepted = harness.apply(.setStock(SetStock(store: store, sku: "A", safetyStock: 6)))
        #expect(accepted.stockRecord?.levels == StockLevels(onHand: 10, reserved: 4, safetyStock: 6))
    }

    @Test func setStockRefusesANewRecordWhoseSafetyExceedsOnHand() {
        var harness = Harness()
        let refused = harness.apply(.setStock(SetStock(store: store, sku: "A", onHand: 2, safetyStock: 3)))
        #expect(refused.error == .stockBelowCommitments(sku: "A", location: "default", minimumOnHand: 3))
        // Nothing was created: the store still does not exist.
        #expect(harness.apply(.getStock(StockQuery(store: store, sku: "A"))).error == .unknownStore(store: store))
    }

    @Test func backorderLimitLowersTheMinimumOnHand() {
        var harness = Harness()
        harness.setStock("A", onHand: 5, backorder: 3)
        harness.reserve("r1", [line("A", 7)])
        #expect(harness.levels("A")?.available == -2)

        let refused = harness.apply(.setStock(SetStock(store: store, sku: "A", onHand: 3)))
        #expect(refused.error == .stockBelowCommitments(sku: "A", location: "default", minimumOnHand: 4))

        let refusedLimit = harness.apply(.setStock(SetStock(store: store, sku: "A", backorderLimit: 1)))
        #expect(refusedLimit.error == .stockBelowCommitments(sku: "A", location: "default", minimumOnHand: 6))

        let accepted = harness.apply(.setStock(SetStock(store: store, sku: "A", onHand: 4)))
        #expect(accepted.stockRecord?.levels == StockLevels(onHand: 4, reserved: 7, backorderLimit: 3))
    }

    // MARK: adjustStock

    @Test func adjustStockAddsAndRemovesOnHand() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 10, at: "east")

        let added = harness.apply(adjustCommand("A", by: 5, at: "east"))
        #expect(added.lsn == 2)
        #expect(added.stockRecord?.levels == StockLevels(onHand: 15))
        #expect(added.stockRecord?.location == "east")

        let removed = harness.apply(adjustCommand("A", by: -15, at: "east"))
        #expect(removed.stockRecord?.levels == StockLevels(onHand: 0))
        #expect(harness.levels("A", at: "east") == StockLevels(onHand: 0))
    }

    @Test func adjustStockNeedsAnExistingRecord() {
        var harness = Harness()
        #expect(harness.apply(adjustCommand("A", by: 1)).error == .unknownStore(store: store))

        harness.setStock("A", onHand: 1)
        harness.setStock("B", onHand: 1, at: "east")
        #expect(harness.apply(adjustCommand("Z", by: 1)).error == .unknownSKU(sku: "Z"))
        // The location exists in the store but A has no record there.
        #expect(
            harness.apply(adjustCommand("A", by: 1, at: "east")).error == .unknownLocation(sku: "A", location: "east"))
        // The location does not exist at all.
        #expect(
            harness.apply(adjustCommand("A", by: 1, at: "north")).error == .unknownLocation(sku: "A", location: "north")
        )
        // B has no record at the default location.
        #expect(harness.apply(adjustCommand("B", by: 1)).error == .unknownLocation(sku: "B", location: "default"))
    }

    @Test func adjustStockRefusesNegativeOnHand() {
        var harness = Harness()
        harness.setStock("A", onHand: 5, backorder: 10)
        let applied = harness.apply(adjustCommand("A", by: -6))
        #expect(applied.error == .stockBelowCommitments(sku: "A", location: "default", minimumOnHand: 0))
        #expect(applied.lsn == nil)
        #expect(harness.levels("A")?.onHand == 5)
    }

    @Test func adjustStockRefusesSellableBelowZero() {
        var harness = Harness()
        harness.setStock("A", onHand: 10, safety: 2)
        harness.reserve("r1", [line("A", 5)])
        let applied = harness.apply(adjustCommand("A", by: -4))
        #expect(applied.error == .stockBelowCommitments(sku: "A", location: "default", minimumOnHand: 7))
        #expect(harness.apply(adjustCommand("A", by: -3)).stockRecord?.levels.available == 0)
    }

    @Test func adjustStockRefusesOnHandAboveTheMaximum() {
        var harness = Harness()
        harness.setStock("A", onHand: Limits.quantityMax - 1)
        let applied = harness.apply(adjustCommand("A", by: 2))
        #expect(applied.error == .quantityOutOfRange(field: "onHand", value: Limits.quantityMax + 1))
        #expect(harness.apply(adjustCommand("A", by: 1)).stockRecord?.levels.onHand == Limits.quantityMax)
    }

    // MARK: setLocationPriority

    @Test func setLocationPriorityPutsNamedLocationsFirstAndKeepsTheRestInOrder() {
        var harness = Harness()
        harness.setStock("A", onHand: 1, at: "east")
        harness.setStock("A", onHand: 1, at: "west")

        let first = harness.apply(priorityCommand(["west"]))
        #expect(first.locationPriority == ["west", "default", "east"])
        #expect(first.lsn == 3)

        // New names are created, in the given order, before the others.
        let second = harness.apply(priorityCommand(["north", "east"]))
        #expect(second.locationPriority == ["north", "east", "west", "default"])

        // A location created later by setStock goes last.
        harness.setStock("A", onHand: 1, at: "south")
        #expect(
            harness.succeed(priorityCommand([]))?.locationPriority == ["north", "east", "west", "default", "south"])
    }

    @Test func setLocationPriorityCreatesTheStore() {
        var harness = Harness()
        let applied = harness.apply(priorityCommand(["east"]))
        #expect(applied.locationPriority == ["east", "default"])
        #expect(applied.lsn == 1)
        // The store now exists, so unknown SKUs are named instead of the store.
        #expect(harness.apply(.getStock(StockQuery(store: store, sku: "A"))).error == .unknownSKU(sku: "A"))
        #expect(harness.apply(reserveCommand("r1", [line("A", 1)])).error == .unknownSKU(sku: "A"))
    }

    @Test func setLocationPriorityRefusesDuplicates() {
        var harness = Harness()
        harness.setStock("A", onHand: 1)
        let applied = harness.apply(priorityCommand(["east", "default", "east"]))
        #expect(applied.error == .invalidArgument(field: "locations", reason: "names a location twice"))
        #expect(harness.succeed(priorityCommand([]))?.locationPriority == ["default"])
    }

    // MARK: getStock

    @Test func getStockListsLocationsInPriorityOrderWithTotals() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 10, safety: 1, threshold: 2, backorder: 3)
        harness.setStock("A", onHand: 20, at: "east", safety: 4, threshold: 5, backorder: 6)
        harness.setStock("B", onHand: 99, at: "west")
        harness.reserve("r1", [line("A", 3, at: "east")])
        harness.placeOrder("o1", [priced("A", 2, price: 1)])

        let before = try #require(harness.apply(.getStock(StockQuery(store: store, sku: "A"))).stock)
        #expect(before.sku == "A")
        #expect(
            before.locations == [
                LocationStock(
                    location: "default",
                    levels: StockLevels(
                        onHand: 10, committed: 2, safetyStock: 1, lowStockThreshold: 2, backorderLimit: 3)),
                LocationStock(
                    location: "east",
                    levels: StockLevels(
                        onHand: 20, reserved: 3, safetyStock: 4, lowStockThreshold: 5, backorderLimit: 6)),
            ])
        #expect(
            before.totals
                == StockLevels(
                    onHand: 30, reserved: 3, committed: 2, safetyStock: 5, lowStockThreshold: 7, backorderLimit: 9))

        harness.succeed(priorityCommand(["east"]))
        let after = try #require(harness.apply(.getStock(StockQuery(store: store, sku: "A"))).stock)
        #expect(after.locations.map(\.location) == ["east", "default"])
        #expect(after.totals == before.totals)
    }

    @Test func getStockOfUnknownThings() {
        var harness = Harness()
        let query = Command.getStock(StockQuery(store: store, sku: "A"))
        #expect(harness.apply(query).error == .unknownStore(store: store))
        harness.setStock("B", onHand: 1)
        let applied = harness.apply(query)
        #expect(applied.error == .unknownSKU(sku: "A"))
        #expect(applied.lsn == nil)
    }

    // MARK: checkAvailability

    @Test func checkAvailabilityAnswersSellablePerLine() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 10, safety: 2, backorder: 3)
        harness.setStock("A", onHand: 4, at: "east")
        harness.setStock("B", onHand: 0, at: "east")
        harness.reserve("r1", [line("A", 1, at: "east")])

        let applied = harness.apply(
            .checkAvailability(
                AvailabilityQuery(
                    store: store,
                    lines: [
                        line("A", 11), line("A", 15), line("A", 12, at: "default"), line("A", 4, at: "east"),
                        line("A", 1, at: "west"), line("B", 1), line("Z", 1),
                    ])))
        #expect(applied.lsn == nil)
        let answers = try #require(applied.availability)
        #expect(
            answers == [
                // Summed over locations: (10 − 2 + 3) + (4 − 1) = 14. Lines are independent.
                LineAvailability(sku: "A", location: nil, requested: 11, available: 14, satisfiable: true),
                LineAvailability(sku: "A", location: nil, requested: 15, available: 14, satisfiable: false),
                LineAvailability(sku: "A", location: "default", requested: 12, available: 11, satisfiable: false),
                LineAvailability(sku: "A", location: "east", requested: 4, available: 3, satisfiable: false),
                LineAvailability(sku: "A", location: "west", requested: 1, available: 0, satisfiable: false),
                LineAvailability(sku: "B", location: nil, requested: 1, available: 0, satisfiable: false),
                LineAvailability(sku: "Z", location: nil, requested: 1, available: 0, satisfiable: false),
            ])
    }

    @Test func checkAvailabilityOfAFullyBackorderedRecordIsZero() throws {
        var harness = Harness()
        // The whole backorder allowance is sold: available is −5, sellable 0.
        harness.setStock("A", onHand: 2, backorder: 5)
        harness.reserve("r1", [line("A", 7)])
        harness.setStock("A", onHand: 5, at: "east")
        let answers = try #require(
            harness.apply(
                .checkAvailability(AvailabilityQuery(store: store, lines: [line("A", 5), line("A", 1, at: "default")]))
            )
            .availability)
        #expect(answers.map(\.available) == [5, 0])
        #expect(answers.map(\.satisfiable) == [true, false])
    }

    @Test func checkAvailabilityInAnUnknownStore() {
        var harness = Harness()
        let applied = harness.apply(.checkAvailability(AvailabilityQuery(store: store, lines: [line("A", 1)])))
        #expect(applied.error == .unknownStore(store: store))
    }

    // MARK: Allocation

    @Test func lineWithoutLocationTakesAvailableInPriorityOrderThenBackorder() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 3, at: "east", backorder: 2)
        harness.setStock("A", onHand: 5, at: "west", backorder: 4)
        harness.succeed(priorityCommand(["east", "west"]))

        let view = try #require(harness.apply(reserveCommand("r1", [line("A", 11)])).reservation)
        // Available first: 3 at east, 5 at west; then backorder in priority order: 2 at east, 1 at west.
        #expect(view.quantities(of: "A") == ["east": 5, "west": 6])
        #expect(harness.levels("A", at: "east") == StockLevels(onHand: 3, reserved: 5, backorderLimit: 2))
        #expect(harness.levels("A", at: "west") == StockLevels(onHand: 5, reserved: 6, backorderLimit: 4))
    }

    @Test func lineWithoutLocationFollowsThePriorityOrder() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 5, at: "east")
        harness.setStock("A", onHand: 5, at: "west")
        harness.succeed(priorityCommand(["west"]))

        let view = try #require(harness.apply(reserveCommand("r1", [line("A", 7)])).reservation)
        #expect(
            Array(view.allocations) == [
                LineAllocation(sku: "A", location: "west", quantity: 5),
                LineAllocation(sku: "A", location: "east", quantity: 2),
            ])
    }

    @Test func availableIsTakenEverywhereBeforeAnyBackorder() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 1, at: "east", backorder: 10)
        harness.setStock("A", onHand: 4, at: "west")
        harness.succeed(priorityCommand(["east", "west"]))

        let view = try #require(harness.apply(reserveCommand("r1", [line("A", 6)])).reservation)
        #expect(view.quantities(of: "A") == ["east": 2, "west": 4])
    }

    @Test func shortLineWithoutLocationReportsTheSellableTotal() {
        var harness = Harness()
        harness.setStock("A", onHand: 3, at: "east", backorder: 1)
        harness.setStock("A", onHand: 5, at: "west", safety: 1)
        let applied = harness.apply(reserveCommand("r1", [line("A", 9)]))
        #expect(applied.error == .insufficientStock(sku: "A", requested: 9, available: 8))
        #expect(harness.levels("A", at: "east")?.reserved == 0)
    }

    @Test func lineWithLocationTakesOnlyFromThatRecord() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 3, at: "east", backorder: 1)
        harness.setStock("A", onHand: 50, at: "west")

        #expect(
            harness.apply(reserveCommand("r1", [line("A", 5, at: "east")])).error
                == .insufficientStock(sku: "A", requested: 5, available: 4))
        #expect(
            harness.apply(reserveCommand("r1", [line("A", 1, at: "default")])).error
                == .unknownLocation(sku: "A", location: "default"))
        #expect(
            harness.apply(reserveCommand("r1", [line("A", 1, at: "north")])).error
                == .unknownLocation(sku: "A", location: "north"))
        let view = try #require(harness.apply(reserveCommand("r1", [line("A", 4, at: "east")])).reservation)
        #expect(Array(view.allocations) == [LineAllocation(sku: "A", location: "east", quantity: 4)])
    }

    @Test func singleLocationStoreUsesTheDefaultRecord() {
        var harness = Harness()
        harness.setStock("A", onHand: 2)
        #expect(
            harness.apply(reserveCommand("r1", [line("A", 3)])).error
                == .insufficientStock(sku: "A", requested: 3, available: 2))
        #expect(harness.apply(reserveCommand("r1", [line("Z", 3)])).error == .unknownSKU(sku: "Z"))
    }

    @Test func repeatedSKUSeesTheEarlierLine() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        let applied = harness.apply(reserveCommand("r1", [line("A", 6), line("A", 6)]))
        #expect(applied.error == .insufficientStock(sku: "A", requested: 6, available: 4))
        #expect(harness.levels("A")?.reserved == 0)

        let fits = harness.apply(reserveCommand("r1", [line("A", 6), line("A", 4)]))
        #expect(fits.reservation?.allocations.map(\.quantity) == [6, 4])
        #expect(harness.levels("A")?.reserved == 10)
    }

    @Test func allocationIsAllOrNothingAndTheFirstFailingLineDecides() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.setStock("B", onHand: 1)
        harness.setStock("C", onHand: 5, at: "east")

        let applied = harness.apply(
            reserveCommand("r1", [line("A", 3), line("C", 2, at: "east"), line("B", 2), line("Z", 1)]))
        #expect(applied.error == .insufficientStock(sku: "B", requested: 2, available: 1))
        #expect(applied.lsn == nil)
        #expect(harness.levels("A")?.reserved == 0)
        #expect(harness.levels("C", at: "east")?.reserved == 0)

        let unknownFirst = harness.apply(reserveCommand("r1", [line("A", 3), line("Z", 1), line("B", 2)]))
        #expect(unknownFirst.error == .unknownSKU(sku: "Z"))
    }

    @Test func failedAllocationReusingFreedLineNodesLeavesNoTrace() {
        var harness = Harness()
        harness.setStock("A", onHand: 10)
        harness.setStock("B", onHand: 1)
        harness.configureCart("k1", holdStock: true)
        harness.addItem("k1", "A", 1)
        harness.addItem("k1", "A", 1)  // re-places the hold, freeing the old line nodes
        // The harness checks that this failure leaves the encoded state unchanged.
        let applied = harness.apply(reserveCommand("r1", [line("A", 2), line("A", 1), line("B", 5)]))
        #expect(applied.error == .insufficientStock(sku: "B", requested: 5, available: 1))
        harness.reserve("r1", [line("A", 2), line("A", 1), line("B", 1)])
        #expect(harness.levels("A")?.reserved == 5)
        harness.expectReplayMatches()
    }

    @Test func backorderPassAddsToTheSameLocationsAllocation() throws {
        var harness = Harness()
        harness.setStock("A", onHand: 2, backorder: 3)
        harness.setStock("A", onHand: 1, at: "east")
        // Available first: 2 at default, 1 at east; then 2 more on default's backorder allowance.
        let applied = harness.apply(reserveCommand("split", [line("A", 5)]))
        let view = try #require(applied.reservation)
        #expect(Array(view.allocations) == [
            LineAllocation(sku: "A", location: "default", quantity: 4),
            LineAllocation(sku: "A", location: "east", quantity: 1),
        ])
        #expect(harness.levels("A") == StockLevels(onHand: 2, reserved: 4, backorderLimit: 3))
        #expect(harness.levels("A", at: "east") == StockLevels(onHand: 1, reserved: 1))
        harness.succeed(releaseCommand("split"))
        #expect(harness.levels("A") == StockLevels(onHand: 2, backorderLimit: 3))
        harness.expectReplayMatches()
    }
}
