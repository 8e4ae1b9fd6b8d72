// Payloads of the price-list commands: setPrice (0x13) and getPrice (0x86).
extension CommandCodec {
    /// store, sku, currency, unitPriceMinor? (absent: remove), requestKey?.
    static func encode(_ payload: SetPrice, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.sku)
        writer.write(payload.currency)
        writer.write(payload.unitPriceMinor)
        writer.write(payload.requestKey)
    }

    static func decodeSetPrice(from reader: inout BinaryReader) throws -> SetPrice {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let sku = try readString(&reader, limit: Limits.skuMaxBytes)
        let currency = try readString(&reader, limit: currencyCodeBytes)
        let unitPriceMinor = try reader.readOptionalInt64()
        let requestKey = try readOptionalString(&reader, limit: Limits.requestKeyMaxBytes)
        return SetPrice(
            store: store, sku: sku, currency: currency, unitPriceMinor: unitPriceMinor, requestKey: requestKey)
    }

    /// store, sku.
    static func encode(_ payload: PriceQuery, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.sku)
    }

    static func decodePriceQuery(from reader: inout BinaryReader) throws -> PriceQuery {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let sku = try readString(&reader, limit: Limits.skuMaxBytes)
        return PriceQuery(store: store, sku: sku)
    }
}
