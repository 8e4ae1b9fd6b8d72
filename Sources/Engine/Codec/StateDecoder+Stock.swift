extension StateDecoder {
    /// Bytes of one encoded `StockRecord`.
    static let stockRecordBytes = 45
    /// Reserved and committed at one record never exceed on-hand plus the
    /// backorder allowance (`sellable ≥ 0`), so never twice `quantityMax`.
    static let heldQuantityMax = 2 * Limits.quantityMax

    /// Stores (with their location names and priority), SKUs and stock records;
    /// rebuilds the store and SKU name indices and each store's location index.
    mutating func decodeStock() throws -> StockTable {
        let storeCount = try readCount("stores", capacity: limits.storesPerShardMax, elementBytes: 17)
        var stores: [StoreRecord] = []
        stores.reserveCapacity(limits.storesPerShardMax)
        var storeOffsets: [Int] = []
        for _ in 0..<storeCount {
            storeOffsets.append(offset)
            stores.append(try readStore())
        }
        let storesByName = try Self.buildIndex(
            count: stores.count, include: { _ in true }, hash: { HashIndex.hash(store: noSlot, name: stores[$0].name) },
            sameKey: { stores[Int($0)].name == stores[$1].name },
            duplicate: { DecodingError(offset: storeOffsets[$0], reason: "store \(stores[$0].name) appears twice") })

        let skuCount = try readCount("SKUs", capacity: limits.skusPerShardMax, elementBytes: 12)
        var skus: [SKURecord] = []
        skus.reserveCapacity(limits.skusPerShardMax)
        var skuOffsets: [Int] = []
        for _ in 0..<skuCount {
            skuOffsets.append(offset)
            let store = try readReference("SKU store", below: stores.count)
            let name = try readName("sku", maxBytes: Limits.skuMaxBytes, live: true)
            skus.append(SKURecord(name: name, store: store, firstStockRecord: try reader.readInt32()))
        }
        let skusByName = try Self.buildIndex(
            count: skus.count, include: { _ in true },
            hash: { HashIndex.hash(store: skus[$0].store, name: skus[$0].name) },
            sameKey: { skus[Int($0)].store == skus[$1].store && skus[Int($0)].name == skus[$1].name },
            duplicate: {
                DecodingError(offset: skuOffsets[$0], reason: "SKU \(skus[$0].name) appears twice in its store")
            })

        let recordsOffset = offset + 4
        let recordCount = try readCount(
            "stock records", capacity: limits.stockRecordsPerShardMax, elementBytes: Self.stockRecordBytes)
        var records: [StockRecord] = []
        records.reserveCapacity(recordCount)
        for _ in 0..<recordCount {
            records.append(try readStockRecord(recordCount: recordCount, stores: stores, skus: skus))
        }
        try Self.checkSKULists(skus: skus, skuOffsets: skuOffsets, records: records, recordsOffset: recordsOffset)
        return StockTable(
            restoringStores: stores, storesByName: storesByName, skus: skus, skusByName: skusByName, records: records,
            limits: limits)
    }

    /// A store: its name, its location names (`default` first, each once) and
    /// its allocation priority (a permutation of the locations).
    private mutating func readStore() throws -> StoreRecord {
        let name = try readName("store", maxBytes: Limits.storeIDMaxBytes, live: true)
        let countOffset = offset
        let locationCount = try readCount("locations", capacity: Limits.locationsPerStoreMax, elementBytes: 5)
        guard locationCount >= 1 else {
            throw DecodingError(offset: countOffset, reason: "store \(name) has no locations")
        }
        var locationNames: [String] = []
        var locationIndexByName: [String: UInt8] = [:]
        for position in 0..<locationCount {
            let start = offset
            let location = try readName("location", maxBytes: Limits.locationMaxBytes, live: true)
            guard position > 0 || location == Limits.defaultLocation else {
                throw DecodingError(
                    offset: start, reason: "store \(name): the first location is not \(Limits.defaultLocation)")
            }
            guard locationIndexByName[location] == nil else {
                throw DecodingError(offset: start, reason: "store \(name): location \(location) appears twice")
            }
            locationIndexByName[location] = UInt8(position)
            locationNames.append(location)
        }
        let priorityOffset = offset
        let priorityCount = try readCount("location priority", capacity: locationCount, elementBytes: 1)
        guard priorityCount == locationCount else {
            throw DecodingError(
                offset: priorityOffset,
                reason: "store \(name): priority names \(priorityCount) of \(locationCount) locations")
        }
        var priority: [UInt8] = []
        var ranked = [Bool](repeating: false, count: locationCount)
        for _ in 0..<priorityCount {
            let start = offset
            let location = try reader.readUInt8()
            guard Int(location) < locationCount, !ranked[Int(location)] else {
                throw DecodingError(
                    offset: start, reason: "store \(name): priority location \(location) is unknown or repeated")
            }
            ranked[Int(location)] = true
            priority.append(location)
        }
        return StoreRecord(
            name: name, locationNames: locationNames, locationIndexByName: locationIndexByName,
            locationPriority: priority)
    }

    private mutating func readStockRecord(recordCount: Int, stores: [StoreRecord], skus: [SKURecord]) throws
        -> StockRecord
    {
        let quantityRange: ClosedRange<Int64> = 0...Limits.quantityMax
        let fieldRange: ClosedRange<Int32> = 0...Int32(Limits.quantityMax)
        let onHand = try readInt64("onHand", in: quantityRange)
        let reserved = try readInt64("reserved", in: 0...Self.heldQuantityMax)
        let committed = try readInt64("committed", in: 0...Self.heldQuantityMax)
        let safetyStock = try readInt32("safetyStock", in: fieldRange)
        let lowStockThreshold = try readInt32("lowStockThreshold", in: fieldRange)
        let backorderLimit = try readInt32("backorderLimit", in: fieldRange)
        let sku = try readReference("stock record SKU", below: skus.count)
        let nextOfSKU = try readReference("next record of SKU", below: recordCount, nullable: true)
        let locationOffset = offset
        let location = try reader.readUInt8()
        let store = stores[Int(skus[Int(sku)].store)]
        guard Int(location) < store.locationNames.count else {
            throw DecodingError(
                offset: locationOffset, reason: "location \(location) is not a location of store \(store.name)")
        }
        return StockRecord(
            onHand: onHand, reserved: reserved, committed: committed, safetyStock: safetyStock,
            lowStockThreshold: lowStockThreshold, backorderLimit: backorderLimit, sku: sku, nextOfSKU: nextOfSKU,
            location: location)
    }

    /// Each SKU's list of records: non-empty, acyclic, its own records only, one
    /// per location; together the lists hold every record exactly once.
    private static func checkSKULists(
        skus: [SKURecord], skuOffsets: [Int], records: [StockRecord], recordsOffset: Int
    ) throws {
        var listed = [Bool](repeating: false, count: records.count)
        for (sku, record) in skus.enumerated() {
            let first = record.firstStockRecord
            guard first >= 0 && Int(first) < records.count else {
                throw DecodingError(
                    offset: skuOffsets[sku], reason: "SKU \(record.name): first stock record \(first) is out of range")
            }
            var locations: UInt64 = 0
            var index = first
            var referrer = skuOffsets[sku]
            while index != noSlot {
                let stock = records[Int(index)]
                let bit: UInt64 = 1 << UInt64(stock.location)
                guard !listed[Int(index)], Int(stock.sku) == sku, locations & bit == 0 else {
                    throw DecodingError(
                        offset: referrer,
                        reason:
                            "SKU \(record.name): stock record \(index) is listed twice, belongs elsewhere or repeats a location"
                    )
                }
                listed[Int(index)] = true
                locations |= bit
                referrer = recordsOffset + Int(index) * stockRecordBytes
                index = stock.nextOfSKU
            }
        }
        if let orphan = listed.firstIndex(of: false) {
            throw DecodingError(
                offset: recordsOffset + orphan * stockRecordBytes, reason: "stock record \(orphan) is in no SKU's list")
        }
    }
}
