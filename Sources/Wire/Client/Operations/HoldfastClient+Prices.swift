extension HoldfastClient {
    /// Sets (or, with `unitPriceMinor` nil, removes) a SKU's list price: what a
    /// customer's order is priced at. Needs a service token (admin or inventory
    /// manager); safe to repeat.
    ///
    /// - Throws: `engine(…)`, e.g. `unknownSKU`, `invalidCurrency`, `amountOutOfRange`.
    public func setPrice(_ command: SetPrice) async throws(HoldfastClientError) -> PriceView {
        try await run(.setPrice(command)) { if case .price(let view) = $0 { view } else { nil } }
    }

    /// A SKU's list price (`listed` nil when it has none).
    ///
    /// - Throws: `engine(.unknownStore | .unknownSKU)`.
    public func getPrice(_ query: PriceQuery) async throws(HoldfastClientError) -> PriceView {
        try await run(.getPrice(query)) { if case .price(let view) = $0 { view } else { nil } }
    }
}
