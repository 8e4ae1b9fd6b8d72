/// Which bucket an allocation fills: reservations hold stock, orders commit it.
enum HoldKind {
    case reserve
    case commit
}

/// One line to allocate, as the allocator reads it.
struct AllocationRequest {
    var sku: String
    var location: String?
    var quantity: Int64
    var unitPriceMinor: Int64
}

extension StateMachine {
    /// Holds or commits stock for every line, or for none.
    ///
    /// A line with a location takes stock there; a line without one takes
    /// available stock in the store's location priority order (possibly split),
    /// then backorder allowance in the same order. Lines are taken in order, so
    /// repeated SKUs see each other's effect. On failure every record is
    /// restored exactly and the error names the first line that did not fit.
    /// The caller emits stock events for the returned chain once it commits.
    mutating func allocate(
        store: Int32, count: Int, kind: HoldKind, line request: (Int) -> AllocationRequest
    ) -> Result<LinePool.Chain, EngineError> {
        var chain = LinePool.Chain()
        let mark = lines.mark
        for position in 0..<count {
            let line = request(position)
            if let error = allocateLine(store: store, line: line, kind: kind, into: &chain) {
                switch kind {
                case .reserve: applyToRecords(of: chain) { record, quantity in record.reserved -= quantity }
                case .commit: applyToRecords(of: chain) { record, quantity in record.committed -= quantity }
                }
                lines.rollback(chain, to: mark)
                return .failure(error)
            }
        }
        return .success(chain)
    }

    private mutating func allocateLine(
        store: Int32, line: AllocationRequest, kind: HoldKind, into chain: inout LinePool.Chain
    ) -> EngineError? {
        guard let sku = stock.skuIndex(store: store, name: line.sku) else { return .unknownSKU(sku: line.sku) }
        // A line takes one node per location at most.
        let locationCount = stock.stores[Int(store)].locationPriority.count
        guard lines.liveCount + locationCount <= limits.lineNodesPerShardMax else { return .limitReached(.lineNodes) }
        let priority = stock.stores[Int(store)].locationPriority
        if line.location != nil || priority.count == 1 {
            let location = line.location == nil ? priority[0] : stock.locationIndex(store: store, name: line.location)
            guard let location, let record = stock.recordIndex(sku: sku, location: location)
            else {
                return .unknownLocation(sku: line.sku, location: line.location ?? Limits.defaultLocation)
            }
            let sellable = stock.records[Int(record)].sellable
            guard sellable >= line.quantity else {
                return .insufficientStock(sku: line.sku, requested: line.quantity, available: max(sellable, 0))
            }
            take(line.quantity, from: record, price: line.unitPriceMinor, kind: kind, into: &chain)
            return nil
        }
        var totalSellable: Int64 = 0
        for location in priority {
            if let record = stock.recordIndex(sku: sku, location: location) {
                totalSellable += max(stock.records[Int(record)].sellable, 0)
            }
        }
        guard totalSellable >= line.quantity else {
            return .insufficientStock(sku: line.sku, requested: line.quantity, available: totalSellable)
        }
        var remaining = line.quantity
        var firstNodeOfLine = noSlot
        for includeBackorder in [false, true] where remaining > 0 {
            for location in priority where remaining > 0 {
                guard let record = stock.recordIndex(sku: sku, location: location) else { continue }
                let room = includeBackorder ? stock.records[Int(record)].sellable : stock.records[Int(record)].available
                let quantity = min(max(room, 0), remaining)
                guard quantity > 0 else { continue }
                // One allocation per location for the line: the backorder pass
                // adds to the available pass's node at the same record.
                if let node = node(of: record, inChainFrom: firstNodeOfLine) {
                    lines[node].quantity += quantity
                    hold(quantity, at: record, kind: kind)
                } else {
                    take(quantity, from: record, price: line.unitPriceMinor, kind: kind, into: &chain)
                    if firstNodeOfLine == noSlot { firstNodeOfLine = chain.last }
                }
                remaining -= quantity
            }
        }
        assert(remaining == 0, "total sellable covered the line")
        return nil
    }

    private mutating func take(
        _ quantity: Int64, from record: Int32, price: Int64, kind: HoldKind, into chain: inout LinePool.Chain
    ) {
        hold(quantity, at: record, kind: kind)
        lines.append(to: &chain, stockRecord: record, quantity: quantity, unitPriceMinor: price)
    }

    private mutating func hold(_ quantity: Int64, at record: Int32, kind: HoldKind) {
        switch kind {
        case .reserve: stock.records[Int(record)].reserved += quantity
        case .commit: stock.records[Int(record)].committed += quantity
        }
        stock.records[Int(record)].checkSound()
    }

    /// The node on `record` among the nodes from `first` to the end of its chain.
    private func node(of record: Int32, inChainFrom first: Int32) -> Int32? {
        var index = first
        while index != noSlot {
            if lines[index].stockRecord == record { return index }
            index = lines[index].next
        }
        return nil
    }

    /// Gives back what a chain holds or commits and frees its nodes.
    mutating func release(_ chain: LinePool.Chain, kind: HoldKind) {
        switch kind {
        case .reserve: applyToRecords(of: chain) { record, quantity in record.reserved -= quantity }
        case .commit: applyToRecords(of: chain) { record, quantity in record.committed -= quantity }
        }
        lines.free(chainStartingAt: chain.first)
    }

    /// The allocations of a chain, by SKU and location name.
    func allocations(of chain: LinePool.Chain) -> AllocationList {
        var list = AllocationList()
        lines.forEach(chainStartingAt: chain.first) { node in
            list.append(
                LineAllocation(
                    sku: stock.skuName(ofRecord: node.stockRecord), location: stock.locationName(ofRecord: node.stockRecord),
                    quantity: node.quantity))
        }
        return list
    }
}
