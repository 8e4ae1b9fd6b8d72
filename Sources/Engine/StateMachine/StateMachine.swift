/// The outcome of a command: its answer, and whether it changed state.
public typealias Outcome = Result<CommandResult, EngineError>

/// What `StateMachine.apply` returns.
public struct AppliedCommand: Sendable, Equatable {
    public var outcome: Outcome
    /// The command's log sequence number if it changed state (and so must be
    /// logged and replayed); nil if it changed nothing.
    public var lsn: UInt64?
}

/// What `StateMachine.replay` returns.
public struct ReplayedCommand: Sendable, Equatable {
    /// The command's LSN if it changed state; nil if it changed nothing.
    public var lsn: UInt64?
    /// Why the command failed, if it did. A failed command can still change
    /// state: one that finds its reservation past the deadline expires it.
    public var error: EngineError?
}

/// The deterministic core of one shard: stock, reservations, carts, orders,
/// idempotency keys and events for any number of stores.
///
/// Pure: no I/O, no clock, no threads. Time enters only as the batch timestamp
/// passed to `apply`. Applying the same logged commands with the same
/// timestamps to the same start state gives byte-identical `encodedState()`.
public struct StateMachine: Sendable {
    public let limits: Limits

    /// LSN of the last command that changed state (0 when none has).
    public private(set) var lastLSN: UInt64 = 0
    /// The batch timestamp of the last command that changed state, in
    /// nanoseconds since the Unix epoch; during `apply`, the current command's
    /// time. Timestamps that go backwards are clamped to it. Commands that change
    /// nothing leave it alone, so the state depends on logged commands only.
    public private(set) var now: Int64 = 0

    var stock = StockTable()
    var lines = LinePool()
    var reservations = ReservationTable()
    var carts = CartTable()
    var orders = OrderTable()
    var idempotency = IdempotencyTable()
    var prices = PriceList()

    /// Who the command being applied acts for; `service` between commands.
    var caller: Caller = .service
    /// What was worked out for the command being applied before it came
    /// (`apply(_:at:by:prepared:)`); `none` between commands.
    var preparation = Preparation.none

    /// Events produced since the caller last drained them, in LSN order. The
    /// shard runtime drains this after every batch (keeping its capacity).
    public var events: [Event] = []

    /// Whether `apply` records events (`replay` never does); the state is the
    /// same either way.
    public var recordsEvents = true

    /// Whether the current command's answer is built: false while `replay`
    /// applies a command without a request key (nobody reads its answer).
    var buildsAnswers = true

    /// LSN the current command gets if it changes state.
    var pendingLSN: UInt64 = 1
    /// Set by `beginChange()` once the current command starts changing state.
    var changed = false

    /// A state machine with no state, its tables sized up front for the
    /// capacities of `limits`, so applying commands never rehashes or
    /// reallocates a table below them. The memory is reserved, not used: the
    /// kernel commits the pages a table fills.
    public init(limits: Limits = .standard) {
        self.limits = limits
        stock = StockTable(limits: limits)
        lines = LinePool(capacity: limits.lineNodesPerShardMax)
        reservations = ReservationTable(capacity: limits.reservationsPerShardMax)
        carts = CartTable(capacity: limits.cartsPerShardMax)
        orders = OrderTable(capacity: limits.ordersPerShardMax)
        idempotency = IdempotencyTable(capacity: limits.idempotencyKeysPerShardMax)
    }

    /// Sets the clock and the last LSN of a state restored by `init(decoding:limits:)`.
    mutating func restoreClock(lastLSN: UInt64, now: Int64) {
        self.lastLSN = lastLSN
        self.now = now
        pendingLSN = lastLSN + 1
    }

    /// Applies one command at the batch time `timestamp` (ns since the Unix epoch)
    /// for `caller`, who decides what the command may touch and which prices apply.
    /// - Parameter prepared: `Preparation.of(command)`, if worked out already
    ///   (the answer is the same either way).
    public mutating func apply(
        _ command: Command, at timestamp: Int64, by caller: Caller = .service, prepared: Preparation = .none
    ) -> AppliedCommand {
        assert(buildsAnswers, "apply answers every command")
        preparation = prepared
        defer { preparation = .none }
        return run(command, at: timestamp, by: caller)
    }

    /// Applies a logged command again, for a caller that reads only its LSN
    /// (recovery): the same state, LSN and clock as `apply`, but no events and
    /// no answer, except for a command with a request key (its answer is kept
    /// as state, for retries).
    public mutating func replay(
        _ command: Command, at timestamp: Int64, by caller: Caller = .service
    ) -> ReplayedCommand {
        let recordedEvents = recordsEvents
        recordsEvents = false
        buildsAnswers = false
        defer {
            recordsEvents = recordedEvents
            buildsAnswers = true
        }
        let applied = run(command, at: timestamp, by: caller)
        switch applied.outcome {
        case .success: return ReplayedCommand(lsn: applied.lsn, error: nil)
        case .failure(let error): return ReplayedCommand(lsn: applied.lsn, error: error)
        }
    }

    /// `apply` and `replay`: validate, change, and an LSN only when state changed.
    private mutating func run(_ command: Command, at timestamp: Int64, by caller: Caller) -> AppliedCommand {
        let committedNow = now
        now = max(now, timestamp)
        pendingLSN = lastLSN + 1  // traps rather than wrap
        changed = false
        let eventCountBefore = events.count

        self.caller = caller
        let outcome: Outcome
        if let error = Validation.caller(caller) {
            outcome = .failure(error)
        } else if case .customer = caller, !command.isOpenToCustomers {
            outcome = .failure(.notOwner(entity: "operation", id: command.operationName))
        } else {
            outcome = dispatchKeyed(command)
        }
        self.caller = .service

        if changed {
            precondition(pendingLSN == lastLSN + 1, "LSNs are consecutive")
            lastLSN = pendingLSN
            return AppliedCommand(outcome: outcome, lsn: pendingLSN)
        }
        assert(events.count == eventCountBefore, "a command that changed nothing produced events")
        now = committedNow
        return AppliedCommand(outcome: outcome, lsn: nil)
    }

    /// Marks the current command as changing state. Called after validation and
    /// before the first write, so a failed command that wrote nothing is not logged.
    mutating func beginChange() {
        changed = true
    }

    /// The answer `build` makes, or a stand-in when nobody reads it (`buildsAnswers`).
    @inline(__always)
    func answer(_ build: () -> CommandResult) -> CommandResult {
        buildsAnswers ? build() : .unread
    }

    @inline(__always)
    mutating func emit(store: Int32, _ kind: EventKind) {
        assert(changed, "events are emitted only by commands that change state")
        guard recordsEvents else { return }
        events.append(Event(lsn: pendingLSN, store: stock.storeName(store), kind: kind))
    }

    // MARK: Dispatch

    /// Runs a command under its request key, if it has one.
    @inline(__always)
    private mutating func dispatchKeyed(_ command: Command) -> Outcome {
        guard let identity = Fingerprint.keyedIdentity(of: command, caller: caller) else { return dispatch(command) }
        if let error = Validation.requestKey(identity.key) { return .failure(error) }
        if let storeIndex = stock.storeIndex(identity.store),
            let entry = idempotency.entry(store: storeIndex, key: identity.key, customer: caller.customerID)
        {
            guard entry.fingerprint == identity.fingerprint, let result = entry.result else {
                return .failure(.idempotencyConflict(key: identity.key))
            }
            return .success(result.replayed())
        }
        // Kept for retries, so built even when replaying.
        buildsAnswers = true
        let outcome = dispatch(command)
        if case .success(let result) = outcome, changed, let storeIndex = stock.storeIndex(identity.store) {
            recordKey(store: storeIndex, key: identity.key, fingerprint: identity.fingerprint, result: result)
        }
        return outcome
    }

    private mutating func recordKey(store: Int32, key: String, fingerprint: UInt64, result: CommandResult) {
        assert(buildsAnswers, "a kept answer is a built one")
        if idempotency.liveCount >= limits.idempotencyKeysPerShardMax {
            _ = idempotency.removeOldest()
        }
        idempotency.record(
            IdempotencyTable.Entry(
                key: ScopedKey(store: store, name: key), customer: caller.customerID, fingerprint: fingerprint,
                result: result, recordedAt: now))
    }

    @inline(__always)
    private mutating func dispatch(_ command: Command) -> Outcome {
        switch command {
        case .advanceTime: advanceTime()
        case .setStock(let command): setStock(command)
        case .adjustStock(let command): adjustStock(command)
        case .setLocationPriority(let command): setLocationPriority(command)
        case .setPrice(let command): setPrice(command)
        case .reserve(let command): reserve(command)
        case .extendReservation(let command): extendReservation(command)
        case .releaseReservation(let command): releaseReservation(command)
        case .confirmReservation(let command): confirmReservation(command)
        case .configureCart(let command): configureCart(command)
        case .addCartItem(let command): addCartItem(command)
        case .setCartItem(let command): setCartItem(command)
        case .removeCartItem(let command): removeCartItem(command)
        case .clearCart(let command): clearCart(command)
        case .checkoutCart(let command): checkoutCart(command)
        case .placeOrder(let command): placeOrder(command)
        case .payOrder(let command): transitionOrder(command, to: .paid)
        case .fulfillOrder(let command): transitionOrder(command, to: .fulfilled)
        case .cancelOrder(let command): transitionOrder(command, to: .cancelled)
        case .getStock(let query): getStock(query)
        case .checkAvailability(let query): checkAvailability(query)
        case .getReservation(let query): getReservation(query)
        case .getCart(let query): getCart(query)
        case .getOrder(let query): getOrder(query)
        case .listOrders(let query): listOrders(query)
        case .getPrice(let query): getPrice(query)
        }
    }

    /// The store's index, or the error for a missing or malformed store id.
    func existingStore(_ store: String) -> Result<Int32, EngineError> {
        if let error = Validation.store(store) { return .failure(error) }
        guard let index = stock.storeIndex(store) else { return .failure(.unknownStore(store: store)) }
        return .success(index)
    }

    /// `seconds` from now, as a batch timestamp.
    func deadline(afterSeconds seconds: Int64) -> Int64 {
        now + seconds * Limits.nanosecondsPerSecond  // traps rather than wrap
    }
}

extension CommandResult {
    /// Stands in for an answer that is not built (see `StateMachine.answer`);
    /// neither `apply` nor `replay` returns it.
    static var unread: CommandResult { .tick(TickReport()) }

    /// The same answer, flagged as repeating an earlier one.
    func replayed() -> CommandResult {
        switch self {
        case .stockRecord(var view):
            view.replayed = true
            return .stockRecord(view)
        case .reservation(var view):
            view.replayed = true
            return .reservation(view)
        case .cart(var view):
            view.replayed = true
            return .cart(view)
        case .order(var view):
            view.replayed = true
            return .order(view)
        case .price(var view):
            view.replayed = true
            return .price(view)
        case .tick, .stock, .locationPriority, .availability, .orders:
            return self
        }
    }
}
