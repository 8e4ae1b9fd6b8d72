import Engine

/// What a token's `role` claim may say: who the bearer is to the shop.
public enum Role: String, Sendable, CaseIterable {
    /// A shopper: reads stock, holds stock, fills carts and places its own orders.
    case customer
    /// Staff of one store: everything in that store, stock included.
    case inventoryManager = "inventory_manager"
    /// The operator: every store (store `*`) and the node-wide stats.
    case admin
}

/// Who a verified token speaks for.
public struct Principal: Sendable, Equatable {
    /// The `sub` claim; for customers this is the customer id their orders carry.
    public var subject: String
    public var role: Role
    /// The `store` claim: one store id, or `*` (every store, admin only).
    public var store: String
    /// The `exp` claim, unix seconds; nil only for `development`.
    public var expiresAt: Int64?

    public init(subject: String, role: Role, store: String, expiresAt: Int64? = nil) {
        self.subject = subject
        self.role = role
        self.store = store
        self.expiresAt = expiresAt
    }

    /// The principal every request runs as when authentication is disabled (`--insecure-disable-auth`).
    public static let development = Principal(subject: "development", role: .admin, store: AuthLimits.everyStore)

    /// Whether the principal may touch every store.
    @inlinable public var coversEveryStore: Bool { IdentifierRule.same(store, AuthLimits.everyStore) }

    /// Who the principal's commands act for in the engine: customers as
    /// themselves (ownership and list prices apply), staff roles as a service.
    public var caller: Caller {
        role == .customer ? .customer(subject) : .service
    }
}

/// The limits tokens are checked against (named once, checked at the edge).
public enum AuthLimits {
    /// The store claim that means every store; allowed for admins only.
    public static let everyStore = "*"
    /// Longest token accepted, in bytes (the wire handshake's credentials limit).
    public static let tokenBytesMax = 8_192
    /// Longest `sub` claim, in bytes.
    public static let subjectBytesMax = 256
    /// Default clock leeway for `exp` and `nbf`, in seconds.
    public static let leewaySecondsDefault: Int64 = 30
    /// Longest lifetime `TokenIssuer` and `holdfast token create` give a token: 30 days.
    public static let ttlSecondsMax: Int64 = 30 * 86_400
    /// Deepest nesting of JSON in a token's header or claims.
    public static let jsonDepthMax = 8

    /// Whether `store` is a store id by the engine's id rule (`IdentifierRule`).
    public static func isValidStoreID(_ store: String) -> Bool {
        IdentifierRule.problem(store, maxBytes: Limits.storeIDMaxBytes) == nil
    }

    /// Why `subject` cannot be a token's `sub`, or nil: the id rule, at most
    /// `subjectBytesMax` bytes. A customer's `sub` is its customer id, so it
    /// must also fit `Limits.customerIDMaxBytes` (checked by the verifier).
    public static func subjectProblem(_ subject: String, role: Role) -> String? {
        let maxBytes = role == .customer ? min(subjectBytesMax, Limits.customerIDMaxBytes) : subjectBytesMax
        return IdentifierRule.problem(subject, maxBytes: maxBytes)
    }
}
