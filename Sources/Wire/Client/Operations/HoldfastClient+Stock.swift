extension HoldfastClient {
    /// Sets fields of a stock record, creating the record (and store, SKU and
    /// location) if needed. Retried after connection loss only with a `requestKey`.
    ///
    /// - Returns: the record as it now stands.
    /// - Throws: `engine(…)`, e.g. `stockBelowCommitments`, `quantityOutOfRange`.
    public func setStock(_ command: SetStock) async throws(HoldfastClientError) -> StockRecordView {
        try await run(.setStock(command)) { if case .stockRecord(let view) = $0 { view } else { nil } }
    }

    /// Adds or removes on-hand stock of an existing record. Retried after
    /// connection loss only with a `requestKey`.
    ///
    /// - Throws: `engine(…)`, e.g. `unknownSKU`, `stockBelowCommitments`.
    public func adjustStock(_ command: AdjustStock) async throws(HoldfastClientError) -> StockRecordView {
        try await run(.adjustStock(command)) { if case .stockRecord(let view) = $0 { view } else { nil } }
    }

    /// Sets the order in which lines without a location are allocated.
    ///
    /// - Returns: the store's whole allocation order.
    public func setLocationPriority(_ command: SetLocationPriority) async throws(HoldfastClientError) -> [String] {
        try await run(.setLocationPriority(command)) {
            if case .locationPriority(let order) = $0 { order } else { nil }
        }
    }

    /// Every location of a SKU, in allocation order, and the totals.
    ///
    /// - Throws: `engine(.unknownStore | .unknownSKU)`.
    public func getStock(_ query: StockQuery) async throws(HoldfastClientError) -> StockView {
        try await run(.getStock(query)) { if case .stock(let view) = $0 { view } else { nil } }
    }

    /// Whether each line could be reserved now, and how much is sellable.
    public func checkAvailability(_ query: AvailabilityQuery) async throws(HoldfastClientError) -> [LineAvailability] {
        try await run(.checkAvailability(query)) { if case .availability(let lines) = $0 { lines } else { nil } }
    }
}
