/// Reads back what `ResultEncoding` wrote (the answers recorded with request
/// keys), refusing unknown tags and enum values, over-long strings and counts
/// beyond what the engine can answer or the remaining bytes can hold.
enum ResultDecoding {
    /// Allocations or order lines one answer can carry: every line split over every location.
    static let allocationsMax = Limits.reservationLinesMax * Limits.locationsPerStoreMax

    static func decode(from reader: inout BinaryReader) throws -> CommandResult {
        let start = reader.offset
        switch try reader.readUInt8() {
        case 1:
            let expired = try tally(&reader)
            return .tick(TickReport(expiredReservations: expired, purgedRecords: try tally(&reader)))
        case 2:
            let sku = try reader.readString(maxBytes: Limits.skuMaxBytes)
            let location = try reader.readString(maxBytes: Limits.locationMaxBytes)
            let levels = try decodeLevels(&reader)
            return .stockRecord(
                StockRecordView(sku: sku, location: location, levels: levels, replayed: try reader.readBool()))
        case 3:
            return .stock(try decodeStockView(&reader))
        case 4:
            let count = try readCount(&reader, max: Limits.locationsPerStoreMax, elementBytes: 4)
            return .locationPriority(
                try (0..<count).map { _ in try reader.readString(maxBytes: Limits.locationMaxBytes) })
        case 5:
            return .reservation(try decodeReservationView(&reader))
        case 6:
            return .availability(try decodeAvailability(&reader))
        case 7:
            return .cart(try decodeCartView(&reader))
        case 8:
            return .order(try decodeOrderView(&reader))
        case 9:
            let count = try readCount(&reader, max: Limits.orderPageSizeMax, elementBytes: 67)
            let orders = try (0..<count).map { _ in try decodeOrderView(&reader) }
            let next = try reader.readOptionalString(maxBytes: Limits.orderIDMaxBytes)
            return .orders(OrderPage(orders: orders, nextAfterOrderID: next))
        case 10:
            return .price(try decodePriceView(&reader))
        case let tag:
            throw DecodingError(offset: start, reason: "result tag \(tag) is unknown")
        }
    }

    private static func decodePriceView(_ reader: inout BinaryReader) throws -> PriceView {
        let sku = try reader.readString(maxBytes: Limits.skuMaxBytes)
        var listed: ListedPrice?
        if try reader.readBool() {
            let currency = try reader.readString(maxBytes: CommandCodec.currencyCodeBytes)
            listed = ListedPrice(currency: currency, unitPriceMinor: try reader.readInt64())
        }
        return PriceView(sku: sku, listed: listed, replayed: try reader.readBool())
    }

    /// A count of at most `max` elements of at least `elementBytes` bytes each that the bytes left can hold.
    private static func readCount(_ reader: inout BinaryReader, max: Int, elementBytes: Int) throws -> Int {
        try reader.readCount(max: min(max, reader.remaining / elementBytes))
    }

    /// A non-negative count of work written as an Int64.
    private static func tally(_ reader: inout BinaryReader) throws -> Int {
        let start = reader.offset
        let value = try reader.readInt64()
        guard value >= 0 else { throw DecodingError(offset: start, reason: "tick count \(value) is negative") }
        return Int(value)
    }

    private static func decodeLevels(_ reader: inout BinaryReader) throws -> StockLevels {
        StockLevels(
            onHand: try reader.readInt64(), reserved: try reader.readInt64(), committed: try reader.readInt64(),
            safetyStock: try reader.readInt64(), lowStockThreshold: try reader.readInt64(),
            backorderLimit: try reader.readInt64())
    }

    private static func decodeStatus<Status: RawRepresentable<UInt8>>(
        _ reader: inout BinaryReader, as type: Status.Type
    ) throws -> Status {
        let start = reader.offset
        let raw = try reader.readUInt8()
        guard let status = Status(rawValue: raw) else {
            throw DecodingError(offset: start, reason: "status \(raw) is not a valid value")
        }
        return status
    }

    private static func decodeStockView(_ reader: inout BinaryReader) throws -> StockView {
        let sku = try reader.readString(maxBytes: Limits.skuMaxBytes)
        let count = try readCount(&reader, max: Limits.locationsPerStoreMax, elementBytes: 52)
        let locations = try (0..<count).map { _ in
            LocationStock(
                location: try reader.readString(maxBytes: Limits.locationMaxBytes), levels: try decodeLevels(&reader))
        }
        return StockView(sku: sku, locations: locations, totals: try decodeLevels(&reader))
    }

    private static func decodeAllocations(_ reader: inout BinaryReader) throws -> [LineAllocation] {
        let count = try readCount(&reader, max: allocationsMax, elementBytes: 16)
        return try (0..<count).map { _ in
            LineAllocation(
                sku: try reader.readString(maxBytes: Limits.skuMaxBytes),
                location: try reader.readString(maxBytes: Limits.locationMaxBytes), quantity: try reader.readInt64())
        }
    }

    private static func decodeReservationView(_ reader: inout BinaryReader) throws -> ReservationView {
        ReservationView(
            reservationID: try reader.readString(maxBytes: Limits.reservationIDMaxBytes),
            owner: try reader.readOptionalString(maxBytes: Limits.ownerMaxBytes),
            status: try decodeStatus(&reader, as: ReservationStatus.self), deadline: try reader.readInt64(),
            allocations: AllocationList(try decodeAllocations(&reader)),
            orderID: try reader.readOptionalString(maxBytes: Limits.orderIDMaxBytes), replayed: try reader.readBool())
    }

    private static func decodeAvailability(_ reader: inout BinaryReader) throws -> [LineAvailability] {
        let count = try readCount(&reader, max: Limits.availabilityCheckLinesMax, elementBytes: 22)
        return try (0..<count).map { _ in
            LineAvailability(
                sku: try reader.readString(maxBytes: Limits.skuMaxBytes),
                location: try reader.readOptionalString(maxBytes: Limits.locationMaxBytes),
                requested: try reader.readInt64(), available: try reader.readInt64(), satisfiable: try reader.readBool()
            )
        }
    }

    private static func decodeCartView(_ reader: inout BinaryReader) throws -> CartView {
        let cartID = try reader.readString(maxBytes: Limits.cartIDMaxBytes)
        let customerID = try reader.readOptionalString(maxBytes: Limits.customerIDMaxBytes)
        let count = try readCount(&reader, max: Limits.cartLinesMax, elementBytes: 12)
        let lines = try (0..<count).map { _ in
            CartLine(sku: try reader.readString(maxBytes: Limits.skuMaxBytes), quantity: try reader.readInt64())
        }
        return CartView(
            cartID: cartID, customerID: customerID, lines: lines, holdStock: try reader.readBool(),
            holdTTLSeconds: try reader.readInt64(), holdDeadline: try reader.readOptionalInt64(),
            holdAllocations: try decodeAllocations(&reader), replayed: try reader.readBool())
    }

    private static func decodeOrderView(_ reader: inout BinaryReader) throws -> OrderView {
        let orderID = try reader.readString(maxBytes: Limits.orderIDMaxBytes)
        let customerID = try reader.readString(maxBytes: Limits.customerIDMaxBytes)
        let status = try decodeStatus(&reader, as: OrderStatus.self)
        let count = try readCount(&reader, max: allocationsMax, elementBytes: 24)
        let lines = try (0..<count).map { _ in
            OrderLine(
                sku: try reader.readString(maxBytes: Limits.skuMaxBytes),
                location: try reader.readString(maxBytes: Limits.locationMaxBytes), quantity: try reader.readInt64(),
                unitPriceMinor: try reader.readInt64())
        }
        let totals = OrderTotals(
            subtotalMinor: try reader.readInt64(), taxMinor: try reader.readInt64(),
            shippingMinor: try reader.readInt64(),
            discountMinor: try reader.readInt64(), totalMinor: try reader.readInt64(),
            currency: try reader.readString(maxBytes: 3))
        return OrderView(
            orderID: orderID, customerID: customerID, status: status, lines: lines, totals: totals,
            placedAt: try reader.readInt64(),
            reservationID: try reader.readOptionalString(maxBytes: Limits.reservationIDMaxBytes),
            replayed: try reader.readBool())
    }
}
