// Payloads of the stock commands: setStock (0x10), adjustStock (0x11),
// setLocationPriority (0x12).
extension CommandCodec {
    /// store, sku, location?, onHand?, safetyStock?, lowStockThreshold?,
    /// backorderLimit?, requestKey?.
    static func encode(_ payload: SetStock, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.sku)
        writer.write(payload.location)
        writer.write(payload.onHand)
        writer.write(payload.safetyStock)
        writer.write(payload.lowStockThreshold)
        writer.write(payload.backorderLimit)
        writer.write(payload.requestKey)
    }

    static func decodeSetStock(from reader: inout BinaryReader) throws -> SetStock {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let sku = try readString(&reader, limit: Limits.skuMaxBytes)
        let location = try readOptionalString(&reader, limit: Limits.locationMaxBytes)
        let onHand = try reader.readOptionalInt64()
        let safetyStock = try reader.readOptionalInt64()
        let lowStockThreshold = try reader.readOptionalInt64()
        let backorderLimit = try reader.readOptionalInt64()
        let requestKey = try readOptionalString(&reader, limit: Limits.requestKeyMaxBytes)
        return SetStock(
            store: store, sku: sku, location: location, onHand: onHand, safetyStock: safetyStock,
            lowStockThreshold: lowStockThreshold, backorderLimit: backorderLimit, requestKey: requestKey)
    }

    /// store, sku, location?, delta, reason, requestKey?.
    static func encode(_ payload: AdjustStock, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.sku)
        writer.write(payload.location)
        writer.write(payload.delta)
        writer.write(payload.reason)
        writer.write(payload.requestKey)
    }

    static func decodeAdjustStock(from reader: inout BinaryReader) throws -> AdjustStock {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let sku = try readString(&reader, limit: Limits.skuMaxBytes)
        let location = try readOptionalString(&reader, limit: Limits.locationMaxBytes)
        let delta = try reader.readInt64()
        let reason = try readString(&reader, limit: Limits.reasonMaxBytes)
        let requestKey = try readOptionalString(&reader, limit: Limits.requestKeyMaxBytes)
        return AdjustStock(
            store: store, sku: sku, location: location, delta: delta, reason: reason, requestKey: requestKey)
    }

    /// store, locations (`UInt32` count ≤ `Limits.locationsPerStoreMax`, then
    /// each name), requestKey?.
    static func encode(_ payload: SetLocationPriority, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(count: payload.locations.count)
        for location in payload.locations { writer.write(location) }
        writer.write(payload.requestKey)
    }

    static func decodeSetLocationPriority(from reader: inout BinaryReader) throws -> SetLocationPriority {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let count = try reader.readCount(max: Limits.locationsPerStoreMax)
        var locations: [String] = []
        locations.reserveCapacity(count)
        for _ in 0..<count {
            locations.append(try readString(&reader, limit: Limits.locationMaxBytes))
        }
        let requestKey = try readOptionalString(&reader, limit: Limits.requestKeyMaxBytes)
        return SetLocationPriority(store: store, locations: locations, requestKey: requestKey)
    }
}
