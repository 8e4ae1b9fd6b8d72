/// How a frontend (REST, wire) authenticates requests.
public enum Authenticator: Sendable {
    /// `--insecure-disable-auth`: no token needed; every request runs as `Principal.development`.
    case disabled
    /// Bearer tokens checked by the verifier.
    case tokens(TokenVerifier)

    /// The principal for a bearer token (nil or empty when none was sent) at `now` (unix seconds).
    public func authenticate(bearer: String?, now: Int64) -> Result<Principal, AuthFailure> {
        switch self {
        case .disabled:
            return .success(.development)
        case .tokens(let verifier):
            guard let bearer, !bearer.isEmpty else { return .failure(.missingToken) }
            return verifier.verify(bearer, now: now)
        }
    }

    /// Whether requests are checked at all.
    public var isEnabled: Bool {
        if case .disabled = self { return false }
        return true
    }
}
