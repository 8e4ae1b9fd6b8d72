@testable import Engine

// A deliberately simple reference model of docs/semantics.md: plain dictionaries
// and arrays of structs, linear scans, no interning, no pools. It shares nothing
// with the engine but the public command, result and error types, so a bug has
// to be made twice, independently, to go unnoticed.
//
// Where the semantics page leaves a detail open, the model follows the engine:
// - the order of checks beyond the documented ones (e.g. reserve: capacity before
//   allocation; setStock: commitments before capacity; placeOrder: replay,
//   capacity, totals, then allocation; checkout: order-id replay before the cart
//   lookup, so a retry after the cart is gone still answers);
// - a line without a location that needs both available stock and backorder
//   allowance from one record gets two allocations for that record;
// - a tick purges finished reservations, then finished orders, then request
//   keys, out of one `purgesPerTickMax` budget;
// - `stockBelowCommitments.minimumOnHand` is clamped at 0;
// - `removeCartItem` / `setCartItem` of a SKU the store does not know answer
//   `unknownSKU`; `setCartItem(0)` on an absent cart answers `unknownCart`;
// - fulfilment short of on-hand answers `insufficientStock(requested: the
//   order's total at that record, available: onHand)`;
// - `checkAvailability` at a location the SKU has no record at answers 0;
// - idempotent content is compared as sent: `location: nil` and
//   `location: "default"` are different content;
// - `now` moves only with commands that change state (a query at a later time
//   does not move it), so the state depends on logged commands only;
// - a customer caller: its id is checked first (field "caller"), then whether it
//   may send the command at all (`notOwner(operation, name)`), then the request
//   key; a request key's content includes the customer, so another caller's
//   retry with the same key and content is a conflict;
// - reserve: identifiers, TTL, lines → store → the owner (a customer may name
//   only itself; its reservation is its own) → same id: ownership, then replay
//   or conflict (content as sent: `owner: nil` and the resolved owner differ);
// - confirmReservation: terms → the named customer → reservation (ownership in
//   the lookup) → same order id → active → capacity → list prices → totals;
//   checkoutCart: terms, cart id → the named customer → store → same order id →
//   cart → ownership → not empty → capacity → list prices → totals; placeOrder:
//   terms and lines → the named customer → store → same order id → capacity →
//   list prices → totals; configureCart: customer id, TTL → the named customer
//   → cart (ownership) → capacity; cart lines: SKU → cart (ownership) → known SKU;
//   clearCart of an absent cart succeeds for anyone; getOrder: order, then ownership;
//   listOrders: customer id → the named customer → cursor → limit → store;
// - list prices: tax, shipping, discount must be 0 (the first non-zero in that
//   order); then each SKU once, in line order (a reservation's allocation order,
//   a cart's line order), checked for unknown, unlisted, another currency or a
//   stated price other than the list (the first stated price of the SKU);
//   placeOrder then checks every line's own price again, so a later line of the
//   same SKU at another price is a mismatch after the other SKUs' checks.

/// A name scoped to a store (SKU, reservation, cart, order, customer, request key).
struct ModelKey: Hashable {
    var store: String
    var name: String
}

struct ModelStore {
    /// Every location of the store, in allocation order.
    var locationPriority: [String] = [Limits.defaultLocation]
    /// SKU → location → levels.
    var stock: [String: [String: StockLevels]] = [:]
}

struct ModelReservation {
    /// The request as sent, for retries.
    var request: Reserve
    /// The owner: for a customer's reservation, the customer.
    var owner: String?
    var status: ReservationStatus
    var deadline: Int64
    var finishedAt: Int64
    var allocations: [LineAllocation]
    var orderID: String?
    /// The documented expiry tie-break ("ties by slot") needs the slot number.
    var slot: Int
}

struct ModelHold {
    var allocations: [LineAllocation]
    var deadline: Int64
    var slot: Int
}

struct ModelCart {
    var customerID: String?
    var lines: [CartLine] = []
    var holdStock = false
    var holdTTLSeconds = Limits.cartHoldTTLDefaultSeconds
    var hold: ModelHold?
    /// When and under which LSN the cart last changed (idle-cart retention).
    var touchedAt: Int64 = 0
    var touchedLSN: UInt64 = 0
}

/// What an order was made from: its idempotency content.
enum ModelOrderOrigin: Equatable {
    case placed(PlaceOrder)
    case reservation(String, OrderTerms)
    case cart(String, OrderTerms)
}

struct ModelOrder {
    var origin: ModelOrderOrigin
    /// Who made it (only for coverage counts).
    var placedBy: Caller = .service
    var customerID: String
    var status: OrderStatus
    var lines: [OrderLine]
    var totals: OrderTotals
    var placedAt: Int64
    var reservationID: String?
    var finishedAt: Int64 = 0
}

struct ModelRequestKeyEntry {
    /// The whole command: same store and key, so equal commands mean equal content.
    var command: Command
    /// A customer caller is part of the content.
    var caller: Caller
    var result: CommandResult
    var recordedAt: Int64
}

/// Which bucket an allocation fills.
enum ModelBucket {
    case reserved
    case committed
}

struct ReferenceModel {
    let limits: Limits

    /// The clock: the latest timestamp of a state-changing command.
    var now: Int64 = 0
    var lastLSN: UInt64 = 0
    /// The time the current command runs at: `max(now, timestamp)`.
    var clock: Int64 = 0
    /// Whether the current command has changed state.
    var changed = false
    /// Who the current command acts for.
    var caller: Caller = .service

    var stores: [String: ModelStore] = [:]
    /// The price list: (store, SKU) → list price.
    var prices: [ModelKey: ListedPrice] = [:]
    var skuCount = 0
    var recordCount = 0

    /// Client reservations, active or finished.
    var reservations: [ModelKey: ModelReservation] = [:]
    /// Finished client reservations, in the order they finished.
    var finishedReservations: [ModelKey] = []
    var freeSlots: [Int] = []
    var slotCount = 0

    var carts: [ModelKey: ModelCart] = [:]

    var orders: [ModelKey: ModelOrder] = [:]
    /// Fulfilled and cancelled orders, in the order they finished.
    var finishedOrders: [ModelKey] = []
    /// Order ids of each (store, customer), in placement order.
    var ordersByCustomer: [ModelKey: [String]] = [:]

    var requestKeys: [ModelKey: ModelRequestKeyEntry] = [:]
    /// Recorded keys, oldest first.
    var requestKeyQueue: [ModelKey] = []

    /// How often rare paths ran (evictions, expiry on touch, purges), for coverage reports only.
    var notable: [String: Int] = [:]

    init(limits: Limits) {
        self.limits = limits
    }

    /// Applies one command at `timestamp`; returns the outcome and the LSN it
    /// must get (nil when it changes nothing).
    mutating func apply(_ command: Command, at timestamp: Int64, by caller: Caller = .service) -> (
        outcome: Outcome, lsn: UInt64?
    ) {
        clock = max(now, timestamp)
        changed = false
        self.caller = caller
        let outcome = callerError(command).map { .failure($0) } ?? applyKeyed(command)
        countCallerOutcome(command, outcome)
        self.caller = .service
        guard changed else { return (outcome, nil) }
        now = clock
        lastLSN += 1
        return (outcome, lastLSN)
    }

    // MARK: Dispatch

    mutating func dispatch(_ command: Command) -> Outcome {
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

    /// The store, after checking its name; `unknownStore` if it does not exist.
    func existingStore(_ name: String) -> EngineError? {
        if let error = ModelValidation.identifier(name, field: "store", maxBytes: Limits.storeIDMaxBytes) {
            return error
        }
        return stores[name] == nil ? .unknownStore(store: name) : nil
    }

    func deadline(afterSeconds seconds: Int64) -> Int64 {
        clock + seconds * Limits.nanosecondsPerSecond
    }

    // MARK: Reservation slots (only for the documented expiry tie-break)

    var reservationCount: Int {
        reservations.count + carts.values.filter { $0.hold != nil }.count
    }

    mutating func takeSlot() -> Int {
        if let slot = freeSlots.popLast() { return slot }
        slotCount += 1
        return slotCount - 1
    }

    mutating func freeSlot(_ slot: Int) {
        freeSlots.append(slot)
    }
}
