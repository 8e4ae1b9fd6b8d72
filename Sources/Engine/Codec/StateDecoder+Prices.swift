extension StateDecoder {
    /// The price list: entries in ascending SKU order, each a SKU of the
    /// stock table once, with a currency and a price in range.
    mutating func decodePrices(stock: StockTable) throws -> PriceList {
        let count = try readCount("prices", capacity: stock.skus.count, elementBytes: 19)
        var list = PriceList()
        var previous: Int32 = -1
        for _ in 0..<count {
            let start = offset
            let sku = try readReference("price SKU", below: stock.skus.count)
            guard sku > previous else {
                throw DecodingError(offset: start, reason: "price SKU \(sku) is out of order or repeated")
            }
            previous = sku
            let currencyOffset = offset
            let currency = try reader.readString(maxBytes: CommandCodec.currencyCodeBytes)
            if let error = Validation.currency(currency) {
                throw DecodingError(offset: currencyOffset, reason: "\(error)")
            }
            let unitPriceMinor = try readInt64("unit price", in: 0...Limits.amountMinorMax)
            list.set(sku, ListedPrice(currency: currency, unitPriceMinor: unitPriceMinor))
        }
        return list
    }
}
