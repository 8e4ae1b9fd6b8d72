import Engine
import CHoldfastSupport

/// Makes signed tokens: for `holdfast token create`, tests and tools.
/// The server itself only verifies.
public enum TokenIssuer {
    /// Why a token could not be made; safe to print.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// An HS256 token for `subject` as `role` in `store`, valid from `now` for `ttlSeconds`.
    /// - Throws: `Failure` when the TTL is outside 1...`AuthLimits.ttlSecondsMax`, the secret is
    ///   shorter than `TokenKeys.secretBytesMin`, a claim is invalid, or OpenSSL fails.
    public static func hs256(
        subject: String, role: Role, store: String, ttlSeconds: Int64, now: Int64, secret: [UInt8],
        issuer: String? = nil, audience: String? = nil
    ) throws(Failure) -> String {
        guard secret.count >= TokenKeys.secretBytesMin else {
            throw Failure(description: "the HS256 secret must be at least \(TokenKeys.secretBytesMin) bytes")
        }
        let claims = try claimsJSON(
            subject: subject, role: role, store: store, ttlSeconds: ttlSeconds, now: now, issuer: issuer,
            audience: audience)
        let signingInput = Array((encodedHeader("HS256") + "." + Base64URL.encode(Array(claims.utf8))).utf8)
        guard let mac = HMACSHA256.mac(key: secret, message: signingInput) else {
            throw Failure(description: "HMAC-SHA256 failed in OpenSSL")
        }
        return String(decoding: signingInput, as: UTF8.self) + "." + Base64URL.encode(mac)
    }

    /// An RS256 token, signed with an unencrypted RSA private key in PEM (PKCS#8 or PKCS#1).
    /// - Throws: `Failure` as `hs256`, or when the PEM is not an RSA private key of at least 2,048 bits.
    public static func rs256(
        subject: String, role: Role, store: String, ttlSeconds: Int64, now: Int64, privateKeyPEM: String,
        issuer: String? = nil, audience: String? = nil
    ) throws(Failure) -> String {
        guard let key = RSAKey(privateKeyPEM: privateKeyPEM) else {
            throw Failure(description: "not an unencrypted PEM RSA private key of at least 2048 bits")
        }
        let claims = try claimsJSON(
            subject: subject, role: role, store: store, ttlSeconds: ttlSeconds, now: now, issuer: issuer,
            audience: audience)
        let signingInput = Array((encodedHeader("RS256") + "." + Base64URL.encode(Array(claims.utf8))).utf8)
        guard let signature = key.sign(signingInput) else {
            throw Failure(description: "RSA signing failed in OpenSSL")
        }
        return String(decoding: signingInput, as: UTF8.self) + "." + Base64URL.encode(signature)
    }

    /// A fresh RSA key pair as PEM texts (private: PKCS#8, public: SubjectPublicKeyInfo).
    public static func generateRSAKeyPair(bits: Int = 2_048) throws(Failure) -> (
        privateKeyPEM: String, publicKeyPEM: String
    ) {
        guard (2_048...8_192).contains(bits) else {
            throw Failure(description: "RSA key size must be 2048...8192 bits")
        }
        let capacity = 16_384
        var privateText = [CChar](repeating: 0, count: capacity)
        var publicText = [CChar](repeating: 0, count: capacity)
        guard holdfast_rsa_generate_pem(Int32(bits), &privateText, capacity, &publicText, capacity) == 1 else {
            throw Failure(description: "RSA key generation failed in OpenSSL")
        }
        let privatePEM = String(decoding: privateText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let publicPEM = String(decoding: publicText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (privatePEM, publicPEM)
    }

    // MARK: Encoding

    private static func encodedHeader(_ algorithm: String) -> String {
        Base64URL.encode(Array("{\"alg\":\"\(algorithm)\",\"typ\":\"JWT\"}".utf8))
    }

    private static func claimsJSON(
        subject: String, role: Role, store: String, ttlSeconds: Int64, now: Int64, issuer: String?, audience: String?
    ) throws(Failure) -> String {
        guard (1...AuthLimits.ttlSecondsMax).contains(ttlSeconds) else {
            throw Failure(description: "TTL must be 1...\(AuthLimits.ttlSecondsMax) seconds")
        }
        if let problem = AuthLimits.subjectProblem(subject, role: role) {
            throw Failure(description: "subject \(problem)")
        }
        if IdentifierRule.same(store, AuthLimits.everyStore) {
            guard role == .admin else { throw Failure(description: "store '*' is for the admin role only") }
        } else if !AuthLimits.isValidStoreID(store) {
            throw Failure(
                description: "store must be '*' or a store id (1...64 bytes of NFC UTF-8, no control or invisible characters)")
        }
        guard now <= Int64.max - ttlSeconds else { throw Failure(description: "now is out of range") }
        var members = [
            "\"sub\":\(quoted(subject))", "\"role\":\(quoted(role.rawValue))", "\"store\":\(quoted(store))",
            "\"iat\":\(now)", "\"exp\":\(now + ttlSeconds)",
        ]
        if let issuer { members.append("\"iss\":\(quoted(issuer))") }
        if let audience { members.append("\"aud\":\(quoted(audience))") }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
