/// Checks on input at the edge of the state machine. Each returns the error to
/// answer with, so callers stay straight-line: `if let error = ... { return .failure(error) }`.
enum Validation {
    /// An id in the one allowed form (`IdentifierRule`): non-empty, at most
    /// `maxBytes` of UTF-8, no control or invisible characters, NFC.
    @inline(__always)
    static func identifier(_ text: String, field: String, maxBytes: Int) -> EngineError? {
        guard let reason = IdentifierRule.problem(text, maxBytes: maxBytes) else { return nil }
        return .invalidIdentifier(field: field, reason: reason)
    }

    /// A customer caller's id follows the id rule like any customer id.
    static func caller(_ caller: Caller) -> EngineError? {
        guard case .customer(let id) = caller else { return nil }
        return identifier(id, field: "caller", maxBytes: Limits.customerIDMaxBytes)
    }

    static func optionalIdentifier(_ text: String?, field: String, maxBytes: Int) -> EngineError? {
        guard let text else { return nil }
        return identifier(text, field: field, maxBytes: maxBytes)
    }

    static func store(_ store: String) -> EngineError? {
        identifier(store, field: "store", maxBytes: Limits.storeIDMaxBytes)
    }

    static func sku(_ sku: String) -> EngineError? {
        identifier(sku, field: "sku", maxBytes: Limits.skuMaxBytes)
    }

    static func location(_ location: String?) -> EngineError? {
        optionalIdentifier(location, field: "location", maxBytes: Limits.locationMaxBytes)
    }

    static func requestKey(_ key: String?) -> EngineError? {
        optionalIdentifier(key, field: "requestKey", maxBytes: Limits.requestKeyMaxBytes)
    }

    /// A line quantity: 1 ... `Limits.quantityMax`.
    static func positiveQuantity(_ quantity: Int64, field: String = "quantity") -> EngineError? {
        quantity >= 1 && quantity <= Limits.quantityMax ? nil : .quantityOutOfRange(field: field, value: quantity)
    }

    /// A stock field: 0 ... `Limits.quantityMax`.
    static func stockQuantity(_ quantity: Int64?, field: String) -> EngineError? {
        guard let quantity else { return nil }
        return quantity >= 0 && quantity <= Limits.quantityMax ? nil : .quantityOutOfRange(field: field, value: quantity)
    }

    static func amount(_ amount: Int64, field: String) -> EngineError? {
        amount >= 0 && amount <= Limits.amountMinorMax ? nil : .amountOutOfRange(field: field, value: amount)
    }

    static func ttl(_ seconds: Int64) -> EngineError? {
        seconds >= Limits.reservationTTLMinSeconds && seconds <= Limits.reservationTTLMaxSeconds
            ? nil : .ttlOutOfRange(seconds: seconds)
    }

    static func lineCount(_ count: Int, max: Int) -> EngineError? {
        count >= 1 && count <= max ? nil : .lineCountOutOfRange(count: count, max: max)
    }

    static func currency(_ currency: String) -> EngineError? {
        let utf8 = currency.utf8
        let valid = utf8.count == 3 && utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        return valid ? nil : .invalidCurrency(currency)
    }

    /// Terms of an order made from a reservation or cart (prices checked per line later).
    static func terms(_ terms: OrderTerms) -> EngineError? {
        if let error = identifier(terms.orderID, field: "orderID", maxBytes: Limits.orderIDMaxBytes) { return error }
        if let error = identifier(terms.customerID, field: "customerID", maxBytes: Limits.customerIDMaxBytes) {
            return error
        }
        if let error = currency(terms.currency) { return error }
        if terms.prices.count > Limits.pricesPerOrderMax {
            return .lineCountOutOfRange(count: terms.prices.count, max: Limits.pricesPerOrderMax)
        }
        for price in terms.prices {
            if let error = sku(price.sku) { return error }
            if let error = amount(price.unitPriceMinor, field: "unitPriceMinor") { return error }
        }
        if let error = amount(terms.taxMinor, field: "taxMinor") { return error }
        if let error = amount(terms.shippingMinor, field: "shippingMinor") { return error }
        return amount(terms.discountMinor, field: "discountMinor")
    }
}

extension EngineError {
    /// The error a store id would get from any command (empty, too long, control
    /// characters), for frontends that take a store outside a command (events).
    public static func checkStoreID(_ store: String) -> EngineError? { Validation.store(store) }
}
