/// The money of an order, computed before anything changes.
struct OrderAmounts {
    var subtotalMinor: Int64
    var totalMinor: Int64
}

/// Adds up an order's lines, then checks and completes its amounts. A plain
/// accumulator, so callers walk their own lines without building a sequence.
struct OrderAmountsAccumulator {
    private var subtotal: Int64 = 0
    private var overflowed = false

    mutating func add(quantity: Int64, unitPriceMinor: Int64) {
        let (lineTotal, productOverflow) = quantity.multipliedReportingOverflow(by: unitPriceMinor)
        let (sum, sumOverflow) = subtotal.addingReportingOverflow(lineTotal)
        overflowed = overflowed || productOverflow || sumOverflow
        subtotal = sum
    }

    /// Subtotal Σ quantity × unit price (any overflow answers `Int64.max`; above
    /// `Limits.orderSubtotalMinorMax` the subtotal), then total = subtotal + tax
    /// + shipping − discount, which must not be negative.
    func amounts(terms: OrderTerms) -> Result<OrderAmounts, EngineError> {
        if overflowed { return .failure(.amountOutOfRange(field: "subtotalMinor", value: .max)) }
        guard subtotal <= Limits.orderSubtotalMinorMax else {
            return .failure(.amountOutOfRange(field: "subtotalMinor", value: subtotal))
        }
        // Only now is the sum safe: subtotal ≤ 10^18 and each amount ≤ 10^12.
        let total = subtotal + terms.taxMinor + terms.shippingMinor - terms.discountMinor
        guard total >= 0 else { return .failure(.amountOutOfRange(field: "totalMinor", value: total)) }
        return .success(OrderAmounts(subtotalMinor: subtotal, totalMinor: total))
    }
}

extension OrderTerms {
    /// The unit price given for `sku`, if any (the first one given wins).
    func unitPrice(of sku: String) -> Int64? {
        prices.first { $0.sku == sku }?.unitPriceMinor
    }
}
