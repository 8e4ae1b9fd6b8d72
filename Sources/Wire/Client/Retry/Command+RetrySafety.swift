extension Command {
    /// Whether sending this command again, after a connection was lost before its
    /// reply, cannot apply it twice. `HoldfastClient` repeats such commands after
    /// connection loss, and only such commands.
    ///
    /// The rule:
    /// - Commands that name the entity they create are safe: `reserve`
    ///   (`reservationID`), `confirmReservation` and `checkoutCart`
    ///   (`terms.orderID`), `placeOrder` (`orderID`). A repeat is answered with
    ///   the first result (`replayed`), or `idempotencyConflict` if the content differs.
    /// - Commands that change by a relative amount or move an entity along are
    ///   safe only with a `requestKey`: `setStock`, `adjustStock`,
    ///   `setLocationPriority`, `extendReservation`, `addCartItem`, `payOrder`,
    ///   `fulfillOrder`, `cancelOrder`.
    /// - Commands idempotent by nature are safe: `releaseReservation`,
    ///   `setCartItem`, `removeCartItem`, `clearCart`, `configureCart`, `setPrice`, and every query.
    /// - `advanceTime` is the server's own and never sent.
    ///
    /// (`busy` is retried for every command: a refused command did nothing.)
    public var isSafeToRepeat: Bool {
        switch self {
        case .advanceTime: false
        case .reserve, .confirmReservation, .checkoutCart, .placeOrder: true
        case .setStock(let command): command.requestKey != nil
        case .adjustStock(let command): command.requestKey != nil
        case .setLocationPriority(let command): command.requestKey != nil
        case .extendReservation(let command): command.requestKey != nil
        case .addCartItem(let command): command.requestKey != nil
        case .payOrder(let command), .fulfillOrder(let command), .cancelOrder(let command): command.requestKey != nil
        case .releaseReservation, .setCartItem, .removeCartItem, .clearCart, .configureCart, .setPrice: true
        case .getStock, .checkAvailability, .getReservation, .getCart, .getOrder, .listOrders, .getPrice: true
        }
    }
}
