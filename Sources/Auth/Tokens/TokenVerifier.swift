import Engine
/// Checks compact JWS tokens (RFC 7515/7519) signed with HS256 or RS256 and
/// turns their claims into a `Principal`.
///
/// The rules, in order: at most `AuthLimits.tokenBytesMax` bytes; three strict
/// base64url parts; a JSON header whose `alg` matches a configured key (`none`
/// and everything else refused) and whose `typ`, if present, is "JWT"; the
/// signature, compared in constant time; then the claims: `sub`, `role`,
/// `store`, integer `exp` (required), integer `nbf`/`iat` (optional), and
/// `iss`/`aud` when configured.
///
/// A token accepted once is remembered (`VerifiedTokenCache`): later uses of
/// the same token only check its `exp` and `nbf` against the clock.
public struct TokenVerifier: Sendable {
    public let keys: TokenKeys
    public let issuer: String?
    public let audience: String?
    public let leewaySeconds: Int64
    let verified = VerifiedTokenCache()

    public init(
        keys: TokenKeys, issuer: String? = nil, audience: String? = nil,
        leewaySeconds: Int64 = AuthLimits.leewaySecondsDefault
    ) {
        precondition(leewaySeconds >= 0, "leeway is not negative")
        self.keys = keys
        self.issuer = issuer
        self.audience = audience
        self.leewaySeconds = leewaySeconds
    }

    /// The principal `token` speaks for at `now` (unix seconds), or why it was refused.
    public func verify(_ token: String, now: Int64) -> Result<Principal, AuthFailure> {
        do throws(AuthFailure) {
            if let known = verified.entry(for: token) {
                try checkTimes(of: known, now: now)
                return .success(known.principal)
            }
            let claims = try verifiedClaims(Array(token.utf8))
            let entry = try principal(from: claims)
            try checkTimes(of: entry, now: now)
            verified.insert(entry, for: token)
            return .success(entry.principal)
        } catch {
            return .failure(error)
        }
    }

    // MARK: Structure and signature

    private func verifiedClaims(_ token: [UInt8]) throws(AuthFailure) -> [String: JSONValue] {
        guard !token.isEmpty else { throw .missingToken }
        guard token.count <= AuthLimits.tokenBytesMax else {
            throw .malformedToken("longer than \(AuthLimits.tokenBytesMax) bytes")
        }
        let parts = token.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw .malformedToken("expected three dot-separated parts, got \(parts.count)") }
        let header = try Self.jsonObject(parts[0], part: "header")
        let algorithm = try checkHeader(header)
        guard let signature = Base64URL.decode(parts[2]) else { throw .malformedToken("signature is not base64url") }
        let signingInput = token[..<(parts[1].endIndex)]
        guard Self.signatureMatches(algorithm, keys: keys, input: signingInput, signature: signature) else {
            throw .badSignature
        }
        return try Self.jsonObject(parts[1], part: "claims")
    }

    private static func jsonObject(_ part: ArraySlice<UInt8>, part name: String) throws(AuthFailure) -> [String:
        JSONValue]
    {
        guard let bytes = Base64URL.decode(part) else { throw .malformedToken("\(name) is not base64url") }
        do throws(StrictJSON.Failure) {
            return try StrictJSON.parseObject(bytes)
        } catch {
            throw .malformedToken("\(name) is not a JSON object (\(error.reason))")
        }
    }

    private enum Algorithm { case hs256, rs256 }

    private func checkHeader(_ header: [String: JSONValue]) throws(AuthFailure) -> Algorithm {
        guard case .string(let name)? = header["alg"] else { throw .malformedToken("header has no string 'alg'") }
        let algorithm: Algorithm
        switch name {
        case "HS256" where keys.hmacSecret != nil: algorithm = .hs256
        case "RS256" where keys.rsaPublicKey != nil: algorithm = .rs256
        default: throw .unsupportedAlgorithm(Self.printable(name))
        }
        if let type = header["typ"], type != .string("JWT") { throw .malformedToken("header 'typ' is not \"JWT\"") }
        if header["crit"] != nil { throw .malformedToken("header 'crit' extensions are not supported") }
        return algorithm
    }

    private static func signatureMatches(
        _ algorithm: Algorithm, keys: TokenKeys, input: ArraySlice<UInt8>, signature: [UInt8]
    ) -> Bool {
        switch algorithm {
        case .hs256:
            guard let secret = keys.hmacSecret, let expected = HMACSHA256.mac(key: secret, message: input) else {
                return false
            }
            return HMACSHA256.constantTimeEqual(expected, signature)
        case .rs256:
            return keys.rsaPublicKey?.verify(input, signature: signature) ?? false
        }
    }

    /// At most 32 printable ASCII characters of a token's text, for failure reasons.
    static func printable(_ text: String) -> String {
        let scalars = text.unicodeScalars.prefix(32).map { $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?" }
        return String(String.UnicodeScalarView(scalars))
    }

    // MARK: Claims

    /// The principal the claims describe and their `nbf`; the times are checked by `checkTimes`.
    private func principal(from claims: [String: JSONValue]) throws(AuthFailure) -> VerifiedTokenCache.Entry {
        let subject = try Self.string(claims, "sub")
        let roleName = try Self.string(claims, "role")
        guard let role = Role(rawValue: roleName) else {
            throw .invalidClaims("'role' must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let problem = AuthLimits.subjectProblem(subject, role: role) {
            throw .invalidClaims("'sub' \(problem)")
        }
        let store = try Self.string(claims, "store")
        if IdentifierRule.same(store, AuthLimits.everyStore) {
            guard role == .admin else { throw .invalidClaims("store '*' is for the admin role only") }
        } else if !AuthLimits.isValidStoreID(store) {
            throw .invalidClaims("'store' is not a valid store id")
        }
        guard let expiresAt = try Self.integer(claims, "exp") else { throw .invalidClaims("'exp' is required") }
        let notBefore = try Self.integer(claims, "nbf")
        _ = try Self.integer(claims, "iat")
        try checkIssuerAndAudience(claims)
        return VerifiedTokenCache.Entry(
            principal: Principal(subject: subject, role: role, store: store, expiresAt: expiresAt),
            notBefore: notBefore)
    }

    /// Whether `now` lies between the token's `nbf` and `exp`, with the leeway.
    private func checkTimes(of entry: VerifiedTokenCache.Entry, now: Int64) throws(AuthFailure) {
        guard let expiresAt = entry.principal.expiresAt else { throw .invalidClaims("'exp' is required") }
        // Saturating: extreme claims must not trap.
        let expiryWithLeeway = expiresAt > Int64.max - leewaySeconds ? Int64.max : expiresAt + leewaySeconds
        guard now <= expiryWithLeeway else { throw .expired }
        let nowWithLeeway = now > Int64.max - leewaySeconds ? Int64.max : now + leewaySeconds
        if let notBefore = entry.notBefore, notBefore > nowWithLeeway { throw .notYetValid }
    }

    private func checkIssuerAndAudience(_ claims: [String: JSONValue]) throws(AuthFailure) {
        if let issuer, claims["iss"] != .string(issuer) { throw .wrongIssuer }
        guard let audience else { return }
        switch claims["aud"] {
        case .string(let value)? where value == audience: return
        case .array(let values)? where values.contains(.string(audience)): return
        default: throw .wrongAudience
        }
    }

    private static func string(_ claims: [String: JSONValue], _ name: String) throws(AuthFailure) -> String {
        guard let value = claims[name] else { throw .invalidClaims("'\(name)' is required") }
        guard case .string(let text) = value else { throw .invalidClaims("'\(name)' must be a string") }
        return text
    }

    /// An optional integer claim; present but not an integer is an error.
    private static func integer(_ claims: [String: JSONValue], _ name: String) throws(AuthFailure) -> Int64? {
        guard let value = claims[name] else { return nil }
        guard case .integer(let number) = value else { throw .invalidClaims("'\(name)' must be an integer") }
        return number
    }
}
