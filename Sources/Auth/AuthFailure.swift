/// Why a token was refused (HTTP 401, wire code 506).
///
/// Associated texts are written by the verifier and never contain the token,
/// a signature or a key, so `reason` is safe to log and to send to the client.
public enum AuthFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No token was presented.
    case missingToken
    /// Not a compact JWS: three base64url parts of a JSON header and JSON claims.
    case malformedToken(String)
    /// The header's `alg` is not one a key is configured for (`none` never is).
    case unsupportedAlgorithm(String)
    /// The signature does not match the key.
    case badSignature
    /// `exp` (plus the leeway) has passed.
    case expired
    /// `nbf` (minus the leeway) is still in the future.
    case notYetValid
    /// A claim is missing or has the wrong type or value.
    case invalidClaims(String)
    /// `iss` is not the configured issuer.
    case wrongIssuer
    /// `aud` does not name the configured audience.
    case wrongAudience

    /// One line for logs and problem details.
    public var reason: String {
        switch self {
        case .missingToken: "no bearer token was presented"
        case .malformedToken(let detail): "malformed token: \(detail)"
        case .unsupportedAlgorithm(let algorithm): "unsupported token algorithm '\(algorithm)'"
        case .badSignature: "token signature does not verify"
        case .expired: "token has expired"
        case .notYetValid: "token is not valid yet (nbf)"
        case .invalidClaims(let detail): "invalid token claims: \(detail)"
        case .wrongIssuer: "token issuer is not the configured one"
        case .wrongAudience: "token audience does not include the configured one"
        }
    }

    public var description: String { reason }
}
