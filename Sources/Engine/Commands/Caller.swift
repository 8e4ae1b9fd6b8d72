/// Who a command acts for, as the adapter that authenticated it says.
///
/// The state machine enforces ownership and prices with it, so the wire
/// protocol and the REST API apply one rule (docs/semantics.md, "Callers"):
/// - `service` is a trusted backend (an admin or inventory-manager token, the
///   CLI, a node without authentication): it may act on any cart, reservation
///   and order of its store and may state prices;
/// - `customer(id)` is a shopper: it acts only on what it owns, and every price
///   comes from the store's price list.
///
/// A customer caller is part of the log record, so replay decides exactly as
/// the first run did.
public enum Caller: Sendable, Equatable, Hashable {
    case service
    case customer(String)

    /// The customer's id, or nil for a service caller.
    public var customerID: String? {
        if case .customer(let id) = self { return id }
        return nil
    }
}
