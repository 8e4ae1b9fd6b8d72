// Field coders shared by several commands: bounded strings, lines, order terms.
extension CommandCodec {
    /// How many times its validation limit (`Limits.storeIDMaxBytes`, …) a
    /// string field may be in bytes and still decode. The slack lets an
    /// over-long identifier reach the state machine, which answers it with
    /// `invalidIdentifier`; beyond it the bytes are refused as malformed.
    public static let stringBoundFactor = 4

    /// The length of an ISO 4217 currency code, the validation limit that
    /// `stringBoundFactor` multiplies for the currency field.
    public static let currencyCodeBytes = 3

    // MARK: Strings

    /// A string of at most `stringBoundFactor × limit` bytes.
    static func readString(_ reader: inout BinaryReader, limit: Int) throws -> String {
        try reader.readString(maxBytes: stringBoundFactor * limit)
    }

    /// An optional string of at most `stringBoundFactor × limit` bytes.
    static func readOptionalString(_ reader: inout BinaryReader, limit: Int) throws -> String? {
        try reader.readOptionalString(maxBytes: stringBoundFactor * limit)
    }

    /// An `Int` stored as `Int64`; refused if it does not fit (32-bit platforms).
    static func readInt(_ reader: inout BinaryReader) throws -> Int {
        let start = reader.offset
        let value = try reader.readInt64()
        guard let integer = Int(exactly: value) else {
            throw DecodingError(offset: start, reason: "integer \(value) does not fit in Int")
        }
        return integer
    }

    // MARK: Lines

    /// `UInt32` count, then per line: sku, location?, quantity.
    static func encode(_ lines: [LineRequest], into writer: inout BinaryWriter) {
        writer.write(count: lines.count)
        for line in lines {
            writer.write(line.sku)
            writer.write(line.location)
            writer.write(line.quantity)
        }
    }

    static func decodeLineRequests(from reader: inout BinaryReader, max: Int) throws -> [LineRequest] {
        let count = try reader.readCount(max: max)
        var lines: [LineRequest] = []
        lines.reserveCapacity(count)
        for _ in 0..<count {
            let sku = try readString(&reader, limit: Limits.skuMaxBytes)
            let location = try readOptionalString(&reader, limit: Limits.locationMaxBytes)
            let quantity = try reader.readInt64()
            lines.append(LineRequest(sku: sku, location: location, quantity: quantity))
        }
        return lines
    }

    /// `UInt32` count, then per line: sku, location?, quantity, unitPriceMinor.
    static func encode(_ lines: [PricedLineRequest], into writer: inout BinaryWriter) {
        writer.write(count: lines.count)
        for line in lines {
            writer.write(line.sku)
            writer.write(line.location)
            writer.write(line.quantity)
            writer.write(line.unitPriceMinor)
        }
    }

    static func decodePricedLineRequests(from reader: inout BinaryReader) throws -> [PricedLineRequest] {
        let count = try reader.readCount(max: Limits.orderLinesMax)
        var lines: [PricedLineRequest] = []
        lines.reserveCapacity(count)
        for _ in 0..<count {
            let sku = try readString(&reader, limit: Limits.skuMaxBytes)
            let location = try readOptionalString(&reader, limit: Limits.locationMaxBytes)
            let quantity = try reader.readInt64()
            let unitPriceMinor = try reader.readInt64()
            lines.append(
                PricedLineRequest(sku: sku, location: location, quantity: quantity, unitPriceMinor: unitPriceMinor))
        }
        return lines
    }

    // MARK: Order terms

    /// orderID, customerID, currency, prices (`UInt32` count, then per price:
    /// sku, unitPriceMinor), taxMinor, shippingMinor, discountMinor.
    static func encode(_ terms: OrderTerms, into writer: inout BinaryWriter) {
        writer.write(terms.orderID)
        writer.write(terms.customerID)
        writer.write(terms.currency)
        writer.write(count: terms.prices.count)
        for price in terms.prices {
            writer.write(price.sku)
            writer.write(price.unitPriceMinor)
        }
        writer.write(terms.taxMinor)
        writer.write(terms.shippingMinor)
        writer.write(terms.discountMinor)
    }

    static func decodeOrderTerms(from reader: inout BinaryReader) throws -> OrderTerms {
        let orderID = try readString(&reader, limit: Limits.orderIDMaxBytes)
        let customerID = try readString(&reader, limit: Limits.customerIDMaxBytes)
        let currency = try readString(&reader, limit: currencyCodeBytes)
        let prices = try decodeUnitPrices(from: &reader)
        let taxMinor = try reader.readInt64()
        let shippingMinor = try reader.readInt64()
        let discountMinor = try reader.readInt64()
        return OrderTerms(
            orderID: orderID, customerID: customerID, currency: currency, prices: prices, taxMinor: taxMinor,
            shippingMinor: shippingMinor, discountMinor: discountMinor)
    }

    static func decodeUnitPrices(from reader: inout BinaryReader) throws -> [UnitPrice] {
        let count = try reader.readCount(max: Limits.pricesPerOrderMax)
        var prices: [UnitPrice] = []
        prices.reserveCapacity(count)
        for _ in 0..<count {
            let sku = try readString(&reader, limit: Limits.skuMaxBytes)
            let unitPriceMinor = try reader.readInt64()
            prices.append(UnitPrice(sku: sku, unitPriceMinor: unitPriceMinor))
        }
        return prices
    }
}
