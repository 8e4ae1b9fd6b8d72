extension HoldfastClient {
    /// Creates a cart or changes its settings (idempotent).
    public func configureCart(_ command: ConfigureCart) async throws(HoldfastClientError) -> CartView {
        try await run(.configureCart(command)) { if case .cart(let view) = $0 { view } else { nil } }
    }

    /// Adds quantity of a SKU to a cart, creating the cart if needed. Retried
    /// after connection loss only with a `requestKey`.
    public func addCartItem(_ command: AddCartItem) async throws(HoldfastClientError) -> CartView {
        try await run(.addCartItem(command)) { if case .cart(let view) = $0 { view } else { nil } }
    }

    /// Sets a cart line's quantity; 0 removes the line (idempotent).
    public func setCartItem(_ command: SetCartItem) async throws(HoldfastClientError) -> CartView {
        try await run(.setCartItem(command)) { if case .cart(let view) = $0 { view } else { nil } }
    }

    /// Removes a cart line (idempotent; no error if the line is not there).
    public func removeCartItem(_ command: RemoveCartItem) async throws(HoldfastClientError) -> CartView {
        try await run(.removeCartItem(command)) { if case .cart(let view) = $0 { view } else { nil } }
    }

    /// Empties a cart (idempotent); answered with the cart and no lines.
    public func clearCart(_ reference: CartReference) async throws(HoldfastClientError) -> CartView {
        try await run(.clearCart(reference)) { if case .cart(let view) = $0 { view } else { nil } }
    }

    /// Turns a cart into an order and removes the cart; `terms.orderID` makes it safe to repeat.
    ///
    /// - Throws: `engine(.cartEmpty | .missingPrice | .insufficientStock …)`.
    public func checkoutCart(_ command: CheckoutCart) async throws(HoldfastClientError) -> OrderView {
        try await run(.checkoutCart(command)) { if case .order(let view) = $0 { view } else { nil } }
    }

    /// A cart's lines, settings and hold.
    ///
    /// - Throws: `engine(.unknownCart …)`.
    public func getCart(_ reference: CartReference) async throws(HoldfastClientError) -> CartView {
        try await run(.getCart(reference)) { if case .cart(let view) = $0 { view } else { nil } }
    }
}
