import ArgumentParser
import HoldfastClient

/// Lines as the client commands take them: `SKU[@LOCATION]:QTY`, order lines
/// `SKU[@LOCATION]:QTY:PRICE_MINOR`, prices `SKU:PRICE_MINOR`.
enum ClientLines {
    /// `SKU[@LOCATION]:QTY`.
    static func line(_ text: String) throws -> LineRequest {
        let (item, numbers) = try split(text, numbers: 1, form: "SKU[@LOCATION]:QTY")
        let (sku, location) = try skuAndLocation(item, in: text)
        return LineRequest(sku: sku, location: location, quantity: numbers[0])
    }

    /// `SKU[@LOCATION]:QTY:PRICE_MINOR`.
    static func pricedLine(_ text: String) throws -> PricedLineRequest {
        let (item, numbers) = try split(text, numbers: 2, form: "SKU[@LOCATION]:QTY:PRICE_MINOR")
        let (sku, location) = try skuAndLocation(item, in: text)
        return PricedLineRequest(sku: sku, location: location, quantity: numbers[0], unitPriceMinor: numbers[1])
    }

    /// `SKU:QTY` (cart lines have no location).
    static func cartLine(_ text: String) throws -> CartLine {
        let (sku, numbers) = try split(text, numbers: 1, form: "SKU:QTY")
        guard !sku.isEmpty else { throw ValidationError("'\(text)': the SKU is empty; write SKU:QTY") }
        return CartLine(sku: sku, quantity: numbers[0])
    }

    /// `SKU:PRICE_MINOR`.
    static func price(_ text: String) throws -> UnitPrice {
        let (sku, numbers) = try split(text, numbers: 1, form: "SKU:PRICE_MINOR")
        guard !sku.isEmpty else { throw ValidationError("'\(text)': the SKU is empty; write SKU:PRICE_MINOR") }
        return UnitPrice(sku: sku, unitPriceMinor: numbers[0])
    }

    /// `SKU[@LOCATION]` without a quantity.
    static func skuAndLocation(_ text: String) throws -> (sku: String, location: String?) {
        try skuAndLocation(text, in: text)
    }

    /// The text before the last `numbers` colon-separated integers, and the integers.
    private static func split(_ text: String, numbers count: Int, form: String) throws -> (String, [Int64]) {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > count else { throw ValidationError("'\(text)' is not \(form)") }
        var numbers: [Int64] = []
        for _ in 0..<count {
            let part = parts.removeLast()
            guard let number = Int64(part) else {
                throw ValidationError("'\(text)': '\(part)' is not a whole number; write \(form)")
            }
            numbers.insert(number, at: 0)
        }
        return (parts.joined(separator: ":"), numbers)
    }

    private static func skuAndLocation(_ item: String, in text: String) throws -> (sku: String, location: String?) {
        guard let at = item.lastIndex(of: "@") else {
            guard !item.isEmpty else { throw ValidationError("'\(text)': the SKU is empty") }
            return (item, nil)
        }
        let sku = String(item[..<at])
        let location = String(item[item.index(after: at)...])
        guard !sku.isEmpty, !location.isEmpty else {
            throw ValidationError("'\(text)': write SKU@LOCATION with both parts, or just SKU")
        }
        return (sku, location)
    }
}
