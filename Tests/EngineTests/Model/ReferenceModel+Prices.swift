@testable import Engine

// The price list in the reference model: one optional list price per SKU.
extension ReferenceModel {
    mutating func setPrice(_ command: SetPrice) -> Outcome {
        if let error = ModelValidation.sku(command.sku) { return .failure(error) }
        var listed: ListedPrice?
        if let unitPriceMinor = command.unitPriceMinor {
            if let error = ModelValidation.currency(command.currency)
                ?? ModelValidation.amount(unitPriceMinor, field: "unitPriceMinor")
            {
                return .failure(error)
            }
            listed = ListedPrice(currency: command.currency, unitPriceMinor: unitPriceMinor)
        }
        if let error = existingStore(command.store) { return .failure(error) }
        guard stores[command.store]!.stock[command.sku] != nil else { return .failure(.unknownSKU(sku: command.sku)) }
        let key = ModelKey(store: command.store, name: command.sku)
        if prices[key] == listed { return .success(.price(PriceView(sku: command.sku, listed: listed, replayed: true))) }
        changed = true
        prices[key] = listed
        return .success(.price(PriceView(sku: command.sku, listed: listed)))
    }

    func getPrice(_ query: PriceQuery) -> Outcome {
        if let error = ModelValidation.sku(query.sku) ?? existingStore(query.store) { return .failure(error) }
        guard stores[query.store]!.stock[query.sku] != nil else { return .failure(.unknownSKU(sku: query.sku)) }
        return .success(.price(PriceView(sku: query.sku, listed: prices[ModelKey(store: query.store, name: query.sku)])))
    }
}
