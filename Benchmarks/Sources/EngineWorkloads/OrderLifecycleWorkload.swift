import Engine

/// Orders through their whole life over prebuilt commands: either
/// `placeOrder → payOrder → fulfillOrder`, or
/// `reserve → confirmReservation → payOrder → fulfillOrder`.
///
/// Order (and reservation) ids cycle through `idPoolSize`, twice the table
/// capacities, as in `ReserveReleaseWorkload`: fulfilled orders are retained
/// until the order table is full, then each new order evicts the oldest.
/// Fulfilment takes stock out of on-hand. Every SKU starts with
/// `Limits.quantityMax` (10^9) units and a run takes well under 10^8 in all, so
/// stock is never replenished, inside or outside the measured loop; a shortfall
/// would fail a command and trap in `checkNoUnexpectedOutcomes`.
public struct OrderLifecycleWorkload {
    public static let orderCapacity = 1 << 16
    public static let idPoolSize = 2 * orderCapacity
    public static let skuCount = 10_000
    public static let customerCount = 10_000
    static let unitPriceMinor: Int64 = 1_999

    struct Steps {
        /// Nil for orders placed directly.
        var reserve: Command?
        var create: Command
        var pay: Command
        var fulfill: Command
    }

    public private(set) var driver: EngineDriver
    let steps: ContiguousArray<Steps>
    var ordersDone = 0

    /// Each order is one line of one unit of a random SKU (of `skuCount`) for a
    /// random customer (of `customerCount`).
    public init(fromReservation: Bool, seed: UInt64) {
        driver = EngineDriver(
            limits: Limits(reservationsPerShardMax: Self.orderCapacity, ordersPerShardMax: Self.orderCapacity))
        driver.stockSKUs(count: Self.skuCount, onHand: Limits.quantityMax)
        var generator = SeededGenerator(seed: seed)
        steps = ContiguousArray(
            (0..<Self.idPoolSize).map { index in
                let sku = EngineDriver.skuName(Int.random(in: 0..<Self.skuCount, using: &generator))
                let customer = "c\(Int.random(in: 0..<Self.customerCount, using: &generator))"
                return Self.steps(index: index, sku: sku, customer: customer, fromReservation: fromReservation)
            })
    }

    private static func steps(index: Int, sku: String, customer: String, fromReservation: Bool) -> Steps {
        let store = EngineDriver.store
        let orderID = "o\(index)"
        let transition = OrderTransition(store: store, orderID: orderID)
        guard fromReservation else {
            let line = PricedLineRequest(sku: sku, quantity: 1, unitPriceMinor: unitPriceMinor)
            return Steps(
                reserve: nil,
                create: .placeOrder(
                    PlaceOrder(store: store, orderID: orderID, customerID: customer, lines: [line], currency: "EUR")),
                pay: .payOrder(transition), fulfill: .fulfillOrder(transition))
        }
        let reservationID = "r\(index)"
        let terms = OrderTerms(
            orderID: orderID, customerID: customer, currency: "EUR",
            prices: [UnitPrice(sku: sku, unitPriceMinor: unitPriceMinor)])
        return Steps(
            reserve: .reserve(
                Reserve(store: store, reservationID: reservationID, lines: [LineRequest(sku: sku, quantity: 1)])),
            create: .confirmReservation(ConfirmReservation(store: store, reservationID: reservationID, terms: terms)),
            pay: .payOrder(transition), fulfill: .fulfillOrder(transition))
    }

    /// `count` orders, each from creation to fulfilment (3 or 4 commands).
    @inline(never)
    public mutating func runOrders(count: Int) {
        for _ in 0..<count { runOneOrder() }
    }

    @inline(__always)
    mutating func runOneOrder() {
        let step = steps[ordersDone & (Self.idPoolSize - 1)]
        if let reserve = step.reserve { driver.apply(reserve) }
        driver.apply(step.create)
        driver.apply(step.pay)
        driver.apply(step.fulfill)
        ordersDone &+= 1
    }

    /// Twice through every id: the order and reservation tables are full and
    /// evicting before anything is measured.
    public mutating func warmUp() {
        for _ in 0..<(2 * Self.idPoolSize) { runOneOrder() }
        driver.checkNoUnexpectedOutcomes("warm-up")
    }
}
