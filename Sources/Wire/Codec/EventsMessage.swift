import Engine

/// The `events` request: a page of one shard's change stream.
/// Item: `u16 shard`, `u64 afterLSN`, `u32 limit` (1–10,000),
/// `optional string store` (only that store's events when present).
public struct EventsRequest: Sendable, Equatable {
    public var shard: Int
    public var afterLSN: UInt64
    public var limit: Int
    public var store: String?

    public init(shard: Int, afterLSN: UInt64, limit: Int = 1_000, store: String? = nil) {
        self.shard = shard
        self.afterLSN = afterLSN
        self.limit = limit
        self.store = store
    }

    public func encode(into writer: inout BinaryWriter) {
        writer.write(UInt16(clamping: shard))
        writer.write(afterLSN)
        writer.write(UInt32(clamping: limit))
        writer.write(store)
    }

    public static func decode(from reader: inout BinaryReader) throws -> EventsRequest {
        let shard = Int(try reader.readUInt16())
        let after = try reader.readUInt64()
        let limitOffset = reader.offset
        let limit = Int(try reader.readUInt32())
        guard (1...WireLimits.eventsPerPageMax).contains(limit) else {
            throw DecodingError(offset: limitOffset, reason: "limit \(limit) is outside 1...\(WireLimits.eventsPerPageMax)")
        }
        let store = try reader.readOptionalString(maxBytes: CommandCodec.stringBoundFactor * Limits.storeIDMaxBytes)
        return EventsRequest(shard: shard, afterLSN: after, limit: limit, store: store)
    }
}

/// The answer to an `events` request: a page of events and where to go on from.
public struct EventsReply: Sendable, Equatable {
    /// The events (only the requested store's, when the request named one).
    public var page: EventPage
    /// The `afterLSN` of the next request: the last LSN this page looked at,
    /// even when the store filter kept none of its events.
    public var nextAfterLSN: UInt64

    public init(page: EventPage, nextAfterLSN: UInt64) {
        self.page = page
        self.nextAfterLSN = nextAfterLSN
    }
}

/// The bytes of an `events` reply item (after status 0):
/// `u64 oldestRetainedLSN`, `u64 newestLSN`, `u64 nextAfterLSN`, `u32 count`,
/// then per event `u64 lsn`, `string store`, `u8 kind` and the kind's fields
/// (docs/wire-protocol.md, "Events").
public enum EventCodec {
    public static func encode(_ reply: EventsReply, into writer: inout BinaryWriter) {
        writer.write(reply.page.oldestRetainedLSN)
        writer.write(reply.page.newestLSN)
        writer.write(reply.nextAfterLSN)
        writer.write(count: reply.page.events.count)
        for event in reply.page.events { encode(event, into: &writer) }
    }

    public static func decodeReply(from reader: inout BinaryReader) throws -> EventsReply {
        let oldest = try reader.readUInt64()
        let newest = try reader.readUInt64()
        let nextAfter = try reader.readUInt64()
        // A page ends at the end of an LSN, and one LSN (a tick expiring thousands
        // of reservations) can hold far more events than `limit`: the count is
        // bounded by the bytes alone (an event takes at least 13).
        let count = try reader.readCount(max: reader.remaining / 13)
        var events: [Event] = []
        events.reserveCapacity(count)
        for _ in 0..<count { events.append(try decodeEvent(from: &reader)) }
        return EventsReply(
            page: EventPage(events: events, oldestRetainedLSN: oldest, newestLSN: newest), nextAfterLSN: nextAfter)
    }

    static let textMaxBytes = 1_024

    public static func encode(_ event: Event, into writer: inout BinaryWriter) {
        writer.write(event.lsn)
        writer.write(event.store)
        switch event.kind {
        case .stockChanged(let change):
            writer.write(UInt8(1))
            writer.write(change.sku)
            writer.write(change.location)
            for value in [change.levels.onHand, change.levels.reserved, change.levels.committed,
                change.levels.safetyStock, change.levels.lowStockThreshold, change.levels.backorderLimit] {
                writer.write(value)
            }
        case .lowStock(let sku, let location, let available, let threshold):
            writer.write(UInt8(2))
            writer.write(sku)
            writer.write(location)
            writer.write(available)
            writer.write(threshold)
        case .backInStock(let sku, let location, let available):
            writer.write(UInt8(3))
            writer.write(sku)
            writer.write(location)
            writer.write(available)
        case .locationPriorityChanged(let locations):
            writer.write(UInt8(4))
            writer.write(count: locations.count)
            for location in locations { writer.write(location) }
        case .reservationPlaced(let id, let owner, let deadline):
            writer.write(UInt8(5))
            writer.write(id)
            writer.write(owner)
            writer.write(deadline)
        case .reservationExtended(let id, let deadline):
            writer.write(UInt8(6))
            writer.write(id)
            writer.write(deadline)
        case .reservationReleased(let id): writeText(7, id, &writer)
        case .reservationExpired(let id): writeText(8, id, &writer)
        case .reservationConfirmed(let id, let orderID):
            writeText(9, id, &writer)
            writer.write(orderID)
        case .cartChanged(let id): writeText(10, id, &writer)
        case .cartHoldExpired(let id): writeText(11, id, &writer)
        case .cartCheckedOut(let id, let orderID):
            writeText(12, id, &writer)
            writer.write(orderID)
        case .cartRemoved(let id): writeText(13, id, &writer)
        case .orderPlaced(let orderID, let customerID, let totalMinor, let currency):
            writeText(14, orderID, &writer)
            writer.write(customerID)
            writer.write(totalMinor)
            writer.write(currency)
        case .orderPaid(let id): writeText(15, id, &writer)
        case .orderFulfilled(let id): writeText(16, id, &writer)
        case .orderCancelled(let id): writeText(17, id, &writer)
        case .priceChanged(let sku, let listed):
            writeText(18, sku, &writer)
            writer.write(listed != nil)
            if let listed {
                writer.write(listed.currency)
                writer.write(listed.unitPriceMinor)
            }
        }
    }

    private static func writeText(_ kind: UInt8, _ text: String, _ writer: inout BinaryWriter) {
        writer.write(kind)
        writer.write(text)
    }

    public static func decodeEvent(from reader: inout BinaryReader) throws -> Event {
        let lsn = try reader.readUInt64()
        let store = try reader.readString(maxBytes: textMaxBytes)
        func text() throws -> String { try reader.readString(maxBytes: textMaxBytes) }
        let kindOffset = reader.offset
        let kind: EventKind
        switch try reader.readUInt8() {
        case 1:
            let sku = try text()
            let location = try text()
            var values: [Int64] = []
            for _ in 0..<6 { values.append(try reader.readInt64()) }
            kind = .stockChanged(
                sku: sku, location: location,
                levels: StockLevels(
                    onHand: values[0], reserved: values[1], committed: values[2], safetyStock: values[3],
                    lowStockThreshold: values[4], backorderLimit: values[5]))
        case 2:
            kind = .lowStock(sku: try text(), location: try text(), available: try reader.readInt64(), threshold: try reader.readInt64())
        case 3: kind = .backInStock(sku: try text(), location: try text(), available: try reader.readInt64())
        case 4:
            let count = try reader.readCount(max: Limits.locationsPerStoreMax)
            kind = .locationPriorityChanged(locations: try (0..<count).map { _ in try text() })
        case 5:
            kind = .reservationPlaced(
                reservationID: try text(), owner: try reader.readOptionalString(maxBytes: textMaxBytes),
                deadline: try reader.readInt64())
        case 6: kind = .reservationExtended(reservationID: try text(), deadline: try reader.readInt64())
        case 7: kind = .reservationReleased(reservationID: try text())
        case 8: kind = .reservationExpired(reservationID: try text())
        case 9: kind = .reservationConfirmed(reservationID: try text(), orderID: try text())
        case 10: kind = .cartChanged(cartID: try text())
        case 11: kind = .cartHoldExpired(cartID: try text())
        case 12: kind = .cartCheckedOut(cartID: try text(), orderID: try text())
        case 13: kind = .cartRemoved(cartID: try text())
        case 14:
            kind = .orderPlaced(
                orderID: try text(), customerID: try text(), totalMinor: try reader.readInt64(), currency: try text())
        case 15: kind = .orderPaid(orderID: try text())
        case 16: kind = .orderFulfilled(orderID: try text())
        case 17: kind = .orderCancelled(orderID: try text())
        case 18:
            let sku = try text()
            var listed: ListedPrice?
            if try reader.readBool() { listed = ListedPrice(currency: try text(), unitPriceMinor: try reader.readInt64()) }
            kind = .priceChanged(sku: sku, listed: listed)
        case let other: throw DecodingError(offset: kindOffset, reason: "event kind \(other) is unknown")
        }
        return Event(lsn: lsn, store: store, kind: kind)
    }
}
