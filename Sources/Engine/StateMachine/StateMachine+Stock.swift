extension StateMachine {
    mutating func setStock(_ command: SetStock) -> Outcome {
        if let error = Validation.store(command.store) ?? Validation.sku(command.sku)
            ?? Validation.location(command.location)
            ?? Validation.stockQuantity(command.onHand, field: "onHand")
            ?? Validation.stockQuantity(command.safetyStock, field: "safetyStock")
            ?? Validation.stockQuantity(command.lowStockThreshold, field: "lowStockThreshold")
            ?? Validation.stockQuantity(command.backorderLimit, field: "backorderLimit")
        {
            return .failure(error)
        }
        let location = command.location ?? Limits.defaultLocation
        let existing = existingRecord(store: command.store, sku: command.sku, location: location)
        var record = existing.map { stock.records[Int($0)] } ?? StockRecord.zero
        let availableBefore = record.available
        if let onHand = command.onHand { record.onHand = onHand }
        if let safetyStock = command.safetyStock { record.safetyStock = Int32(safetyStock) }
        if let threshold = command.lowStockThreshold { record.lowStockThreshold = Int32(threshold) }
        if let backorderLimit = command.backorderLimit { record.backorderLimit = Int32(backorderLimit) }
        if record.sellable < 0 {
            return .failure(belowCommitments(command.sku, location, record))
        }
        if existing == nil,
            let error = stock.creationError(store: command.store, sku: command.sku, location: location, limits: limits)
        {
            return .failure(error)
        }

        beginChange()
        let index = existing ?? createRecord(store: command.store, sku: command.sku, location: location)
        record.sku = stock.records[Int(index)].sku
        record.location = stock.records[Int(index)].location
        record.nextOfSKU = stock.records[Int(index)].nextOfSKU
        stock.records[Int(index)] = record
        emitStockChanged(record: index, availableBefore: existing == nil ? 0 : availableBefore)
        return .success(answer { .stockRecord(recordView(index)) })
    }

    mutating func adjustStock(_ command: AdjustStock) -> Outcome {
        if let error = Validation.store(command.store) ?? Validation.sku(command.sku)
            ?? Validation.location(command.location)
            ?? Validation.identifier(command.reason, field: "reason", maxBytes: Limits.reasonMaxBytes)
        {
            return .failure(error)
        }
        guard command.delta != 0, command.delta.magnitude <= Limits.quantityMax.magnitude else {
            return .failure(.quantityOutOfRange(field: "delta", value: command.delta))
        }
        let location = command.location ?? Limits.defaultLocation
        let index: Int32
        switch recordForUpdate(store: command.store, sku: command.sku, location: location) {
        case .success(let found): index = found
        case .failure(let error): return .failure(error)
        }
        var record = stock.records[Int(index)]
        let availableBefore = record.available
        let onHand = record.onHand + command.delta
        guard onHand <= Limits.quantityMax else { return .failure(.quantityOutOfRange(field: "onHand", value: onHand)) }
        record.onHand = onHand
        guard onHand >= 0, record.sellable >= 0 else { return .failure(belowCommitments(command.sku, location, record)) }

        beginChange()
        stock.records[Int(index)] = record
        emitStockChanged(record: index, availableBefore: availableBefore)
        return .success(answer { .stockRecord(recordView(index)) })
    }

    mutating func setLocationPriority(_ command: SetLocationPriority) -> Outcome {
        if let error = Validation.store(command.store) { return .failure(error) }
        if command.locations.count > Limits.locationsPerStoreMax {
            return .failure(.lineCountOutOfRange(count: command.locations.count, max: Limits.locationsPerStoreMax))
        }
        for location in command.locations {
            if let error = Validation.location(location) { return .failure(error) }
        }
        if Set(command.locations).count != command.locations.count {
            return .failure(.invalidArgument(field: "locations", reason: "names a location twice"))
        }
        let storeIndex = stock.storeIndex(command.store)
        let known = storeIndex.map { Set(stock.stores[Int($0)].locationNames) } ?? [Limits.defaultLocation]
        let newCount = command.locations.filter { !known.contains($0) }.count
        if known.count + newCount > Limits.locationsPerStoreMax { return .failure(.limitReached(.locationsPerStore)) }
        if storeIndex == nil && stock.stores.count >= limits.storesPerShardMax { return .failure(.limitReached(.stores)) }

        beginChange()
        let store = stock.ensureStore(command.store)
        let named = command.locations.map { stock.ensureLocation(store: store, name: $0) }
        let rest = stock.stores[Int(store)].locationPriority.filter { !named.contains($0) }
        stock.setLocationPriority(store: store, priority: named + rest)
        let names = locationPriorityNames(store)
        emit(store: store, .locationPriorityChanged(locations: names))
        return .success(answer { .locationPriority(names) })
    }

    func getStock(_ query: StockQuery) -> Outcome {
        if let error = Validation.sku(query.sku) { return .failure(error) }
        let store: Int32
        switch existingStore(query.store) {
        case .success(let index): store = index
        case .failure(let error): return .failure(error)
        }
        guard let sku = stock.skuIndex(store: store, name: query.sku) else {
            return .failure(.unknownSKU(sku: query.sku))
        }
        var totals = StockLevels()
        var locations: [LocationStock] = []
        for record in stock.recordsInPriorityOrder(sku: sku) {
            let levels = stock.records[Int(record)].levels
            locations.append(LocationStock(location: stock.locationName(ofRecord: record), levels: levels))
            totals.onHand += levels.onHand
            totals.reserved += levels.reserved
            totals.committed += levels.committed
            totals.safetyStock += levels.safetyStock
            totals.lowStockThreshold += levels.lowStockThreshold
            totals.backorderLimit += levels.backorderLimit
        }
        return .success(.stock(StockView(sku: query.sku, locations: locations, totals: totals)))
    }

    func checkAvailability(_ query: AvailabilityQuery) -> Outcome {
        if let error = Validation.lineCount(query.lines.count, max: Limits.availabilityCheckLinesMax) {
            return .failure(error)
        }
        for line in query.lines {
            if let error = Validation.sku(line.sku) ?? Validation.location(line.location)
                ?? Validation.positiveQuantity(line.quantity)
            {
                return .failure(error)
            }
        }
        let store: Int32
        switch existingStore(query.store) {
        case .success(let index): store = index
        case .failure(let error): return .failure(error)
        }
        let answers = query.lines.map { line in
            let available = sellable(store: store, sku: line.sku, location: line.location)
            return LineAvailability(
                sku: line.sku, location: line.location, requested: line.quantity, available: available,
                satisfiable: available >= line.quantity)
        }
        return .success(.availability(answers))
    }

    // MARK: Helpers

    /// Sellable quantity of a SKU at a location, or over all its locations (0 if unknown).
    func sellable(store: Int32, sku name: String, location: String?) -> Int64 {
        guard let sku = stock.skuIndex(store: store, name: name) else { return 0 }
        if location != nil {
            guard let locationIndex = stock.locationIndex(store: store, name: location),
                let record = stock.recordIndex(sku: sku, location: locationIndex)
            else { return 0 }
            return max(stock.records[Int(record)].sellable, 0)
        }
        return stock.recordsInPriorityOrder(sku: sku).reduce(0) { $0 + max(stock.records[Int($1)].sellable, 0) }
    }

    func locationPriorityNames(_ store: Int32) -> [String] {
        let record = stock.stores[Int(store)]
        return record.locationPriority.map { record.locationNames[Int($0)] }
    }

    func recordView(_ index: Int32) -> StockRecordView {
        StockRecordView(
            sku: stock.skuName(ofRecord: index), location: stock.locationName(ofRecord: index),
            levels: stock.records[Int(index)].levels, replayed: false)
    }

    private func existingRecord(store: String, sku: String, location: String) -> Int32? {
        guard let storeIndex = stock.storeIndex(store),
            let skuIndex = stock.skuIndex(store: storeIndex, name: sku),
            let locationIndex = stock.locationIndex(store: storeIndex, name: location)
        else { return nil }
        return stock.recordIndex(sku: skuIndex, location: locationIndex)
    }

    private func recordForUpdate(store: String, sku: String, location: String) -> Result<Int32, EngineError> {
        guard let storeIndex = stock.storeIndex(store) else { return .failure(.unknownStore(store: store)) }
        guard let skuIndex = stock.skuIndex(store: storeIndex, name: sku) else { return .failure(.unknownSKU(sku: sku)) }
        guard let locationIndex = stock.locationIndex(store: storeIndex, name: location),
            let record = stock.recordIndex(sku: skuIndex, location: locationIndex)
        else { return .failure(.unknownLocation(sku: sku, location: location)) }
        return .success(record)
    }

    private mutating func createRecord(store: String, sku: String, location: String) -> Int32 {
        let storeIndex = stock.ensureStore(store)
        let locationIndex = stock.ensureLocation(store: storeIndex, name: location)
        let skuIndex = stock.ensureSKU(store: storeIndex, name: sku)
        return stock.ensureRecord(sku: skuIndex, location: locationIndex)
    }

    private func belowCommitments(_ sku: String, _ location: String, _ record: StockRecord) -> EngineError {
        let minimum = record.reserved + record.committed + Int64(record.safetyStock) - Int64(record.backorderLimit)
        return .stockBelowCommitments(sku: sku, location: location, minimumOnHand: max(minimum, 0))
    }
}

extension StockRecord {
    static let zero = StockRecord(
        onHand: 0, reserved: 0, committed: 0, safetyStock: 0, lowStockThreshold: 0, backorderLimit: 0, sku: noSlot,
        nextOfSKU: noSlot, location: 0)
}
