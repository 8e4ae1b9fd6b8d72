@testable import Auth

/// Secrets, keys and hand-made tokens for the tests.
enum TokenFixtures {
    static let secret = Array("0123456789abcdef0123456789abcdef-test-secret".utf8)
    static let otherSecret = Array("fedcba9876543210fedcba9876543210-other-one".utf8)
    static let now: Int64 = 1_800_000_000

    /// One RSA key pair per test process (generation takes a moment).
    static let rsa = try! TokenIssuer.generateRSAKeyPair()
    static let otherRSA = try! TokenIssuer.generateRSAKeyPair()

    static var hmacVerifier: TokenVerifier { TokenVerifier(keys: try! TokenKeys(hmacSecret: secret)) }
    static var rsaVerifier: TokenVerifier { TokenVerifier(keys: try! TokenKeys(rsaPublicKeyPEM: rsa.publicKeyPEM)) }

    /// A token from any header and claims text, signed with HS256 under `secret`
    /// whatever the header says (for tokens the issuer would never make).
    static func crafted(header: String = #"{"alg":"HS256","typ":"JWT"}"#, claims: String, secret: [UInt8] = secret)
        -> String
    {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(claims.utf8))
        let mac = HMACSHA256.mac(key: secret, message: Array(input.utf8))!
        return input + "." + Base64URL.encode(mac)
    }

    /// Claims text with the usual members; `extra` is appended inside the object.
    static func claims(
        sub: String = "c1", role: String = "customer", store: String = "s1", exp: String? = "\(now + 600)",
        extra: String = ""
    ) -> String {
        var members = [#""sub":"\#(sub)""#, #""role":"\#(role)""#, #""store":"\#(store)""#]
        if let exp { members.append(#""exp":\#(exp)"#) }
        if !extra.isEmpty { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func issue(role: Role = .customer, store: String = "s1", subject: String = "c1", ttl: Int64 = 600) -> String
    {
        try! TokenIssuer.hs256(subject: subject, role: role, store: store, ttlSeconds: ttl, now: now, secret: secret)
    }
}
