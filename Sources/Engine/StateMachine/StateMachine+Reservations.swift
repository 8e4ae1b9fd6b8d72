extension StateMachine {
    mutating func reserve(_ command: Reserve) -> Outcome {
        // Validated and fingerprinted where it was decoded, or here.
        let fingerprint: UInt64
        if let prepared = preparation.reserveFingerprint {
            fingerprint = prepared
        } else {
            if let error = Self.validate(command) { return .failure(error) }
            fingerprint = Fingerprint.of(command)
        }
        let store: Int32
        switch existingStore(command.store) {
        case .success(let index): store = index
        case .failure(let error): return .failure(error)
        }
        let owner: String?
        switch ownerForNewEntity(stated: command.owner) {
        case .success(let resolved): owner = resolved
        case .failure(let error): return .failure(error)
        }
        let idHash = HashIndex.hash(store: store, name: command.reservationID)
        if let slot = reservations.slot(store: store, id: command.reservationID, hash: idHash) {
            if let error = ownershipError(entity: "reservation", id: command.reservationID, owner: reservations[slot].owner) {
                return .failure(error)
            }
            guard reservations[slot].fingerprint == fingerprint else {
                return .failure(.idempotencyConflict(key: command.reservationID))
            }
            return .success(.reservation(reservationView(slot, replayed: true)))
        }
        if reservations.liveCount >= limits.reservationsPerShardMax && reservations.finished.isEmpty {
            return .failure(.limitReached(.reservations))
        }
        let chain: LinePool.Chain
        switch allocate(store: store, count: command.lines.count, kind: .reserve, line: { position in
            let line = command.lines[position]
            return AllocationRequest(sku: line.sku, location: line.location, quantity: line.quantity, unitPriceMinor: 0)
        }) {
        case .success(let allocated): chain = allocated
        case .failure(let error): return .failure(error)
        }

        beginChange()
        if reservations.liveCount >= limits.reservationsPerShardMax {
            purgeOldestFinishedReservation()
        }
        let deadline = deadline(afterSeconds: command.ttlSeconds)
        let slot = reservations.insert(
            ReservationRecord(
                store: store, id: command.reservationID, owner: owner, status: .active, cart: noSlot,
                deadline: deadline, finishedAt: 0, lines: chain, fingerprint: fingerprint, heapPosition: noSlot,
                orderID: nil, idHash: idHash))
        emitStockChanged(chain: chain, availableSign: -1)
        emit(store: store, .reservationPlaced(reservationID: command.reservationID, owner: owner, deadline: deadline))
        return .success(answer { .reservation(reservationView(slot, replayed: false)) })
    }

    mutating func extendReservation(_ command: ExtendReservation) -> Outcome {
        if let error = Validation.ttl(command.ttlSeconds) { return .failure(error) }
        let slot: Int32
        switch activeReservation(store: command.store, id: command.reservationID) {
        case .success(let found): slot = found
        case .failure(let error): return .failure(error)
        }
        beginChange()
        let deadline = deadline(afterSeconds: command.ttlSeconds)
        reservations.setDeadline(slot, deadline)
        emit(store: reservations[slot].store, .reservationExtended(reservationID: command.reservationID, deadline: deadline))
        return .success(answer { .reservation(reservationView(slot, replayed: false)) })
    }

    /// Releases an active reservation (even one past its deadline that the tick
    /// has not reached yet). Releasing a released reservation answers as before.
    mutating func releaseReservation(_ command: ReservationReference) -> Outcome {
        let slot: Int32
        switch existingReservation(store: command.store, id: command.reservationID) {
        case .success(let found): slot = found
        case .failure(let error): return .failure(error)
        }
        switch reservations[slot].status {
        case .released: return .success(.reservation(reservationView(slot, replayed: true)))
        case .confirmed, .expired:
            return .failure(.reservationNotActive(id: command.reservationID, status: reservations[slot].status))
        case .active: break
        }
        beginChange()
        let chain = reservations[slot].lines
        applyToRecords(of: chain) { record, quantity in record.reserved -= quantity }
        reservations.finish(slot, status: .released, at: now)
        emitStockChanged(chain: chain, availableSign: 1)
        emit(store: reservations[slot].store, .reservationReleased(reservationID: command.reservationID))
        return .success(answer { .reservation(reservationView(slot, replayed: false)) })
    }

    mutating func confirmReservation(_ command: ConfirmReservation) -> Outcome {
        if let error = Validation.terms(command.terms) ?? customerIDError(command.terms.customerID) {
            return .failure(error)
        }
        let slot: Int32
        switch existingReservation(store: command.store, id: command.reservationID) {
        case .success(let found): slot = found
        case .failure(let error): return .failure(error)
        }
        let store = reservations[slot].store
        let fingerprint = Fingerprint.of(source: "reservation", sourceID: command.reservationID, terms: command.terms)
        if let replay = replayExistingOrder(store: store, orderID: command.terms.orderID, fingerprint: fingerprint) {
            return replay
        }
        if let error = requireActive(slot) { return .failure(error) }
        let chain = reservations[slot].lines
        if let error = orderCapacityError() ?? lineCapacityError(adding: chain.count) { return .failure(error) }
        let terms: OrderTerms
        switch pricedTerms(command.terms, store: store, skus: skuNames(of: chain)) {
        case .success(let priced): terms = priced
        case .failure(let error): return .failure(error)
        }
        let amounts: OrderAmounts
        switch orderAmounts(chain: chain, terms: terms) {
        case .success(let computed): amounts = computed
        case .failure(let error): return .failure(error)
        }

        beginChange()
        applyToRecords(of: chain) { record, quantity in
            record.reserved -= quantity
            record.committed += quantity
        }
        reservations.finish(slot, status: .confirmed, at: now)
        reservations[slot].orderID = command.terms.orderID
        emitStockChanged(chain: chain, availableSign: 0)
        emit(store: store, .reservationConfirmed(reservationID: command.reservationID, orderID: command.terms.orderID))
        let priced = pricedCopy(of: chain, terms: terms)
        let order = insertOrder(
            store: store, terms: terms, lines: priced, amounts: amounts, fingerprint: fingerprint,
            reservationID: command.reservationID)
        return .success(answer { .order(orderView(order, replayed: false)) })
    }

    func getReservation(_ query: ReservationReference) -> Outcome {
        switch existingReservation(store: query.store, id: query.reservationID) {
        case .success(let slot): .success(.reservation(reservationView(slot, replayed: false)))
        case .failure(let error): .failure(error)
        }
    }

    // MARK: Helpers

    static func validate(_ command: Reserve) -> EngineError? {
        if let error = Validation.identifier(
            command.reservationID, field: "reservationID", maxBytes: Limits.reservationIDMaxBytes)
            ?? Validation.optionalIdentifier(command.owner, field: "owner", maxBytes: Limits.ownerMaxBytes)
            ?? Validation.ttl(command.ttlSeconds)
            ?? Validation.lineCount(command.lines.count, max: Limits.reservationLinesMax)
        {
            return error
        }
        for line in command.lines {
            if let error = Validation.sku(line.sku) ?? Validation.location(line.location)
                ?? Validation.positiveQuantity(line.quantity)
            {
                return error
            }
        }
        return nil
    }

    /// The slot of a client reservation, whatever its status, if the caller may act on it.
    func existingReservation(store: String, id: String) -> Result<Int32, EngineError> {
        if let error = Validation.identifier(id, field: "reservationID", maxBytes: Limits.reservationIDMaxBytes) {
            return .failure(error)
        }
        switch existingStore(store) {
        case .success(let storeIndex):
            guard let slot = reservations.slot(store: storeIndex, id: id) else {
                return .failure(.unknownReservation(id: id))
            }
            if let error = ownershipError(entity: "reservation", id: id, owner: reservations[slot].owner) {
                return .failure(error)
            }
            return .success(slot)
        case .failure(let error): return .failure(error)
        }
    }

    /// The slot of an active reservation whose deadline has not passed. One past
    /// its deadline is expired here (a logged change) and answered as expired.
    private mutating func activeReservation(store: String, id: String) -> Result<Int32, EngineError> {
        switch existingReservation(store: store, id: id) {
        case .success(let slot):
            if let error = requireActive(slot) { return .failure(error) }
            return .success(slot)
        case .failure(let error): return .failure(error)
        }
    }

    private mutating func requireActive(_ slot: Int32) -> EngineError? {
        let record = reservations[slot]
        guard record.status == .active else { return .reservationNotActive(id: record.id, status: record.status) }
        guard record.deadline > now else {
            expireReservation(slot)
            return .reservationExpired(id: record.id)
        }
        return nil
    }

    /// Ends an active reservation at its deadline: gives back its stock, and for
    /// a cart hold, detaches it from the cart and frees it.
    mutating func expireReservation(_ slot: Int32) {
        beginChange()
        let record = reservations[slot]
        applyToRecords(of: record.lines) { stockRecord, quantity in stockRecord.reserved -= quantity }
        reservations.finish(slot, status: .expired, at: now)
        emitStockChanged(chain: record.lines, availableSign: 1)
        if record.isCartHold {
            carts[record.cart].hold = noSlot
            lines.free(chainStartingAt: record.lines.first)
            reservations.free(slot)
            emit(store: record.store, .cartHoldExpired(cartID: record.id))
        } else {
            emit(store: record.store, .reservationExpired(reservationID: record.id))
        }
    }

    /// Frees the oldest finished client reservation, making room for a new one.
    mutating func purgeOldestFinishedReservation() {
        guard let entry = reservations.finished.popFront() else { return }
        lines.free(chainStartingAt: reservations[entry.slot].lines.first)
        reservations.free(entry.slot)
    }

    func reservationView(_ slot: Int32, replayed: Bool) -> ReservationView {
        let record = reservations[slot]
        return ReservationView(
            reservationID: record.id, owner: record.owner, status: record.status, deadline: record.deadline,
            allocations: allocations(of: record.lines), orderID: record.orderID, replayed: replayed)
    }
}
