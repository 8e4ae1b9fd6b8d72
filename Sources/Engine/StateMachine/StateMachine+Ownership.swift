// Ownership: which carts, reservations and orders a customer caller may touch
// (docs/semantics.md, "Callers"). A service caller may touch all of its store's.
extension StateMachine {
    /// Nil when the current caller may act on an entity owned by `owner`
    /// (nil: anonymous cart or service reservation, owned by no customer).
    @inline(__always)
    func ownershipError(entity: String, id: String, owner: String?) -> EngineError? {
        guard case .customer(let customer) = caller else { return nil }
        if let owner, IdentifierRule.same(owner, customer) { return nil }
        return .notOwner(entity: entity, id: id)
    }

    /// Nil when the current caller may name `customerID` in a command (its own id,
    /// for a customer).
    @inline(__always)
    func customerIDError(_ customerID: String) -> EngineError? {
        guard case .customer(let customer) = caller else { return nil }
        if IdentifierRule.same(customerID, customer) { return nil }
        return .notOwner(entity: "customer", id: customerID)
    }

    /// The owner a customer's new reservation or cart gets: the customer; for a
    /// service caller, what the command says.
    @inline(__always)
    func ownerForNewEntity(stated: String?) -> Result<String?, EngineError> {
        guard case .customer(let customer) = caller else { return .success(stated) }
        if let stated, !IdentifierRule.same(stated, customer) {
            return .failure(.notOwner(entity: "owner", id: stated))
        }
        return .success(customer)
    }
}
