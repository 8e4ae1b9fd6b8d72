import Foundation

@testable import Engine

/// Input checks, written from the semantics page.
enum ModelValidation {
    /// The id rule: 1...maxBytes of UTF-8, no control characters, no invisible
    /// (default-ignorable) characters, and in Normalization Form C.
    static func identifier(_ text: String, field: String, maxBytes: Int) -> EngineError? {
        let byteCount = text.utf8.count
        if byteCount == 0 { return .invalidIdentifier(field: field, reason: "must not be empty") }
        if byteCount > maxBytes {
            return .invalidIdentifier(field: field, reason: "is \(byteCount) bytes; at most \(maxBytes) allowed")
        }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return .invalidIdentifier(field: field, reason: "must not contain control characters")
        }
        if let invisible = text.unicodeScalars.first(where: { $0.properties.isDefaultIgnorableCodePoint }) {
            let code = String(format: "%04X", invisible.value)
            return .invalidIdentifier(field: field, reason: "must not contain the invisible character U+\(code)")
        }
        let canonical = text.precomposedStringWithCanonicalMapping
        if Array(canonical.utf8) != Array(text.utf8) {
            let reason = "must be in Unicode Normalization Form C (its canonical spelling is '\(canonical)')"
            return .invalidIdentifier(field: field, reason: reason)
        }
        return nil
    }

    static func optionalIdentifier(_ text: String?, field: String, maxBytes: Int) -> EngineError? {
        text.flatMap { identifier($0, field: field, maxBytes: maxBytes) }
    }

    static func sku(_ sku: String) -> EngineError? {
        identifier(sku, field: "sku", maxBytes: Limits.skuMaxBytes)
    }

    static func location(_ location: String?) -> EngineError? {
        optionalIdentifier(location, field: "location", maxBytes: Limits.locationMaxBytes)
    }

    static func lineQuantity(_ quantity: Int64) -> EngineError? {
        (1...Limits.quantityMax).contains(quantity) ? nil : .quantityOutOfRange(field: "quantity", value: quantity)
    }

    static func stockField(_ value: Int64?, field: String) -> EngineError? {
        guard let value else { return nil }
        return (0...Limits.quantityMax).contains(value) ? nil : .quantityOutOfRange(field: field, value: value)
    }

    static func amount(_ amount: Int64, field: String) -> EngineError? {
        (0...Limits.amountMinorMax).contains(amount) ? nil : .amountOutOfRange(field: field, value: amount)
    }

    static func ttl(_ seconds: Int64) -> EngineError? {
        (Limits.reservationTTLMinSeconds...Limits.reservationTTLMaxSeconds).contains(seconds)
            ? nil : .ttlOutOfRange(seconds: seconds)
    }

    static func lineCount(_ count: Int, max: Int) -> EngineError? {
        (1...max).contains(count) ? nil : .lineCountOutOfRange(count: count, max: max)
    }

    static func currency(_ currency: String) -> EngineError? {
        let letters = Array(currency.unicodeScalars)
        let valid = letters.count == 3 && letters.allSatisfy { ("A"..."Z").contains($0) }
        return valid ? nil : .invalidCurrency(currency)
    }

    static func terms(_ terms: OrderTerms) -> EngineError? {
        if let error = identifier(terms.orderID, field: "orderID", maxBytes: Limits.orderIDMaxBytes)
            ?? identifier(terms.customerID, field: "customerID", maxBytes: Limits.customerIDMaxBytes)
            ?? currency(terms.currency)
        {
            return error
        }
        if terms.prices.count > Limits.pricesPerOrderMax {
            return .lineCountOutOfRange(count: terms.prices.count, max: Limits.pricesPerOrderMax)
        }
        for price in terms.prices {
            if let error = sku(price.sku) ?? amount(price.unitPriceMinor, field: "unitPriceMinor") { return error }
        }
        return amount(terms.taxMinor, field: "taxMinor") ?? amount(terms.shippingMinor, field: "shippingMinor")
            ?? amount(terms.discountMinor, field: "discountMinor")
    }
}
