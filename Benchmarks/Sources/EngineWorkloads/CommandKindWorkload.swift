import Engine

/// Steady-state traffic of one command kind, for allocation counts per kind.
///
/// A workload repeats a prebuilt cycle of commands whose effects cancel over
/// the cycle (a value set and set back, an item added and removed, an order
/// placed and cancelled), so after a warm-up of two cycles every table is at
/// the size it keeps: what is measured allocates only if the command itself
/// does. One op is `commandsPerOp` consecutive commands of the cycle — 1 for a
/// kind that can follow itself, 2 or 4 for one that needs a partner (the name
/// says which). Mutations must change state and queries must succeed, or
/// `checkNoUnexpectedOutcomes` traps at teardown.
public struct CommandKindWorkload {
    public let name: String
    public private(set) var driver: EngineDriver
    let cycle: ContiguousArray<Command>
    let commandsPerOp: Int
    let queries: Bool
    var position = 0

    static let store = EngineDriver.store
    static let skuCount = 1_000
    /// Reservations, carts and orders each workload keeps in play.
    static let entityCount = 1_000
    static let capacity = 1 << 14

    init(name: String, commandsPerOp: Int = 1, queries: Bool = false, setUp: (inout EngineDriver) -> [Command]) {
        self.name = name
        self.commandsPerOp = commandsPerOp
        self.queries = queries
        var driver = EngineDriver(
            limits: Limits(reservationsPerShardMax: Self.capacity, ordersPerShardMax: Self.capacity))
        driver.stockSKUs(count: Self.skuCount, onHand: Limits.quantityMax)
        let commands = setUp(&driver)
        precondition(commands.count % commandsPerOp == 0, "\(name): a cycle holds whole ops")
        cycle = ContiguousArray(commands)
        self.driver = driver
    }

    /// Runs the cycle twice: every table reaches the size it keeps. (Not
    /// through `run`, so callgrind's toggle on `run` counts measured ops only.)
    public mutating func warmUp() {
        step(commands: 2 * cycle.count)
    }

    @inline(never)
    public mutating func run(count: Int) {
        step(commands: count * commandsPerOp)
    }

    @inline(__always)
    mutating func step(commands: Int) {
        for _ in 0..<commands {
            let command = cycle[position]
            position += 1
            if position == cycle.count { position = 0 }
            if queries { driver.query(command) } else { driver.apply(command) }
        }
    }

    // MARK: The kinds

    public static let names = [
        "setStock", "adjustStock", "setLocationPriority", "setPrice", "extendReservation",
        "configureCart", "setCartItem", "addCartItem+removeCartItem", "addCartItem+clearCart",
        "placeOrder+cancelOrder", "addCartItem+checkoutCart+payOrder+fulfillOrder",
        "getStock", "checkAvailability", "getReservation", "getCart", "getOrder", "listOrders", "getPrice",
    ]

    public static func make(_ name: String) -> CommandKindWorkload? {
        let store = Self.store
        let sku = EngineDriver.skuName
        let ids = 0..<entityCount
        switch name {
        case "setStock":
            return CommandKindWorkload(name: name) { _ in
                (0..<skuCount).flatMap { index in
                    [1_000, 1_001].map { Command.setStock(SetStock(store: store, sku: sku(index), onHand: $0)) }
                }
            }
        case "adjustStock":
            return CommandKindWorkload(name: name) { _ in
                (0..<skuCount).flatMap { index in
                    [-1, 1].map {
                        Command.adjustStock(AdjustStock(store: store, sku: sku(index), delta: $0, reason: "count"))
                    }
                }
            }
        case "setLocationPriority":
            return CommandKindWorkload(name: name) { driver in
                for location in ["wa", "wb"] {
                    driver.applyChecked(.setStock(SetStock(store: store, sku: sku(0), location: location, onHand: 10)))
                }
                return [["wa", "wb"], ["wb", "wa"]].map { .setLocationPriority(SetLocationPriority(store: store, locations: $0)) }
            }
        case "setPrice":
            return CommandKindWorkload(name: name) { _ in
                (0..<skuCount).flatMap { index in
                    [1_999, 2_099].map {
                        Command.setPrice(SetPrice(store: store, sku: sku(index), currency: "EUR", unitPriceMinor: $0))
                    }
                }
            }
        case "extendReservation":
            return CommandKindWorkload(name: name) { driver in
                for id in ids {
                    driver.applyChecked(
                        .reserve(Reserve(store: store, reservationID: "r\(id)", lines: [LineRequest(sku: sku(id), quantity: 1)])))
                }
                return ids.flatMap { id in
                    [600, 601].map { Command.extendReservation(ExtendReservation(store: store, reservationID: "r\(id)", ttlSeconds: $0)) }
                }
            }
        case "configureCart":
            return CommandKindWorkload(name: name) { driver in
                for id in ids { driver.applyChecked(.configureCart(ConfigureCart(store: store, cartID: "c\(id)"))) }
                return ids.flatMap { id in
                    [600, 601].map {
                        Command.configureCart(ConfigureCart(store: store, cartID: "c\(id)", holdTTLSeconds: $0))
                    }
                }
            }
        case "setCartItem":
            return CommandKindWorkload(name: name) { driver in
                for id in ids {
                    driver.applyChecked(.addCartItem(AddCartItem(store: store, cartID: "c\(id)", sku: sku(id), quantity: 1)))
                }
                return ids.flatMap { id in
                    [2, 1].map { Command.setCartItem(SetCartItem(store: store, cartID: "c\(id)", sku: sku(id), quantity: $0)) }
                }
            }
        case "addCartItem+removeCartItem":
            return CommandKindWorkload(name: name, commandsPerOp: 2) { driver in
                // Each cart keeps one item; the cycle adds a second and removes it.
                for id in ids {
                    driver.applyChecked(.addCartItem(AddCartItem(store: store, cartID: "c\(id)", sku: sku(id), quantity: 1)))
                }
                return ids.flatMap { id -> [Command] in
                    let other = sku((id + 1) % skuCount)
                    return [
                        .addCartItem(AddCartItem(store: store, cartID: "c\(id)", sku: other, quantity: 1)),
                        .removeCartItem(RemoveCartItem(store: store, cartID: "c\(id)", sku: other)),
                    ]
                }
            }
        case "addCartItem+clearCart":
            return CommandKindWorkload(name: name, commandsPerOp: 2) { _ in
                ids.flatMap { id -> [Command] in
                    [
                        .addCartItem(AddCartItem(store: store, cartID: "c\(id)", sku: sku(id), quantity: 1)),
                        .clearCart(CartReference(store: store, cartID: "c\(id)")),
                    ]
                }
            }
        case "placeOrder+cancelOrder":
            return CommandKindWorkload(name: name, commandsPerOp: 2) { _ in
                // Ids cycle through twice the order table: cancelled orders are
                // retained until it is full, then each new one evicts the oldest.
                (0..<(2 * capacity)).flatMap { index -> [Command] in
                    let line = PricedLineRequest(sku: sku(index % skuCount), quantity: 1, unitPriceMinor: 1_999)
                    return [
                        .placeOrder(PlaceOrder(store: store, orderID: "o\(index)", customerID: "u\(index % 100)", lines: [line], currency: "EUR")),
                        .cancelOrder(OrderTransition(store: store, orderID: "o\(index)")),
                    ]
                }
            }
        case "addCartItem+checkoutCart+payOrder+fulfillOrder":
            return CommandKindWorkload(name: name, commandsPerOp: 4) { _ in
                (0..<(2 * capacity)).flatMap { index -> [Command] in
                    let cart = "c\(index % entityCount)"
                    let item = sku(index % skuCount)
                    let terms = OrderTerms(
                        orderID: "o\(index)", customerID: "u\(index % 100)", currency: "EUR",
                        prices: [UnitPrice(sku: item, unitPriceMinor: 1_999)])
                    let order = OrderTransition(store: store, orderID: "o\(index)")
                    return [
                        .addCartItem(AddCartItem(store: store, cartID: cart, sku: item, quantity: 1)),
                        .checkoutCart(CheckoutCart(store: store, cartID: cart, terms: terms)),
                        .payOrder(order), .fulfillOrder(order),
                    ]
                }
            }
        case "getStock":
            return CommandKindWorkload(name: name, queries: true) { _ in
                (0..<skuCount).map { .getStock(StockQuery(store: store, sku: sku($0))) }
            }
        case "checkAvailability":
            return CommandKindWorkload(name: name, queries: true) { _ in
                (0..<skuCount).map {
                    .checkAvailability(AvailabilityQuery(store: store, lines: [LineRequest(sku: sku($0), quantity: 1)]))
                }
            }
        case "getReservation":
            return CommandKindWorkload(name: name, queries: true) { driver in
                for id in ids {
                    driver.applyChecked(
                        .reserve(Reserve(store: store, reservationID: "r\(id)", lines: [LineRequest(sku: sku(id), quantity: 1)])))
                }
                return ids.map { .getReservation(ReservationReference(store: store, reservationID: "r\($0)")) }
            }
        case "getCart":
            return CommandKindWorkload(name: name, queries: true) { driver in
                for id in ids {
                    driver.applyChecked(.addCartItem(AddCartItem(store: store, cartID: "c\(id)", sku: sku(id), quantity: 1)))
                }
                return ids.map { .getCart(CartReference(store: store, cartID: "c\($0)")) }
            }
        case "getOrder", "listOrders":
            return CommandKindWorkload(name: name, queries: true) { driver in
                for id in ids {
                    let line = PricedLineRequest(sku: sku(id), quantity: 1, unitPriceMinor: 1_999)
                    driver.applyChecked(
                        .placeOrder(PlaceOrder(store: store, orderID: "o\(id)", customerID: "u\(id % 100)", lines: [line], currency: "EUR")))
                }
                if name == "listOrders" {
                    return (0..<100).map { .listOrders(OrderListQuery(store: store, customerID: "u\($0)")) }
                }
                return ids.map { .getOrder(OrderReference(store: store, orderID: "o\($0)")) }
            }
        case "getPrice":
            return CommandKindWorkload(name: name, queries: true) { driver in
                for index in 0..<skuCount {
                    driver.applyChecked(.setPrice(SetPrice(store: store, sku: sku(index), currency: "EUR", unitPriceMinor: 1_999)))
                }
                return (0..<skuCount).map { .getPrice(PriceQuery(store: store, sku: sku($0))) }
            }
        default:
            return nil
        }
    }
}
