/// Every error the engine (and the runtime around it) can answer with.
///
/// Each case has a stable numeric `code` shared by the wire protocol and the
/// REST API; codes are never reused or renumbered. A failed command changes
/// nothing, with one documented exception: a command that touches a reservation
/// past its deadline expires it first (see `reservationExpired`).
public enum EngineError: Error, Sendable, Equatable {
    // 1xx: malformed or out-of-range input.
    /// An identifier is empty, too long, or not valid UTF-8 text.
    case invalidIdentifier(field: String, reason: String)
    /// A quantity is zero, negative or above `Limits.quantityMax` where that is not allowed.
    case quantityOutOfRange(field: String, value: Int64)
    /// A money amount is negative, above `Limits.amountMinorMax`, or a total overflows.
    case amountOutOfRange(field: String, value: Int64)
    /// Too many (or zero) lines in one request.
    case lineCountOutOfRange(count: Int, max: Int)
    /// A TTL outside `Limits.reservationTTLMinSeconds ... reservationTTLMaxSeconds`.
    case ttlOutOfRange(seconds: Int64)
    /// A currency that is not three upper-case ASCII letters (ISO 4217 form).
    case invalidCurrency(String)
    /// Any other argument that cannot be accepted; `reason` says why.
    case invalidArgument(field: String, reason: String)

    // 2xx: unknown things.
    case unknownStore(store: String)
    case unknownSKU(sku: String)
    case unknownLocation(sku: String, location: String)
    case unknownReservation(id: String)
    case unknownCart(id: String)
    case unknownOrder(id: String)

    // 3xx: the request is well-formed but the state does not allow it.
    /// Not enough sellable stock for a line; `available` counts the backorder allowance.
    case insufficientStock(sku: String, requested: Int64, available: Int64)
    /// A stock change would push `onHand` below zero or `available` below `-backorderLimit`.
    case stockBelowCommitments(sku: String, location: String, minimumOnHand: Int64)
    /// The reservation exists but is released, confirmed or expired.
    case reservationNotActive(id: String, status: ReservationStatus)
    /// The reservation's deadline has passed; it has now been expired.
    case reservationExpired(id: String)
    case invalidTransition(orderID: String, from: OrderStatus, to: OrderStatus)
    case cartEmpty(cartID: String)
    case missingPrice(sku: String)
    /// The key (or entity id) was used before with different content.
    case idempotencyConflict(key: String)
    case limitReached(CapacityLimit)
    /// A customer caller acted on a cart, reservation or order of someone else
    /// (or of no one: anonymous carts and service reservations).
    case notOwner(entity: String, id: String)
    /// A customer stated a price other than the store's list price.
    case priceMismatch(sku: String, listed: ListedPrice)

    // 4xx: the runtime.
    /// The shard's queue is full; retry later with the same id or key.
    case busy
    /// The runtime is stopping and takes no new work.
    case shuttingDown
    /// The journal could not make the batch durable; the result is unknown to the caller.
    case journalFailure(reason: String)

    /// The stable numeric code of this error (wire protocol and REST `code`).
    public var code: UInt16 {
        switch self {
        case .invalidIdentifier: 100
        case .quantityOutOfRange: 101
        case .amountOutOfRange: 102
        case .lineCountOutOfRange: 103
        case .ttlOutOfRange: 104
        case .invalidCurrency: 105
        case .invalidArgument: 106
        case .unknownStore: 200
        case .unknownSKU: 201
        case .unknownLocation: 202
        case .unknownReservation: 203
        case .unknownCart: 204
        case .unknownOrder: 205
        case .insufficientStock: 300
        case .stockBelowCommitments: 301
        case .reservationNotActive: 302
        case .reservationExpired: 303
        case .invalidTransition: 304
        case .cartEmpty: 305
        case .missingPrice: 306
        case .idempotencyConflict: 307
        case .limitReached: 308
        case .notOwner: 309
        case .priceMismatch: 310
        case .busy: 400
        case .shuttingDown: 401
        case .journalFailure: 402
        }
    }

    /// The stable symbolic name of this error (REST problem `code`, logs).
    public var name: String {
        switch self {
        case .invalidIdentifier: "INVALID_IDENTIFIER"
        case .quantityOutOfRange: "QUANTITY_OUT_OF_RANGE"
        case .amountOutOfRange: "AMOUNT_OUT_OF_RANGE"
        case .lineCountOutOfRange: "LINE_COUNT_OUT_OF_RANGE"
        case .ttlOutOfRange: "TTL_OUT_OF_RANGE"
        case .invalidCurrency: "INVALID_CURRENCY"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .unknownStore: "UNKNOWN_STORE"
        case .unknownSKU: "UNKNOWN_SKU"
        case .unknownLocation: "UNKNOWN_LOCATION"
        case .unknownReservation: "UNKNOWN_RESERVATION"
        case .unknownCart: "UNKNOWN_CART"
        case .unknownOrder: "UNKNOWN_ORDER"
        case .insufficientStock: "INSUFFICIENT_STOCK"
        case .stockBelowCommitments: "STOCK_BELOW_COMMITMENTS"
        case .reservationNotActive: "RESERVATION_NOT_ACTIVE"
        case .reservationExpired: "RESERVATION_EXPIRED"
        case .invalidTransition: "INVALID_TRANSITION"
        case .cartEmpty: "CART_EMPTY"
        case .missingPrice: "MISSING_PRICE"
        case .idempotencyConflict: "IDEMPOTENCY_CONFLICT"
        case .limitReached: "LIMIT_REACHED"
        case .notOwner: "NOT_OWNER"
        case .priceMismatch: "PRICE_MISMATCH"
        case .busy: "BUSY"
        case .shuttingDown: "SHUTTING_DOWN"
        case .journalFailure: "JOURNAL_FAILURE"
        }
    }
}

extension EngineError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidIdentifier(let field, let reason): "\(field): \(reason)"
        case .quantityOutOfRange(let field, let value):
            "\(field) \(value) is out of range 1...\(Limits.quantityMax)"
        case .amountOutOfRange(let field, let value):
            "\(field) \(value) is out of range 0...\(Limits.amountMinorMax)"
        case .lineCountOutOfRange(let count, let max): "\(count) lines; allowed 1...\(max)"
        case .ttlOutOfRange(let seconds):
            "TTL \(seconds) s is out of range \(Limits.reservationTTLMinSeconds)...\(Limits.reservationTTLMaxSeconds) s"
        case .invalidCurrency(let currency): "currency '\(currency)' is not three upper-case letters"
        case .invalidArgument(let field, let reason): "\(field): \(reason)"
        case .unknownStore(let store): "unknown store '\(store)'"
        case .unknownSKU(let sku): "unknown SKU '\(sku)'"
        case .unknownLocation(let sku, let location): "SKU '\(sku)' has no stock at location '\(location)'"
        case .unknownReservation(let id): "unknown reservation '\(id)'"
        case .unknownCart(let id): "unknown cart '\(id)'"
        case .unknownOrder(let id): "unknown order '\(id)'"
        case .insufficientStock(let sku, let requested, let available):
            "insufficient stock for '\(sku)': requested \(requested), available \(available)"
        case .stockBelowCommitments(let sku, let location, let minimumOnHand):
            "stock of '\(sku)' at '\(location)' cannot go below \(minimumOnHand) (reserved, committed and safety stock)"
        case .reservationNotActive(let id, let status): "reservation '\(id)' is \(status)"
        case .reservationExpired(let id): "reservation '\(id)' has expired"
        case .invalidTransition(let orderID, let from, let to): "order '\(orderID)' cannot go from \(from) to \(to)"
        case .cartEmpty(let cartID): "cart '\(cartID)' is empty"
        case .missingPrice(let sku): "no unit price for '\(sku)'"
        case .idempotencyConflict(let key): "'\(key)' was already used with different content"
        case .limitReached(let limit): "limit reached: \(limit)"
        case .notOwner(let entity, let id): "\(entity) '\(id)' belongs to another caller"
        case .priceMismatch(let sku, let listed):
            "'\(sku)' is listed at \(listed.unitPriceMinor) \(listed.currency) (minor units)"
        case .busy: "shard queue is full; retry with the same id"
        case .shuttingDown: "the engine is shutting down"
        case .journalFailure(let reason): "journal failure: \(reason)"
        }
    }
}
