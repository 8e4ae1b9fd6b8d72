import Engine

/// How the funnel's customers ended (and how many are still in it).
struct FunnelCustomerCounts: Sendable, Codable, Equatable {
    var started = 0
    /// Paid and fulfilled.
    var fulfilled = 0
    /// Order cancelled after checkout or confirmation.
    var cancelled = 0
    /// Left before buying: cart cleared or reservation released.
    var abandoned = 0
    /// Checkout or reservation refused for lack of stock.
    var refusedForStock = 0
    /// Stopped by an unexpected error or a lost reply.
    var failed = 0
}

extension FunnelSource {
    func startCustomer(at stage: FunnelStage) {
        let lineCount = 1 + Int(random.next() % 3)
        var skus: [Int32] = []
        sampler.nextDistinct(lineCount, &random, into: &skus)
        for sku in skus { ledger.markTouched(sku) }
        let customer = FunnelCustomer(sequence: nextSequence, stage: stage, skus: skus)
        nextSequence += 1
        let index: Int32
        if let free = freeCustomerSlots.popLast() {
            index = free
            customers[Int(index)] = customer
        } else {
            index = Int32(customers.count)
            customers.append(customer)
        }
        liveCustomers += 1
        customerCounts.started += 1
        ready[stage.rawValue].append(index)
    }

    /// The customer's request at `stage` succeeded: on to its next stage.
    func advance(_ index: Int, after stage: FunnelStage) {
        let skus = customers[index]!.skus
        if stage.takesStock { for sku in skus { ledger.granted(sku) } }
        if stage.returnsStock { for sku in skus { ledger.returned(sku) } }
        switch stage {
        case .configureCart: moveOn(index, to: .addCartItem)
        case .addCartItem:
            customers[index]!.itemsAdded += 1
            if customers[index]!.itemsAdded < skus.count {
                moveOn(index, to: .addCartItem)
            } else {
                moveOn(index, to: chance(abandonProbability) ? .clearCart : .checkoutCart)
            }
        case .checkoutCart, .confirmReservation:
            moveOn(index, to: chance(cancelProbability) ? .cancelOrder : .payOrder)
        case .reserve: moveOn(index, to: chance(abandonProbability) ? .releaseReservation : .confirmReservation)
        case .payOrder: moveOn(index, to: .fulfillOrder)
        case .fulfillOrder: finish(index) { $0.fulfilled += 1 }
        case .cancelOrder: finish(index) { $0.cancelled += 1 }
        case .clearCart:
            if customers[index]!.itemsAdded < skus.count {
                finish(index) { $0.refusedForStock += 1 }
            } else {
                finish(index) { $0.abandoned += 1 }
            }
        case .releaseReservation: finish(index) { $0.abandoned += 1 }
        }
    }

    /// The customer's request at `stage` was refused with `code`: nothing changed on the server.
    func refused(_ index: Int, at stage: FunnelStage, code: UInt16) {
        switch code {
        case ReplyItems.busyCode:
            moveOn(index, to: stage)
        case ReplyItems.journalFailureCode:
            lost(index, at: stage)
        case ReplyItems.insufficientStockCode where stage == .checkoutCart:
            customers[index]!.itemsAdded = 0
            moveOn(index, to: .clearCart)
        case ReplyItems.insufficientStockCode where stage == .reserve:
            finish(index) { $0.refusedForStock += 1 }
        default:
            finish(index) { $0.failed += 1 }
        }
    }

    /// The outcome of the customer's request at `stage` is unknown: the ledger
    /// widens by what it may have done, and the customer stops.
    func lost(_ index: Int, at stage: FunnelStage) {
        let customer = customers[index]!
        if stage.takesStock { for sku in customer.skus { ledger.maybeGranted(sku) } }
        if stage.returnsStock { for sku in customer.skus { ledger.maybeReturned(sku) } }
        if stage == .reserve || stage == .releaseReservation || stage == .confirmReservation {
            uncertainReservations.append(customer.sequence)
        }
        finish(index) { $0.failed += 1 }
    }

    func moveOn(_ index: Int, to stage: FunnelStage) {
        customers[index]!.stage = stage
        ready[stage.rawValue].append(Int32(index))
    }

    func finish(_ index: Int, _ outcome: (inout FunnelCustomerCounts) -> Void) {
        outcome(&customerCounts)
        customers[index] = nil
        freeCustomerSlots.append(Int32(index))
        liveCustomers -= 1
    }

    func count(_ measured: Bool, _ stage: FunnelStage, _ update: (inout OutcomeTally) -> Void) {
        guard measured else { return }
        update(&tally)
        update(&stageTallies[stage.rawValue])
    }

    func chance(_ probability: Double) -> Bool { SKUSampler.unitInterval(random.next()) < probability }
}
