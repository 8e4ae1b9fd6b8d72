/// The answer of `AccessPolicy`: allowed, or denied with a reason (HTTP 403, wire code 510).
public enum AccessDecision: Sendable, Equatable {
    case allowed
    /// The reason is safe to log and to send: it names the role, store and operation, never a token.
    case denied(String)

    @inlinable public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}
