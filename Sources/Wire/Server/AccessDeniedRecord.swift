import Auth

/// One refusal for the access log: a handshake whose token was refused
/// (`authentication`, like HTTP 401) or operations the token does not allow
/// (`authorization`, like HTTP 403, wire code 510). Holds no token and no secret.
public struct AccessDeniedRecord: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The handshake was refused (AUTHENTICATION_FAILED, 506); the connection closes.
        case authentication
        /// Operations were refused (ACCESS_DENIED, 510); the connection stays open.
        case authorization
    }

    public var kind: Kind
    public var connectionID: UInt64
    /// The client id the hello named.
    public var clientID: String
    /// The peer's address ("127.0.0.1:52110", "[::1]:52110", "unix" for a Unix-socket client), nil when unknown.
    public var peerAddress: String?
    /// Who the token speaks for; nil when the handshake was refused.
    public var principal: Principal?
    /// `hello`, `events`, `stats` or a command name (`setStock`, …).
    public var operation: String
    /// Items of the frame refused (the record names the first one's operation and reason).
    public var deniedItems: Int
    public var reason: String

    public init(
        kind: Kind, connectionID: UInt64, clientID: String, peerAddress: String?, principal: Principal?,
        operation: String, deniedItems: Int = 1, reason: String
    ) {
        self.kind = kind
        self.connectionID = connectionID
        self.clientID = clientID
        self.peerAddress = peerAddress
        self.principal = principal
        self.operation = operation
        self.deniedItems = deniedItems
        self.reason = reason
    }

    /// The HTTP status the refusal corresponds to: 401 or 403.
    public var httpStatus: Int { kind == .authentication ? 401 : 403 }
}
