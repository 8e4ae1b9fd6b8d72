// Payloads of the order commands: placeOrder (0x40) and the transitions
// payOrder (0x41), fulfillOrder (0x42), cancelOrder (0x43).
extension CommandCodec {
    /// store, orderID, customerID, lines (≤ `Limits.orderLinesMax`), currency,
    /// taxMinor, shippingMinor, discountMinor.
    static func encode(_ payload: PlaceOrder, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.orderID)
        writer.write(payload.customerID)
        encode(payload.lines, into: &writer)
        writer.write(payload.currency)
        writer.write(payload.taxMinor)
        writer.write(payload.shippingMinor)
        writer.write(payload.discountMinor)
    }

    static func decodePlaceOrder(from reader: inout BinaryReader) throws -> PlaceOrder {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let orderID = try readString(&reader, limit: Limits.orderIDMaxBytes)
        let customerID = try readString(&reader, limit: Limits.customerIDMaxBytes)
        let lines = try decodePricedLineRequests(from: &reader)
        let currency = try readString(&reader, limit: currencyCodeBytes)
        let taxMinor = try reader.readInt64()
        let shippingMinor = try reader.readInt64()
        let discountMinor = try reader.readInt64()
        return PlaceOrder(
            store: store, orderID: orderID, customerID: customerID, lines: lines, currency: currency,
            taxMinor: taxMinor, shippingMinor: shippingMinor, discountMinor: discountMinor)
    }

    /// store, orderID, requestKey?. The tag tells pay, fulfil and cancel apart.
    static func encode(_ payload: OrderTransition, into writer: inout BinaryWriter) {
        writer.write(payload.store)
        writer.write(payload.orderID)
        writer.write(payload.requestKey)
    }

    static func decodeOrderTransition(from reader: inout BinaryReader) throws -> OrderTransition {
        let store = try readString(&reader, limit: Limits.storeIDMaxBytes)
        let orderID = try readString(&reader, limit: Limits.orderIDMaxBytes)
        let requestKey = try readOptionalString(&reader, limit: Limits.requestKeyMaxBytes)
        return OrderTransition(store: store, orderID: orderID, requestKey: requestKey)
    }
}
