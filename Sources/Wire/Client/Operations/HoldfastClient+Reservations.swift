extension HoldfastClient {
    /// Holds stock for all lines or none until `ttlSeconds` from now. The
    /// `reservationID` makes it safe to repeat: a repeat answers the first result.
    ///
    /// - Throws: `engine(.insufficientStock …)`, `engine(.idempotencyConflict …)` when
    ///   the id was used with other lines.
    public func reserve(_ command: Reserve) async throws(HoldfastClientError) -> ReservationView {
        try await run(.reserve(command)) { if case .reservation(let view) = $0 { view } else { nil } }
    }

    /// Moves an active reservation's deadline to `ttlSeconds` from now. Retried
    /// after connection loss only with a `requestKey`.
    ///
    /// - Throws: `engine(.unknownReservation | .reservationNotActive | .reservationExpired …)`.
    public func extend(_ command: ExtendReservation) async throws(HoldfastClientError) -> ReservationView {
        try await run(.extendReservation(command)) { if case .reservation(let view) = $0 { view } else { nil } }
    }

    /// Releases a reservation's stock (idempotent: releasing again succeeds).
    public func release(_ reference: ReservationReference) async throws(HoldfastClientError) -> ReservationView {
        try await run(.releaseReservation(reference)) { if case .reservation(let view) = $0 { view } else { nil } }
    }

    /// Turns an active reservation into an order; `terms.orderID` makes it safe to repeat.
    ///
    /// - Returns: the order placed.
    /// - Throws: `engine(.missingPrice | .reservationNotActive | .reservationExpired …)`.
    public func confirm(_ command: ConfirmReservation) async throws(HoldfastClientError) -> OrderView {
        try await run(.confirmReservation(command)) { if case .order(let view) = $0 { view } else { nil } }
    }

    /// A reservation's current state.
    ///
    /// - Throws: `engine(.unknownReservation …)`.
    public func getReservation(_ reference: ReservationReference) async throws(HoldfastClientError) -> ReservationView {
        try await run(.getReservation(reference)) { if case .reservation(let view) = $0 { view } else { nil } }
    }
}
