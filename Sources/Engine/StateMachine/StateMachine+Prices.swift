// The store's price list, and the prices a customer's order is made with
// (docs/semantics.md, "Prices").
extension StateMachine {
    mutating func setPrice(_ command: SetPrice) -> Outcome {
        if let error = Validation.sku(command.sku) { return .failure(error) }
        var listed: ListedPrice?
        if let unitPriceMinor = command.unitPriceMinor {
            if let error = Validation.currency(command.currency)
                ?? Validation.amount(unitPriceMinor, field: "unitPriceMinor")
            {
                return .failure(error)
            }
            listed = ListedPrice(currency: command.currency, unitPriceMinor: unitPriceMinor)
        }
        let sku: Int32
        switch existingSKU(store: command.store, name: command.sku) {
        case .success(let index): sku = index
        case .failure(let error): return .failure(error)
        }
        if prices[sku] == listed {
            return .success(.price(PriceView(sku: command.sku, listed: listed, replayed: true)))
        }
        beginChange()
        prices.set(sku, listed)
        emit(store: stock.skus[Int(sku)].store, .priceChanged(sku: command.sku, listed: listed))
        return .success(answer { .price(PriceView(sku: command.sku, listed: listed)) })
    }

    func getPrice(_ query: PriceQuery) -> Outcome {
        if let error = Validation.sku(query.sku) { return .failure(error) }
        switch existingSKU(store: query.store, name: query.sku) {
        case .success(let sku): return .success(.price(PriceView(sku: query.sku, listed: prices[sku])))
        case .failure(let error): return .failure(error)
        }
    }

    /// The terms an order is made with. A service caller's terms stand as given.
    /// A customer's order takes every SKU's list price: a SKU without one is
    /// `missingPrice`, a list price in another currency or a stated price other
    /// than the list price is `priceMismatch`, and tax, shipping and discount
    /// must be 0 (a customer cannot set amounts).
    func pricedTerms(_ terms: OrderTerms, store: Int32, skus: [String]) -> Result<OrderTerms, EngineError> {
        guard case .customer = caller else { return .success(terms) }
        if let error = customerAmountsError(
            tax: terms.taxMinor, shipping: terms.shippingMinor, discount: terms.discountMinor)
        {
            return .failure(error)
        }
        var priced = terms
        priced.prices = []
        priced.prices.reserveCapacity(skus.count)
        for sku in skus where !priced.prices.contains(where: { $0.sku == sku }) {
            switch listPrice(store: store, sku: sku, currency: terms.currency, stated: terms.unitPrice(of: sku)) {
            case .success(let price): priced.prices.append(UnitPrice(sku: sku, unitPriceMinor: price))
            case .failure(let error): return .failure(error)
            }
        }
        return .success(priced)
    }

    /// A customer states no amounts: tax, shipping and discount must be 0.
    func customerAmountsError(tax: Int64, shipping: Int64, discount: Int64) -> EngineError? {
        for (field, value) in [("taxMinor", tax), ("shippingMinor", shipping), ("discountMinor", discount)]
        where value != 0 {
            return .invalidArgument(field: field, reason: "only a service caller may set it")
        }
        return nil
    }

    /// The list price of `sku` in `currency`, checked against a price the caller stated.
    func listPrice(store: Int32, sku: String, currency: String, stated: Int64?) -> Result<Int64, EngineError> {
        guard let index = stock.skuIndex(store: store, name: sku) else { return .failure(.unknownSKU(sku: sku)) }
        guard let listed = prices[index] else { return .failure(.missingPrice(sku: sku)) }
        if listed.currency != currency || (stated != nil && stated != listed.unitPriceMinor) {
            return .failure(.priceMismatch(sku: sku, listed: listed))
        }
        return .success(listed.unitPriceMinor)
    }

    /// The SKU's index, or the error for a missing store or SKU.
    func existingSKU(store: String, name: String) -> Result<Int32, EngineError> {
        switch existingStore(store) {
        case .success(let storeIndex):
            guard let sku = stock.skuIndex(store: storeIndex, name: name) else { return .failure(.unknownSKU(sku: name)) }
            return .success(sku)
        case .failure(let error): return .failure(error)
        }
    }
}
