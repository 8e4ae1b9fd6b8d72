/// One store: its name and its locations, interned to small integers.
struct StoreRecord: Sendable {
    var name: String
    var locationNames: [String]
    var locationIndexByName: [String: UInt8]
    /// Location indices in allocation order for lines without a location.
    var locationPriority: [UInt8]
}

/// One SKU of one store, with the head of its list of stock records. The
/// string comes first so the two integers pack into one word: 24 bytes.
struct SKURecord: Sendable {
    var name: String
    var store: Int32
    var firstStockRecord: Int32
}

/// The quantities of one (store, SKU, location): 48 bytes.
struct StockRecord: Sendable, Equatable {
    var onHand: Int64
    var reserved: Int64
    var committed: Int64
    var safetyStock: Int32
    var lowStockThreshold: Int32
    var backorderLimit: Int32
    var sku: Int32
    /// The next record of the same SKU (another location), or `noSlot`.
    var nextOfSKU: Int32
    var location: UInt8

    var available: Int64 { onHand - reserved - committed - Int64(safetyStock) }
    /// What may still be reserved or committed here: available plus the backorder allowance.
    var sellable: Int64 { available + Int64(backorderLimit) }

    /// Traps (in release builds too) if the record breaks what every stock
    /// change must keep: no negative quantities, sellable (available plus the
    /// backorder allowance) never below zero. Four compares per changed record.
    @inline(__always)
    func checkSound() {
        precondition(
            onHand >= 0 && reserved >= 0 && committed >= 0 && sellable >= 0,
            "stock record broken: onHand \(onHand), reserved \(reserved), committed \(committed), sellable \(sellable)")
    }

    var levels: StockLevels {
        StockLevels(
            onHand: onHand, reserved: reserved, committed: committed, safetyStock: Int64(safetyStock),
            lowStockThreshold: Int64(lowStockThreshold), backorderLimit: Int64(backorderLimit))
    }
}

/// Stores, SKUs and stock records, interned to dense integers.
struct StockTable: Sendable {
    private(set) var stores: [StoreRecord] = []
    private var storesByName = HashIndex()
    private(set) var skus: [SKURecord] = []
    private var skusByName = HashIndex()
    /// The limits the arrays reserve (the name indices grow with their contents).
    private var storesCapacity = 0
    private var skusCapacity = 0
    var records = ChunkedArray<StockRecord>()

    /// An empty table sized for the capacity limits of `limits` (lazily
    /// committed memory: it costs the pages the records fill).
    init(limits: Limits) {
        storesCapacity = limits.storesPerShardMax
        stores.reserveCapacity(storesCapacity)
        skusCapacity = limits.skusPerShardMax
        skus.reserveCapacity(skusCapacity)
        records.reserveCapacity(limits.stockRecordsPerShardMax)
    }

    init() {}

    // MARK: Lookups

    func storeIndex(_ name: String) -> Int32? {
        storesByName.find(hash: HashIndex.hash(store: noSlot, name: name)) { stores[Int($0)].name == name }
    }

    func skuIndex(store: Int32, name: String) -> Int32? {
        skusByName.find(hash: HashIndex.hash(store: store, name: name)) {
            skus[Int($0)].store == store && skus[Int($0)].name == name
        }
    }

    func locationIndex(store: Int32, name: String?) -> UInt8? {
        stores[Int(store)].locationIndexByName[name ?? Limits.defaultLocation]
    }

    /// The stock record of `sku` at `location`, walking the SKU's short list.
    func recordIndex(sku: Int32, location: UInt8) -> Int32? {
        var index = skus[Int(sku)].firstStockRecord
        while index != noSlot {
            if records[Int(index)].location == location { return index }
            index = records[Int(index)].nextOfSKU
        }
        return nil
    }

    func storeName(_ store: Int32) -> String { stores[Int(store)].name }

    func skuName(ofRecord record: Int32) -> String { skus[Int(records[Int(record)].sku)].name }

    func locationName(ofRecord record: Int32) -> String {
        let sku = skus[Int(records[Int(record)].sku)]
        return stores[Int(sku.store)].locationNames[Int(records[Int(record)].location)]
    }

    // MARK: Creation (callers check capacity first with `creationError`)

    /// What creating (store, sku, location) would exceed, if anything.
    func creationError(store: String, sku: String, location: String, limits: Limits) -> EngineError? {
        guard let storeIndex = storeIndex(store) else {
            if stores.count >= limits.storesPerShardMax { return .limitReached(.stores) }
            if skus.count >= limits.skusPerShardMax { return .limitReached(.skus) }
            if records.count >= limits.stockRecordsPerShardMax { return .limitReached(.stockRecords) }
            return nil
        }
        let storeRecord = stores[Int(storeIndex)]
        let newLocation = storeRecord.locationIndexByName[location] == nil
        if newLocation && storeRecord.locationNames.count >= Limits.locationsPerStoreMax {
            return .limitReached(.locationsPerStore)
        }
        guard let skuIndex = skuIndex(store: storeIndex, name: sku) else {
            if skus.count >= limits.skusPerShardMax { return .limitReached(.skus) }
            if records.count >= limits.stockRecordsPerShardMax { return .limitReached(.stockRecords) }
            return nil
        }
        let existing = newLocation ? nil : recordIndex(sku: skuIndex, location: storeRecord.locationIndexByName[location]!)
        if existing == nil && records.count >= limits.stockRecordsPerShardMax { return .limitReached(.stockRecords) }
        return nil
    }

    mutating func ensureStore(_ name: String) -> Int32 {
        if let index = storeIndex(name) { return index }
        let index = Int32(stores.count)
        stores.append(
            StoreRecord(
                name: name, locationNames: [Limits.defaultLocation],
                locationIndexByName: [Limits.defaultLocation: 0], locationPriority: [0]),
            reserving: storesCapacity)
        storesByName.insert(hash: HashIndex.hash(store: noSlot, name: name), value: index)
        return index
    }

    mutating func ensureLocation(store: Int32, name: String) -> UInt8 {
        if let index = stores[Int(store)].locationIndexByName[name] { return index }
        let index = UInt8(stores[Int(store)].locationNames.count)
        stores[Int(store)].locationNames.append(name)
        stores[Int(store)].locationIndexByName[name] = index
        stores[Int(store)].locationPriority.append(index)
        return index
    }

    mutating func ensureSKU(store: Int32, name: String) -> Int32 {
        if let index = skuIndex(store: store, name: name) { return index }
        let index = Int32(skus.count)
        skus.append(SKURecord(name: name, store: store, firstStockRecord: noSlot), reserving: skusCapacity)
        skusByName.insert(hash: HashIndex.hash(store: store, name: name), value: index)
        return index
    }

    /// The record of (sku, location), created with zero quantities if absent.
    /// New records go at the end of the SKU's list.
    mutating func ensureRecord(sku: Int32, location: UInt8) -> Int32 {
        if let index = recordIndex(sku: sku, location: location) { return index }
        let index = Int32(records.count)
        records.append(
            StockRecord(
                onHand: 0, reserved: 0, committed: 0, safetyStock: 0, lowStockThreshold: 0, backorderLimit: 0,
                sku: sku, nextOfSKU: noSlot, location: location))
        if skus[Int(sku)].firstStockRecord == noSlot {
            skus[Int(sku)].firstStockRecord = index
        } else {
            var tail = skus[Int(sku)].firstStockRecord
            while records[Int(tail)].nextOfSKU != noSlot { tail = records[Int(tail)].nextOfSKU }
            records[Int(tail)].nextOfSKU = index
        }
        return index
    }

    mutating func setLocationPriority(store: Int32, priority: [UInt8]) {
        stores[Int(store)].locationPriority = priority
    }

    /// Records of a SKU in the store's allocation order.
    func recordsInPriorityOrder(sku: Int32) -> [Int32] {
        let store = stores[Int(skus[Int(sku)].store)]
        var ordered: [Int32] = []
        for location in store.locationPriority {
            if let record = recordIndex(sku: sku, location: location) { ordered.append(record) }
        }
        return ordered
    }
}

extension StockTable {
    /// A table restored from its encoding, with its name indices rebuilt by the
    /// caller, sized for the capacity limits of `limits`.
    init(
        restoringStores stores: [StoreRecord], storesByName: HashIndex, skus: [SKURecord], skusByName: HashIndex,
        records: [StockRecord], limits: Limits
    ) {
        self.init()
        self.stores = stores
        self.storesCapacity = limits.storesPerShardMax
        self.stores.reserveCapacity(storesCapacity)
        self.storesByName = storesByName
        self.skus = skus
        self.skusCapacity = limits.skusPerShardMax
        self.skus.reserveCapacity(skusCapacity)
        self.skusByName = skusByName
        self.records = ChunkedArray(records)
        self.records.reserveCapacity(limits.stockRecordsPerShardMax)
    }
}
