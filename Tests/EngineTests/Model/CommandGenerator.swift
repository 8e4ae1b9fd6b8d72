@testable import Engine

/// One command of a generated workload, the batch timestamp it is applied at
/// and the caller it is applied for.
struct WorkloadStep {
    var command: Command
    var timestamp: Int64
    var caller: Caller = .service
}

/// A reservation, cart or order the workload made, and its owner (customer).
struct GeneratedEntity {
    var store: String
    var id: String
    var owner: String?
}

/// Generates a random but reproducible workload: batches that start with
/// `advanceTime` (as the shard runtime issues it), time that mostly creeps but
/// sometimes jumps hours or weeks (so holds expire and records are purged) or
/// steps back, several stores with several locations, small id pools so ids,
/// keys and orders are reused (idempotent retries with the same and different
/// content), and a sprinkle of invalid input of every kind. About 30 % of the
/// commands come from customers (see `CommandGenerator+Customers.swift`).
struct CommandGenerator {
    /// The capacity limits a seed runs with: small ones in some seeds, so limit
    /// errors and eviction happen, production ones with long time jumps in others.
    static func limits(forSeed seed: UInt64) -> Limits {
        switch seed % 4 {
        case 0:
            Limits(
                storesPerShardMax: 2, skusPerShardMax: 10, stockRecordsPerShardMax: 16, reservationsPerShardMax: 10,
                cartsPerShardMax: 3, ordersPerShardMax: 14, idempotencyKeysPerShardMax: 5,
                idempotencyRetentionSeconds: 3_600, finishedOrderRetentionSeconds: 7_200, expirationsPerTickMax: 2,
                purgesPerTickMax: 3)
        case 1:
            Limits(
                reservationsPerShardMax: 30, cartsPerShardMax: 6, ordersPerShardMax: 40, idempotencyKeysPerShardMax: 20,
                idempotencyRetentionSeconds: 7_200, finishedOrderRetentionSeconds: 14_400, expirationsPerTickMax: 4,
                purgesPerTickMax: 5)
        case 2:
            Limits(expirationsPerTickMax: 1, purgesPerTickMax: 1)
        default:
            .standard
        }
    }

    let limits: Limits
    var random: SeededRandom
    let storeNames: [String]
    let skuNames: [String]
    let locationNames: [String]
    let customerNames: [String]

    /// The true clock; batches may be stamped earlier than it (a clock stepping back).
    var clock: Int64 = 1_700_000_000 * Limits.nanosecondsPerSecond
    var batchTimestamp: Int64 = 0
    var commandsLeftInBatch = 0
    var setupCommands: [Command] = []

    var counter = 0
    var recentReservations: [GeneratedEntity] = []
    var recentOrders: [GeneratedEntity] = []
    var recentCarts: [GeneratedEntity] = []
    var recentKeys: [String] = []
    var recentMutations: [(command: Command, caller: Caller)] = []
    /// The list prices the workload has set, by "store/sku", as the engine answered.
    var listPrices: [String: ListedPrice] = [:]
    var lastCommand: Command?
    var lastCaller = Caller.service
    /// A customer's next step in a journey (or another's attempt on its work), taken soon.
    var followUps: [(command: Command, caller: Caller)] = []
    /// A scripted burst, consumed before random commands (last element first).
    var scriptedCommands: [Command] = []
    /// Whether this seed still has to run the burst that fills a cart past 256 lines.
    var bulkBurstPending: Bool

    init(seed: UInt64) {
        limits = Self.limits(forSeed: seed)
        bulkBurstPending = seed % 4 == 3
        random = SeededRandom(seed: seed &* 0x2545_F491_4F6C_DD1D &+ 1)
        storeNames = Array(["s0", "s1", "s2"].prefix(random.int(1...3)))
        skuNames = (0..<random.int(2...6)).map { "sku\($0)" }
        locationNames = Array([Limits.defaultLocation, "east", "west", "north"].prefix(random.int(1...4)))
        customerNames = (0..<random.int(2...5)).map { "cust\($0)" }
        for store in storeNames {
            for sku in skuNames {
                for location in locationNames where random.chance(0.7) {
                    setupCommands.append(
                        .setStock(SetStock(store: store, sku: sku, location: location, onHand: random.int64(0...30))))
                }
                if random.chance(0.8) {
                    let currency = random.chance(0.9) ? Self.listCurrency : "USD"
                    let price = SetPrice(store: store, sku: sku, currency: currency, unitPriceMinor: random.int64(1...500))
                    setupCommands.append(.setPrice(price))
                }
            }
        }
        setupCommands.reverse()
    }

    /// Tells the generator how the last command it made went, so later commands
    /// mostly name reservations and orders that exist. The outcome is itself
    /// determined by the seed, so the workload stays reproducible.
    mutating func observe(_ outcome: Outcome) {
        guard case .success(let result) = outcome, let command = lastCommand else { return }
        if case .customer(let customer) = lastCaller { scheduleFollowUp(after: command, result: result, by: customer) }
        switch (command, result) {
        case (.reserve(let command), .reservation(let view)) where !view.replayed:
            let reservation = GeneratedEntity(store: command.store, id: command.reservationID, owner: view.owner)
            Self.remember(&recentReservations, reservation)
        case (.placeOrder(let command), .order(let view)) where !view.replayed:
            Self.remember(&recentOrders, GeneratedEntity(store: command.store, id: command.orderID, owner: view.customerID))
        case (.confirmReservation(let command), .order(let view)) where !view.replayed:
            let order = GeneratedEntity(store: command.store, id: command.terms.orderID, owner: view.customerID)
            Self.remember(&recentOrders, order)
        case (.checkoutCart(let command), .order(let view)) where !view.replayed:
            let order = GeneratedEntity(store: command.store, id: command.terms.orderID, owner: view.customerID)
            Self.remember(&recentOrders, order)
            recentCarts.removeAll { $0.store == command.store && $0.id == command.cartID }
        case (.clearCart(let command), .cart(let view)) where !view.replayed:
            recentCarts.removeAll { $0.store == command.store && $0.id == command.cartID }
        case (_, .cart(let view)) where !view.replayed:
            guard let store = command.store else { break }
            recentCarts.removeAll { $0.store == store && $0.id == view.cartID }
            Self.remember(&recentCarts, GeneratedEntity(store: store, id: view.cartID, owner: view.customerID))
        case (.setPrice(let command), .price(let view)):
            listPrices["\(command.store)/\(command.sku)"] = view.listed
        default:
            break
        }
    }

    /// The next command and its timestamp.
    mutating func next() -> WorkloadStep {
        lastCommand = nil
        lastCaller = .service
        if let setup = setupCommands.popLast() {
            lastCommand = setup
            return WorkloadStep(command: setup, timestamp: clock)
        }
        if commandsLeftInBatch == 0 {
            startBatch()
            if random.chance(0.85) { return WorkloadStep(command: .advanceTime, timestamp: batchTimestamp) }
        }
        commandsLeftInBatch -= 1
        if bulkBurstPending && random.chance(0.001) {
            bulkBurstPending = false
            scriptedCommands = bulkBurst().reversed()
        }
        var caller = Caller.service
        let command: Command
        if let scripted = scriptedCommands.popLast() {
            command = scripted
        } else if !followUps.isEmpty && random.chance(0.5) {
            (command, caller) = followUps.removeFirst()
        } else if random.chance(0.3) {
            (command, caller) = customerStep()
        } else {
            command = nextCommand()
        }
        lastCommand = command
        lastCaller = caller
        if command.isMutation {
            recentMutations.append((command, caller))
            if recentMutations.count > 40 { recentMutations.removeFirst() }
        }
        return WorkloadStep(command: command, timestamp: batchTimestamp, caller: caller)
    }

    mutating func startBatch() {
        commandsLeftInBatch = random.int(1...6)
        let millisecond: Int64 = 1_000_000
        let second = Limits.nanosecondsPerSecond
        switch random.weighted([30, 30, 20, 10, 6, 3, 1]) {
        case 0: break
        case 1: clock += random.int64(1...2_000) * millisecond
        case 2: clock += random.int64(2...120) * second
        case 3: clock += random.int64(120...1_200) * second
        case 4: clock += random.int64(1_200...4 * 3_600) * second
        case 5: clock += random.int64(4 * 3_600...30 * 3_600) * second
        default: clock += random.int64(1...35 * 86_400) * second
        }
        batchTimestamp = random.chance(0.03) ? clock - random.int64(1...600) * second : clock
    }

    mutating func nextCommand() -> Command {
        switch random.weighted([8, 5, 2, 12, 4, 4, 6, 3, 6, 3, 2, 1, 4, 7, 4, 3, 2, 3, 2, 2, 1, 1, 2, 4, 2, 3, 1]) {
        case 0: return setStock()
        case 1: return adjustStock()
        case 2: return setLocationPriority()
        case 3: return reserve()
        case 4: return extendReservation()
        case 5: return .releaseReservation(reservationReference())
        case 6: return confirmReservation()
        case 7: return configureCart()
        case 8: return addCartItem()
        case 9: return .setCartItem(SetCartItem(store: store(), cartID: cartID(), sku: sku(), quantity: cartQuantity()))
        case 10: return .removeCartItem(RemoveCartItem(store: store(), cartID: cartID(), sku: sku()))
        case 11: return .clearCart(CartReference(store: store(), cartID: cartID()))
        case 12: return checkoutCart()
        case 13: return placeOrder()
        case 14: return .payOrder(orderTransition())
        case 15: return .fulfillOrder(orderTransition())
        case 16: return .cancelOrder(orderTransition())
        case 17: return .getStock(StockQuery(store: store(), sku: sku()))
        case 18: return .checkAvailability(AvailabilityQuery(store: store(), lines: lineRequests()))
        case 19: return .getReservation(reservationReference())
        case 20: return .getCart(CartReference(store: store(), cartID: cartID()))
        case 21: return .getOrder(orderReference())
        case 22: return listOrders()
        case 23: return recentMutations.isEmpty ? setStock() : random.pick(recentMutations).command
        case 25: return setPrice()
        case 26: return .getPrice(PriceQuery(store: store(), sku: sku()))
        default: return recentMutations.isEmpty ? setStock() : variant(of: random.pick(recentMutations).command)
        }
    }

    /// 257 SKUs, a holding cart filled past its 256 lines, a 256-line (and a
    /// 257-line) reservation, and orders made from both.
    mutating func bulkBurst() -> [Command] {
        let store = storeNames[0]
        let skus = (0...Limits.cartLinesMax).map { "bulk\($0)" }
        let prices = skus.prefix(Limits.pricesPerOrderMax).map { UnitPrice(sku: $0, unitPriceMinor: 7) }
        counter += 1
        let burst = counter
        let orderTerms = { (suffix: String) in
            OrderTerms(orderID: "bulk-order-\(suffix)\(burst)", customerID: "bulk", currency: "EUR", prices: prices)
        }
        let reservationID = "bulk-r\(burst)"
        var commands: [Command] = skus.map { .setStock(SetStock(store: store, sku: $0, onHand: 3)) }
        commands.append(.configureCart(ConfigureCart(store: store, cartID: "bulk-cart", holdStock: true)))
        commands += skus.map { .addCartItem(AddCartItem(store: store, cartID: "bulk-cart", sku: $0, quantity: 1)) }
        commands.append(.reserve(Reserve(store: store, reservationID: reservationID, lines: skus.map { LineRequest(sku: $0, quantity: 1) })))
        let maximal = skus.prefix(Limits.reservationLinesMax).map { LineRequest(sku: $0, quantity: 1) }
        commands.append(.reserve(Reserve(store: store, reservationID: reservationID, lines: maximal)))
        commands.append(.checkoutCart(CheckoutCart(store: store, cartID: "bulk-cart", terms: orderTerms("cart"))))
        commands.append(.confirmReservation(ConfirmReservation(store: store, reservationID: reservationID, terms: orderTerms("r"))))
        return commands
    }
}
