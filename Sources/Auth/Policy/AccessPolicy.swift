import Engine

/// Who may do what (docs/operations.md, "Authentication and access").
///
/// Store scope first: a principal whose store is not `*` touches only its own
/// store, and `*` counts only for admins; store ids are compared byte for byte.
/// Then the role: admins and inventory managers may run every command in scope;
/// customers only the commands `Command.isOpenToCustomers` names. Which cart,
/// reservation or order a customer may touch, and at what price, is the state
/// machine's rule (it gets the principal's `caller`), so every adapter applies
/// it the same way. The allowed path neither allocates nor formats: reasons are
/// built only when access is denied.
public enum AccessPolicy {
    /// Whether `principal` may run `command`.
    public static func check(_ principal: Principal, _ command: Command) -> AccessDecision {
        guard let store = command.store else { return .denied("\(command.operationName) is internal to the engine") }
        if !covers(principal, store: store) {
            return .denied(outOfScope(principal, store: store, operation: command.operationName))
        }
        switch principal.role {
        case .admin, .inventoryManager: return .allowed
        case .customer:
            return command.isOpenToCustomers
                ? .allowed : .denied("role customer may not \(command.operationName)")
        }
    }

    /// Whether `principal` may read the event feed, of one store or (nil) of every store.
    public static func checkEvents(_ principal: Principal, store: String?) -> AccessDecision {
        if principal.role == .customer { return .denied("role customer may not read events") }
        guard let store else {
            return isEveryStoreAdmin(principal)
                ? .allowed : .denied("a token for store '\(principal.store)' must name its store to read events")
        }
        return covers(principal, store: store)
            ? .allowed : .denied(outOfScope(principal, store: store, operation: "events"))
    }

    /// Whether `principal` may read the node-wide stats (counters of every store): admins only.
    public static func checkStats(_ principal: Principal) -> AccessDecision {
        principal.role == .admin ? .allowed : .denied("role \(principal.role.rawValue) may not read node-wide stats")
    }

    // MARK: Pieces

    @inline(__always)
    static func covers(_ principal: Principal, store: String) -> Bool {
        isEveryStoreAdmin(principal) || IdentifierRule.same(principal.store, store)
    }

    @inline(__always)
    static func isEveryStoreAdmin(_ principal: Principal) -> Bool {
        principal.role == .admin && principal.coversEveryStore
    }

    private static func outOfScope(_ principal: Principal, store: String, operation: String) -> String {
        "a token for store '\(principal.store)' may not \(operation) in store '\(store)'"
    }
}
