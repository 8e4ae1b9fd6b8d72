@testable import Engine

extension ReferenceModel {
    mutating func reserve(_ command: Reserve) -> Outcome {
        if let error = validate(command) ?? existingStore(command.store) { return .failure(error) }
        let owner: String?
        switch newOwner(stated: command.owner) {
        case .success(let resolved): owner = resolved
        case .failure(let error): return .failure(error)
        }
        let key = ModelKey(store: command.store, name: command.reservationID)
        if let existing = reservations[key] {
            if let error = ownerError(entity: "reservation", id: command.reservationID, owner: existing.owner) {
                return .failure(error)
            }
            guard existing.request == command else { return .failure(.idempotencyConflict(key: command.reservationID)) }
            return .success(.reservation(view(existing, replayed: true)))
        }
        if reservationCount >= limits.reservationsPerShardMax && finishedReservations.isEmpty {
            return .failure(.limitReached(.reservations))
        }
        let lines = command.lines.map { ModelAllocationLine(sku: $0.sku, location: $0.location, quantity: $0.quantity) }
        let allocated: (store: ModelStore, taken: [OrderLine])
        switch allocate(lines, in: stores[command.store]!, into: .reserved) {
        case .success(let result): allocated = result
        case .failure(let error): return .failure(error)
        }

        changed = true
        stores[command.store] = allocated.store
        if reservationCount >= limits.reservationsPerShardMax {
            notable["evicted finished reservation", default: 0] += 1
            purgeOldestFinishedReservation()
        }
        let reservation = ModelReservation(
            request: command, owner: owner, status: .active, deadline: deadline(afterSeconds: command.ttlSeconds),
            finishedAt: 0, allocations: allocated.taken.map(LineAllocation.init), orderID: nil, slot: takeSlot())
        reservations[key] = reservation
        return .success(.reservation(view(reservation, replayed: false)))
    }

    mutating func extendReservation(_ command: ExtendReservation) -> Outcome {
        if let error = ModelValidation.ttl(command.ttlSeconds) { return .failure(error) }
        let key = ModelKey(store: command.store, name: command.reservationID)
        if let error = existingReservationError(store: command.store, id: command.reservationID)
            ?? activeReservationError(key)
        {
            return .failure(error)
        }
        changed = true
        reservations[key]!.deadline = deadline(afterSeconds: command.ttlSeconds)
        return .success(.reservation(view(reservations[key]!, replayed: false)))
    }

    mutating func releaseReservation(_ command: ReservationReference) -> Outcome {
        if let error = existingReservationError(store: command.store, id: command.reservationID) {
            return .failure(error)
        }
        let key = ModelKey(store: command.store, name: command.reservationID)
        let reservation = reservations[key]!
        switch reservation.status {
        case .released: return .success(.reservation(view(reservation, replayed: true)))
        case .confirmed, .expired:
            return .failure(.reservationNotActive(id: command.reservationID, status: reservation.status))
        case .active: break
        }
        changed = true
        move(reservation.allocations, store: command.store, from: .reserved, to: nil)
        finishReservation(key, status: .released)
        return .success(.reservation(view(reservations[key]!, replayed: false)))
    }

    mutating func confirmReservation(_ command: ConfirmReservation) -> Outcome {
        if let error = ModelValidation.terms(command.terms) ?? namedCustomerError(command.terms.customerID)
            ?? existingReservationError(store: command.store, id: command.reservationID)
        {
            return .failure(error)
        }
        let key = ModelKey(store: command.store, name: command.reservationID)
        let origin = ModelOrderOrigin.reservation(command.reservationID, command.terms)
        if let replay = replayExistingOrder(store: command.store, orderID: command.terms.orderID, origin: origin) {
            return replay
        }
        if let error = activeReservationError(key) ?? orderCapacityError() { return .failure(error) }
        let allocations = reservations[key]!.allocations
        let terms: OrderTerms
        switch listPricedTerms(command.terms, store: command.store, skus: allocations.map(\.sku)) {
        case .success(let priced): terms = priced
        case .failure(let error): return .failure(error)
        }
        if let missing = allocations.first(where: { price(of: $0.sku, in: terms) == nil }) {
            return .failure(.missingPrice(sku: missing.sku))
        }
        let lines = allocations.map {
            OrderLine(
                sku: $0.sku, location: $0.location, quantity: $0.quantity,
                unitPriceMinor: price(of: $0.sku, in: terms)!)
        }
        let totals: OrderTotals
        switch orderTotals(lines: lines, terms: terms) {
        case .success(let computed): totals = computed
        case .failure(let error): return .failure(error)
        }

        changed = true
        move(allocations, store: command.store, from: .reserved, to: .committed)
        finishReservation(key, status: .confirmed)
        reservations[key]!.orderID = command.terms.orderID
        let order = ModelOrder(
            origin: origin, placedBy: caller, customerID: command.terms.customerID, status: .placed, lines: lines,
            totals: totals, placedAt: clock, reservationID: command.reservationID)
        insertOrder(order, store: command.store, id: command.terms.orderID)
        return .success(.order(view(order, id: command.terms.orderID, replayed: false)))
    }

    func getReservation(_ query: ReservationReference) -> Outcome {
        if let error = existingReservationError(store: query.store, id: query.reservationID) { return .failure(error) }
        let reservation = reservations[ModelKey(store: query.store, name: query.reservationID)]!
        return .success(.reservation(view(reservation, replayed: false)))
    }

    // MARK: Expiry and retention

    /// Gives back an active reservation's stock and marks it finished.
    mutating func expireReservation(_ key: ModelKey) {
        changed = true
        move(reservations[key]!.allocations, store: key.store, from: .reserved, to: nil)
        finishReservation(key, status: .expired)
    }

    mutating func purgeOldestFinishedReservation() {
        guard !finishedReservations.isEmpty else { return }
        let key = finishedReservations.removeFirst()
        freeSlot(reservations[key]!.slot)
        reservations[key] = nil
    }

    // MARK: Helpers

    func view(_ reservation: ModelReservation, replayed: Bool) -> ReservationView {
        ReservationView(
            reservationID: reservation.request.reservationID, owner: reservation.owner,
            status: reservation.status, deadline: reservation.deadline,
            allocations: AllocationList(reservation.allocations), orderID: reservation.orderID, replayed: replayed)
    }

    private mutating func finishReservation(_ key: ModelKey, status: ReservationStatus) {
        reservations[key]!.status = status
        reservations[key]!.finishedAt = clock
        finishedReservations.append(key)
    }

    /// Nil when the reservation exists and the caller may act on it.
    private func existingReservationError(store: String, id: String) -> EngineError? {
        if let error = ModelValidation.identifier(id, field: "reservationID", maxBytes: Limits.reservationIDMaxBytes)
            ?? existingStore(store)
        {
            return error
        }
        guard let reservation = reservations[ModelKey(store: store, name: id)] else {
            return .unknownReservation(id: id)
        }
        return ownerError(entity: "reservation", id: id, owner: reservation.owner)
    }

    /// Active and not past its deadline; one past it is expired here (a change).
    private mutating func activeReservationError(_ key: ModelKey) -> EngineError? {
        let reservation = reservations[key]!
        guard reservation.status == .active else {
            return .reservationNotActive(id: key.name, status: reservation.status)
        }
        guard reservation.deadline > clock else {
            notable["expired on touch", default: 0] += 1
            expireReservation(key)
            return .reservationExpired(id: key.name)
        }
        return nil
    }

    private func validate(_ command: Reserve) -> EngineError? {
        if let error = ModelValidation.identifier(
            command.reservationID, field: "reservationID", maxBytes: Limits.reservationIDMaxBytes)
            ?? ModelValidation.optionalIdentifier(command.owner, field: "owner", maxBytes: Limits.ownerMaxBytes)
            ?? ModelValidation.ttl(command.ttlSeconds)
            ?? ModelValidation.lineCount(command.lines.count, max: Limits.reservationLinesMax)
        {
            return error
        }
        for line in command.lines {
            if let error = ModelValidation.sku(line.sku) ?? ModelValidation.location(line.location)
                ?? ModelValidation.lineQuantity(line.quantity)
            {
                return error
            }
        }
        return nil
    }
}
