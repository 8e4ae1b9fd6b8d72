@testable import Engine

/// What may still be reserved or committed at a record.
func modelSellable(_ levels: StockLevels) -> Int64 {
    levels.available + levels.backorderLimit
}

/// One line to allocate (reserve, order, cart hold, checkout).
struct ModelAllocationLine {
    var sku: String
    var location: String?
    var quantity: Int64
    var unitPriceMinor: Int64 = 0
}

extension ReferenceModel {
    mutating func setStock(_ command: SetStock) -> Outcome {
        if let error = existingStoreNameError(command.store) ?? ModelValidation.sku(command.sku)
            ?? ModelValidation.location(command.location)
            ?? ModelValidation.stockField(command.onHand, field: "onHand")
            ?? ModelValidation.stockField(command.safetyStock, field: "safetyStock")
            ?? ModelValidation.stockField(command.lowStockThreshold, field: "lowStockThreshold")
            ?? ModelValidation.stockField(command.backorderLimit, field: "backorderLimit")
        {
            return .failure(error)
        }
        let location = command.location ?? Limits.defaultLocation
        let existing = stores[command.store]?.stock[command.sku]?[location]
        var levels = existing ?? StockLevels()
        if let onHand = command.onHand { levels.onHand = onHand }
        if let safetyStock = command.safetyStock { levels.safetyStock = safetyStock }
        if let threshold = command.lowStockThreshold { levels.lowStockThreshold = threshold }
        if let backorderLimit = command.backorderLimit { levels.backorderLimit = backorderLimit }
        if modelSellable(levels) < 0 {
            return .failure(belowCommitments(command.sku, location, levels))
        }
        if existing == nil, let error = creationError(store: command.store, sku: command.sku, location: location) {
            return .failure(error)
        }

        changed = true
        if stores[command.store] == nil { stores[command.store] = ModelStore() }
        if !stores[command.store]!.locationPriority.contains(location) {
            stores[command.store]!.locationPriority.append(location)
        }
        if stores[command.store]!.stock[command.sku] == nil {
            stores[command.store]!.stock[command.sku] = [:]
            skuCount += 1
        }
        if existing == nil { recordCount += 1 }
        stores[command.store]!.stock[command.sku]![location] = levels
        return .success(.stockRecord(StockRecordView(sku: command.sku, location: location, levels: levels, replayed: false)))
    }

    mutating func adjustStock(_ command: AdjustStock) -> Outcome {
        if let error = existingStoreNameError(command.store) ?? ModelValidation.sku(command.sku)
            ?? ModelValidation.location(command.location)
            ?? ModelValidation.identifier(command.reason, field: "reason", maxBytes: Limits.reasonMaxBytes)
        {
            return .failure(error)
        }
        if command.delta == 0 || command.delta < -Limits.quantityMax || command.delta > Limits.quantityMax {
            return .failure(.quantityOutOfRange(field: "delta", value: command.delta))
        }
        let location = command.location ?? Limits.defaultLocation
        guard let store = stores[command.store] else { return .failure(.unknownStore(store: command.store)) }
        guard let records = store.stock[command.sku] else { return .failure(.unknownSKU(sku: command.sku)) }
        guard var levels = records[location] else {
            return .failure(.unknownLocation(sku: command.sku, location: location))
        }
        levels.onHand += command.delta
        if levels.onHand > Limits.quantityMax {
            return .failure(.quantityOutOfRange(field: "onHand", value: levels.onHand))
        }
        if levels.onHand < 0 || modelSellable(levels) < 0 {
            return .failure(belowCommitments(command.sku, location, levels))
        }
        changed = true
        stores[command.store]!.stock[command.sku]![location] = levels
        return .success(.stockRecord(StockRecordView(sku: command.sku, location: location, levels: levels, replayed: false)))
    }

    mutating func setLocationPriority(_ command: SetLocationPriority) -> Outcome {
        if let error = existingStoreNameError(command.store) { return .failure(error) }
        if command.locations.count > Limits.locationsPerStoreMax {
            return .failure(.lineCountOutOfRange(count: command.locations.count, max: Limits.locationsPerStoreMax))
        }
        for location in command.locations {
            if let error = ModelValidation.location(location) { return .failure(error) }
        }
        if Set(command.locations).count != command.locations.count {
            return .failure(.invalidArgument(field: "locations", reason: "names a location twice"))
        }
        let previous = stores[command.store]?.locationPriority ?? [Limits.defaultLocation]
        let added = command.locations.filter { !previous.contains($0) }
        if previous.count + added.count > Limits.locationsPerStoreMax {
            return .failure(.limitReached(.locationsPerStore))
        }
        if stores[command.store] == nil && stores.count >= limits.storesPerShardMax {
            return .failure(.limitReached(.stores))
        }
        changed = true
        if stores[command.store] == nil { stores[command.store] = ModelStore() }
        let priority = command.locations + (previous + added).filter { !command.locations.contains($0) }
        stores[command.store]!.locationPriority = priority
        return .success(.locationPriority(priority))
    }

    func getStock(_ query: StockQuery) -> Outcome {
        if let error = ModelValidation.sku(query.sku) ?? existingStore(query.store) { return .failure(error) }
        let store = stores[query.store]!
        guard let records = store.stock[query.sku] else { return .failure(.unknownSKU(sku: query.sku)) }
        var locations: [LocationStock] = []
        var totals = StockLevels()
        for location in store.locationPriority {
            guard let levels = records[location] else { continue }
            locations.append(LocationStock(location: location, levels: levels))
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
        if let error = ModelValidation.lineCount(query.lines.count, max: Limits.availabilityCheckLinesMax) {
            return .failure(error)
        }
        for line in query.lines {
            if let error = ModelValidation.sku(line.sku) ?? ModelValidation.location(line.location)
                ?? ModelValidation.lineQuantity(line.quantity)
            {
                return .failure(error)
            }
        }
        if let error = existingStore(query.store) { return .failure(error) }
        let store = stores[query.store]!
        return .success(
            .availability(
                query.lines.map { line in
                    let records = store.stock[line.sku] ?? [:]
                    let available: Int64
                    if let location = line.location {
                        available = records[location].map { max(modelSellable($0), 0) } ?? 0
                    } else {
                        available = records.values.reduce(0) { $0 + max(modelSellable($1), 0) }
                    }
                    return LineAvailability(
                        sku: line.sku, location: line.location, requested: line.quantity, available: available,
                        satisfiable: available >= line.quantity)
                }))
    }

    // MARK: Allocation

    /// Takes stock for every line or for none, per the semantics page. On
    /// success returns the store with the quantities added to `bucket` and the
    /// allocations in the order they were taken, each with its line's price.
    func allocate(
        _ lines: [ModelAllocationLine], in original: ModelStore, into bucket: ModelBucket
    ) -> Result<(store: ModelStore, taken: [OrderLine]), EngineError> {
        var store = original
        var taken: [OrderLine] = []
        func take(_ quantity: Int64, _ line: ModelAllocationLine, at location: String) {
            switch bucket {
            case .reserved: store.stock[line.sku]![location]!.reserved += quantity
            case .committed: store.stock[line.sku]![location]!.committed += quantity
            }
            taken.append(
                OrderLine(sku: line.sku, location: location, quantity: quantity, unitPriceMinor: line.unitPriceMinor))
        }
        for line in lines {
            guard let records = store.stock[line.sku] else { return .failure(.unknownSKU(sku: line.sku)) }
            if line.location != nil || store.locationPriority.count == 1 {
                let location = line.location ?? Limits.defaultLocation
                guard let levels = records[location] else {
                    return .failure(.unknownLocation(sku: line.sku, location: location))
                }
                guard modelSellable(levels) >= line.quantity else {
                    return .failure(
                        .insufficientStock(sku: line.sku, requested: line.quantity, available: max(modelSellable(levels), 0)))
                }
                take(line.quantity, line, at: location)
                continue
            }
            let locations = store.locationPriority.filter { records[$0] != nil }
            let total = locations.reduce(Int64(0)) { $0 + max(modelSellable(records[$1]!), 0) }
            guard total >= line.quantity else {
                return .failure(.insufficientStock(sku: line.sku, requested: line.quantity, available: total))
            }
            var remaining = line.quantity
            let firstOfLine = taken.count
            for useBackorder in [false, true] {
                for location in locations where remaining > 0 {
                    let levels = store.stock[line.sku]![location]!
                    let room = useBackorder ? modelSellable(levels) : levels.available
                    let quantity = min(max(room, 0), remaining)
                    if quantity > 0 {
                        take(quantity, line, at: location)
                        remaining -= quantity
                    }
                }
            }
            // One allocation per location for the line: merge the backorder
            // pass into the available pass's allocation at the same location.
            var merged: [OrderLine] = []
            for allocation in taken[firstOfLine...] {
                if let index = merged.firstIndex(where: { $0.location == allocation.location }) {
                    merged[index].quantity += allocation.quantity
                } else {
                    merged.append(allocation)
                }
            }
            taken.replaceSubrange(firstOfLine..., with: merged)
            precondition(remaining == 0, "model: total sellable covered the line")
        }
        return .success((store, taken))
    }

    /// Adds `sign × quantity` of every allocation to a bucket of the records.
    mutating func move(
        _ allocations: [LineAllocation], store: String, from source: ModelBucket?, to target: ModelBucket?
    ) {
        for allocation in allocations {
            var levels = stores[store]!.stock[allocation.sku]![allocation.location]!
            switch source {
            case .reserved: levels.reserved -= allocation.quantity
            case .committed: levels.committed -= allocation.quantity
            case nil: break
            }
            switch target {
            case .reserved: levels.reserved += allocation.quantity
            case .committed: levels.committed += allocation.quantity
            case nil: break
            }
            stores[store]!.stock[allocation.sku]![allocation.location] = levels
        }
    }

    // MARK: Helpers

    /// Only the name check of a store (commands that create stores).
    func existingStoreNameError(_ name: String) -> EngineError? {
        ModelValidation.identifier(name, field: "store", maxBytes: Limits.storeIDMaxBytes)
    }

    private func belowCommitments(_ sku: String, _ location: String, _ levels: StockLevels) -> EngineError {
        let minimum = levels.reserved + levels.committed + levels.safetyStock - levels.backorderLimit
        return .stockBelowCommitments(sku: sku, location: location, minimumOnHand: max(minimum, 0))
    }

    private func creationError(store name: String, sku: String, location: String) -> EngineError? {
        guard let store = stores[name] else {
            if stores.count >= limits.storesPerShardMax { return .limitReached(.stores) }
            if skuCount >= limits.skusPerShardMax { return .limitReached(.skus) }
            if recordCount >= limits.stockRecordsPerShardMax { return .limitReached(.stockRecords) }
            return nil
        }
        if !store.locationPriority.contains(location) && store.locationPriority.count >= Limits.locationsPerStoreMax {
            return .limitReached(.locationsPerStore)
        }
        if store.stock[sku] == nil && skuCount >= limits.skusPerShardMax { return .limitReached(.skus) }
        if recordCount >= limits.stockRecordsPerShardMax { return .limitReached(.stockRecords) }
        return nil
    }
}

extension LineAllocation {
    init(_ line: OrderLine) {
        self.init(sku: line.sku, location: line.location, quantity: line.quantity)
    }
}
