import Testing

@testable import Engine

/// The store most tests work in.
let store = "s1"
/// Nanoseconds per second, for deadlines.
let second = Limits.nanosecondsPerSecond

/// A state machine driven at a controllable clock. Every `apply` checks, after
/// the command, what must hold for any command:
///
/// - `checkInvariants()` is empty;
/// - a command with an LSN got the next one, emitted at least one event (a
///   tick that only purged emits none), and every event carries that LSN;
/// - a command without an LSN emitted nothing and left the state (apart from
///   the clock) byte-identical.
///
/// Logged commands are kept with their timestamps so `expectReplayMatches()`
/// can rebuild the state from them.
struct Harness {
    /// A fixed, realistic start time (2023-11-14T22:13:20Z).
    static let start: Int64 = 1_700_000_000 * second

    private(set) var machine: StateMachine
    /// The batch timestamp the next command is applied at.
    var clock: Int64
    /// The events the last `apply` produced.
    private(set) var lastEvents: [Event] = []
    /// Every logged command with its timestamp, in LSN order.
    private(set) var log: [(command: Command, timestamp: Int64, caller: Caller)] = []

    init(limits: Limits = .standard, clock: Int64 = Harness.start) {
        machine = StateMachine(limits: limits)
        self.clock = clock
    }

    var limits: Limits { machine.limits }

    mutating func advance(seconds: Int64) { clock += seconds * second }
    mutating func advance(nanoseconds: Int64) { clock += nanoseconds }

    /// Applies `command` at `clock` and checks what every command must satisfy.
    @discardableResult
    mutating func apply(
        _ command: Command, by caller: Caller = .service, sourceLocation: SourceLocation = #_sourceLocation
    ) -> AppliedCommand {
        let stateBefore = stateBefore(at: clock)
        let lastLSNBefore = machine.lastLSN
        let eventCountBefore = machine.events.count

        let applied = machine.apply(command, at: clock, by: caller)

        lastEvents = Array(machine.events[eventCountBefore...])
        let violations = machine.checkInvariants()
        #expect(violations == [], "invariants broken after \(command)", sourceLocation: sourceLocation)
        if let lsn = applied.lsn {
            log.append((command, clock, caller))
            #expect(lsn == lastLSNBefore + 1, "LSNs are consecutive", sourceLocation: sourceLocation)
            #expect(machine.lastLSN == lsn, sourceLocation: sourceLocation)
            // Purging retained records is housekeeping with no event kind of its own.
            let purgeOnlyTick = command == .advanceTime && applied.tick?.expiredReservations == 0
            if !purgeOnlyTick {
                #expect(!lastEvents.isEmpty, "a logged command emits events", sourceLocation: sourceLocation)
            }
            #expect(lastEvents.allSatisfy { $0.lsn == lsn }, "events carry their LSN", sourceLocation: sourceLocation)
        } else {
            #expect(lastEvents.isEmpty, "an unlogged command emits nothing", sourceLocation: sourceLocation)
            #expect(machine.lastLSN == lastLSNBefore, sourceLocation: sourceLocation)
            #expect(
                machine.encodedState() == stateBefore, "an unlogged command changes nothing",
                sourceLocation: sourceLocation)
        }
        return applied
    }

    /// Applies `command`, records an issue unless it succeeds, and returns its answer.
    @discardableResult
    mutating func succeed(
        _ command: Command, by caller: Caller = .service, sourceLocation: SourceLocation = #_sourceLocation
    ) -> CommandResult? {
        let applied = apply(command, by: caller, sourceLocation: sourceLocation)
        switch applied.outcome {
        case .success(let result): return result
        case .failure(let error):
            Issue.record("expected success of \(command), got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// Rebuilds the state from the logged commands and compares the encodings.
    func expectReplayMatches(sourceLocation: SourceLocation = #_sourceLocation) {
        var replica = StateMachine(limits: machine.limits)
        for entry in log { _ = replica.apply(entry.command, at: entry.timestamp, by: entry.caller) }
        #expect(replica.encodedState() == machine.encodedState(), sourceLocation: sourceLocation)
    }

    /// The current state encoded as it would be with the clock moved to `timestamp`
    /// and nothing else changed: a copy answers a query that fails validation.
    private func stateBefore(at timestamp: Int64) -> [UInt8] {
        var probe = machine
        let answer = probe.apply(.getStock(StockQuery(store: "", sku: "-")), at: timestamp)
        precondition(answer.lsn == nil && probe.events.count == machine.events.count)
        return probe.encodedState()
    }

    // MARK: Setup shortcuts (they expect success)

    mutating func setStock(
        _ sku: String, onHand: Int64? = nil, at location: String? = nil, safety: Int64? = nil,
        threshold: Int64? = nil, backorder: Int64? = nil, in storeName: String = store,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        succeed(
            .setStock(
                SetStock(
                    store: storeName, sku: sku, location: location, onHand: onHand, safetyStock: safety,
                    lowStockThreshold: threshold, backorderLimit: backorder)),
            sourceLocation: sourceLocation)
    }

    mutating func reserve(
        _ id: String, _ lines: [LineRequest], ttlSeconds: Int64 = Limits.reservationTTLDefaultSeconds,
        owner: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        succeed(
            .reserve(Reserve(store: store, reservationID: id, lines: lines, ttlSeconds: ttlSeconds, owner: owner)),
            sourceLocation: sourceLocation)
    }

    mutating func placeOrder(
        _ id: String, _ lines: [PricedLineRequest], customer: String = "c1",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        succeed(
            .placeOrder(PlaceOrder(store: store, orderID: id, customerID: customer, lines: lines, currency: "EUR")),
            sourceLocation: sourceLocation)
    }

    mutating func addItem(
        _ cart: String, _ sku: String, _ quantity: Int64, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        succeed(
            .addCartItem(AddCartItem(store: store, cartID: cart, sku: sku, quantity: quantity)),
            sourceLocation: sourceLocation)
    }

    mutating func configureCart(
        _ cart: String, holdStock: Bool, holdTTLSeconds: Int64 = Limits.cartHoldTTLDefaultSeconds,
        customer: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        succeed(
            .configureCart(
                ConfigureCart(
                    store: store, cartID: cart, customerID: customer, holdStock: holdStock,
                    holdTTLSeconds: holdTTLSeconds)),
            sourceLocation: sourceLocation)
    }

    // MARK: Reads (queries; they change nothing)

    /// The levels of `sku` at `location`, or nil when it has no record there.
    mutating func levels(
        _ sku: String, at location: String = Limits.defaultLocation, in storeName: String = store,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> StockLevels? {
        let view = apply(.getStock(StockQuery(store: storeName, sku: sku)), sourceLocation: sourceLocation).stock
        return view?.locations.first { $0.location == location }?.levels
    }

    mutating func reservation(
        _ id: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> ReservationView? {
        apply(.getReservation(ReservationReference(store: store, reservationID: id)), sourceLocation: sourceLocation)
            .reservation
    }

    mutating func cart(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) -> CartView? {
        apply(.getCart(CartReference(store: store, cartID: id)), sourceLocation: sourceLocation).cart
    }

    mutating func order(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) -> OrderView? {
        apply(.getOrder(OrderReference(store: store, orderID: id)), sourceLocation: sourceLocation).order
    }

    mutating func getOrderError(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) -> EngineError? {
        apply(.getOrder(OrderReference(store: store, orderID: id)), sourceLocation: sourceLocation).error
    }

    /// The kinds of the events the last command emitted.
    var lastEventKinds: [EventKind] { lastEvents.map(\.kind) }
}

// MARK: - Command shortcuts

func line(_ sku: String, _ quantity: Int64, at location: String? = nil) -> LineRequest {
    LineRequest(sku: sku, location: location, quantity: quantity)
}

func priced(_ sku: String, _ quantity: Int64, price: Int64, at location: String? = nil) -> PricedLineRequest {
    PricedLineRequest(sku: sku, location: location, quantity: quantity, unitPriceMinor: price)
}

func terms(
    _ orderID: String, prices: [String: Int64], customer: String = "c1", currency: String = "EUR", tax: Int64 = 0,
    shipping: Int64 = 0, discount: Int64 = 0
) -> OrderTerms {
    OrderTerms(
        orderID: orderID, customerID: customer, currency: currency,
        prices: prices.keys.sorted().map { UnitPrice(sku: $0, unitPriceMinor: prices[$0]!) }, taxMinor: tax,
        shippingMinor: shipping, discountMinor: discount)
}

func reserveCommand(
    _ id: String, _ lines: [LineRequest], ttlSeconds: Int64 = Limits.reservationTTLDefaultSeconds, owner: String? = nil
) -> Command {
    .reserve(Reserve(store: store, reservationID: id, lines: lines, ttlSeconds: ttlSeconds, owner: owner))
}

func placeOrderCommand(
    _ id: String, _ lines: [PricedLineRequest], customer: String = "c1", currency: String = "EUR", tax: Int64 = 0,
    shipping: Int64 = 0, discount: Int64 = 0
) -> Command {
    .placeOrder(
        PlaceOrder(
            store: store, orderID: id, customerID: customer, lines: lines, currency: currency, taxMinor: tax,
            shippingMinor: shipping, discountMinor: discount))
}

func confirmCommand(_ reservationID: String, _ terms: OrderTerms) -> Command {
    .confirmReservation(ConfirmReservation(store: store, reservationID: reservationID, terms: terms))
}

func checkoutCommand(_ cartID: String, _ terms: OrderTerms) -> Command {
    .checkoutCart(CheckoutCart(store: store, cartID: cartID, terms: terms))
}

func extendCommand(_ id: String, ttlSeconds: Int64, requestKey: String? = nil) -> Command {
    .extendReservation(
        ExtendReservation(store: store, reservationID: id, ttlSeconds: ttlSeconds, requestKey: requestKey))
}

func releaseCommand(_ id: String) -> Command {
    .releaseReservation(ReservationReference(store: store, reservationID: id))
}

func payCommand(_ id: String, requestKey: String? = nil) -> Command {
    .payOrder(OrderTransition(store: store, orderID: id, requestKey: requestKey))
}

func fulfillCommand(_ id: String, requestKey: String? = nil) -> Command {
    .fulfillOrder(OrderTransition(store: store, orderID: id, requestKey: requestKey))
}

func cancelCommand(_ id: String, requestKey: String? = nil) -> Command {
    .cancelOrder(OrderTransition(store: store, orderID: id, requestKey: requestKey))
}

func addItemCommand(_ cart: String, _ sku: String, _ quantity: Int64, requestKey: String? = nil) -> Command {
    .addCartItem(AddCartItem(store: store, cartID: cart, sku: sku, quantity: quantity, requestKey: requestKey))
}

func setItemCommand(_ cart: String, _ sku: String, _ quantity: Int64) -> Command {
    .setCartItem(SetCartItem(store: store, cartID: cart, sku: sku, quantity: quantity))
}

func removeItemCommand(_ cart: String, _ sku: String) -> Command {
    .removeCartItem(RemoveCartItem(store: store, cartID: cart, sku: sku))
}

func clearCartCommand(_ cart: String) -> Command {
    .clearCart(CartReference(store: store, cartID: cart))
}

func adjustCommand(
    _ sku: String, by delta: Int64, at location: String? = nil, reason: String = "recount", requestKey: String? = nil
) -> Command {
    .adjustStock(
        AdjustStock(store: store, sku: sku, location: location, delta: delta, reason: reason, requestKey: requestKey))
}

func priorityCommand(_ locations: [String], requestKey: String? = nil, in storeName: String = store) -> Command {
    .setLocationPriority(SetLocationPriority(store: storeName, locations: locations, requestKey: requestKey))
}

// MARK: - Reading answers

extension AppliedCommand {
    var error: EngineError? {
        if case .failure(let error) = outcome { error } else { nil }
    }

    var result: CommandResult? {
        if case .success(let result) = outcome { result } else { nil }
    }

    var reservation: ReservationView? { result?.reservation }
    var cart: CartView? { result?.cart }
    var order: OrderView? { result?.order }
    var stockRecord: StockRecordView? { result?.stockRecord }
    var stock: StockView? { result?.stock }
    var tick: TickReport? { result?.tick }
    var locationPriority: [String]? { result?.locationPriority }
    var availability: [LineAvailability]? { result?.availability }
    var orderPage: OrderPage? { result?.orderPage }
    var priceView: PriceView? { result?.priceView }
}

extension CommandResult {
    var priceView: PriceView? {
        if case .price(let view) = self { view } else { nil }
    }

    var reservation: ReservationView? {
        if case .reservation(let view) = self { view } else { nil }
    }

    var cart: CartView? {
        if case .cart(let view) = self { view } else { nil }
    }

    var order: OrderView? {
        if case .order(let view) = self { view } else { nil }
    }

    var stockRecord: StockRecordView? {
        if case .stockRecord(let view) = self { view } else { nil }
    }

    var stock: StockView? {
        if case .stock(let view) = self { view } else { nil }
    }

    var tick: TickReport? {
        if case .tick(let report) = self { report } else { nil }
    }

    var locationPriority: [String]? {
        if case .locationPriority(let names) = self { names } else { nil }
    }

    var availability: [LineAvailability]? {
        if case .availability(let lines) = self { lines } else { nil }
    }

    var orderPage: OrderPage? {
        if case .orders(let page) = self { page } else { nil }
    }
}

extension ReservationView {
    /// Allocated quantity per location (a line may be split over several allocations).
    func quantities(of sku: String) -> [String: Int64] {
        allocations.filter { $0.sku == sku }.reduce(into: [:]) { $0[$1.location, default: 0] += $1.quantity }
    }
}

extension OrderView {
    /// Committed quantity per location of one SKU.
    func quantities(of sku: String) -> [String: Int64] {
        lines.filter { $0.sku == sku }.reduce(into: [:]) { $0[$1.location, default: 0] += $1.quantity }
    }
}
