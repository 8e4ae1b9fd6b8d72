extension StateMachine {
    /// Emits `stockChanged` for a record, and `lowStock` / `backInStock` when
    /// its available quantity crossed the threshold or zero.
    mutating func emitStockChanged(record index: Int32, availableBefore: Int64) {
        guard recordsEvents else { return }
        let record = stock.records[Int(index)]
        let store = stock.skus[Int(record.sku)].store
        let sku = stock.skus[Int(record.sku)].name
        let location = stock.stores[Int(store)].locationNames[Int(record.location)]
        let availableAfter = record.available
        emit(store: store, .stockChanged(sku: sku, location: location, levels: record.levels))
        let threshold = Int64(record.lowStockThreshold)
        if threshold > 0 && availableBefore >= threshold && availableAfter < threshold {
            emit(store: store, .lowStock(sku: sku, location: location, available: availableAfter, threshold: threshold))
        }
        if availableBefore <= 0 && availableAfter > 0 {
            emit(store: store, .backInStock(sku: sku, location: location, available: availableAfter))
        }
    }

    /// Emits stock events once per distinct record of a chain whose quantities
    /// just moved available by `availableSign × quantity` (−1 when stock was
    /// reserved or committed, +1 when released, 0 when it moved between buckets).
    mutating func emitStockChanged(chain: LinePool.Chain, availableSign: Int64) {
        guard recordsEvents else { return }
        var index = chain.first
        while index != noSlot {
            let node = lines[index]
            if !chainHasEarlierNode(chain, before: index, onRecord: node.stockRecord) {
                var movedQuantity: Int64 = 0
                lines.forEach(chainStartingAt: chain.first) { other in
                    if other.stockRecord == node.stockRecord { movedQuantity += other.quantity }
                }
                let availableAfter = stock.records[Int(node.stockRecord)].available
                emitStockChanged(record: node.stockRecord, availableBefore: availableAfter - availableSign * movedQuantity)
            }
            index = node.next
        }
    }

    private func chainHasEarlierNode(_ chain: LinePool.Chain, before target: Int32, onRecord record: Int32) -> Bool {
        var index = chain.first
        while index != target {
            if lines[index].stockRecord == record { return true }
            index = lines[index].next
        }
        return false
    }

    /// Applies `change` to the stock record of every node of a chain.
    mutating func applyToRecords(of chain: LinePool.Chain, _ change: (inout StockRecord, Int64) -> Void) {
        var index = chain.first
        while index != noSlot {
            let node = lines[index]
            change(&stock.records[Int(node.stockRecord)], node.quantity)
            stock.records[Int(node.stockRecord)].checkSound()
            index = node.next
        }
    }
}
