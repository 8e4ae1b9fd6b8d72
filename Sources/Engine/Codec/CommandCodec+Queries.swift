// Payloads of the queries: getStock (0x80), checkAvailability (0x81),
// getOrder (0x84), listOrders (0x85). getReservation (0x82) and getCart (0x83)
// share the references of their facets.
extension CommandCodec {
    /// store, sku.
    static func encode(_ payload: StockQuery, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.sku)
    }

    static func decodeStockQuery(from reader: inout BinaryReader) throws -> StockQuery {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let sku = try readString(&reader, limit: Limits.skuMaxBytes)
        return StockQuery(store: store, sku: sku)
    }

    /// store, lines (≤ `Limits.availabilityCheckLinesMax`).
    static func encode(_ payload: AvailabilityQuery, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        encode(payload.lines, into: &writer)
    }

    static func decodeAvailabilityQuery(from reader: inout BinaryReader) throws -> AvailabilityQuery {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let lines = try decodeLineRequests(from: &reader, max: Limits.availabilityCheckLinesMax)
        return AvailabilityQuery(store: store, lines: lines)
    }

    /// store, orderID.
    static func encode(_ payload: OrderReference, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.orderID)
    }

    static func decodeOrderReference(from reader: inout BinaryReader) throws -> OrderReference {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let orderID = try readString(&reader, limit: Limits.orderIDMaxBytes)
        return OrderReference(store: store, orderID: orderID)
    }

    /// store, customerID, afterOrderID?, limit (`Int64`).
    static func encode(_ payload: OrderListQuery, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.customerID)
        writer.write(payload.afterOrderID)
        writer.write(Int64(payload.limit))
    }

    static func decodeOrderListQuery(from reader: inout BinaryReader) throws -> OrderListQuery {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let customerID = try readString(&reader, limit: Limits.customerIDMaxBytes)
        let afterOrderID = try readOptionalString(&reader, limit: Limits.orderIDMaxBytes)
        let limit = try readInt(&reader)
        return OrderListQuery(store: store, customerID: customerID, afterOrderID: afterOrderID, limit: limit)
    }
}
