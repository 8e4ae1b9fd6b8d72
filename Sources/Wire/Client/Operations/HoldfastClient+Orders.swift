extension HoldfastClient {
    /// Places an order from priced lines, committing stock for all or none;
    /// `orderID` makes it safe to repeat.
    ///
    /// - Throws: `engine(.insufficientStock | .invalidCurrency | .idempotencyConflict …)`.
    public func placeOrder(_ command: PlaceOrder) async throws(HoldfastClientError) -> OrderView {
        try await run(.placeOrder(command)) { if case .order(let view) = $0 { view } else { nil } }
    }

    /// Marks an order paid. Retried after connection loss only with a `requestKey`.
    ///
    /// - Throws: `engine(.unknownOrder | .invalidTransition …)`.
    public func pay(_ transition: OrderTransition) async throws(HoldfastClientError) -> OrderView {
        try await run(.payOrder(transition)) { if case .order(let view) = $0 { view } else { nil } }
    }

    /// Marks an order fulfilled. Retried after connection loss only with a `requestKey`.
    public func fulfill(_ transition: OrderTransition) async throws(HoldfastClientError) -> OrderView {
        try await run(.fulfillOrder(transition)) { if case .order(let view) = $0 { view } else { nil } }
    }

    /// Cancels an order, returning its stock. Retried after connection loss only with a `requestKey`.
    public func cancel(_ transition: OrderTransition) async throws(HoldfastClientError) -> OrderView {
        try await run(.cancelOrder(transition)) { if case .order(let view) = $0 { view } else { nil } }
    }

    /// One order.
    ///
    /// - Throws: `engine(.unknownOrder …)`.
    public func getOrder(_ reference: OrderReference) async throws(HoldfastClientError) -> OrderView {
        try await run(.getOrder(reference)) { if case .order(let view) = $0 { view } else { nil } }
    }

    /// A page of one customer's orders, oldest first.
    public func listOrders(_ query: OrderListQuery) async throws(HoldfastClientError) -> OrderPage {
        try await run(.listOrders(query)) { if case .orders(let page) = $0 { page } else { nil } }
    }
}
